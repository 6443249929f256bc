/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klp-convert: turn references to non-exported symbols of a livepatch
 * module into livepatch relocations (.klp.rela.* sections and .klp.sym.*
 * symbols), as described in Documentation/livepatch/klp-convert.rst.
 */
#ifndef KLP_CONVERT_H
#define KLP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

/* Version written in, and required from, the first line of a map. */
#define KLP_MAP_VERSION		1
#define KLP_MAP_MAGIC		"klp-symbol-map"

/* ELF constants that older <elf.h> copies may lack. */
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif
#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif

/* Prefix of the annotation sections written by KLP_SYMPOS_TABLE(). */
#define KLP_SYMPOS_PREFIX	".klp.sympos."
/* Prefix of the name of a symbol the livepatch core resolves. */
#define KLP_SYM_PREFIX		".klp.sym."

/**
 * struct klp_sym - one symbol of an object, in kallsyms iteration order
 * @name: symbol name
 * @file: source file (STT_FILE name) of a local symbol, "-" if unknown
 * @type: nm-style type letter (t, T, d, D, r, R, b, B, ...)
 * @core: the symbol stays in the module's kallsyms after its init ran
 *	  (always true for vmlinux)
 */
struct klp_sym {
	char *name;
	char *file;
	char type;
	bool core;
};

/**
 * struct klp_obj - the symbols of vmlinux or of one module
 * @name: "vmlinux" or the module name (KBUILD_MODNAME)
 * @syms: symbols in the order klp_find_object_symbol() meets them
 * @nr: number of entries in @syms
 * @alloc: allocated entries of @syms
 */
struct klp_obj {
	char *name;
	struct klp_sym *syms;
	size_t nr;
	size_t alloc;
};

struct klp_hent;

/**
 * struct klp_map - a set of objects, read from maps or computed from ELF
 * @objs: the objects
 * @nr: number of objects
 * @buckets: name index, built by the first lookup
 * @nbuckets: number of @buckets
 */
struct klp_map {
	struct klp_obj **objs;
	size_t nr;
	struct klp_hent **buckets;
	size_t nbuckets;
};

/**
 * struct klp_cand - one definition of a name in one object
 * @obj: object defining it
 * @sym: the definition
 * @pos: 1-based position among the core definitions of the name in @obj
 *	 (0 for a definition that is not core)
 * @fullpos: 1-based position among all definitions of the name in @obj
 * @count: number of core definitions of the name in @obj
 * @fullcount: number of definitions of the name in @obj
 */
struct klp_cand {
	const struct klp_obj *obj;
	const struct klp_sym *sym;
	unsigned long pos;
	unsigned long fullpos;
	unsigned long count;
	unsigned long fullcount;
};

/**
 * struct klp_special - a section the kernel reads while a module loads
 * @name: section name, or the start of it when @prefix
 * @prefix: @name is a prefix
 * @entsize: size of one entry describing a place in the text, which
 *	     klp-diff keeps with the function; KLP_ENTSIZE_VARIES for
 *	     __bug_table (8 or 12 bytes); 0: not made of such entries
 */
struct klp_special {
	const char *name;
	bool prefix;
	unsigned int entsize;
};

#define KLP_ENTSIZE_VARIES		(~0U)

/* sections.c: one list for klp-convert and klp-diff */

/**
 * klp_special_lookup() - the entry of the list for a section
 * @name: section name
 *
 * Return: its entry, or NULL when the kernel does not read it at load.
 */
const struct klp_special *klp_special_lookup(const char *name);

/**
 * klp_special_at() - walk the list
 * @i: index
 *
 * Return: entry @i, or NULL after the last one.
 */
const struct klp_special *klp_special_at(size_t i);

/**
 * klp_special_section() - may late klp relocations not go into a section?
 * @name: section name
 *
 * Return: true for the sections of the list (jump labels, alternatives,
 * static calls, exception and bug tables, init code, ...).
 */
bool klp_special_section(const char *name);

/* util.c */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *read_whole_file(const char *path, size_t *len);
/* printf format checking, for userspace (no <linux/compiler.h>) */
#define KLP_ATTR(a) __attribute__((a))
#define KLP_FORMAT(kind, fmt, args) KLP_ATTR(format(kind, fmt, args))

void err_msg(const char *fmt, ...) KLP_FORMAT(printf, 1, 2);
extern const char *klp_prog;
extern bool klp_quiet;

/* map.c */
struct klp_obj *klp_obj_new(const char *name);
void klp_obj_add(struct klp_obj *obj, const char *name, const char *file,
		 char type, bool core);
void klp_obj_free(struct klp_obj *obj);
void klp_map_add(struct klp_map *map, struct klp_obj *obj);
struct klp_obj *klp_map_find(const struct klp_map *map, const char *name);
void klp_map_free(struct klp_map *map);
int klp_map_read(struct klp_map *map, const char *path);
int klp_map_parse(struct klp_map *map, const char *buf, size_t len,
		  const char *what);
int klp_map_write(const struct klp_map *map, const char *path);
size_t klp_map_lookup(const struct klp_map *map, const char *name,
		      const char *objname, struct klp_cand **out);


/**
 * klp_cand_sympos() - the sympos the livepatch core is given for a definition
 * @c: a definition from klp_map_lookup()
 *
 * The one position algorithm of klp-convert and klp-diff: 0 when it is the
 * only definition of its name in its object, init ones included (the
 * object's kallsyms may hold them), else its position among the core
 * definitions, which must equal its position among all of them.
 *
 * Return: the position, or -1 for an init definition or one whose
 * position differs while a module's init runs and afterwards.
 */
long klp_cand_sympos(const struct klp_cand *c);

/* elfsyms.c */
int klp_obj_from_elf(struct klp_map *map, const char *path);
int klp_obj_from_mem(struct klp_map *map, const void *buf, size_t len,
		     const char *path);
const char *klp_modinfo(Elf *elf, const char *key);
char *klp_modname_from_path(const char *path);
bool klp_is_livepatch_file(const char *path);

/* symvers.c */
int klp_symvers_read(const char *path);
int klp_symvers_parse(const char *buf, size_t len, const char *what);
bool klp_symvers_exported(const char *name);
void klp_symvers_free(void);

/* convert.c */
int klp_convert_file(const struct klp_map *map, const char *in,
		     const char *out);
int klp_convert_mem(const struct klp_map *map, const void *buf, size_t len,
		    const char *what, const char *out);

#endif /* KLP_CONVERT_H */
