/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the two files of the klpc_target module. */
#ifndef KLPC_TARGET_H
#define KLPC_TARGET_H

/**
 * klpc_target_b() - klpc_target_b.c's klpc_helper(klpc_counter)
 *
 * Return: 202.
 */
int klpc_target_b(void);

/**
 * klpc_target_show() - the function klpc_patch_mod replaces
 * @buf: sysfs buffer
 *
 * Return: bytes written.
 */
int klpc_target_show(char *buf);

#endif
