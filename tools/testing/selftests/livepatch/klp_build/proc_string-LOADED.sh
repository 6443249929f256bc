#!/bin/bash
# proc_string: fs/proc/meminfo.c prints "MemTotal(klpb): " instead of
# "MemTotal:       " (a changed string literal in a changed function).
grep -q '^MemTotal(klpb): ' /proc/meminfo
