#!/bin/bash
# new_data: version_proc_show() prints a second line built from two new
# static data objects of fs/proc/version.c: a const table of words and a
# read counter initialised to 1000 that the function increments.  Two reads
# must show the words and a counter that starts at >= 1000 and grows (the
# new .data object is writable and keeps its value between calls).
set -u
reads() { sed -n 's/^klpb-new-data \([0-9][0-9]*\)$/\1/p' /proc/version; }
a=$(reads)
b=$(reads)
echo "counter: '$a' then '$b'"
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -ge 1000 ] && [ "$b" -gt "$a" ]
