// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: command line.
 *
 *   klp-convert map [-o MAP] [-E LIST] ELF...
 *	write the symbol map of vmlinux and modules (.ko or .o)
 *   klp-convert convert [-m MAP]... [-e ELF]... [-E LIST]... [-s SYMVERS]...
 *		 IN [OUT]
 *	convert a linked livepatch module (in place without OUT)
 *
 * LIST files name one ELF file per line (modules.order works: a missing
 * .ko is replaced by the .o of the same name).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-convert.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: %s map [-o MAP] [-E LIST]... ELF...\n"
		"       %s convert [-m MAP]... [-e ELF]... [-E LIST]... [-s SYMVERS]... IN [OUT]\n"
		"See Documentation/livepatch/klp-convert.rst.\n",
		klp_prog, klp_prog);
	exit(2);
}

/* Add every ELF file named in a list file; .o lines prefer the .ko. */
static int add_list(struct klp_map *map, const char *list)
{
	FILE *f = fopen(list, "r");
	char line[4096];
	int ret = 0;

	if (!f) {
		err_msg("%s: cannot open", list);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\r\n");
		char ko[4100];

		line[l] = '\0';
		if (!l || line[0] == '#')
			continue;
		if (l > 2 && !strcmp(line + l - 2, ".o")) {
			snprintf(ko, sizeof(ko), "%.*s.ko", (int)(l - 2), line);
			if (!access(ko, R_OK)) {
				if (klp_obj_from_elf(map, ko))
					ret = -1;
				continue;
			}
		}
		if (klp_obj_from_elf(map, line))
			ret = -1;
	}
	fclose(f);
	return ret;
}

static int cmd_map(int argc, char **argv)
{
	struct klp_map map = { 0 };
	const char *out = "-";
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "o:E:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'E':
			if (add_list(&map, optarg))
				ret = 1;
			break;
		default:
			usage();
		}
	}
	for (; optind < argc; optind++)
		if (klp_obj_from_elf(&map, argv[optind]))
			ret = 1;
	if (!ret && klp_map_write(&map, out))
		ret = 1;
	klp_map_free(&map);
	return ret;
}

static int cmd_convert(int argc, char **argv)
{
	struct klp_map map = { 0 };
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "m:e:E:s:")) != -1) {
		switch (opt) {
		case 'm':
			if (klp_map_read(&map, optarg))
				ret = 1;
			break;
		case 'e':
			if (klp_obj_from_elf(&map, optarg))
				ret = 1;
			break;
		case 'E':
			if (add_list(&map, optarg))
				ret = 1;
			break;
		case 's':
			if (klp_symvers_read(optarg))
				ret = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		usage();
	if (!ret && klp_convert_file(&map, argv[optind],
				     argv[optind + (argc - optind == 2)]))
		ret = 1;
	klp_map_free(&map);
	klp_symvers_free();
	return ret;
}

int main(int argc, char **argv)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		err_msg("libelf is out of date");
		return 2;
	}
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "map"))
		return cmd_map(argc - 1, argv + 1);
	if (!strcmp(argv[1], "convert"))
		return cmd_convert(argc - 1, argv + 1);
	usage();
	return 2;
}
