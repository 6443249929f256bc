#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A task that sleeps interruptibly in a patched function and never leaves
# it on its own does not keep a patch pending forever.  A process reads
# klpj_nest's "block" file: the read waits interruptibly in
# klpj_nest_inner, called from klpj_nest_outer, which klpj_nest_patch
# replaces, and restarts on a signal.  After the transition has been
# pending for about 15 s, the backend sends such tasks a fake signal
# (as upstream's klp_send_signals() does): the read returns to restart,
# the task waits on its way out of the kernel until the switch is made,
# then reads again, now through the new klpj_nest_outer.  It is not
# killed, and it gets the new behaviour.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-signal

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_nest.ko" ] || skip "klpj_nest.ko not found"
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_nest"
OUT=$(mktemp "${TMPDIR:-/tmp}/klpj-signal.XXXXXX")
READER=
trap 'st=$?; [ -e "$NEST/block" ] && echo 0 > "$NEST/block"; [ -n "$READER" ] && wait "$READER"; rm -f "$OUT"; (exit $st); cleanup' EXIT

calls() { [ "$(cat "$NEST/call")" = "$1" ]; }
# inside N: N tasks wait in klpj_nest_inner (no kthread)
inside() { [ "$(cat "$NEST/sleep")" = "0 $1" ]; }
alive() { kill -0 "$READER" 2>/dev/null; }
gone() { ! alive; }

check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "klpj_nest_outer original" calls 100

section "a reader blocked in klpj_nest_outer; enable"
check "echo 1 > block" eval "echo 1 > '$NEST/block'"
cat "$NEST/block" > "$OUT" &
READER=$!
check "the reader waits in klpj_nest_inner" wait_for 10 inside 1
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "$P: transition still 1 after 3 s" stays_pending 3000
check "old klpj_nest_outer in effect while pending" calls 100
check "$P: transition ends within 90 s" wait_for 90 settled $P
check "dmesg: klp-jump: ... fake signal" klog_has "klp-jump: .*fake signal"
klog | grep "klp-jump: .*signal" | head -n 2 | sed 's/^/  dmesg: /'
check "dmesg: no livepatch: line between start and end but the core's" eval \
	"! klog | grep 'livepatch:' | grep -qv -e 'enabling patch' -e 'starting patching' -e 'patching complete'"
check "new klpj_nest_outer in effect" calls 200
check "the reader was not killed" alive
check "the reader waits in klpj_nest_inner again" wait_for 10 inside 1
check "echo 0 > block: the reader returns" eval "echo 0 > '$NEST/block'"
check "the reader exits within 10 s" wait_for 10 gone
wait "$READER"
rc=$?
READER=
check "the reader's read succeeded (status $rc)" [ "$rc" = 0 ]
check "the reader got the new behaviour (200): '$(cat "$OUT")'" \
	[ "$(cat "$OUT")" = 200 ]
check "$P: disabled" disable_patch $P
check "$P: rmmod" unload_mod $P

check "rmmod klpj_nest" unload_mod klpj_nest
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
