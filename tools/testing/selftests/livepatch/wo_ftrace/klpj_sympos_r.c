// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_sympos_r - the atomic replace variant of klpj_sympos (see there):
 * klpj_bad_dup at sympos 2 only, the other functions of klpj_sympos nops.
 */

#define KLPJ_SYMPOS_REPLACE
#include "klpj_sympos.c"
