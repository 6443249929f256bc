#!/bin/bash
# klp-build integration tests, host side (`make check-klp-build`, and the
# subset in `make check`).
#
#   harness/klp-build-tests.sh [all|subset] [CASE...]
#
# Cases live in tools/testing/selftests/livepatch/klp_build/ (see its
# README).  With CASE arguments only those run (names as in the README,
# FAIL and HOST cases with their -FAIL/-HOST suffix); `subset` is the
# representative set in SUBSET below.
#
#  1. build the kernel once with harness/kernel.sh (skipped with
#     KLP_NOBUILD=1);
#  2. for each case, build one module per step with harness/klp-build.sh
#     into build/klp/ (PATCH=..., KLP_NAME=<step>); a FAIL case must be
#     refused: non-zero exit, no build/klp/<name>.ko, output matching its
#     .expect regex; a HOST case (NAME-HOST.sh) runs on the host and
#     builds what it needs itself;
#  3. one VM boot (harness/vm.sh) running test-klp-build.sh over every
#     module built, with the LOADED scripts.
# Prints "PASS: case" / "FAIL: case: reason" per case and a summary
# "N passed, N failed"; exit 0 only if every case passed.
# Logs: build/klp-build-tests/ (one per build, vm.log).
# Environment: KCONFIG, TOOLCHAIN (lib.sh), KLP_NOBUILD=1, VM_TIMEOUT,
# KLPB_WAIT (guest bounded waits, default 300 s).
set -euo pipefail
KLP_TAG=klp-build-tests
. "$(dirname "$0")/lib.sh"

CASEDIR=$KLP_TOP/tools/testing/selftests/livepatch/klp_build
OUT=$KLP_BUILD/klp-build-tests$KLP_SUFFIX
KLPDIR=$KLP_BUILD/klp
SUBSET=(shadow_fork callbacks static_local clone module_before replace line_shift-FAIL
	c2_line_comment-FAIL c2_modinfo-HOST c4_hdr_ifdef-FAIL init_code-FAIL
	c5_struct_layout-FAIL c5_enum_array-FAIL c5_rodata_table c5_module_export
	c5_counter_shift c5_switch_code-FAIL c5_table_entry-FAIL)

mode=${1:-all}
[ $# -gt 0 ] && shift
case $mode in
all|subset) ;;
*) echo "usage: $0 [all|subset] [CASE...]" >&2; exit 2 ;;
esac

# every case: NAME for NAME.patch + NAME-LOADED.sh, NAME-FAIL for
# NAME-FAIL.patch, NAME-HOST for NAME-HOST.sh (a host-side check)
all_cases() {
	local p n
	for p in "$CASEDIR"/*.patch; do
		n=$(basename "$p" .patch)
		[[ $n =~ -[0-9]+$ ]] && continue
		echo "$n"
	done
	for p in "$CASEDIR"/*-HOST.sh; do
		basename "$p" .sh
	done
}
mapfile -t known < <(all_cases)
if [ $# -gt 0 ]; then
	cases=("$@")
elif [ "$mode" = subset ]; then
	cases=("${SUBSET[@]}")
else
	cases=("${known[@]}")
fi
for c in "${cases[@]}"; do
	[[ " ${known[*]} " == *" $c "* ]] || { echo "klp-build-tests: unknown case '$c'" >&2; exit 2; }
done

rm -rf "$OUT"
mkdir -p "$OUT" "$KLPDIR"
names=() stats=() whys=()
record() {
	names+=("$1") stats+=("$2") whys+=("${3:-}")
	echo "${2}: $1${3:+: $3}"
}
last_line() { tail -n 1 "$1" | tr -d '\r'; }

if [ "${KLP_NOBUILD:-}" != 1 ]; then
	klp_log "building the kernel (harness/kernel.sh), log ${OUT#"$KLP_TOP"/}/kernel.log"
	if ! "$KLP_TOP/harness/kernel.sh" > "$OUT/kernel.log" 2>&1; then
		tail -n 30 "$OUT/kernel.log" >&2
		for c in "${cases[@]}"; do record "$c" FAIL "kernel build failed"; done
		echo "0 passed, ${#cases[@]} failed"
		exit 1
	fi
fi

# build_one NAME PATCH: harness/klp-build.sh into build/klp/NAME.ko; the
# output goes to $OUT/NAME.log; returns klp-build's exit status.  Against
# the kernel built above, never rebuilt in between: a module records the
# build-id of the kernel it was built for (klpctl load checks it), and a
# tree edited during the run must not give the cases different kernels.
build_one() {
	local name=$1 patch=$2 rc t0
	rm -f "$KLPDIR/$name.ko"
	t0=$(klp_now)
	set +e
	KLP_NOBUILD=1 PATCH=$patch KLP_NAME=$name "$KLP_TOP/harness/klp-build.sh" > "$OUT/$name.log" 2>&1
	rc=$?
	set -e
	echo "[klp-build-tests] $name: klp-build exit $rc in $(( $(klp_now) - t0 ))s" >> "$OUT/times.log"
	return $rc
}

# ---- 2. builds
stage=$OUT/stage/klp-build
mkdir -p "$stage"
vm_cases=()
for c in "${cases[@]}"; do
	if [[ $c == *-HOST ]]; then
		# a host-side check: runs klp-build itself (KLPB_BUILD, as
		# harness/klp-build.sh) with scratch space in KLPB_OUT; exit 0
		# passes, the last line of its output says why it failed
		klp_log "$c: host check"
		rm -rf "${OUT:?}/$c"
		mkdir -p "$OUT/$c"
		if KLPB_BUILD=$KLP_TOP/harness/klp-build.sh KLPB_OUT=$OUT/$c \
		   KLPB_CASEDIR=$CASEDIR KLPB_KBUILD=$KLP_KBUILD KLPB_SRC=$KLP_SRC \
		   KLPB_KLPDIR=$KLPDIR bash "$CASEDIR/$c.sh" > "$OUT/$c.log" 2>&1; then
			record "$c" PASS
		else
			record "$c" FAIL "$(last_line "$OUT/$c.log")"
		fi
		continue
	fi
	if [[ $c == *-FAIL ]]; then
		expect=$CASEDIR/$c.expect
		[ -f "$expect" ] || { record "$c" FAIL "no $c.expect"; continue; }
		klp_log "$c: klp-build must refuse it"
		if build_one "$c" "$CASEDIR/$c.patch"; then
			record "$c" FAIL "klp-build accepted it (exit 0)"
		elif [ -e "$KLPDIR/$c.ko" ]; then
			record "$c" FAIL "refused, but build/klp/$c.ko was written"
		elif ! grep -E -q -- "$(cat "$expect")" "$OUT/$c.log"; then
			record "$c" FAIL "output does not match '$(cat "$expect")'; last line: $(last_line "$OUT/$c.log")"
		else
			record "$c" PASS
		fi
		continue
	fi
	steps=("$c")
	for ((k = 2; ; k++)); do
		[ -f "$CASEDIR/$c-$k.patch" ] || break
		steps+=("$c-$k")
	done
	ok=1
	for s in "${steps[@]}"; do
		klp_log "$c: building $s.ko"
		if ! build_one "$s" "$CASEDIR/$s.patch"; then
			record "$c" FAIL "klp-build of $s.patch failed: $(last_line "$OUT/$s.log")"
			ok=0
			break
		fi
		if [ ! -f "$KLPDIR/$s.ko" ]; then
			record "$c" FAIL "klp-build exited 0 but build/klp/$s.ko is missing"
			ok=0
			break
		fi
		cp "$KLPDIR/$s.ko" "$stage/"
	done
	[ "$ok" = 1 ] || continue
	cp "$CASEDIR/$c"-*.sh "$stage/"
	vm_cases+=("$c")
done

# ---- 3. one boot for every case whose modules were built
if [ ${#vm_cases[@]} -gt 0 ]; then
	cp "$CASEDIR/test-klp-build.sh" "$stage/"
	wait_s=${KLPB_WAIT:-300}
	klp_log "booting once for ${#vm_cases[@]} case(s): ${vm_cases[*]}"
	set +e
	KLP_CMD="KLPB_WAIT=$wait_s bash /extra/klp-build/test-klp-build.sh -m /extra/klp-build -w $wait_s ${vm_cases[*]}" \
	VM_EXTRA=$OUT/stage VM_TIMEOUT=${VM_TIMEOUT:-$((600 + 240 * ${#vm_cases[@]}))} \
		"$KLP_TOP/harness/vm.sh" > "$OUT/vm.log" 2>&1
	vrc=$?
	set -e
	results=$(tr -d '\r' < "$OUT/vm.log" | sed -n '/^KLPB-RESULTS-BEGIN$/,/^KLPB-RESULTS-END$/p')
	for c in "${vm_cases[@]}"; do
		line=$(grep -E "^(PASS|FAIL): $c(: |$)" <<< "$results" | head -n 1 || true)
		case $line in
		"PASS: $c") record "$c" PASS ;;
		"FAIL: $c: "*) record "$c" FAIL "${line#"FAIL: $c: "}" ;;
		*) record "$c" FAIL "no result from the guest (harness/vm.sh exit $vrc, log ${OUT#"$KLP_TOP"/}/vm.log)" ;;
		esac
	done
	if [ "$vrc" -ne 0 ]; then
		klp_log "guest run exit status $vrc; guest output of the failed cases in ${OUT#"$KLP_TOP"/}/vm.log"
	fi
fi

npass=0 nfail=0
for s in "${stats[@]}"; do
	if [ "$s" = PASS ]; then npass=$((npass + 1)); else nfail=$((nfail + 1)); fi
done
echo "klp-build tests ($mode): $npass passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
