#!/bin/bash
# module_before: the target module, samples/livepatch/livepatch-shadow-mod,
# is loaded before the patch.  It allocates a "dummy" every second and
# logs "dummy_alloc: dummy @ ...".
grep -q '^livepatch_shadow_mod ' /proc/modules ||
	insmod "/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-shadow-mod.ko"
