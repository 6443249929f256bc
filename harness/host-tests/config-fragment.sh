#!/bin/bash
# Host test: every option of the config fragments survived olddefconfig in
# the configurations `make check` built (KLP_CONFIGS).  Symbols that do not
# exist in the tree, and GCC-gated ones when building with GCC, are only
# reported (see harness/config-check.sh).
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
rc=0
for cfg in ${KLP_CONFIGS:-default}; do
    eval "$(KCONFIG=$cfg bash -c '. "$1/harness/lib.sh"; declare -p KLP_KBUILD KLP_SRC KLP_FRAGMENTS' - "$top")"
    if [ ! -f "$KLP_KBUILD/.config" ]; then
        echo "config-fragment: $cfg: no ${KLP_KBUILD#"$top"/}/.config (kernel not built)"
        rc=1
        continue
    fi
    echo "config-fragment: $cfg (${KLP_FRAGMENTS[*]})"
    "$top/harness/config-check.sh" --strict "$KLP_KBUILD/.config" "$KLP_SRC" \
        "${KLP_FRAGMENTS[@]/#/$KLP_SRC/arch/arm64/configs/}" 2>&1 || rc=1
done
exit $rc
