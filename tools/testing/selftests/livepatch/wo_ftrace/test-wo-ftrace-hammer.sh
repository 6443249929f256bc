#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Switching while the patched functions are called as fast as possible.
# A round of the hammer runs one kthread on each of CPUs 0..3 that calls
# klpj_nonleaf and klpj_leaf (directly and through a pointer)
# KLPJ_HAMMER_N times (default 1000000 per CPU: 3 calls per iteration, 12
# million calls on 4 CPUs).  Meanwhile klpj_patch1 and klpj_patch2 (their
# klpj_nonleaf takes different routes: a direct B and an AUTIASP veneer)
# are enabled and disabled in turn; a new round starts whenever one ends,
# until KLPJ_HAMMER_CYCLES (default 8) enable/disable cycles are done.  In
# each round every result must be the original one or that of a patch
# (bad=0) and no call may be lost; the patched code must have been reached
# and the kernel must not complain.  When a round has ended by the time a
# patch is in effect, the next round starts before it is disabled.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-hammer

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
trap cleanup EXIT

N=${KLPJ_HAMMER_N:-1000000}
CYCLES=${KLPJ_HAMMER_CYCLES:-8}
LIMIT_S=${KLPJ_HAMMER_LIMIT_S:-300}

hammer_running() { [ "$(field running "$(cat "$TGT/hammer")")" = 1 ]; }
hammer_done() { ! hammer_running; }

rounds=0
total_calls=0
total_new=0
total_old=0
# end_round: wait for the running round and check its counters
end_round() {
	local res calls old new nbad
	check "round $rounds: hammer finished within ${LIMIT_S} s" \
		wait_for "$LIMIT_S" hammer_done
	res=$(cat "$TGT/hammer")
	echo "  round $rounds: $res"
	calls=$(field calls "$res")
	old=$(field old "$res")
	new=$(field new "$res")
	nbad=$(field bad "$res")
	check "round $rounds: calls == $expected" [ "$calls" = "$expected" ]
	check "round $rounds: bad == 0" [ "$nbad" = 0 ]
	check "round $rounds: old + new == calls" [ $((old + new)) = "$calls" ]
	total_calls=$((total_calls + calls))
	total_old=$((total_old + old))
	total_new=$((total_new + new))
}
start_round() {
	rounds=$((rounds + 1))
	echo "$N" > "$TGT/hammer" || { bad "round $rounds: start the hammer"; return 1; }
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
threads=$(nproc)
[ "$threads" -gt 4 ] && threads=4
expected=$((threads * N * 3))
echo "hammer round: $threads threads x $N iterations x 3 calls = $expected calls"

t0=$(now_ms)
start_round
cycles=0
while [ "$cycles" -lt "$CYCLES" ] && [ $(($(now_ms) - t0)) -lt $((LIMIT_S * 1000)) ]; do
	if hammer_done; then
		end_round
		start_round || break
	fi
	P=klpj_patch$((cycles % 2 + 1))
	c0=$(now_ms)
	load_patch $P || { bad "cycle $cycles: enable $P"; break; }
	c1=$(now_ms)
	# A round often ends while the switch waits for the hammer threads to
	# be outside the patched code: start the next one now, so that the
	# patched code is called and the patch is disabled under the hammer.
	if hammer_done; then
		end_round
		start_round || break
	fi
	check "$P in effect while hammering" \
		eval '[ "$(field nonleaf "$(cat "$TGT/call")")" = $((1000 + ${P#klpj_patch} * 10000)) ]'
	disable_patch $P || { bad "cycle $cycles: disable $P"; break; }
	c2=$(now_ms)
	unload_mod $P || { bad "cycle $cycles: rmmod $P"; break; }
	cycles=$((cycles + 1))
	echo "  cycle $cycles (round $rounds): $P enabled in $((c1 - c0)) ms," \
		"disabled in $((c2 - c1)) ms; hammer running: $(field running "$(cat "$TGT/hammer")")"
done
end_round
echo "hammer: $rounds rounds, $total_calls calls (old $total_old, new $total_new)," \
	"$cycles enable/disable cycles in $(($(now_ms) - t0)) ms"
check "$CYCLES enable/disable cycles done" [ "$cycles" -ge "$CYCLES" ]
check "at least 1000000 calls in all" [ "$total_calls" -ge 1000000 ]
check "some calls reached the patched code (new > 0)" [ "$total_new" -gt 0 ]
check "some calls reached the original code (old > 0)" [ "$total_old" -gt 0 ]
check "no patch left enabled" eval 'patch_gone klpj_patch1 && patch_gone klpj_patch2'
deferred=$(klog | grep -c "klp-jump: .*deferred")
echo "switches deferred because a hammer thread was inside: $deferred (informational)"
check "rmmod klpj_target" unload_mod klpj_target
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
