#!/bin/bash
# klp_console_splats (harness/lib.sh), which makes `make check` fail a boot
# whose console shows a report of the kernel's checkers: every kind of
# report is found and attributed to the test that was running; test output
# that merely mentions such words is not.  And klp_console_fails, which
# makes a test fail that printed "FAIL: ..." but exited 0.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# expect FUNC: FUNC on $log prints $want, or the test fails here
expect() {
    local got
    got=$("$1" "$log")
    [ "$got" = "$want" ] && return 0
    echo "FAIL: $1 found:"
    printf '%s\n' "$got"
    echo "expected:"
    printf '%s\n' "$want"
    exit 1
}
cat > "$log" <<'LOG'
[    0.512000] Run /init as init process
[    1.000000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 boot_fn+0x4/0x8
KLP-TEST-START: default:a (/x/a.sh, timeout 60s)
[    2.000000] WARNING: possible circular locking dependency detected
ok: no WARNING: in dmesg
[    3.000000] UBSAN: shift-out-of-bounds in kernel/bar.c:3:4
KLP-TEST: PASS default:a (1.0s)
KLP-TEST-START: default:b (/x/b.sh, timeout 60s)
[    4.000000] BUG: sleeping function called from invalid context at mm/slub.c:1
[    5.000000] BUG: KASAN: slab-out-of-bounds in klp_x+0x1/0x2
[    6.000000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.
[    7.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [k:1]
[    8.000000] ODEBUG: free active (active state 0) object: 0 object type: timer_list
[    9.000000] list_add corruption. prev->next should be next
[   10.000000] livepatch: enabling patch 'x'
test says: BUG: nothing here
LOG
want='boot: WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 boot_fn+0x4/0x8
default:a: WARNING: possible circular locking dependency detected
default:a: UBSAN: shift-out-of-bounds in kernel/bar.c:3:4
default:b: BUG: sleeping function called from invalid context at mm/slub.c:1
default:b: BUG: KASAN: slab-out-of-bounds in klp_x+0x1/0x2
default:b: INFO: task kworker/0:1:12 blocked for more than 120 seconds.
default:b: watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [k:1]
default:b: ODEBUG: free active (active state 0) object: 0 object type: timer_list
default:b: list_add corruption. prev->next should be next'
expect klp_console_splats

cat > "$log" <<'LOG'
FAIL: printed before any test
KLP-TEST-START: default:a (/x/a.sh, timeout 60s)
ok: one
FAIL: a: first
[    2.000000] livepatch: FAIL: not at the start of a line
FAIL: a (1 failed checks)
KLP-TEST: PASS default:a (1.0s)
FAIL: between tests
KLP-TEST-START: default:b (/x/b.sh, timeout 60s)
ok: no FAIL: here
KLP-TEST: PASS default:b (1.0s)
LOG
want=$(printf 'default:a\tFAIL: a: first\ndefault:a\tFAIL: a (1 failed checks)')
expect klp_console_fails
echo "PASS: all 9 checker reports found and attributed; test output ignored"
echo "PASS: a test's FAIL: lines found and attributed; other lines ignored"
