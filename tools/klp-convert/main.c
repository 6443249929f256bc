// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: command line.
 *
 *   klp-convert map [-o MAP] [-E LIST] ELF...
 *	write the symbol map of vmlinux and modules (.ko or .o)
 *   klp-convert convert [-L] [-m MAP]... [-e ELF]... [-E LIST]...
 *		 [-s SYMVERS]... IN [OUT]
 *	convert a linked livepatch module (in place without OUT); with -L,
 *	leave any other module alone
 *
 * LIST files name one ELF file per line (modules.order is one).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-convert.h"

static void help_exit(void)
{
	fprintf(stderr,
		"usage: %s map [-o MAP] [-E LIST]... ELF...\n"
		"       %s convert [-L] [-m MAP]... [-e ELF]... [-E LIST]... [-s SYMVERS]... IN [OUT]\n"
		"See Documentation/livepatch/klp-convert.rst.\n",
		klp_prog, klp_prog);
	exit(2);
}

/* Add every ELF file named in a list file (one path a line). */
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

		line[l] = '\0';
		if (!l || line[0] == '#')
			continue;
		if (klp_obj_from_elf(map, line))
			ret = -1;
	}
	fclose(f);
	return ret;
}

static int cmd_map(int argc, char **argv)
{
	struct klp_map map = { 0 };
	const char *out = "-", **lists;
	int opt, ret = 0, nlists = 0, i;

	/* objects in the map: ELF arguments first (vmlinux), then lists */
	lists = xcalloc(argc, sizeof(*lists));
	while ((opt = getopt(argc, argv, "o:E:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'E':
			lists[nlists++] = optarg;
			break;
		default:
			help_exit();
		}
	}
	for (; optind < argc; optind++)
		if (klp_obj_from_elf(&map, argv[optind]))
			ret = 1;
	for (i = 0; i < nlists; i++)
		if (add_list(&map, lists[i]))
			ret = 1;
	free(lists);
	if (!ret && klp_map_write(&map, out))
		ret = 1;
	klp_map_free(&map);
	return ret;
}

static int cmd_convert(int argc, char **argv)
{
	struct klp_map map = { 0 };
	bool only_lp = false;
	struct { int opt; const char *val; } *args;
	int opt, ret = 0, nargs = 0, i;

	/* options are applied in order once the input is known to need it */
	args = xcalloc(argc, sizeof(*args));
	while ((opt = getopt(argc, argv, "m:e:E:s:L")) != -1) {
		switch (opt) {
		case 'm':
		case 'e':
		case 'E':
		case 's':
			args[nargs].opt = opt;
			args[nargs++].val = optarg;
			break;
		case 'L':
			only_lp = true;
			break;
		default:
			help_exit();
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		help_exit();
	if (only_lp && !klp_is_livepatch_file(argv[optind]))
		goto out;
	for (i = 0; i < nargs && !ret; i++) {
		const char *val = args[i].val;

		switch (args[i].opt) {
		case 'm':
			ret = klp_map_read(&map, val) ? 1 : 0;
			break;
		case 'e':
			ret = klp_obj_from_elf(&map, val) ? 1 : 0;
			break;
		case 'E':
			ret = add_list(&map, val) ? 1 : 0;
			break;
		case 's':
			ret = klp_symvers_read(val) ? 1 : 0;
			break;
		}
	}
	if (!ret && klp_convert_file(&map, argv[optind],
				     argv[optind + (argc - optind == 2)]))
		ret = 1;
out:
	free(args);
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
		help_exit();
	if (!strcmp(argv[1], "map"))
		return cmd_map(argc - 1, argv + 1);
	if (!strcmp(argv[1], "convert"))
		return cmd_convert(argc - 1, argv + 1);
	help_exit();
	return 2;
}
