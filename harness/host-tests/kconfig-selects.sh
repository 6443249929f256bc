#!/bin/bash
# Host test: LIVEPATCH_WO_FTRACE selects what its code needs (STACKTRACE,
# TRACEPOINTS) in an allnoconfig kernel of the assembled tree.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(bash -c '. "$1/harness/lib.sh"; echo "$KLP_SRC"' - "$top")
[ -f "$src/kernel/livepatch/Kconfig" ] || { echo "kconfig-selects: no assembled tree (make kernel)"; exit 1; }
exec "$top/tools/testing/selftests/livepatch/wo_ftrace/host-kconfig-selects.sh" "$src"
