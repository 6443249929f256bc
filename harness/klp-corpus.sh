#!/bin/bash
# make klp-corpus FROM=6.12.113 TO=6.12.115: klp-build measured on real
# stable fixes.
#
#  1. fetch Debian's linux-source-6.12 of both versions (apt-get download;
#     `apt-cache madison linux-source-6.12` lists the published ones)
#  2. cut their difference into one patch per changed .c or .h file
#  3. build the default kernel from FROM in build/corpus/FROM/ (its own
#     KLP_BUILD_DIR: the tree in build/ stays as it is)
#  4. run klp-build on each patch whose file that kernel compiles, with a
#     time limit (KLP_CORPUS_TIMEOUT, default 900 s).  A stable update cut
#     per file can split one commit: a .c whose patch alone does not
#     compile is tried again with the changed files it needs: the changed
#     headers that share its name or add a name its compiler errors quote
#     (or a struct the failing line uses), the files the update adds that
#     an #include misses, or else the changed .c files whose compile fails
#     (up to three rounds; result "with the other changed files of its
#     commit").  klp-build's verdict on a change that
#     only touches vmlinux __init/__exit code (nothing to patch in a running
#     kernel) is counted apart, like "no functional change"
#  5. boot the FROM kernel once and, for every module built, load it, wait
#     for the switch, run a workload, disable and unload it; any kernel
#     warning fails the module (KLP_CORPUS_BOOT=0 skips this step)
#  6. print a table: files tried, built and passed, no functional change,
#     refused by reason, failed; build/corpus/FROM-TO/report.txt keeps it,
#     with one line per file in results.txt and every log beside it
#
# Environment: FROM, TO (required, e.g. 6.12.113); KLP_CORPUS_ONLY=regex
# (only files whose path matches are built again; the results of the others
# from an earlier run are kept); KLP_CORPUS_TIMEOUT; KLP_CORPUS_BOOT.
set -uo pipefail
# shellcheck disable=SC2034 # read by lib.sh's klp_log
KLP_TAG=klp-corpus
. "$(dirname "$0")/lib.sh"

FROM=${FROM:-} TO=${TO:-}
[[ $FROM =~ ^6\.12\.[0-9]+$ && $TO =~ ^6\.12\.[0-9]+$ ]] ||
    klp_die "FROM and TO must be 6.12.y versions: make klp-corpus FROM=6.12.113 TO=6.12.115"
TMO=${KLP_CORPUS_TIMEOUT:-900}
DIR=$KLP_TOP/build/corpus/$FROM-$TO
CBUILD=$KLP_TOP/build/corpus/$FROM
mkdir -p "$DIR" "$CBUILD"

# ---- 1. the two source packages -------------------------------------------
# tarball VERSION: build/corpus/linux-VERSION.tar.xz from Debian's package
tarball() {
    local v=$1 t=$KLP_TOP/build/corpus/linux-$1.tar.xz deb full
    [ -s "$t" ] && { echo "$t"; return 0; }
    full=$(apt-cache madison linux-source-6.12 |
           awk -F'|' -v v="$v" '{ gsub(/ /, "", $2) } index($2, v "-") == 1 { print $2; exit }')
    [ -n "$full" ] || klp_die "linux-source-6.12 $v is not published (apt-cache madison linux-source-6.12; apt-get update?)"
    klp_log "downloading linux-source-6.12=$full"
    (cd "$KLP_TOP/build/corpus" && apt-get download -q "linux-source-6.12=$full" >&2) ||
        klp_die "apt-get download linux-source-6.12=$full failed"
    deb=$(ls "$KLP_TOP/build/corpus/linux-source-6.12_${full//:/%3a}"_*.deb 2>/dev/null | head -n 1)
    [ -f "$deb" ] || klp_die "linux-source-6.12=$full: no .deb after download"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz > "$t.tmp" &&
        mv "$t.tmp" "$t" || klp_die "$deb: no usr/src/linux-source-6.12.tar.xz in it"
    rm -f "$deb"
    echo "$t"
}

# tree VERSION: its pristine source, extracted once
tree() {
    local d=$KLP_TOP/build/corpus/src-$1
    if [ ! -f "$d/Makefile" ]; then
        rm -rf "$d" && mkdir -p "$d"
        tar -xf "$(tarball "$1")" -C "$d" --strip-components=1 || klp_die "cannot extract linux $1"
    fi
    echo "$d"
}
from_tar=$(tarball "$FROM") || exit 1
a=$(tree "$FROM") || exit 1
b=$(tree "$TO") || exit 1

# ---- 3. the FROM kernel ---------------------------------------------------
export KLP_BUILD_DIR=$CBUILD LINUX_TARBALL=$from_tar KCONFIG=default
# shellcheck source=harness/lib.sh
. "$KLP_TOP/harness/lib.sh"
klp_log "building the default kernel of $FROM in ${CBUILD#"$KLP_TOP"/} (log: corpus/$FROM-$TO/kernel.log)"
"$KLP_TOP/harness/kernel.sh" > "$DIR/kernel.log" 2>&1 ||
    klp_die "the $FROM kernel does not build: ${DIR#"$KLP_TOP"/}/kernel.log"

# ---- 2. one patch per changed file that this kernel compiles --------------
# Every source and header a compiled object read, from kbuild's .cmd files
# (absolute, or relative to the object tree: ../linux/...).
find "$KLP_KBUILD" -name '*.o.cmd' -print0 |
    xargs -0 sed -n 's#^ *\(source_[^ ]* := \)\{0,1\}\([^ $]*\.[ch]\) *\\\{0,1\}$#\2#p' |
    sed -e "s#^$KLP_SRC/##" -e "s#^$(realpath --relative-to="$KLP_KBUILD" "$KLP_SRC")/##" |
    sort -u > "$DIR/compiled.txt"

(cd "$a" && find . -type f \( -name '*.c' -o -name '*.h' \) | sort) > "$DIR/files-a"
(cd "$b" && find . -type f \( -name '*.c' -o -name '*.h' \) | sort) > "$DIR/files-b"
sort -u "$DIR/files-a" "$DIR/files-b" | sed 's#^\./##' |
    grep -Ev '^(Documentation|tools|scripts|samples|usr)/|^arch/[^/]+/' > "$DIR/candidates"
grep -E '^arch/arm64/' <(sort -u "$DIR/files-a" "$DIR/files-b" | sed 's#^\./##') >> "$DIR/candidates"

rm -rf "$DIR/patches" && mkdir -p "$DIR/patches" "$DIR/res"
: > "$DIR/todo"
: > "$DIR/headers"
while IFS= read -r f; do
    fa=$a/$f fb=$b/$f
    [ -f "$fa" ] || fa=/dev/null
    [ -f "$fb" ] || fb=/dev/null
    cmp -s "$fa" "$fb" && continue
    name=$(printf '%s' "$f" | tr -c 'A-Za-z0-9' '_')
    diff -u --label "a/$f" --label "b/$f" "$fa" "$fb" > "$DIR/patches/$name.patch"
    [[ $f == *.h ]] && printf '%s\n' "$f" >> "$DIR/headers"
    if grep -qxF "$f" "$DIR/compiled.txt"; then
        printf '%s\n' "$f" >> "$DIR/todo"
    else
        printf '%s\tnot-compiled\t-\n' "$f" > "$DIR/res/$name"
    fi
done < "$DIR/candidates"
n=$(wc -l < "$DIR/todo")
klp_log "$n changed files that the default kernel compiles"

# ---- 4. klp-build on each -------------------------------------------------
mkdir -p "$DIR/ko" "$DIR/logs"
# reason LOG: the refusal, as klp-build's last error line says it
reason() {
    local l
    l=$(grep -E 'klp-build: error: ' "$1" | tail -n 1)
    l=${l#*klp-build: error: }
    case $l in
    'no functional change'*) echo nochange ;;
    *'code only'*'nothing to patch in a running kernel'*) echo boot-only ;;
    *'changed enumerator values'*) echo "refused:changed enum values" ;;
    *'changed data'*|*'data '*'changed'*) echo "refused:changed data" ;;
    *'changed type definition'*) echo "refused:changed struct layout" ;;
    *'(not patchable)'*) echo "refused:code the backend cannot redirect" ;;
    *'table section'*) echo "refused:table entry added or removed" ;;
    *__init*|*'init '*|*'.init'*) echo "refused:init code" ;;
    *'assembly'*) echo "refused:assembly" ;;
    *'build system'*|*'generated'*) echo "refused:build input" ;;
    *'not built in this configuration'*|*'no object'*) echo "not-compiled" ;;
    *'compilation failed'*|*'preprocessing failed'*) echo "failed:does not compile" ;;
    '') echo "failed:no error line" ;;
    *) echo "refused:other" ;;
    esac
}

# err_names LOG: the names the compiler errors of LOG quote, and the
# struct/union/enum tags on the source lines they point at (as TO has them:
# a file that fails is either changed, and then TO's, or the same in both),
# C keywords left out, one per line
err_names() {
    local p l
    {
        grep -E 'error: ' "$1" |
            grep -oE "[‘']((struct|union|enum) )?[A-Za-z_][A-Za-z0-9_]*[’']" |
            sed -E "s/^[‘'](struct |union |enum )?//; s/[’']\$//"
        grep -oE '/src/[^: ]+:[0-9]+:[0-9]+: error' "$1" |
            sed -E 's#^/src/##; s#:([0-9]+):[0-9]+: error$# \1#' | sort -u |
        while read -r p l; do
            [ -f "$b/$p" ] && sed -n "${l}p" "$b/$p"
        done | grep -oE '\<(struct|union|enum) [A-Za-z_][A-Za-z0-9_]*' | sed -E 's/^[a-z]+ //'
    } | grep -vxE 'do|while|if|else|for|return|sizeof|typeof|struct|union|enum|const|static|inline|extern|void|int|char|long|unsigned|signed|bool' |
        sort -u
}

# headers_for FILE LOG: the changed headers that FILE's object reads (a .c,
# from kbuild's .cmd) and that share its name (lib/fault-inject.c,
# include/linux/fault-inject.h) or whose change adds a line with a name
# err_names finds; when none does (a header FILE's change includes anew, or
# FILE is a header), every changed header whose change adds or removes a
# top-level line (a definition, declaration or #define, not a member or a
# statement) with such a name
headers_for() {
    local cmd names found
    names=$(err_names "$2")
    cmd=$KLP_KBUILD/$(dirname "$1")/.$(basename "${1%.c}").o.cmd
    if [[ $1 == *.c ]] && [ -f "$cmd" ]; then
        found=$(sed -n 's#^ *\([^ $]*\.h\) *\\\{0,1\}$#\1#p' "$cmd" |
            sed -e "s#^$KLP_SRC/##" -e "s#^$(realpath --relative-to="$KLP_KBUILD" "$KLP_SRC")/##" |
            sort -u | grep -xF -f "$DIR/headers" |
            adds_names "$(basename "${1%.c}")" "$names" '^\+')
        [ -z "$found" ] || { printf '%s\n' "$found"; return 0; }
    fi
    adds_names '' "$names" '^[-+][^-+[:space:]/*]' < "$DIR/headers"
}

# adds_names BASE NAMES LINES: the headers read from stdin named BASE.h, or
# whose patch has a line matching the regex LINES with a word of NAMES
adds_names() {
    local h
    while IFS= read -r h; do
        if [ "$(basename "$h" .h)" = "$1" ] ||
           { [ -n "$2" ] &&
             grep -E "$3" "$DIR/patches/$(printf '%s' "$h" | tr -c 'A-Za-z0-9' '_').patch" |
             grep -qwF -f <(printf '%s\n' "$2"); }; then
            printf '%s\n' "$h"
        fi
    done
}

# missing_for FILE LOG: the files this update adds that an #include in LOG
# did not find (a header its commit creates), one per line
missing_for() {
    local x d p
    grep -oE 'fatal error: [^:]+: No such file or directory' "$2" |
        sed -E 's/^fatal error: //; s/: No such file or directory$//' | sort -u |
    while IFS= read -r x; do
        for d in include arch/arm64/include "$(dirname "$1")"; do
            p=$d/$x
            [ ! -f "$DIR/patches/$(printf '%s' "$p" | tr -c 'A-Za-z0-9' '_').patch" ] ||
                printf '%s\n' "$p"
        done
    done
}

# users_of FILE LOG: the .c files changed by this update whose compile
# failed in LOG (an error in it, or its object named failed), one per line
users_of() {
    { grep -oE '/src/[^: ]+\.c:[0-9]+:[0-9]+: error' "$2" |
        sed -e 's#^/src/##' -e 's#:[0-9]*:[0-9]*: error$##'
      sed -n 's#^klp-build: failed: patched \(.*\)\.o$#\1.c#p' "$2"
    } | sort -u | grep -xF -f "$DIR/todo"
}

# build MOD PATCH LOG: klp-build's status, 124 on timeout
build() {
    O="$KLP_KBUILD" KLP_SRCTREE="$KLP_SRC" CROSS_COMPILE=aarch64-linux-gnu- \
        timeout "$TMO" "$KLP_SRC/scripts/livepatch/klp-build" -n "$1" \
        -o "$DIR/ko/$1.ko" "$2" > "$3" 2>&1
}

i=0
while IFS= read -r f; do
    i=$((i + 1))
    name=$(printf '%s' "$f" | tr -c 'A-Za-z0-9' '_')
    mod=c$(printf '%03d' "$i")_$(printf '%s' "$name" | tail -c 40)
    mod=${mod//__/_}
    [ -z "${KLP_CORPUS_ONLY:-}" ] || [[ $f =~ $KLP_CORPUS_ONLY ]] || continue
    log=$DIR/logs/$name.log
    rm -f "$DIR/ko/$mod.ko"
    t0=$(klp_now)
    build "$mod" "$DIR/patches/$name.patch" "$log"
    rc=$? why=
    res=$(reason "$log")
    # One commit cut in two by file: add the changed files it needs, at
    # most three rounds (the headers that share its name or add a name its
    # errors quote; the files it adds that an #include misses; when neither
    # finds one, the changed .c files whose compile fails)
    files=("$f")
    for round in 1 2 3; do
        [ $rc -ne 0 ] && [ "$(reason "$log")" = "failed:does not compile" ] || break
        # headers first: a header that moved a definition away breaks every
        # changed .c that includes it, and those are not its commit
        more=$(for g in "${files[@]}"; do
                   headers_for "$g" "$log"
                   missing_for "$g" "$log"
               done | sort -u | grep -vxF -f <(printf '%s\n' "${files[@]}"))
        [ -n "$more" ] ||
            more=$(users_of "$f" "$log" | grep -vxF -f <(printf '%s\n' "${files[@]}"))
        [ -n "$more" ] || break
        # shellcheck disable=SC2206 # paths have no blanks
        files+=($more)
        klp_log "[$i/$n] $f does not compile without the rest of its commit; again with ${files[*]:1}"
        for g in "${files[@]}"; do
            cat "$DIR/patches/$(printf '%s' "$g" | tr -c 'A-Za-z0-9' '_').patch"
        done > "$DIR/patches/$name.with-commit.patch"
        mv "$log" "${log%.log}.round$round.log"
        build "$mod" "$DIR/patches/$name.with-commit.patch" "$log"
        rc=$?
        why="with the other changed files of its commit: ${files[*]:1}"
    done
    secs=$(( $(klp_now) - t0 ))
    if [ $rc -eq 0 ] && [ -f "$DIR/ko/$mod.ko" ]; then
        res=built
    elif [ $rc -eq 124 ]; then
        res="failed:timeout ${TMO}s"
    else
        res=$(reason "$log")
        why="${why:+$why: }$(grep -E 'klp-build: error: ' "$log" | tail -n 1 | sed 's/.*klp-build: error: //')"
    fi
    printf '%s\t%s\t%ss\t%s\t%s\n' "$f" "$res" "$secs" "$mod" "$why" > "$DIR/res/$name"
    klp_log "[$i/$n] $f: $res (${secs}s)"
done < "$DIR/todo"
cat "$DIR/res/"* | sort > "$DIR/results.txt"

# ---- 5. boot and exercise every module built ------------------------------
if [ "${KLP_CORPUS_BOOT:-1}" != 0 ] && ls "$DIR/ko/"*.ko >/dev/null 2>&1; then
    klp_log "booting $FROM with $(ls "$DIR/ko/"*.ko | wc -l) modules"
    VM_EXTRA="$DIR/ko $KLP_TOP/harness/klp-corpus-guest.sh" \
        KLP_CMD='bash /extra/klp-corpus-guest.sh /extra' \
        VM_TIMEOUT=$((300 + 60 * $(ls "$DIR/ko/"*.ko | wc -l))) \
        "$KLP_TOP/harness/vm.sh" > "$DIR/boot.log" 2>&1
    klp_log "boot exit status $? (${DIR#"$KLP_TOP"/}/boot.log)"
    # guest lines "corpus: MOD pass|FAIL why"
    while IFS=$'\t' read -r f res secs mod why; do
        case $res in
        built|passed|wrong) ;;
        *) printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$res" "$secs" "$mod" "$why"; continue ;;
        esac
        why=${why%%;*}
        case $why in with*) ;; *) why= ;; esac
        g=$(grep -a -m1 "^corpus: $mod " "$DIR/boot.log")
        case $g in
        "corpus: $mod pass"*) res=passed ;;
        "corpus: $mod FAIL"*) res=wrong why="${why:+$why; }${g#"corpus: $mod FAIL "}" ;;
        *) res=wrong why="${why:+$why; }no result from the guest (crash or timeout: boot.log)" ;;
        esac
        printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$res" "$secs" "$mod" "$why"
    done < "$DIR/results.txt" > "$DIR/results.new"
    mv "$DIR/results.new" "$DIR/results.txt"
    # the per-file results, for a later KLP_CORPUS_ONLY run
    while IFS= read -r line; do
        f=${line%%$'\t'*}
        printf '%s\n' "$line" > "$DIR/res/$(printf '%s' "$f" | tr -c 'A-Za-z0-9' '_')"
    done < "$DIR/results.txt"
fi

# ---- 6. the table ---------------------------------------------------------
awk -F'\t' -v from="$FROM" -v to="$TO" '
    { n[$2]++; total++; if ($2 != "not-compiled") tried++ }
    $2 ~ /^refused:/ { r[substr($2, 9)]++ }
    $2 == "passed" && $5 ~ /^with / { wh++ }
    END {
        printf "klp-corpus %s -> %s: %d changed .c/.h files, %d compiled by the default kernel\n", from, to, total, tried
        printf "| result | files |\n| --- | ---: |\n"
        printf "| built, loaded, switched, exercised, unloaded | %d |\n", n["passed"] + 0
        if (wh) printf "| of them, with the other changed files of its commit (one commit cut in two) | %d |\n", wh
        printf "| built, not booted | %d |\n", n["built"] + 0
        printf "| no functional change | %d |\n", n["nochange"] + 0
        printf "| only vmlinux __init/__exit code changed: nothing to patch in a running kernel | %d |\n", n["boot-only"] + 0
        for (k in r) printf "| refused: %s | %d |\n", k, r[k]
        printf "| wrong (guest check failed) | %d |\n", n["wrong"] + 0
        for (k in n) if (k ~ /^failed/) printf "| %s | %d |\n", k, n[k]
        printf "| not compiled in this configuration | %d |\n", n["not-compiled"] + 0
        code = tried - n["nochange"] - n["boot-only"]
        if (code > 0)
            printf "built and passed: %d of %d files whose change reaches code the running kernel runs (%.0f%%)\n", n["passed"], code, 100 * n["passed"] / code
    }' "$DIR/results.txt" | tee "$DIR/report.txt"
echo "per file: ${DIR#"$KLP_TOP"/}/results.txt"
