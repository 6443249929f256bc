/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the klpk_* patch modules of test-klpctl.sh: each replaces one
 * function of klpj_target and carries the modinfo klp-build writes,
 * "livepatch_func=klpj_target:<function>" and "livepatch_build_id=<hex>".
 */
#ifndef _KLPK_H
#define _KLPK_H

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "../wo_ftrace/klpj_values.h"

/* The build-id of the vmlinux built with the modules (Makefile). */
#ifndef KLPK_BUILD_ID
#error "KLPK_BUILD_ID: no GNU build-id note in vmlinux (see Makefile)"
#endif

/* A build-id of no kernel. */
#define KLPK_OTHER_BUILD_ID	"0123456789abcdef0123456789abcdef01234567"

/* What the new functions add to the result of the old ones. */
#define KLPK_N	5

#endif /* _KLPK_H */
