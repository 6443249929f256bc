#!/bin/bash
# Host test: the harness shell scripts parse (bash -n).
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
rc=0
for f in "$top"/harness/*.sh "$top"/harness/init "$top"/harness/*-tests/*.sh "$top"/.ci/run; do
    [ -f "$f" ] || continue
    bash -n "$f" || { echo "syntax error: ${f#"$top"/}"; rc=1; }
done
[ $rc = 0 ] && echo "harness-syntax: all scripts parse"
exit $rc
