#!/bin/bash
# c1_pr_debug: a changed pr_debug() format in irq_domain_remove() (dynamic
# debug on): the module brings its own descriptor, which dynamic debug
# lists under the module's name.
set -u
grep -F 'klpb: removed domain' /proc/dynamic_debug/control
