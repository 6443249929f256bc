# shellcheck shell=bash
# Common settings for the host-side harness scripts.  Source it, don't run it.
#
# Inputs (environment, all optional):
#   KCONFIG    configuration name: "default" or NAME for the extra fragment
#              arch/arm64/configs/klp_NAME.config          (default: default)
#   TOOLCHAIN  gcc | clang                                   (default: gcc)
#   LINUX_TARBALL  pristine kernel source tarball
#                  (default: /usr/src/linux-source-6.12.tar.xz)
#   KLP_BUILD_DIR  where everything is built (default: build/); another
#                  base kernel (LINUX_TARBALL) wants its own, as
#                  harness/klp-corpus.sh does

KLP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KLP_BUILD=${KLP_BUILD_DIR:-$KLP_TOP/build}
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# Don't leak the top-level make's flags/variables (CMD=, KCONFIG=, -j...)
# into the kernel's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

KCONFIG=${KCONFIG:-default}
TOOLCHAIN=${TOOLCHAIN:-gcc}
LINUX_TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

case $KCONFIG in
    *[!A-Za-z0-9_-]*|'') echo "KCONFIG='$KCONFIG': only [A-Za-z0-9_-] allowed" >&2; exit 2 ;;
esac

# Per-configuration suffix: "" for the default gcc build, "-far", "-clang",
# "-far-clang", ...  Every per-configuration artefact uses it.
KLP_SUFFIX=
[ "$KCONFIG" = default ] || KLP_SUFFIX="-$KCONFIG"
case $TOOLCHAIN in
    gcc)   KLP_CC="ccache aarch64-linux-gnu-gcc" ;;
    clang) KLP_CC="ccache clang"; KLP_SUFFIX="$KLP_SUFFIX-clang" ;;
    *)     echo "TOOLCHAIN='$TOOLCHAIN': must be gcc or clang" >&2; exit 2 ;;
esac

KLP_BASE=$KLP_BUILD/base                  # pristine extracted tarball
KLP_SRC=$KLP_BUILD/linux                  # pristine + overlay + patches
KLP_KBUILD=$KLP_BUILD/kbuild$KLP_SUFFIX   # O= directory
KLP_SELFTESTS=$KLP_BUILD/selftests$KLP_SUFFIX  # built copy of selftests/livepatch
KLP_VMLOG=$KLP_BUILD/vm$KLP_SUFFIX.log
KLP_DEBS=$KLP_TOP/build/debs     # guest packages, for every build dir

# Fragments merged on top of tinyconfig, in order (names under arch/arm64/configs/).
KLP_FRAGMENTS=(klp_wo_ftrace.config)
[ "$KCONFIG" = default ] || KLP_FRAGMENTS+=("klp_$KCONFIG.config")

# Kernel make invocation (source tree build/linux, objects in O=).
# ccache's base_dir (below) hands the compiler source paths relative to O=
# (../linux/lib/x.c), which the kernel's -fmacro-prefix-map=$(srctree)/=
# does not map: __FILE__ would keep "../linux/" in the kernel's objects and
# not in klp-build's compiles of the same source (it runs without base_dir),
# and code that measures __FILE__ (dynamic debug's trim_prefix()) would be
# compiled differently.  Map the relative form too.
KLP_SRC_FROM_OBJ=$(realpath -m --relative-to="$KLP_KBUILD" "$KLP_SRC")
KLP_KMAKE=(make -C "$KLP_SRC" O="$KLP_KBUILD" ARCH=arm64
           CROSS_COMPILE=aarch64-linux-gnu- CC="$KLP_CC"
           KCFLAGS="${KCFLAGS:+$KCFLAGS }-fmacro-prefix-map=$KLP_SRC_FROM_OBJ/="
           KBUILD_BUILD_USER=klp KBUILD_BUILD_HOST=klp-harness)

KLP_JOBS=${JOBS:-$(nproc)}
# ccache: hash paths relative to the checkout, so that another clone (CI)
# hits the cache filled by this one.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$KLP_TOP}

klp_log()  { printf '%s\n' "[${KLP_TAG:-klp}] $*" >&2; }
klp_die()  { printf '%s\n' "[${KLP_TAG:-klp}] ERROR: $*" >&2; exit 1; }
klp_now()  { date +%s; }

# Guest userspace: static busybox and bash, plus the GNU tools upstream's
# livepatch selftests rely on (date --rfc-3339=ns, stat --format, diff -upr,
# sysctl --values, kmod's insmod/modinfo messages, getconf) with their shared
# libraries.  The library list is the closure of the tools' Depends and
# Pre-Depends on lib* packages (bookworm); mkinitramfs.sh checks
# that every DT_NEEDED of the unpacked binaries is present.
KLP_GUEST_TOOLS=(coreutils diffutils procps kmod sed grep libc-bin)
KLP_GUEST_LIBS=(
    libc6 libgcc-s1 libacl1 libattr1 libgmp10 libselinux1 libpcre2-8-0
    libncursesw6 libtinfo6 libproc2-0 libsystemd0 libcap2 libgcrypt20
    libgpg-error0 liblz4-1 liblzma5 libzstd1 libssl3 libkmod2
)
# Headers and link-time files for programs cross-built for the guest
# (klpctl, tools/livepatch): unpacked by kernel.sh into KLP_SYSROOT with the
# libraries they link against (libkmod2 and its own libraries, above), never
# installed on the host and never copied into the guest.
KLP_GUEST_DEV=(libkmod-dev)
KLP_SYSROOT=$KLP_BUILD/sysroot-arm64

# klp_qemu_cmd CPU SMP MEM [SERIAL]: set KLP_QEMU to the QEMU command line
# of every boot, without kernel, initramfs and kernel command line.  The
# guest needs only the virt board's own UART: -nodefaults drops the default
# NIC (whose option ROM, efi-virtio.rom, comes from ipxe-qemu, a package we
# do not install), the monitor and the other default devices.  The console
# is the UART, on stdio unless SERIAL names another character device.
# host-tests/deps-complete.sh starts QEMU with these arguments to find the
# files it opens.
klp_qemu_cmd() {
    KLP_QEMU=(qemu-system-aarch64 -M virt -cpu "$1" -smp "$2" -m "$3"
              -nodefaults -display none -serial "${4:-stdio}" -no-reboot)
}

# Reports of the kernel's own checkers on the console: lockdep (WARNING:
# possible ... locking ...), KASAN and atomic sleep (BUG: ...), UBSAN,
# debugobjects, list corruption, hung tasks, soft lockups and any WARN.
# Only kernel lines (PRINTK_TIME prefix) count, so a test that prints
# "no WARNING in dmesg" does not match.
KLP_SPLAT_RE='\[ *[0-9]+\.[0-9]+\] .*(WARNING:|BUG: |UBSAN:|ODEBUG:|INFO: task .* blocked for more than|soft lockup|sleeping function called from invalid context|inconsistent lock state|list_(add|del) corruption)'

# klp_console_splats LOG: one line per checker report in a VM console log,
# "TEST: LINE", TEST being the guest test that was running (harness/
# guest-run.sh's KLP-TEST-START lines) or "boot".
klp_console_splats() {
    tr -d '\r' < "$1" | awk -v re="$KLP_SPLAT_RE" '
        /KLP-TEST-START: / { t = $0; sub(/.*KLP-TEST-START: /, "", t); sub(/ .*/, "", t) }
        $0 ~ re { sub(/^.*\[ *[0-9]+\.[0-9]+\] /, ""); print (t == "" ? "boot" : t) ": " $0 }'
}

# klp_console_fails LOG: "TEST<TAB>LINE" for each line a guest test printed
# starting with "FAIL: " (every test's way of reporting a failed check), so
# that a test which printed a failure but exited 0 cannot pass.
klp_console_fails() {
    tr -d '\r' < "$1" | awk '
        /KLP-TEST-START: / { t = $0; sub(/.*KLP-TEST-START: /, "", t); sub(/ .*/, "", t); next }
        /KLP-TEST: / { t = ""; next }
        t != "" && /^FAIL: / { print t "\t" $0 }'
}
