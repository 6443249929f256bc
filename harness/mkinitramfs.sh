#!/bin/bash
# Build the guest initramfs (uncompressed cpio, newc) for one configuration.
#
#   mkinitramfs.sh <output.cpio> <cmd-file> <nonce>
#
# Contents:
#   /init                  harness/init
#   /bin/busybox, /bin/bash, /bin/sh -> bash   (from build/debs/*.deb;
#                          busybox applet links are made by /init at boot)
#   GNU coreutils, diffutils, procps, kmod, sed, grep and their libraries
#                          (KLP_GUEST_TOOLS/KLP_GUEST_LIBS, harness/lib.sh)
#   /klp/cmd, /klp/nonce   the command to run and the marker nonce
#   /lib/modules/<rel>/    modules_install INSTALL_MOD_STRIP=1 + depmod
#   /selftests/livepatch/  scripts and built .ko/helpers (build/selftests*)
#   /extra/                the files/directories listed in VM_EXTRA
#   /usr/sbin/klpctl       klpctl built for the guest by kernel.sh
#                          (build/kbuild*/tools/livepatch/klpctl), if built
#   / (overlay)            each directory listed in VM_ROOTFS_OVERLAY, copied
#                          over the root last (e.g. a klpctl store in
#                          var/lib/livepatch/<release>/ that /init loads)
# Every file is owned by root; /dev/console is created by gen_init_cpio,
# so no root privileges are needed.
set -euo pipefail
KLP_TAG=initramfs
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || { echo "usage: $0 <output.cpio> <cmd-file> <nonce>" >&2; exit 2; }
out=$1 cmdfile=$2 nonce=$3
root=$KLP_BUILD/initramfs$KLP_SUFFIX

[ -f "$KLP_KBUILD/include/config/kernel.release" ] ||
    klp_die "no kernel in ${KLP_KBUILD#"$KLP_TOP"/} (run: make kernel${KCONFIG:+ KCONFIG=$KCONFIG})"
release=$(cat "$KLP_KBUILD/include/config/kernel.release")

deb_of() {
    local d
    d=$(compgen -G "$KLP_DEBS/${1}_*_arm64.deb" | sort -V | tail -n1 || true)
    [ -n "$d" ] || { "$KLP_TOP/harness/deps.sh" guest-debs >&2
                     d=$(compgen -G "$KLP_DEBS/${1}_*_arm64.deb" | sort -V | tail -n1); }
    printf '%s\n' "$d"
}

rm -rf "$root"
# A merged /usr, as on current Debian: /bin, /sbin and /lib are links into
# /usr, so every tool is found under the path scripts hard-code (/bin/stat).
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/local/bin,dev,proc,sys,tmp,run,root,etc,mnt,extra,klp}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
mkdir -p "$root/lib/modules"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- userspace: static busybox + bash ---
dpkg-deb -x "$(deb_of busybox-static)" "$tmp/bb"
dpkg-deb -x "$(deb_of bash-static)" "$tmp/bash"
bb=$(find "$tmp/bb" -path '*bin/busybox' -type f | head -n1)
bash_bin=$(find "$tmp/bash" -path '*bin/bash-static' -type f | head -n1)
[ -n "$bb" ] && [ -n "$bash_bin" ] || klp_die "busybox/bash-static binaries not found in the .debs"
install -m 0755 "$bb" "$root/bin/busybox"
install -m 0755 "$bash_bin" "$root/bin/bash"
ln -s bash "$root/bin/sh"

# --- GNU tools and their shared libraries (KLP_GUEST_TOOLS, lib.sh) ---
# Unpacked over the root, without documentation and locales; busybox's
# applet links (made by /init) never replace them.
for p in "${KLP_GUEST_TOOLS[@]}" "${KLP_GUEST_LIBS[@]}"; do
    dpkg-deb --fsys-tarfile "$(deb_of "$p")" |
        tar -x -C "$root" --no-same-owner --keep-directory-symlink --exclude='./usr/share/*' --exclude='./etc/*' \
            --exclude='./usr/lib/*/gconv/*'
done
# Every shared library a binary or library needs must be in the image.
needed=$(find "$root" -type f \( -perm -u+x -o -name '*.so*' \) -print0 |
    xargs -0 -r sh -c 'readelf -d "$@" 2>/dev/null; true' readelf | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
for lib in $needed; do
    [ -n "$(find "$root" -name "$lib" -print -quit)" ] ||
        klp_die "initramfs: shared library $lib is needed but not in KLP_GUEST_LIBS (harness/lib.sh)"
done

install -m 0755 "$KLP_TOP/harness/init" "$root/init"
install -m 0644 "$cmdfile" "$root/klp/cmd"
printf '%s\n' "$nonce" > "$root/klp/nonce"
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

# --- kernel modules ---
if ! "${KLP_KMAKE[@]}" modules_install INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
        > "$tmp/modinst.log" 2>&1; then
    cat "$tmp/modinst.log" >&2
    klp_die "modules_install failed"
fi
depmod -b "$root" "$release"
# The "build" link points at the host's O= directory; make it a directory
# so that scripts testing for /lib/modules/$(uname -r)/build still work.
rm -f "$root/lib/modules/$release/build"
mkdir -p "$root/lib/modules/$release/build"

# --- selftests ---
if [ -d "$KLP_SELFTESTS/livepatch" ]; then
    mkdir -p "$root/selftests"
    rsync -rlp --exclude='*.o' --exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
        --exclude='Module.symvers' --exclude='modules.order' --exclude='.tmp_*' \
        "$KLP_SELFTESTS/livepatch/" "$root/selftests/livepatch/"
fi

# --- VM_EXTRA ---
for p in ${VM_EXTRA:-}; do
    if [ -d "$p" ]; then
        cp -a "$p/." "$root/extra/"
    elif [ -e "$p" ]; then
        cp -a "$p" "$root/extra/"
    else
        klp_die "VM_EXTRA: $p does not exist"
    fi
done

# --- klpctl (tools/livepatch) ---
if [ -x "$KLP_KBUILD/tools/livepatch/klpctl" ]; then
    install -m 0755 "$KLP_KBUILD/tools/livepatch/klpctl" "$root/usr/sbin/klpctl"
fi

# --- VM_ROOTFS_OVERLAY: directories copied over / ---
# -K: a directory of the overlay goes into the root's /lib, /bin, /sbin
# (links into /usr) instead of replacing the link.
for p in ${VM_ROOTFS_OVERLAY:-}; do
    [ -d "$p" ] || klp_die "VM_ROOTFS_OVERLAY: $p is not a directory"
    rsync -rlpK "$p/" "$root/" || klp_die "VM_ROOTFS_OVERLAY: cannot copy $p"
done

# --- archive ---
gic=$KLP_BUILD/tools/gen_init_cpio
if [ ! -x "$gic" ] || [ "$KLP_SRC/usr/gen_init_cpio.c" -nt "$gic" ]; then
    mkdir -p "$(dirname "$gic")"
    gcc -O2 -o "$gic" "$KLP_SRC/usr/gen_init_cpio.c"
fi
list=$tmp/cpio.list
{
    (cd "$root" && find . -mindepth 1 -printf '%y\t%m\t%P\t%l\n' | LC_ALL=C sort -t$'\t' -k3,3) |
    while IFS=$'\t' read -r type mode path target; do
        case $path$target in *[[:space:]]*)
            klp_die "initramfs: whitespace in file name not supported: $path" ;;
        esac
        case $type in
            d) echo "dir /$path $mode 0 0" ;;
            f) echo "file /$path $root/$path $mode 0 0" ;;
            l) echo "slink /$path $target 0777 0 0" ;;
            *) klp_die "initramfs: unsupported file type '$type': $path" ;;
        esac
    done
    echo "nod /dev/console 0600 0 0 c 5 1"
} > "$list"
"$gic" "$list" > "$out.tmp"
mv -f "$out.tmp" "$out"
klp_log "$(grep -c . "$list") entries, $(( $(stat -c %s "$out") / 1024 )) KiB -> ${out#"$KLP_TOP"/}"
