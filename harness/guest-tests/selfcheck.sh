#!/bin/bash
# Harness self-check (guest): the VM looks like what the tests assume.
# Exit 0 pass, 1 fail.
set -u
[ -f /extra/harness.env ] && . /extra/harness.env
fails=0
ok()  { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

cpus=$(nproc)
check "guest sees ${KLP_VM_SMP:-4} CPUs (nproc=$cpus)" [ "$cpus" = "${KLP_VM_SMP:-4}" ]
check "full preemption (uname -v: $(uname -v))" grep -qw PREEMPT <<< "$(uname -v)"
check "debugfs mounted on /sys/kernel/debug" grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
check "running as root" [ "$(id -u)" = 0 ]
check "modules.dep installed" [ -f "/lib/modules/$(uname -r)/modules.dep" ]
feat=$(grep -m1 '^Features' /proc/cpuinfo)
check "CPU has pointer authentication (paca)" grep -qw paca <<< "$feat"
check "CPU has BTI" grep -qw bti <<< "$feat"
text=$(awk '$3 == "_text" { print $1 }' /proc/kallsyms)
if [ -n "${KLP_LINK_TEXT:-}" ]; then
    check "KASLR: _text $text differs from link address $KLP_LINK_TEXT" [ "$text" != "$KLP_LINK_TEXT" ]
fi
# A wo_ftrace test whose check failed must exit non-zero even when its EXIT
# trap runs other commands before functions.sh's cleanup (as the faults,
# gap, guard, ftrace and tracers tests do): the runner trusts the status.
fn=/selftests/livepatch/wo_ftrace/functions.sh
if [ -f "$fn" ]; then
    t=$(mktemp /tmp/selfcheck-trap.XXXXXX)
    cat > "$t" <<EOF
NAME=selfcheck-trap
. $fn
wrapped() { true; cleanup; }
trap wrapped EXIT
bad "a failed check"
EOF
    bash "$t" > /dev/null 2>&1
    rc=$?
    rm -f "$t"
    check "a test with a failed check exits non-zero through a wrapped trap (exit $rc)" [ "$rc" != 0 ]
fi
[ "$fails" -eq 0 ]
