#!/bin/bash
# c5_module_export: the fix of samples/livepatch/livepatch-export-user makes
# its parameter "answer" add klp_exporter_bonus(), an export of
# livepatch-exporter it did not call, to klp_exporter_base(): 42 instead of
# 40.  Both modules are loaded here and removed again, so the patch module
# is always loaded while they are absent (it names the export with a klp
# relocation, no depends=) and patches livepatch_export_user when it comes.
set -u
dir=/lib/modules/$(uname -r)/kernel/samples/livepatch
unload() { bash ./c5_module_export-CLEANUP.sh > /dev/null 2>&1; }
if grep -q '^livepatch_export' /proc/modules; then
	echo "livepatch_exporter or livepatch_export_user already loaded"
	exit 1
fi
insmod "$dir/livepatch-exporter.ko" &&
	insmod "$dir/livepatch-export-user.ko" || { unload; exit 1; }
answer=$(cat /sys/module/livepatch_export_user/parameters/answer)
unload
echo "answer=$answer"
[ "$answer" = 42 ]
