#!/bin/bash
# make klp-build: build a livepatch module from source patches against the
# kernel of one configuration (KCONFIG, TOOLCHAIN: see lib.sh).
#
#   PATCH="a.patch [b.patch ...]"  patches (-p1 against the 6.12 tree), required
#   KLP_NAME=name                  module name (default: livepatch-<first patch>)
#   KLP_REPLACE=0                  no atomic replace (--no-replace)
#   KLP_NOBUILD=1                  do not run harness/kernel.sh first (the
#                                  kernel of that configuration must be built)
#   KLP_BUILD_ARGS="..."           extra options for klp-build (-v, -T, -f, -j N)
#   KLP_BUILD_SCRIPT=path          run this klp-build instead of the one in
#                                  build/linux (testing a work tree's copy)
#
# Writes build/klp/<name>.ko.  Exit status 0 only when the module was
# written; otherwise nothing is left in build/klp/ for that name and the
# last line says why.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's klp_log
KLP_TAG=klp-build
# shellcheck source=harness/lib.sh
. "$(dirname "$0")/lib.sh"

fail() { klp_log "ERROR: $*"; echo "klp-build failed: $*" >&2; exit 1; }

read -r -a patches <<< "${PATCH:-}"
[ "${#patches[@]}" -gt 0 ] || fail 'no patch given: make klp-build PATCH="a.patch [b.patch ...]"'
abs=()
for p in "${patches[@]}"; do
    [ -f "$p" ] || fail "$p: no such patch file"
    abs+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
done

name=${KLP_NAME:-}
if [ -z "$name" ]; then
    name=$(basename "${patches[0]}")
    name=${name%.patch}
    name=livepatch-${name%.diff}
fi
name=$(printf '%s' "$name" | tr -c 'A-Za-z0-9_-' '_')
out=$KLP_BUILD/klp/$name.ko
mkdir -p "$KLP_BUILD/klp"
rm -f "$out"

if [ "${KLP_NOBUILD:-0}" != 1 ]; then
    "$KLP_TOP/harness/kernel.sh" >&2 || fail "the kernel ($KCONFIG, $TOOLCHAIN) does not build"
fi
if [ ! -f "$KLP_KBUILD/vmlinux" ] || [ ! -f "$KLP_KBUILD/klp.symbols" ]; then
    fail "${KLP_KBUILD#"$KLP_TOP"/} has no built kernel (run make kernel KCONFIG=$KCONFIG, or drop KLP_NOBUILD)"
fi
script=${KLP_BUILD_SCRIPT:-$KLP_SRC/scripts/livepatch/klp-build}
[ -x "$script" ] || fail "${script#"$KLP_TOP"/} not found: the source tree predates klp-build (make kernel)"

args=(-o "$out" -n "$name")
[ "${KLP_REPLACE:-1}" = 0 ] && args+=(--no-replace)
read -r -a extra <<< "${KLP_BUILD_ARGS:-}"
args+=("${extra[@]}")

klp_log "klp-build ${args[*]} ${patches[*]} (O=${KLP_KBUILD#"$KLP_TOP"/})"
t0=$(klp_now)
if ! O="$KLP_KBUILD" KLP_SRCTREE="$KLP_SRC" CROSS_COMPILE=aarch64-linux-gnu- \
        "$script" "${args[@]}" "${abs[@]}"; then
    rm -f "$out"
    fail "no module written for ${patches[*]} (klp-build's error is above)"
fi
[ -f "$out" ] || fail "klp-build succeeded but $out is missing"
klp_log "done in $(( $(klp_now) - t0 ))s"
echo "${out#"$KLP_TOP"/}"
