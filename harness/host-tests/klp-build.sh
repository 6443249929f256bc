#!/bin/bash
# klp-build (issues 14, 21): the representative subset of the integration tests
# (harness/klp-build-tests.sh subset): each fix becomes a module with
# scripts/livepatch/klp-build, refusals are checked on the host, and one
# boot of the default kernel checks every module's LOADED test before,
# while and after it is loaded.  `make check-klp-build` runs all cases.
# make check builds the kernels before the host tests: no build here.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/build/kbuild/arch/arm64/boot/Image" ] || {
	echo "SKIP: no default kernel built (make kernel)"
	exit 4
}
KLP_NOBUILD=1 KCONFIG=default exec "$top/harness/klp-build-tests.sh" subset
