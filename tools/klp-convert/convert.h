/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klp-convert: state shared by convert.c (decisions) and write.c (output).
 */
#ifndef KLP_CONVERT_CONV_H
#define KLP_CONVERT_CONV_H

#include "klp-convert.h"

/**
 * struct klp_note - one KLP_SYMPOS annotation
 * @sym: index of the annotated (undefined) symbol
 * @obj: object named by the KLP_SYMPOS_TABLE section
 * @pos: position given
 * @sec: the annotation section's name
 */
struct klp_note {
	size_t sym;
	char *obj;
	unsigned long pos;
	const char *sec;
};

/**
 * struct klp_res - what an undefined symbol becomes
 * @klpname: ".klp.sym.<obj>.<name>,<pos>", NULL if left alone
 * @obj: the object it lives in
 */
struct klp_res {
	char *klpname;
	char *obj;
};

/**
 * struct conv - one conversion
 * @map: symbol map
 * @buf: input image
 * @len: its size
 * @what: input name for messages
 * @elf: libelf handle on @buf
 * @eh: its ELF header
 * @shnum: number of sections
 * @shstrndx: section name table index
 * @symidx: .symtab index
 * @strndx: its string table index
 * @nsyms: number of symbols
 * @sym: the symbols
 * @symname: their names
 * @res: per symbol, what it becomes
 * @notes: annotations
 * @nnotes: number of @notes
 * @modname: the patch module's own name
 * @nmoved: relocations that move to .klp.rela sections
 */
struct conv {
	const struct klp_map *map;
	const void *buf;
	size_t len;
	const char *what;
	Elf *elf;
	GElf_Ehdr eh;
	size_t shnum, shstrndx, symidx, strndx, nsyms;
	GElf_Sym *sym;
	const char **symname;
	struct klp_res *res;
	struct klp_note *notes;
	size_t nnotes;
	char *modname;
	size_t nmoved;
};

int klp_write_output(struct conv *c, const char *out);

#endif /* KLP_CONVERT_CONV_H */
