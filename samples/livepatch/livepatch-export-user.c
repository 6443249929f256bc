// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-export-user.c - a module using another module's export
 *
 * /sys/module/livepatch_export_user/parameters/answer reads the value of
 * klp_exporter_base() of livepatch-exporter.ko (40).  See
 * livepatch-exporter.c for the live patch that changes it.
 *
 * Example:
 *
 * $ modprobe livepatch-export-user
 * $ cat /sys/module/livepatch_export_user/parameters/answer
 * 40
 */

#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "livepatch-exporter.h"

static noinline int answer_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", klp_exporter_base());
}

static const struct kernel_param_ops answer_ops = {
	.get = answer_get,
};

module_param_cb(answer, &answer_ops, NULL, 0444);
MODULE_PARM_DESC(answer, "a value computed by livepatch-exporter");

MODULE_DESCRIPTION("Module using an export of livepatch-exporter");
MODULE_LICENSE("GPL");
