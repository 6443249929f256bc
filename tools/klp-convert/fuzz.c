// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert fuzz target (libFuzzer; built with -fsanitize=fuzzer,
 * address,undefined by "make fuzz").  The first input byte picks what the
 * rest is fed to:
 *
 *   0: conversion of a livepatch module, checks only
 *   1: conversion of a livepatch module, output written to a scratch file
 *   2: symbol map computed from an ELF object (vmlinux or a module)
 *   3: symbol map text, then Module.symvers text
 *
 * The conversions run against a fixed map whose names match the host
 * test's fixtures (harness/host-tests/klp-convert-fuzz.sh seeds the
 * corpus with them).  See Documentation/livepatch/klp-convert.rst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-convert.h"

static const char fixed_map[] =
	"klp-symbol-map 1\n"
	"object vmlinux\n"
	"t core helper v_c.c\n"
	"T core unique_fn -\n"
	"t core helper v_a.c\n"
	"t core helper v_b.c\n"
	"d core counter v_a.c\n"
	"d core unique_var v_a.c\n"
	"d core counter v_b.c\n"
	"d core counter v_c.c\n"
	"object tmod\n"
	"t init initdup m1.c\n"
	"d core mstate m1.c\n"
	"t core initdup m2.c\n"
	"d core mstate m2.c\n";

static const char fixed_symvers[] =
	"0x12345678\texported_fn\tvmlinux\tEXPORT_SYMBOL\t\n";

static struct klp_map map;
static char scratch[64];

static void setup(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		abort();
	if (klp_map_parse(&map, fixed_map, sizeof(fixed_map) - 1, "map") ||
	    klp_symvers_parse(fixed_symvers, sizeof(fixed_symvers) - 1, "sv"))
		abort();
	snprintf(scratch, sizeof(scratch), "/tmp/klp-convert-fuzz.%d",
		 (int)getpid());
	klp_quiet = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct klp_map m = { 0 };
	size_t half;
	void *buf;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1)
		return 0;
	/* an exact-size heap copy, so that overreads are caught */
	buf = xmalloc(size - 1);
	memcpy(buf, data + 1, size - 1);
	switch (data[0] & 3) {
	case 0:
		klp_convert_mem(&map, buf, size - 1, "fuzz.ko", NULL);
		break;
	case 1:
		klp_convert_mem(&map, buf, size - 1, "fuzz.ko", scratch);
		unlink(scratch);
		break;
	case 2:
		klp_obj_from_mem(&m, buf, size - 1, "fuzz.ko");
		klp_map_free(&m);
		break;
	case 3:
		half = (size - 1) / 2;
		klp_map_parse(&m, buf, half, "fuzz.map");
		klp_map_free(&m);
		klp_symvers_parse((char *)buf + half, size - 1 - half, "fuzz");
		klp_symvers_free();
		klp_symvers_parse(fixed_symvers, sizeof(fixed_symvers) - 1,
				  "sv");
		break;
	}
	free(buf);
	return 0;
}
