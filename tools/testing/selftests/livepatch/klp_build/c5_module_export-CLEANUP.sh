#!/bin/bash
# c5_module_export: remove both modules (retried while busy); LOADED uses
# it too.
for m in livepatch_export_user livepatch_exporter; do
	for i in $(seq 100); do
		grep -q "^$m " /proc/modules || break
		rmmod "$m" 2>/dev/null && break
		sleep 0.1
	done
done
! grep -q '^livepatch_export' /proc/modules
