#!/bin/bash
# Guest-side test runner (run by `make check` inside the VM).
#
#   guest-run.sh LIST
#
# LIST has one test per line: NAME<TAB>PATH<TAB>TIMEOUT_SECONDS<TAB>ENV,
# ENV being VAR=value words (possibly none) added to the test's
# environment.  Each test runs in its own session, with its directory as
# working directory, stdin from /dev/null; executable files run directly,
# others with bash.
# Exit code 0 = PASS, 4 = SKIP (kselftest), anything else or the timeout =
# FAIL.  One line per test:  KLP-TEST: PASS|FAIL|SKIP NAME [(details)]
# and at the end the same lines again between KLP-RESULTS-BEGIN/-END (with
# the console loglevel lowered so kernel messages cannot interleave).
set -u
list=${1:?usage: guest-run.sh LIST}
results=()
nfail=0

uptime_s() { cut -d' ' -f1 /proc/uptime; }

while IFS=$'\t' read -r name path tmo env; do
    [ -n "$name" ] || continue
    tmo=${tmo:-300}
    echo "KLP-TEST-START: $name ($path, timeout ${tmo}s${env:+, $env})"
    t0=$(uptime_s)
    status='' why=''
    if [ ! -f "$path" ]; then
        status=FAIL why="not found: $path"
    else
        dir=$(dirname "$path") base=$(basename "$path")
        if [ -x "$path" ]; then run=("./$base"); else run=(bash "./$base"); fi
        # A new session, so that a timeout can kill the whole process tree.
        # shellcheck disable=SC2086 # VAR=value words, checked by check.sh
        (cd "$dir" && for v in $env; do export "${v?}"; done &&
         exec setsid "${run[@]}") < /dev/null &
        pid=$!
        timed_out=
        for ((i = 0; ; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            if [ "$i" -ge $((tmo * 5)) ]; then
                timed_out=1
                echo "guest-run: $name: timeout after ${tmo}s, killing it"
                kill -TERM -- "-$pid" 2>/dev/null
                sleep 2
                kill -KILL -- "-$pid" 2>/dev/null
                break
            fi
            sleep 0.2
        done
        wait "$pid"
        rc=$?
        if [ -n "$timed_out" ]; then status=FAIL why="timeout after ${tmo}s"
        elif [ "$rc" -eq 0 ]; then status=PASS
        elif [ "$rc" -eq 4 ]; then status=SKIP
        else status=FAIL why="exit status $rc"
        fi
    fi
    [ "$status" = FAIL ] && nfail=$((nfail + 1))
    t=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
    line="KLP-TEST: $status $name (${t}s${why:+, $why})"
    results+=("$line")
    echo "$line"
done < "$list"

echo 1 > /proc/sys/kernel/printk
echo "KLP-RESULTS-BEGIN"
for line in "${results[@]}"; do echo "$line"; done
echo "KLP-RESULTS-END"
[ "$nfail" -eq 0 ]
