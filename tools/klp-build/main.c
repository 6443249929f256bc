// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: command line.
 *
 *   klp-diff [-v] [-f] -m MAP -O OBJNAME -i ID ORIG.o PATCHED.o OUT.o LIST
 *
 * Exit status: 0 OUT.o and LIST written, 3 no functional change, 4 only
 * vmlinux boot code (__init, __exit) changed, 1 refused or error, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-diff.h"

static void print_usage(void)
{
	fprintf(stderr,
		"usage: klp-diff [-v] [-f] -m MAP -O OBJNAME -i ID ORIG.o PATCHED.o OUT.o LIST\n");
	exit(KD_EXIT_USAGE);
}

static int run(struct kdiff *d, char **files)
{
	bool useful;
	int ret;

	d->orig = kelf_open(files[0]);
	d->patched = kelf_open(files[1]);
	if (!d->orig || !d->patched)
		return KD_EXIT_ERROR;
	kd_correlate(d);
	kd_compare(d);
	if (d->errors)
		return KD_EXIT_ERROR;
	useful = kd_include(d);
	if (d->errors)
		return KD_EXIT_ERROR;
	ret = kd_boot_only(d, useful);
	if (ret == KD_EXIT_ERROR || ret == KD_EXIT_BOOT_ONLY)
		return ret;
	if (!useful) {
		if (d->verbose)
			err_msg("%s: no functional change", d->patched->file);
		return KD_EXIT_NOCHANGE;
	}
	if (kd_write(d, files[2]))
		return KD_EXIT_ERROR;
	if (kd_write_list(d, files[3])) {
		unlink(files[2]);
		return KD_EXIT_ERROR;
	}
	return KD_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct kdiff d = { 0 };
	const char *map = NULL, *id = NULL;
	char *end;
	int opt, ret;
	size_t i;

	klp_prog = "klp-diff";
	while ((opt = getopt(argc, argv, "vfm:O:i:")) != -1) {
		switch (opt) {
		case 'v':
			d.verbose = true;
			break;
		case 'f':
			d.first = true;
			break;
		case 'm':
			map = optarg;
			break;
		case 'O':
			d.objname = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		default:
			print_usage();
		}
	}
	if (!map || !d.objname || !id || argc - optind != 4)
		print_usage();
	d.id = strtoul(id, &end, 10);
	if (!*id || *end)
		print_usage();
	if (elf_version(EV_CURRENT) == EV_NONE) {
		err_msg("libelf: %s", elf_errmsg(-1));
		return KD_EXIT_ERROR;
	}
	if (klp_map_read(&d.map, map))
		return KD_EXIT_ERROR;
	ret = run(&d, argv + optind);
	kelf_close(d.orig);
	kelf_close(d.patched);
	klp_map_free(&d.map);
	free(d.spec);
	for (i = 0; i < d.nrefs; i++)
		free(d.refs[i].klpname);
	free(d.refs);
	free(d.objs);
	return ret;
}
