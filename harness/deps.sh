#!/bin/bash
# Install the host build/boot dependencies (idempotent) and fetch the arm64
# guest userspace packages into build/debs/.
#
#   harness/deps.sh            host packages + guest .debs
#   harness/deps.sh ensure     the same, silent when nothing is missing
#                              (run first by make kernel/vm/run/check/bench)
#   harness/deps.sh guest-debs only the guest .debs
#   harness/deps.sh list       print the host package list, one a line
#
# Only missing packages are installed; apt-get update runs only when
# something has to be installed or downloaded.  arm64 packages are never
# installed on the host: the guest ones are fetched with `apt-get download`
# and unpacked by harness/mkinitramfs.sh.
set -euo pipefail
KLP_TAG=deps
. "$(dirname "$0")/lib.sh"

HOST_PKGS=(
    make gcc libc6-dev patch rsync ccache xz-utils cpio kmod bc flex bison
    libelf-dev libssl-dev device-tree-compiler util-linux
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-system-arm linux-source-6.12
)
# kernel.sh lists the overlay with git; host-tests/deps-complete.sh traces
# QEMU with strace.
HOST_PKGS+=(git strace)
# klp-convert's fuzz target (harness/host-tests/klp-convert-fuzz.sh):
# clang with libFuzzer and the sanitizers.
HOST_PKGS+=(clang libclang-rt-14-dev)
# klpctl (tools/livepatch): built for the host too (host tests, `klpctl
# --root DIR install` of harness/host-tests/klpctl-boot.sh) against Debian's
# libkmod, found with pkg-config; systemd-analyze verifies its unit.
HOST_PKGS+=(libkmod-dev pkg-config systemd)
# Guest packages: see KLP_GUEST_TOOLS in harness/lib.sh.
GUEST_PKGS=(busybox-static bash-static "${KLP_GUEST_TOOLS[@]}" "${KLP_GUEST_LIBS[@]}"
            "${KLP_GUEST_DEV[@]}")

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0)
updated=

sudo_() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_update_once() {
    [ -n "$updated" ] && return 0
    klp_log "apt-get update"
    sudo_ apt-get update -q
    updated=1
}

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

host_packages() {
    local missing=() p
    for p in "${HOST_PKGS[@]}"; do
        installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        [ -n "$quiet" ] || klp_log "host packages: all ${#HOST_PKGS[@]} installed"
        return 0
    fi
    klp_log "installing: ${missing[*]}"
    apt_update_once
    sudo_ apt-get install "${APT_OPTS[@]}" --no-install-recommends "${missing[@]}"
}

download() {
    local out rc=0
    out=$(cd "$KLP_DEBS" && apt-get download -q "$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v -e unsandboxed -e '^$' >&2 || true
    return $rc
}

guest_debs() {
    local missing=() p
    mkdir -p "$KLP_DEBS"
    for p in "${GUEST_PKGS[@]}"; do
        compgen -G "$KLP_DEBS/${p}_*_arm64.deb" >/dev/null || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        [ -n "$quiet" ] || klp_log "guest packages: present in ${KLP_DEBS#"$KLP_TOP"/}"
        return 0
    fi
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        klp_log "dpkg --add-architecture arm64 (for apt-get download only)"
        sudo_ dpkg --add-architecture arm64
        updated=
    fi
    local pkgs=()
    for p in "${missing[@]}"; do pkgs+=("$p:arm64"); done
    klp_log "downloading ${pkgs[*]} into ${KLP_DEBS#"$KLP_TOP"/}"
    # The download runs as root in a directory _apt cannot write to; apt
    # falls back to an unsandboxed download and says so - harmless.
    if ! download "${pkgs[@]}"; then
        apt_update_once
        download "${pkgs[@]}" || klp_die "apt-get download ${pkgs[*]} failed"
    fi
    for p in "${missing[@]}"; do
        compgen -G "$KLP_DEBS/${p}_*_arm64.deb" >/dev/null ||
            klp_die "download of $p:arm64 failed"
    done
}

quiet=
case ${1:-all} in
    all)        host_packages; guest_debs ;;
    ensure)     quiet=1; host_packages; guest_debs ;;
    host)       host_packages ;;
    guest-debs) guest_debs ;;
    list)       printf '%s\n' "${HOST_PKGS[@]}" ;;
    *)          echo "usage: $0 [all|ensure|host|guest-debs|list]" >&2; exit 2 ;;
esac
