#!/bin/bash
# Host test of tools/livepatch's klpctl, without a kernel build or a VM:
# builds klpctl for the host, makes small "modules" (relocatable objects
# with a .modinfo section, as libkmod reads them) and a fake system under
# KLPCTL_SYSROOT (sysfs of loaded patches, /sys/kernel/notes with a real
# build-id note, /proc/cmdline, lockdown), then checks argument parsing,
# the install store (--root), list/info text and JSON, the pre-checks of
# load (vermagic release, build-id, already loaded, conflicts, signature),
# klp.enable=0, the revert of an unload that times out, and
# `systemd-analyze verify` of klp.service.  With KLPCTL_SYSROOT set,
# klpctl never inserts or removes a module.
# JSON is checked with tools/livepatch/tests/jsonflat.c (strict RFC 8259
# validator that flattens a document into PATH=VALUE lines).
# Exit 0 pass, 1 fail, 4 skip.  Needs: cc, libkmod-dev, pkg-config,
# systemd (systemd-analyze; that check is skipped without it).
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v cc >/dev/null || { echo "SKIP no cc"; exit 4; }
pkg-config --exists libkmod 2>/dev/null || { echo "SKIP no libkmod-dev (pkg-config libkmod)"; exit 4; }
w=$(mktemp -d /tmp/klpctl-test.XXXXXX)
watcher=
trap '[ -n "$watcher" ] && kill "$watcher" 2>/dev/null; rm -rf "$w"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

make -s -C "$top/tools/livepatch" O="$w" > "$w/build.log" 2>&1 ||
	{ cat "$w/build.log"; echo "FAIL: klpctl does not build"; exit 1; }
if grep -q 'warning:' "$w/build.log"; then
	grep 'warning:' "$w/build.log"
	fail "klpctl builds with warnings"
fi
k=$w/klpctl
cc -O2 -Wall -Wextra -o "$w/jsonflat" "$top/tools/livepatch/tests/jsonflat.c" ||
	{ echo "FAIL: jsonflat does not build"; exit 1; }
rel=6.12.117
vm="$rel SMP preempt mod_unload aarch64"
bid=0123456789abcdef0123456789abcdef01234567
sr=$w/sys
unset KLPCTL_SYSROOT KLPCTL_RELEASE

# mkko FILE KEY=VALUE...: a relocatable object whose .modinfo holds the
# given strings, which is all libkmod's modinfo reads of a module
mkko() {
	local out=$1 s c=$w/mi.c
	shift
	{
		printf '__attribute__((section(".modinfo"), used, aligned(1)))\n'
		printf 'static const char modinfo[] =\n'
		for s in "$@"; do printf '\t"%s\\0"\n' "$s"; done
		printf ';\n'
	} > "$c"
	cc -c -o "$out" "$c" || { echo "FAIL: cannot build $out"; exit 1; }
}

# sign FILE: append a (fake) module signature in the kernel's format:
# signer, key id, signature, struct module_signature, magic
sign() {
	{
		printf 'test signer'
		printf '\x01\x02\x03\x04'
		printf 'SIGNATURE'
		# algo RSA, hash sha256, id X.509, signer 11, key id 4, sig 9
		printf '\x01\x04\x01\x0b\x04\x00\x00\x00\x00\x00\x00\x09'
		printf '~Module signature appended~\n'
	} >> "$1"
}

# run [ENV=VALUE...] -- ARGS: klpctl under the fake system; sets rc, out
# (stdout and stderr together)
run() {
	local env=(KLPCTL_SYSROOT="$sr" KLPCTL_RELEASE="$rel")
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	out=$(env "${env[@]}" "$k" "$@" 2>&1)
	rc=$?
}

# expect NAME RC [REGEX...]: rc and output lines
expect() {
	local name=$1 want=$2 re
	shift 2
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want: $(echo "$out" | head -3 | tr '\n' '|')"
		return 1
	fi
	for re in "$@"; do
		if ! grep -qE -- "$re" <<< "$out"; then
			fail "$name: no line matching '$re' in: $(echo "$out" | head -5 | tr '\n' '|')"
			return 1
		fi
	done
	pass "$name"
}

# jflat NAME: validate $out as JSON, flatten it into $w/NAME.flat
jflat() {
	flat=$w/$1.flat
	printf '%s\n' "$out" | "$w/jsonflat" > "$flat" 2> "$w/$1.err"
}

# jhas LINE...: the lines (exact PATH=VALUE) missing from $flat
jhas() {
	local l
	for l in "$@"; do
		grep -qFx -- "$l" "$flat" || printf '%s; ' "$l"
	done
}

# jkeys PREFIX: the member names under PREFIX (e.g. ".loaded[0]"), in order
jkeys() {
	grep -F -- "$1." "$flat" | sed "s/^.\{${#1}\}\.//; s/[.=[].*//" | uniq | tr '\n' ' '
}

# the modules
mkko "$w/livepatch-a.ko" "vermagic=$vm" "livepatch=Y" "name=livepatch_a" \
	"livepatch_build_id=$bid" "livepatch_func=vmlinux:cmdline_proc_show" \
	"livepatch_func=vmlinux:meminfo_proc_show,2" \
	"livepatch_func=klp_target:target_fn" "description=test patch a"
mkko "$w/livepatch-b.ko" "vermagic=$vm" "livepatch=Y" "name=livepatch_b" \
	"livepatch_build_id=$bid" "livepatch_func=vmlinux:version_proc_show"
mkko "$w/hand.ko" "vermagic=$vm" "livepatch=Y" "name=hand"
mkko "$w/notlp.ko" "vermagic=$vm" "name=notlp"
mkko "$w/other-rel.ko" "vermagic=6.12.999 SMP preempt mod_unload aarch64" \
	"livepatch=Y" "name=other_rel" "livepatch_build_id=$bid"
mkko "$w/other-bid.ko" "vermagic=$vm" "livepatch=Y" "name=other_bid" \
	"livepatch_build_id=${bid%??}ff"
mkko "$w/conflict.ko" "vermagic=$vm" "livepatch=Y" "name=conflict" \
	"livepatch_func=vmlinux:foo"
mkko "$w/pos2.ko" "vermagic=$vm" "livepatch=Y" "name=pos2" \
	"livepatch_func=vmlinux:foo,2"
mkko "$w/badfunc.ko" "vermagic=$vm" "livepatch=Y" "name=badfunc" \
	"livepatch_func=foo"
mkko "$w/p1.ko" "vermagic=$vm" "livepatch=Y" "name=p1"
cp "$w/hand.ko" "$w/signed.ko"
sign "$w/signed.ko"

# the fake system: p1 enabled, p2 (replace) in transition with blockers
mkdir -p "$sr/proc/123" "$sr/proc/124" "$sr/sys/kernel/security" \
	"$sr/sys/module/module/parameters" "$sr/sys/module/p1"
echo cat > "$sr/proc/123/comm"
printf 'sleep\n' > "$sr/proc/124/comm"
echo "console=ttyAMA0 panic=-1" > "$sr/proc/cmdline"
: > "$sr/proc/modules"
echo "[none] integrity confidentiality" > "$sr/sys/kernel/security/lockdown"
echo N > "$sr/sys/module/module/parameters/sig_enforce"
# fakepatch NAME ENABLED TRANSITION REPLACE OBJ/FUNC,POS...
fakepatch() {
	local d=$sr/sys/kernel/livepatch/$1 f
	mkdir -p "$d"
	echo "$2" > "$d/enabled"
	echo "$3" > "$d/transition"
	echo "$4" > "$d/replace"
	: > "$d/force"
	: > "$d/blockers"
	shift 4
	for f in "$@"; do
		mkdir -p "$d/$f"
		echo 1 > "$d/${f%%/*}/patched"
	done
}
fakepatch p1 1 0 0 vmlinux/foo,1 klp_target/other_fn,1
fakepatch p2 1 1 1 vmlinux/bar,1
printf '123 bar old\n124 - unreliable\n+3 more\n' > "$sr/sys/kernel/livepatch/p2/blockers"
# /sys/kernel/notes: a "Linux" note, then the GNU build-id note (20 bytes)
hexbytes() { local h=$1; while [ -n "$h" ]; do printf "\\x${h:0:2}"; h=${h:2}; done; }
{
	printf '\x06\x00\x00\x00\x04\x00\x00\x00\x00\x01\x00\x00Linux\x00\x00\x00'
	printf '\x01\x02\x03\x04'
	printf '\x04\x00\x00\x00\x14\x00\x00\x00\x03\x00\x00\x00GNU\x00'
	hexbytes "$bid"
} > "$sr/sys/kernel/notes"

### usage errors: exit 1, one line naming the problem
run -- ; expect "usage: no command" 1 '^klpctl: no command'
run -- frob; expect "usage: unknown command" 1 '^klpctl: frob: unknown command'
run -- load; expect "usage: load without file" 1 '^klpctl: load: missing argument'
run -- load a.ko b.ko; expect "usage: load two files" 1 'too many arguments'
run -- load --installed a.ko; expect "usage: load --installed FILE" 1 'too many arguments'
run -- load a.ko --timeout abc; expect "usage: bad timeout" 1 "^klpctl: --timeout: 'abc'"
run -- load a.ko --timeout 0; expect "usage: zero timeout" 1 '^klpctl: --timeout'
run -- load a.ko --timeout; expect "usage: timeout without value" 1 'missing its value'
run -- list --timeout 5; expect "usage: list --timeout" 1 '^klpctl: list: --timeout is not an option'
run -- list extra; expect "usage: list with argument" 1 'too many arguments'
run -- info; expect "usage: info without argument" 1 'missing argument'
run -- unload --all x; expect "usage: unload --all NAME" 1 'too many arguments'
run -- load --bogus; expect "usage: unknown option" 1 '^klpctl: --bogus: unknown option'
run -- --help; expect "usage: --help" 0 '^usage: klpctl' 'uninstall NAME'
[ "$(echo "$out" | grep -c .)" -gt 5 ] || fail "--help is too short"
run -- load "$w/missing.ko"; expect "load: missing file" 1 "^klpctl: $w/missing.ko: No such file"
echo text > "$w/text.ko"
run -- load "$w/text.ko"; expect "load: not a module" 1 "^klpctl: $w/text.ko: cannot read its modinfo: "

### install store (--root)
st=$w/root/var/lib/livepatch/$rel
run -- --root "$w/root" install "$w/livepatch-a.ko"
expect "install a" 0 "^livepatch_a: installed for $rel"
run -- --root "$w/root" install "$w/livepatch-b.ko"; expect "install b" 0
run -- --root "$w/root" install "$w/hand.ko"; expect "install hand" 0
run -- --root "$w/root" install "$w/livepatch-a.ko"
expect "install a again" 0 'replaced the installed file'
if [ "$(cat "$st/order" 2>/dev/null | tr '\n' ' ')" = "livepatch_a livepatch_b hand " ] &&
	cmp -s "$st/livepatch_a.ko" "$w/livepatch-a.ko" && [ -f "$st/hand.ko" ]; then
	pass "store: files and order"
else
	fail "store: order is '$(cat "$st/order" 2>/dev/null | tr '\n' ' ')'; files: $(ls "$st" | tr '\n' ' ')"
fi
ls -a "$st" | grep -q tmp && fail "store: temporary file left: $(ls -a "$st" | tr '\n' ' ')"
run -- --root "$w/root" install "$w/notlp.ko"
expect "install: refuses a module without livepatch=Y" 2 "^klpctl: $w/notlp.ko: not a livepatch module"
[ -e "$st/notlp.ko" ] && fail "install: a refused module is in the store"
run -- --root "$w/root" install "$w/nope.ko"; expect "install: missing file" 1 'No such file'
run -- --root "$w/root" install "$w/other-rel.ko"; expect "install: other release" 0 'installed for 6.12.999'
[ -f "$w/root/var/lib/livepatch/6.12.999/other_rel.ko" ] || fail "install: other release not in its own directory"
run -- --root "$w/root" uninstall livepatch_b; expect "uninstall b" 0 "^livepatch_b: uninstalled from $rel"
if [ "$(tr '\n' ' ' < "$st/order")" = "livepatch_a hand " ] && [ ! -e "$st/livepatch_b.ko" ]; then
	pass "uninstall: order and file"
else
	fail "uninstall: order '$(tr '\n' ' ' < "$st/order")', files $(ls "$st" | tr '\n' ' ')"
fi
run -- --root "$w/root" uninstall livepatch_b; expect "uninstall: not installed" 1 '^klpctl: livepatch_b: not installed'
run -- --root "$w/root" uninstall ../x.ko; expect "uninstall: a file name" 1 'not a module name'

### list with the fake sysfs
run -- --root "$w/root" list
expect "list text" 0 '^  p1: enabled, replace no' '^  p2: enabled, in transition, replace yes' \
	'^    vmlinux \(patched\): foo,1' '^    blocked by: pid 123 \(cat\) in bar$' \
	'^    blocked by: pid 124 \(sleep\): stack not reliable' '^    blocked by: 3 more tasks$' \
	"^  1\. livepatch_a \(not loaded\)"
run -- --root "$w/root" list --json
if [ "$rc" = 0 ] && jflat list; then
	pass "list --json: exit 0, valid JSON"
else
	fail "list --json: exit $rc, $(cat "$w/list.err"): $(echo "$out" | head -c 300)"
fi
why=$(jhas ".release=\"$rel\"" '.loaded[0].name="p1"' '.loaded[1].name="p2"' \
	'.loaded[0].enabled=true' '.loaded[0].transition=false' '.loaded[1].transition=true' \
	'.loaded[0].replace=false' '.loaded[1].replace=true' '.loaded[0].stack_order=null' \
	'.loaded[0].installed=false' \
	'.loaded[0].objects[0].name="klp_target"' '.loaded[0].objects[1].name="vmlinux"' \
	'.loaded[0].objects[1].patched=true' '.loaded[0].objects[1].functions[0].name="foo"' \
	'.loaded[0].objects[1].functions[0].sympos=1' \
	'.loaded[0].blockers=[]' '.loaded[0].blockers_more=0' \
	'.loaded[1].blockers[0].pid=123' '.loaded[1].blockers[0].comm="cat"' \
	'.loaded[1].blockers[0].function="bar"' '.loaded[1].blockers[0].where="old"' \
	'.loaded[1].blockers[1].function=null' '.loaded[1].blockers[1].where="unreliable"' \
	'.loaded[1].blockers_more=3' \
	'.installed[0].name="livepatch_a"' '.installed[0].loaded=false' '.installed[1].name="hand"' \
	".installed[0].file=\"$st/livepatch_a.ko\"")
grep -qE '^\.(loaded\[2\]|installed\[2\]|loaded\[0\]\.objects\[1\]\.functions\[1\])' "$flat" &&
	why+="more entries than there are; "
[ "$(jkeys '')" = "release loaded installed " ] || why+="top keys: $(jkeys ''); "
[ "$(jkeys '.loaded[1]')" = "name enabled transition replace stack_order installed objects blockers blockers_more " ] ||
	why+="patch keys: $(jkeys '.loaded[1]'); "
[ -z "$why" ] && pass "list --json: schema" || fail "list --json: $why"

### info
run -- info "$w/livepatch-a.ko" --json
why=
jflat info || why="$(cat "$w/info.err"); "
why+=$(jhas '.name="livepatch_a"' ".release=\"$rel\"" ".build_id=\"$bid\"" \
	".vermagic=\"$vm\"" ".file=\"$w/livepatch-a.ko\"" '.description="test patch a"' \
	'.loaded=false' '.enabled=null' '.replace=null' '.signed=false' '.installed=[]' \
	'.functions_from="modinfo"' \
	'.objects[0].name="vmlinux"' '.objects[0].functions[0].name="cmdline_proc_show"' \
	'.objects[0].functions[0].sympos=1' '.objects[0].functions[1].name="meminfo_proc_show"' \
	'.objects[0].functions[1].sympos=2' '.objects[1].name="klp_target"' \
	'.objects[1].functions[0].name="target_fn"')
[ "$(jkeys '')" = "name file description release vermagic build_id replace signed signer loaded enabled transition installed functions_from objects " ] ||
	why+="keys: $(jkeys ''); "
[ "$rc" = 0 ] && [ -z "$why" ] && pass "info FILE --json" || fail "info FILE --json: exit $rc: $why"
run -- info "$w/hand.ko"
expect "info: hand-written module" 0 '^name: hand$' 'functions: not recorded in the module; known only once loaded'
run -- info "$w/signed.ko" --json
expect "info: signed module" 0 '"signed": true' '"signer": "test signer"' '"functions_from": null'
run -- info p1 --json
expect "info: loaded patch, functions from sysfs" 0 '"loaded": true' '"functions_from": "sysfs"' '"name": "other_fn"'
run -- --root "$w/root" info livepatch_a
expect "info: installed patch by name" 0 "^installed for: $rel" '^loaded: no' '^  vmlinux: cmdline_proc_show,1'
run -- --root "$w/root" info livepatch-a
expect "info: a name with '-' for '_'" 0 '^name: livepatch_a$'
run -- info nosuch; expect "info: unknown name" 1 "^klpctl: nosuch: not loaded and not installed for $rel"
run -- info "$w/badfunc.ko"; expect "info: malformed livepatch_func" 2 "bad livepatch_func 'foo'"

### pre-checks of load: refused (2) before anything is inserted
run -- load "$w/livepatch-a.ko"
expect "load: all pre-checks pass (then not inserted: fake system)" 4 \
	'^klpctl: livepatch_a: pre-checks passed; not inserted: KLPCTL_SYSROOT is set'
run -- load "$w/other-rel.ko"
expect "load: refuses another kernel release" 2 '^klpctl: other_rel: refused: built for kernel 6.12.999, running 6.12.117$'
run KLPCTL_RELEASE=6.12.118 -- load "$w/livepatch-a.ko"
expect "load: refuses when the running release differs" 2 'built for kernel 6.12.117, running 6.12.118'
run -- load "$w/other-bid.ko"
expect "load: refuses another build-id" 2 "^klpctl: other_bid: refused: built for kernel build-id ${bid%??}ff, running $bid\$"
run -- load "$w/notlp.ko"; expect "load: refuses a module without livepatch=Y" 2 'not a livepatch module'
run -- load "$w/p1.ko"; expect "load: refuses a loaded patch" 2 '^klpctl: p1: refused: already loaded'
run -- load "$w/conflict.ko"
expect "load: refuses a function a non-replace patch patches" 2 '^klpctl: conflict: refused: vmlinux:foo,1 is already patched by p1$'
run -- load "$w/pos2.ko"; expect "load: another sympos is no conflict" 4 'pre-checks passed'
echo "none integrity [confidentiality]" > "$sr/sys/kernel/security/lockdown"
run -- load "$w/hand.ko"
expect "load: lockdown refuses an unsigned module" 2 '^klpctl: hand: refused: the module is not signed .*lockdown=confidentiality'
run -- load "$w/signed.ko"; expect "load: lockdown accepts a signed module" 4 'pre-checks passed'
echo "[none] integrity confidentiality" > "$sr/sys/kernel/security/lockdown"
echo Y > "$sr/sys/module/module/parameters/sig_enforce"
run -- load "$w/hand.ko"; expect "load: sig_enforce refuses an unsigned module" 2 'module.sig_enforce=1'
echo N > "$sr/sys/module/module/parameters/sig_enforce"
mv "$sr/sys/kernel/notes" "$w/notes"
run -- load "$w/livepatch-a.ko"; expect "load: unknown kernel build-id" 2 'build-id is unknown'
mv "$w/notes" "$sr/sys/kernel/notes"
run KLPCTL_SYSROOT="$w/empty" -- load "$w/livepatch-a.ko"
expect "load: no livepatch in the kernel" 2 'refused: the kernel has no live patching'

### load --installed and klp.enable=0
echo "console=ttyAMA0 klp.enable=0 quiet" > "$sr/proc/cmdline"
run -- --root "$w/root" load --installed
expect "klp.enable=0: loads nothing" 0 '^klpctl: klp.enable=0 on the kernel command line: no patches loaded$'
[ "$(echo "$out" | grep -c .)" = 1 ] || fail "klp.enable=0: more than one line: $out"
echo "console=ttyAMA0 klp.enable=1" > "$sr/proc/cmdline"
run -- --root "$w/root" load --installed
expect "load --installed: tries each in order" 4 \
	'livepatch_a: pre-checks passed' 'hand: pre-checks passed'
[ "$(echo "$out" | grep -o '^klpctl: [a-z_]*' | tr '\n' ' ')" = "klpctl: livepatch_a klpctl: hand " ] ||
	fail "load --installed: order: $(echo "$out" | tr '\n' '|')"
run KLPCTL_RELEASE=6.1.0 -- --root "$w/root" load --installed
expect "load --installed: nothing for this release" 0 '^klpctl: no patches installed for 6.1.0'

### unload that times out is reverted (never forced)
fakepatch p3 1 1 0 vmlinux/baz,1
printf '123 baz new\n+2 more\n' > "$sr/sys/kernel/livepatch/p3/blockers"
# await FILE VALUE: until FILE holds VALUE, for at most 30 s
await() {
	local n=0
	until [ "$(cat "$1")" = "$2" ]; do
		n=$((n + 1))
		[ $n -lt 600 ] || return 1
		sleep 0.05
	done
}
# stands in for the kernel: the reverse (enabled back to 1) finishes
en=$sr/sys/kernel/livepatch/p3/enabled
( await "$en" 0 && await "$en" 1 &&
  echo 0 > "$sr/sys/kernel/livepatch/p3/transition" ) &
watcher=$!
run -- unload p3 --timeout 3
expect "unload: timeout reverts" 3 '^klpctl: p3: the transition did not finish in 3 s; enabling it again' \
	'^klpctl: p3: pid 123 \(cat\) in baz$' '^klpctl: p3: and 2 more tasks$' '^klpctl: p3: unload reverted; the patch stays enabled'
wait "$watcher"; watcher=
[ "$(cat "$en")" = 1 ] || fail "unload: enabled is '$(cat "$en")' after the revert"
# named while waiting (after 1 s) and again at the timeout
[ "$(grep -c '^klpctl: p3: pid 123 (cat) in baz$' <<< "$out")" = 2 ] ||
	fail "unload: blockers not printed both while waiting and at the timeout: $(echo "$out" | tr '\n' '|')"
fakepatch p4 1 1 0 vmlinux/qux,1
run -- unload p4 --timeout 0.3
expect "unload: reverse that does not finish either" 4 'did not finish in 0.3 s either; left in transition'
[ -s "$sr/sys/kernel/livepatch/p4/force" ] && fail "unload: wrote to force"
# SIGTERM while waiting: reverted as on a timeout, not killed midway
fakepatch p5 1 1 0 vmlinux/sig,1
en=$sr/sys/kernel/livepatch/p5/enabled
KLPCTL_SYSROOT="$sr" KLPCTL_RELEASE=$rel "$k" unload p5 --timeout 60 > "$w/sig.out" 2>&1 &
kpid=$!
( await "$en" 0 && kill -TERM "$kpid" && await "$en" 1 &&
  echo 0 > "$sr/sys/kernel/livepatch/p5/transition" ) &
watcher=$!
wait "$kpid"
rc=$?
out=$(cat "$w/sig.out")
wait "$watcher"; watcher=
expect "unload: SIGTERM reverts" 3 '^klpctl: p5: interrupted; enabling it again$' \
	'^klpctl: p5: unload reverted; the patch stays enabled'
run -- unload nosuch; expect "unload: unknown patch" 1 '^klpctl: nosuch: no such livepatch is loaded'

### unload --all: the most recently stacked patch first.  With a fake
### system the first removal stops it, which shows which one came first.
sr_main=$sr
sr=$w/sys2
mkdir -p "$sr/proc"
fakepatch older 1 0 0 vmlinux/f1,1
fakepatch newer 1 0 0 vmlinux/f2,1
fakepatch middle 1 0 0 vmlinux/f3,1
printf '%s 16384 0 - Live 0x0 (OK)\n' newer middle older > "$sr/proc/modules"
run -- unload --all
expect "unload --all: by module load order" 4 '^klpctl: newer: not removed: KLPCTL_SYSROOT is set$'
echo 3 > "$sr/sys/kernel/livepatch/older/stack_order"
echo 1 > "$sr/sys/kernel/livepatch/newer/stack_order"
echo 2 > "$sr/sys/kernel/livepatch/middle/stack_order"
run -- unload --all; expect "unload --all: by stack_order" 4 '^klpctl: older: not removed'
[ "$(cat "$sr"/sys/kernel/livepatch/{older,newer,middle}/enabled | tr '\n' ' ')" = "0 0 1 " ] ||
	fail "unload --all: enabled files: $(cat "$sr"/sys/kernel/livepatch/*/enabled | tr '\n' ' ')"
sr=$sr_main

### JSON escaping
printf 'we"ird\\\x01\xff\n' > "$sr/proc/123/comm"
run -- list --json
if jflat escape && grep -qFx '.loaded[1].blockers[0].comm="we\"ird\\\u0001\ufffd"' "$flat"; then
	pass "list --json: escapes a task name"
else
	fail "list --json: escaping: $(cat "$w/escape.err") $(grep comm "$flat" | head -1)"
fi

### the systemd unit
unit=$top/tools/livepatch/klp.service
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$w/unit"
	# verify needs ExecStart's binary: point it at the one just built
	sed "s#/usr/sbin/klpctl#$k#" "$unit" > "$w/unit/klp.service"
	if systemd-analyze verify --man=no "$w/unit/klp.service" > "$w/verify.log" 2>&1 &&
		! grep -q . "$w/verify.log"; then
		pass "klp.service: systemd-analyze verify"
	else
		fail "klp.service: systemd-analyze verify: $(head -3 "$w/verify.log" | tr '\n' '|')"
	fi
	sed "s#^ExecStart=$k#ExecStart=$w/nonexistent#" "$w/unit/klp.service" > "$w/unit/bad.service"
	systemd-analyze verify --man=no "$w/unit/bad.service" > /dev/null 2>&1 &&
		fail "systemd-analyze verify accepts a broken unit: the check proves nothing"
else
	echo "NOTE: systemd-analyze not found (package systemd): klp.service not verified"
fi
for re in '^DefaultDependencies=no$' '^ConditionKernelCommandLine=!klp.enable=0$' \
	'^Type=oneshot$' '^RemainAfterExit=yes$' '^ExecStart=/usr/sbin/klpctl load --installed$' \
	'^Before=.*network-pre.target'; do
	grep -qE "$re" "$unit" || fail "klp.service: no line '$re'"
done

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "klpctl host test: all checks passed"
exit 0
