#!/bin/bash
# syscall: the changed newuname() reports the nodename "klpb-syscall-probe"
# as "klpb-syscall-patched".  uname(1) goes through the syscall; the
# hostname itself is set through /proc and restored afterwards.
set -u
H=/proc/sys/kernel/hostname
old=$(cat "$H")
echo klpb-syscall-probe > "$H"
got=$(uname -n)
echo "$old" > "$H"
echo "uname -n: $got"
[ "$got" = klpb-syscall-patched ]
