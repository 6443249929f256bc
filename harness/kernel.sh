#!/bin/bash
# Build the kernel for one configuration (KCONFIG, TOOLCHAIN: see lib.sh).
#
#  1. extract the pristine tarball once into build/base/
#  2. assemble build/linux = pristine + repo overlay + patches/series,
#     touching only files whose content changed
#  3. configure O=build/kbuild[-NAME]: tinyconfig + our fragments, only when
#     a fragment, a Kconfig file or the compiler changed
#  4. build Image + modules (modules_prepare included, so external modules
#     build against O=)
#  5. build the livepatch selftest modules/helpers in build/selftests[-NAME]/
#     (and, with CONFIG_MODULE_SIG, a signed copy of one patch module)
#  6. build klpctl (tools/livepatch, if present) for the guest into
#     build/kbuild[-NAME]/tools/livepatch/
set -euo pipefail
KLP_TAG=kernel
. "$(dirname "$0")/lib.sh"

OVERLAY_DIRS=(arch include kernel samples scripts tools Documentation)
PATCHES_DIR=$KLP_TOP/patches
SERIES=$PATCHES_DIR/series

mkdir -p "$KLP_BUILD"
# One build at a time: build/linux is shared by all configurations.
exec 9>"$KLP_BUILD/.kernel.lock"
flock 9

step() { klp_log "== $*"; }

# --------------------------------------------------------------------------
# 1. pristine source
extract_base() {
    [ -f "$LINUX_TARBALL" ] ||
        klp_die "$LINUX_TARBALL not found (make deps installs linux-source-6.12)"
    local want
    want="$(readlink -f "$LINUX_TARBALL") $(stat -L -c '%s %Y' "$LINUX_TARBALL")"
    if [ -d "$KLP_BASE" ] && [ "$(cat "$KLP_BUILD/base.stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    step "extracting $LINUX_TARBALL into build/base (once per tarball)"
    rm -rf "$KLP_BASE" "$KLP_BASE.tmp" "$KLP_BUILD/base.stamp"
    mkdir -p "$KLP_BASE.tmp"
    tar -xf "$LINUX_TARBALL" -C "$KLP_BASE.tmp" --strip-components=1
    mv "$KLP_BASE.tmp" "$KLP_BASE"
    printf '%s\n' "$want" > "$KLP_BUILD/base.stamp"
}

# --------------------------------------------------------------------------
# 2. build/linux = base + overlay + patches

# NUL-separated list of overlay files (relative to the repo root).  In a git
# checkout: tracked and untracked-but-not-ignored files, so ignored build
# junk inside the overlay directories is not copied into the kernel tree.
overlay_files() {
    local d dirs=()
    for d in "${OVERLAY_DIRS[@]}"; do
        [ -d "$KLP_TOP/$d" ] && dirs+=("$d")
    done
    [ ${#dirs[@]} -eq 0 ] && return 0
    if git -C "$KLP_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$KLP_TOP" ls-files -z -c -o --exclude-standard -- "${dirs[@]}" |
            sort -z -u |
            while IFS= read -r -d '' f; do
                # tracked files deleted in the work tree are listed too
                if [ -f "$KLP_TOP/$f" ] || [ -L "$KLP_TOP/$f" ]; then printf '%s\0' "$f"; fi
            done
    else
        (cd "$KLP_TOP" && find "${dirs[@]}" \( -type f -o -type l \) -print0 | sort -z)
    fi
}

# Patch file names from patches/series (comments and blank lines skipped).
series_patches() {
    [ -f "$SERIES" ] || return 0
    sed -e 's/#.*//' "$SERIES" | awk 'NF { print $1 }'
}

# Files a patch touches (for -p1), from its ---/+++ and git headers.
patch_targets() {
    awk '
        /^(---|\+\+\+) / {
            f = $2; sub(/\t.*/, "", f)
            if (f != "/dev/null") { sub(/^[^\/]*\//, "", f); print f }
        }
        /^(rename|copy) (from|to) / { print $3 }
    ' "$1" | sort -u
}

input_fingerprint() {
    {
        echo "base $(cat "$KLP_BUILD/base.stamp")"
        sha256sum "$0" | cut -d' ' -f1
        local f
        overlay_files | while IFS= read -r -d '' f; do
            if [ -L "$KLP_TOP/$f" ]; then
                echo "L $f -> $(readlink "$KLP_TOP/$f")"
            else
                echo "F $f $(stat -c %a "$KLP_TOP/$f") $(sha256sum < "$KLP_TOP/$f" | cut -d' ' -f1)"
            fi
        done
        [ -f "$SERIES" ] && { echo series; cat "$SERIES"; }
        series_patches | while IFS= read -r f; do
            echo "P $f $(sha256sum < "$PATCHES_DIR/$f" 2>/dev/null | cut -d' ' -f1)"
        done
    } | sha256sum | cut -d' ' -f1
}

assemble_tree() {
    local fp stage=$KLP_BUILD/stage
    fp=$(input_fingerprint)
    if [ -d "$KLP_SRC" ] && [ "$(cat "$KLP_BUILD/linux.fingerprint" 2>/dev/null)" = "$fp" ]; then
        klp_log "source tree build/linux is up to date (overlay and patches unchanged)"
        return 0
    fi
    step "assembling build/linux (pristine + overlay + patches)"
    rm -f "$KLP_BUILD/linux.fingerprint"
    rm -rf "$stage"
    # The stage shares inodes with build/base.  That is safe because nothing
    # below writes in place: rsync (without --inplace) and GNU patch write a
    # new file and rename it over the link; patch targets are also unlinked
    # explicitly before patching.  The stage is deleted afterwards.
    cp -al "$KLP_BASE" "$stage"

    local list=$KLP_BUILD/overlay.list n
    overlay_files > "$list"
    n=$(tr -cd '\0' < "$list" | wc -c)
    if [ "$n" -gt 0 ]; then
        klp_log "overlay: $n file(s) from ${OVERLAY_DIRS[*]}"
        # -I: copy even when size+mtime happen to match the pristine file
        rsync -rlpI --from0 --files-from="$list" "$KLP_TOP/" "$stage/"
    fi

    local p t
    while IFS= read -r p; do
        [ -f "$PATCHES_DIR/$p" ] || klp_die "patches/series lists $p, which does not exist"
        while IFS= read -r t; do
            if [ -f "$stage/$t" ] && [ ! -L "$stage/$t" ]; then
                cp -p "$stage/$t" "$stage/$t.klp-unlink" && mv -f "$stage/$t.klp-unlink" "$stage/$t"
            fi
        done < <(patch_targets "$PATCHES_DIR/$p")
        klp_log "applying patches/$p"
        if ! patch -p1 --forward --no-backup-if-mismatch -d "$stage" \
                -i "$PATCHES_DIR/$p" < /dev/null; then
            klp_die "patches/$p does not apply (on top of pristine + overlay + earlier patches)"
        fi
        if [ -n "$(find "$stage" -name '*.rej' -print -quit)" ]; then
            klp_die "patches/$p left .rej files"
        fi
    done < <(series_patches)

    # Copy into build/linux by content: unchanged files keep their mtime so
    # kbuild rebuilds only what really changed.  No -t on purpose: a changed
    # file must get a new mtime even if its content went back to pristine.
    local changes
    mkdir -p "$KLP_SRC"
    changes=$(rsync -rlpc --delete --itemize-changes "$stage/" "$KLP_SRC/")
    rm -rf "$stage"
    n=$(printf '%s' "$changes" | grep -c . || true)
    if [ "$n" -le 40 ]; then
        klp_log "build/linux: $n path(s) changed"
        [ "$n" -gt 0 ] && printf '%s\n' "$changes" | sed 's/^/    /' >&2
    else
        klp_log "build/linux: $n paths changed (full copy)"
    fi
    printf '%s\n' "$fp" > "$KLP_BUILD/linux.fingerprint"
}

# --------------------------------------------------------------------------
# 3. configuration
cc_version() {
    case $TOOLCHAIN in
        gcc)   aarch64-linux-gnu-gcc --version | head -n1 ;;
        clang) clang --version | head -n1 ;;
    esac
}

configure() {
    local f cfp frags=()
    for f in "${KLP_FRAGMENTS[@]}"; do
        [ -f "$KLP_SRC/arch/arm64/configs/$f" ] ||
            klp_die "config fragment arch/arm64/configs/$f not found"
        frags+=("$KLP_SRC/arch/arm64/configs/$f")
    done
    cfp=$({
        cat "${frags[@]}" "$KLP_SRC"/kernel/configs/tiny*.config
        (cd "$KLP_SRC" && find . -name 'Kconfig*' -type f | LC_ALL=C sort | xargs cat)
        cc_version
        echo "$TOOLCHAIN ${KLP_FRAGMENTS[*]}"
        sha256sum < "$0"
    } | sha256sum | cut -d' ' -f1)
    if [ -f "$KLP_KBUILD/.config" ] &&
       [ "$(cat "$KLP_KBUILD/.klp-config.fingerprint" 2>/dev/null)" = "$cfp" ]; then
        klp_log "config up to date ($(basename "$KLP_KBUILD")/.config)"
        return 0
    fi
    step "configuring ${KLP_KBUILD#"$KLP_TOP"/}: tinyconfig + ${KLP_FRAGMENTS[*]}"
    mkdir -p "$KLP_KBUILD"
    rm -f "$KLP_KBUILD/.klp-config.fingerprint"
    # Generate into a scratch file so that an identical result leaves .config
    # (and therefore the whole build) untouched.
    local new=.config.klp-new log=$KLP_KBUILD/.klp-config.log
    : > "$log"
    for t in tinyconfig "${KLP_FRAGMENTS[@]}"; do
        if ! "${KLP_KMAKE[@]}" KCONFIG_CONFIG="$new" "$t" >> "$log" 2>&1; then
            tail -n 40 "$log" >&2
            klp_die "make $t failed (full log: ${log#"$KLP_TOP"/})"
        fi
    done
    if cmp -s "$KLP_KBUILD/$new" "$KLP_KBUILD/.config"; then
        rm -f "$KLP_KBUILD/$new"
        klp_log "config regenerated: unchanged"
    else
        mv -f "$KLP_KBUILD/$new" "$KLP_KBUILD/.config"
        klp_log "config regenerated: updated"
    fi
    printf '%s\n' "$cfp" > "$KLP_KBUILD/.klp-config.fingerprint"
}

# --------------------------------------------------------------------------
# 5. selftests: copy tools/testing/selftests/livepatch, build its kernel
#    modules (dirs whose Makefile has obj-m) and top-level *.c helpers.
build_selftests() {
    local src=$KLP_SRC/tools/testing/selftests/livepatch out=$KLP_SELFTESTS/livepatch
    [ -d "$src" ] || { rm -rf "$KLP_SELFTESTS"; return 0; }
    mkdir -p "$out"
    local protect=() c
    for c in "$src"/*.c; do
        [ -e "$c" ] && protect+=(--filter="P /$(basename "${c%.c}")")
    done
    rsync -rlpc --delete "${protect[@]}" \
        --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
        --exclude='.*.cmd' --exclude='Module.symvers' --exclude='modules.order' \
        --exclude='.tmp_*' "$src/" "$out/"

    for c in "$out"/*.c; do
        [ -e "$c" ] || continue
        [ "${c%.c}" -nt "$c" ] && continue
        klp_log "selftests: building helper $(basename "${c%.c}") (static arm64)"
        aarch64-linux-gnu-gcc -static -O2 -Wall -o "${c%.c}" "$c" ||
            klp_die "selftest helper ${c#"$KLP_TOP"/} does not build"
    done

    if ! grep -qx 'CONFIG_LIVEPATCH=y' "$KLP_KBUILD/.config"; then
        klp_log "selftests: CONFIG_LIVEPATCH is not set - not building selftest modules"
        return 0
    fi
    local mk d
    for mk in "$out"/*/Makefile "$out"/*/Kbuild; do
        [ -f "$mk" ] && grep -q '^obj-m' "$mk" || continue
        d=$(dirname "$mk")
        step "selftests: building modules in ${d#"$KLP_TOP"/}"
        "${KLP_KMAKE[@]}" -j"$KLP_JOBS" M="$d" modules ||
            klp_die "selftest modules in ${d#"$KLP_TOP"/} do not build"
    done
    sign_selftests "$out/wo_ftrace"
}

# With CONFIG_MODULE_SIG, sign a copy of the patch module that
# test-wo-ftrace-sign.sh loads (DIR/signed/klpj_vmlinux.ko) with the key
# the kernel build generated.  The built modules themselves stay unsigned.
sign_selftests() {
    local dir=$1 hash kb=$KLP_KBUILD
    grep -qx 'CONFIG_MODULE_SIG=y' "$kb/.config" || { rm -rf "$dir/signed"; return 0; }
    hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$kb/.config")
    mkdir -p "$dir/signed"
    "$kb/scripts/sign-file" "$hash" "$kb/certs/signing_key.pem" \
        "$kb/certs/signing_key.x509" "$dir/klpj_vmlinux.ko" \
        "$dir/signed/klpj_vmlinux.ko" ||
        klp_die "cannot sign klpj_vmlinux.ko with $kb/certs/signing_key.pem"
    klp_log "selftests: signed/klpj_vmlinux.ko ($hash)"
}

# --------------------------------------------------------------------------
# 6. klpctl for the guest (tools/livepatch, when the tree has it): built
#    with aarch64-linux-gnu-gcc into build/kbuild*/tools/livepatch/, linked
#    against the arm64 libkmod unpacked from build/debs into KLP_SYSROOT
#    (headers and libkmod.so from libkmod-dev; the libraries that libkmod.so
#    needs, for the linker only).  mkinitramfs.sh installs it as
#    /usr/sbin/klpctl.
klpctl_sysroot() {
    local want p d
    want=$(for p in "${KLP_GUEST_DEV[@]}" "${KLP_GUEST_LIBS[@]}"; do
               compgen -G "$KLP_DEBS/${p}_*_arm64.deb" | sort -V | tail -n1
           done)
    if [ -d "$KLP_SYSROOT" ] && [ "$(cat "$KLP_SYSROOT.stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    rm -rf "$KLP_SYSROOT" "$KLP_SYSROOT.stamp"
    mkdir -p "$KLP_SYSROOT"
    for p in "${KLP_GUEST_DEV[@]}" "${KLP_GUEST_LIBS[@]}"; do
        d=$(compgen -G "$KLP_DEBS/${p}_*_arm64.deb" | sort -V | tail -n1 || true)
        [ -n "$d" ] || { "$KLP_TOP/harness/deps.sh" guest-debs >&2
                         d=$(compgen -G "$KLP_DEBS/${p}_*_arm64.deb" | sort -V | tail -n1); }
        dpkg-deb --fsys-tarfile "$d" |
            tar -x -C "$KLP_SYSROOT" --no-same-owner --exclude='./usr/share/*' --exclude='./etc/*'
    done
    printf '%s\n' "$want" > "$KLP_SYSROOT.stamp"
}

build_klpctl() {
    local src=$KLP_SRC/tools/livepatch out=$KLP_KBUILD/tools/livepatch libdirs=() d
    [ -f "$src/Makefile" ] || { rm -rf "$out"; return 0; }
    klpctl_sysroot
    [ -f "$KLP_SYSROOT/usr/include/libkmod.h" ] ||
        klp_die "libkmod.h not in ${KLP_SYSROOT#"$KLP_TOP"/} (libkmod-dev:arm64)"
    for d in "$KLP_SYSROOT"/usr/lib/aarch64-linux-gnu "$KLP_SYSROOT"/lib/aarch64-linux-gnu; do
        [ -d "$d" ] && libdirs+=("-L$d" "-Wl,-rpath-link,$d")
    done
    mkdir -p "$out"
    step "klpctl for the guest: ${out#"$KLP_TOP"/}/klpctl"
    make -C "$src" O="$out" CC=aarch64-linux-gnu-gcc \
        KMOD_CFLAGS="-I$KLP_SYSROOT/usr/include" \
        KMOD_LIBS="${libdirs[*]} -lkmod" ||
        klp_die "tools/livepatch (klpctl) does not build for arm64"
    [ -x "$out/klpctl" ] || klp_die "tools/livepatch built no ${out#"$KLP_TOP"/}/klpctl"
}

# --------------------------------------------------------------------------
# GCC does not always emit BTI landing pads (PR 106671), so a BTI kernel
# built with GCC (ARM64_BTI_KERNEL_GCC) must not contain linker veneers:
# they branch with BR.  GNU ld names them __<target>_veneer.
check_veneers() {
    local map=$KLP_KBUILD/System.map veneers
    veneers=$(grep -E '^[0-9a-f]+ [tT] __.+_veneer$' "$map" || true)
    [ -n "$veneers" ] || return 0
    if grep -qx 'CONFIG_ARM64_BTI_KERNEL_GCC=y' "$KLP_KBUILD/.config"; then
        printf '%s\n' "$veneers" | head -n 20 >&2
        klp_die "$(grep -c . <<< "$veneers") linker veneer(s) in vmlinux (System.map):" \
            "unsafe with ARM64_BTI_KERNEL_GCC (GCC PR 106671)"
    fi
    klp_log "note: $(grep -c . <<< "$veneers") linker veneer(s) in vmlinux"
}

# --------------------------------------------------------------------------
t_start=$(klp_now)
klp_log "KCONFIG=$KCONFIG TOOLCHAIN=$TOOLCHAIN -> ${KLP_KBUILD#"$KLP_TOP"/}"
extract_base
assemble_tree
configure
"$KLP_TOP/harness/config-check.sh" "$KLP_KBUILD/.config" "$KLP_SRC" \
    "${KLP_FRAGMENTS[@]/#/$KLP_SRC/arch/arm64/configs/}" || true

step "building Image and modules (-j$KLP_JOBS, CC=\"$KLP_CC\")"
t_build=$(klp_now)
"${KLP_KMAKE[@]}" -j"$KLP_JOBS" ${V:+V=$V} Image modules
t_build=$(( $(klp_now) - t_build ))

check_veneers
build_selftests
build_klpctl

version=$(make -s --no-print-directory -C "$KLP_SRC" kernelversion)
release=$(cat "$KLP_KBUILD/include/config/kernel.release")
klp_log "done in $(( $(klp_now) - t_start ))s (kbuild ${t_build}s)"
echo "base kernel: $version"
echo "kernel release: $release, image: ${KLP_KBUILD#"$KLP_TOP"/}/arch/arm64/boot/Image"
extra=
[ "$TOOLCHAIN" = clang ] && extra=" CC=clang"
echo "external modules: make -C ${KLP_KBUILD#"$KLP_TOP"/} M=<dir> ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-$extra modules"
