/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the two files of klpj_bad_target. */
#ifndef _KLPJ_BAD_TARGET_H
#define _KLPJ_BAD_TARGET_H

int klpj_bad_dup2_call(int x);

#endif
