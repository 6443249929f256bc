#!/bin/bash
# clone: __set_oom_adj() exists only as GCC's clone __set_oom_adj.isra.0;
# the fix makes an oom_score_adj of 777 read back as 778.
set -u
f=/proc/$$/oom_score_adj
old=$(cat "$f")
echo 777 > "$f"
got=$(cat "$f")
echo "$old" > "$f"
echo "oom_score_adj: wrote 777, read $got"
[ "$got" = 778 ]
