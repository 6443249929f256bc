/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klp-diff: compare an object before and after a source patch and write
 * the changed functions, with what they need, into a new object (see
 * /work/shared/klp-build/SPEC.md and Documentation/livepatch/klp-build.rst).
 */
#ifndef KLP_DIFF_H
#define KLP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

#include "klp-convert.h"

/* Exit status, as the driver expects it. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define KD_EXIT_OK		0
#define KD_EXIT_ERROR		1
#define KD_EXIT_USAGE		2
#define KD_EXIT_NOCHANGE	3
#define KD_EXIT_BOOT_ONLY	4

/**
 * enum kd_status - what became of a symbol of the patched object
 * @KD_UNKNOWN: not looked at (not a function or data object)
 * @KD_SAME: its correlated original has the same bytes and relocations
 * @KD_CHANGED: it differs from its correlated original
 * @KD_NEW: it has no correlated original
 */
enum kd_status {
	KD_UNKNOWN,
	KD_SAME,
	KD_CHANGED,
	KD_NEW,
};

struct ksec;

/**
 * struct ksym - one symbol table entry
 * @name: its name
 * @s: the entry as read
 * @idx: its index in .symtab
 * @sec: the section defining it, NULL if undefined, absolute or common
 * @file: name of the STT_FILE symbol before it ("" if none)
 * @twin: the correlated symbol of the other object
 * @moved: the original it would correlate with, had it not moved into or
 *	   out of an .init.* or .exit.* section (then @twin is NULL: the
 *	   running kernel's copy is freed or never was in use)
 * @fresh: a static local of a correlated function that could not be told
 *	   apart from the others of its name: never correlated by name
 * @status: see &enum kd_status (patched object only)
 * @include: it is copied into the output
 * @alias: it gets a global __klp_new<ID>_ alias
 * @cold: it is the .cold part of a function and is patched with it
 * @callback: callback kind it is registered as, or NULL
 * @out: its index in the output symbol table (0: none yet)
 * @alias_out: index of its alias in the output symbol table
 * @out_off: its offset in its output section
 */
struct ksym {
	char *name;
	GElf_Sym s;
	size_t idx;
	struct ksec *sec;
	const char *file;
	struct ksym *twin;
	struct ksym *moved;
	bool fresh;
	enum kd_status status;
	bool include;
	bool alias;
	bool cold;
	const char *callback;
	size_t out;
	size_t alias_out;
	uint64_t out_off;
};

/**
 * struct krela - one RELA relocation
 * @off: offset in the relocated section
 * @type: R_AARCH64_* type
 * @addend: addend
 * @sym: target symbol
 */
struct krela {
	uint64_t off;
	uint32_t type;
	int64_t addend;
	struct ksym *sym;
};

/**
 * struct ksec - one section
 * @name: its name
 * @sh: its header as read
 * @idx: its index
 * @data: its contents (NULL for SHT_NOBITS)
 * @rela: the SHT_RELA section relocating it, or NULL
 * @base: for a SHT_RELA section, the section it relocates
 * @relas: for a SHT_RELA section, its relocations sorted by offset
 * @nrelas: number of @relas
 * @secsym: its STT_SECTION symbol, or NULL
 * @syms: the function and object symbols it defines, by address
 * @nsyms: number of @syms
 * @include: it is copied into the output
 * @shared: a data section holding variables that are not named after it
 *	    (section attribute): places in it are only resolved to the
 *	    variable containing them, and the output gets only the included
 *	    variables, packed
 * @out: its index in the output (0: not written)
 * @out_size: its size in the output
 * @outsym: index of its section symbol in the output symbol table
 */
struct ksec {
	char *name;
	GElf_Shdr sh;
	size_t idx;
	unsigned char *data;
	struct ksec *rela;
	struct ksec *base;
	struct krela *relas;
	size_t nrelas;
	struct ksym *secsym;
	struct ksym **syms;
	size_t nsyms;
	bool include;
	bool shared;
	size_t out;
	uint64_t out_size;
	size_t outsym;
};

/**
 * struct kelf - an ELF relocatable object held in memory
 * @path: file name
 * @elf: libelf handle
 * @fd: its file descriptor
 * @file: the first STT_FILE name, or @path when there is none
 * @secs: sections, indexed by section number
 * @nsecs: number of @secs
 * @syms: symbols, indexed by symbol number
 * @nsyms: number of @syms
 */
struct kelf {
	const char *path;
	Elf *elf;
	int fd;
	const char *file;
	struct ksec *secs;
	size_t nsecs;
	struct ksym *syms;
	size_t nsyms;
};

/**
 * struct ktarget - where a relocation points to
 * @sym: the function or object containing the target, or the undefined
 *	 symbol; NULL for an anonymous piece of a section
 * @sec: the section of the target (NULL if undefined)
 * @off: offset from @sym, or from the start of @sec when @sym is NULL
 */
struct ktarget {
	struct ksym *sym;
	struct ksec *sec;
	int64_t off;
};

/**
 * struct kspecial - one special section entry of the output
 * @sec: patched input section
 * @start: offset of the entry in @sec
 * @size: entry size
 */
struct kspecial {
	struct ksec *sec;
	uint64_t start;
	uint64_t size;
};

/**
 * struct kref - an undefined symbol of the output
 * @name: its name: ".klp.sym.<object>.<name>,<position>" for a symbol of
 *	  the original object, else the name it has in the patched object
 * @klpname: @name when it was made for an original symbol (freed with it)
 * @orig: the symbol of the original object defining it, or NULL
 * @weak: it is a weak reference
 * @out: its index in the output symbol table
 */
struct kref {
	const char *name;
	char *klpname;
	const struct ksym *orig;
	bool weak;
	size_t out;
};

/**
 * struct kdiff - one run of klp-diff
 * @orig: the original object
 * @patched: the patched object
 * @map: the symbol map
 * @objname: "vmlinux" or the module name
 * @id: object id for the alias names
 * @verbose: -v given
 * @first: -f given
 * @errors: number of problems reported
 * @spec: kept special section entries
 * @nspec: number of @spec
 * @refs: undefined symbols of the output
 * @nrefs: number of @refs
 * @objs: other objects (modules) the output has klp relocations for
 * @nobjs: number of @objs
 * @boot_only: changed vmlinux functions that stay in .init.* or .exit.*
 * @boot_first: the first of them
 */
struct kdiff {
	struct kelf *orig;
	struct kelf *patched;
	struct klp_map map;
	const char *objname;
	unsigned long id;
	bool verbose;
	bool first;
	int errors;
	struct kspecial *spec;
	size_t nspec;
	struct kref *refs;
	size_t nrefs;
	const char **objs;
	size_t nobjs;
	size_t boot_only;
	const struct ksym *boot_first;
};

/* elf.c */

/**
 * kelf_open() - read a relocatable aarch64 object
 * @path: the file
 *
 * Return: the object, or NULL after a message.
 */
struct kelf *kelf_open(const char *path);

/**
 * kelf_close() - release what kelf_open() returned
 * @k: the object, or NULL
 */
void kelf_close(struct kelf *k);

/**
 * kelf_resolve() - find where a relocation points to
 * @r: the relocation
 * @t: filled in
 *
 * A relocation against a section symbol is turned into one against the
 * function or object at that offset, when there is one.  In a section
 * that is not shared, a place just after an object also resolves to it.
 */
void kelf_resolve(const struct krela *r, struct ktarget *t);

/**
 * kelf_relas_in() - the relocations of a byte range of a section
 * @sec: the section
 * @start: first offset
 * @end: offset after the range
 * @n: set to the number of relocations found
 *
 * Return: the first relocation in the range (sorted by offset), or NULL.
 */
struct krela *kelf_relas_in(const struct ksec *sec, uint64_t start,
			    uint64_t end, size_t *n);

/**
 * kelf_referenced() - whether relocations of some sections point to a symbol
 * @k: the object
 * @s: a symbol of @k
 * @from: which sections to look in
 *
 * Return: true if a relocation of a section @from accepts targets @s.
 */
bool kelf_referenced(const struct kelf *k, const struct ksym *s,
		     bool (*from)(const struct ksec *sec));

/**
 * kelf_is_func_or_object() - a symbol that can be correlated and compared
 * @s: the symbol
 *
 * Return: true for a defined STT_FUNC or STT_OBJECT symbol.
 */
bool kelf_is_func_or_object(const struct ksym *s);

/**
 * kelf_uncovered() - whether a target is a place of a shared section
 *		      that no variable contains
 * @t: the target
 *
 * Return: true if @t cannot be told apart from other variables.
 */
bool kelf_uncovered(const struct ktarget *t);

/* correlate.c */

/**
 * kd_correlate() - pair the symbols of the patched object with the original
 * @d: the run
 *
 * Exact names first, then names with GCC's numbered suffixes removed.
 *
 * Return: 0, or -1 after reporting an ambiguity.
 */
int kd_correlate(struct kdiff *d);

/**
 * kd_base_name() - a symbol name without its ".N" components
 * @name: the name, e.g. "foo.constprop.0" or "count.3"
 *
 * Return: a new string, e.g. "foo.constprop" or "count" (free() it).
 */
char *kd_base_name(const char *name);

/* compare.c */

/**
 * kd_compare() - set the status of every function and data object
 * @d: the run
 *
 * Reports the refusals (changed data, __init, __exit, noinstr code).
 */
void kd_compare(struct kdiff *d);

/**
 * kd_section_kind() - whether a section cannot be patched
 * @name: section name
 *
 * Return: a refusal reason, or NULL if functions in it can be patched.
 */
const char *kd_section_refusal(const char *name);

/**
 * kd_init_kind() - whether a section is freed or discarded init/exit memory
 * @name: section name
 *
 * Return: "__init" for .init.*, "__exit" for .exit.*, else NULL.
 */
const char *kd_init_kind(const char *name);

/**
 * kd_boot_only() - decide on changed vmlinux __init/__exit functions
 * @d: the run, after kd_include()
 * @useful: whether kd_include() found something to patch
 *
 * vmlinux ran its __init code at boot and freed it, and discards its
 * __exit code: a change confined to them has nothing to patch.  With
 * other changes it is refused: they may rely on what the new boot code
 * would have done.
 *
 * Return: KD_EXIT_BOOT_ONLY or KD_EXIT_ERROR (after a message) when such
 * functions changed, else KD_EXIT_OK or KD_EXIT_NOCHANGE after @useful.
 */
int kd_boot_only(struct kdiff *d, bool useful);

/**
 * kd_target_equal() - whether two relocation targets are the same place
 * @pa: target of a relocation of the patched object
 * @pb: target of a relocation of the original
 *
 * Return: true if they name correlated symbols at the same offset, or
 * equal anonymous constants.
 */
bool kd_target_equal(const struct ktarget *pa, const struct ktarget *pb);

/**
 * kd_is_dyndbg() - whether a symbol is a dynamic debug descriptor
 * @s: the symbol
 *
 * A pr_debug() descriptor: its name carries a __COUNTER__ value that any
 * pr_debug() added before it changes, and it is correlated by content.
 *
 * Return: true for a symbol of section __dyndbg.
 */
bool kd_is_dyndbg(const struct ksym *s);

/**
 * kd_counter_stem() - length of a __UNIQUE_ID() name without its number
 * @name: a symbol name
 *
 * __UNIQUE_ID(prefix) appends a __COUNTER__ value, which moves whenever
 * anything before it in the translation unit (a header included) uses
 * __COUNTER__.
 *
 * Return: the length of @name without its trailing digits when @name
 * starts with "__UNIQUE_ID_", else 0.
 */
size_t kd_counter_stem(const char *name);

/**
 * kd_counter_equal() - whether two byte strings differ in __COUNTER__ only
 * @a: bytes of the patched object
 * @la: their length
 * @b: bytes of the original
 * @lb: their length
 *
 * Strings that spell __UNIQUE_ID() names (a trace event's print_fmt of
 * min()) are compared with the numbers of those names left out.
 *
 * Return: true if equal so.
 */
bool kd_counter_equal(const unsigned char *a, size_t la,
		      const unsigned char *b, size_t lb);

/**
 * kd_same_content() - whether two symbols have the same bytes and targets
 * @p: a symbol of the patched object
 * @o: a symbol of the original
 *
 * Return: true if they are equal (targets compared as in kd_compare()).
 */
bool kd_same_content(const struct ksym *p, const struct ksym *o);

/**
 * kd_skip_section() - sections never looked at nor copied
 * @name: section name
 *
 * Return: true for .discard.*, .modinfo, __ksymtab*, .comment, .note.*, ...
 */
bool kd_skip_section(const char *name);

/* include.c */

/**
 * kd_include() - choose everything that goes into the output
 * @d: the run
 *
 * Return: true if the output has anything to patch or export.
 */
bool kd_include(struct kdiff *d);

/**
 * kd_need_target() - include what a relocation of included code needs
 * @d: the run
 * @r: a relocation of an included section or special entry
 *
 * New symbols and anonymous pieces (strings, constants) are included;
 * correlated and undefined targets stay references.
 *
 * Return: true if something was newly included.
 */
bool kd_need_target(struct kdiff *d, const struct krela *r);

/**
 * kd_rela_copied() - whether a relocation of an included section is copied
 * @sec: the section
 * @r: one of its relocations
 *
 * Return: false for the relocations of variables of a shared section that
 * are not included.
 */
bool kd_rela_copied(const struct ksec *sec, const struct krela *r);

/**
 * kd_include_sec() - copy a section into the output
 * @sec: a section of the patched object
 *
 * The functions of a text section all come with it (calls between them
 * need no relocation); data objects are included one by one.
 *
 * Return: true if it was not included before.
 */
bool kd_include_sec(struct ksec *sec);

/* special.c */

/**
 * kd_special() - keep the special section entries of included text
 * @d: the run
 *
 * Return: true if an entry was kept that needs more sections included.
 */
bool kd_special(struct kdiff *d);

/**
 * kd_special_differs() - compare the special section entries of a function
 * @d: the run
 * @p: a function of the patched object
 * @o: its correlated original
 *
 * The entries of a function are those whose first relocation points into
 * it (a BUG/WARN site, an exception fixup, a jump label, an alternative).
 * They are compared in the order of the places they describe: same place
 * in the function, same contents (but the file and line of a bug entry),
 * same relocation targets.
 *
 * Return: the name of the first special section whose entries differ, or
 * NULL when they are all the same.
 */
const char *kd_special_differs(struct kdiff *d, const struct ksym *p,
			       const struct ksym *o);

/**
 * kd_is_special() - whether a section is handled by kd_special()
 * @name: section name
 *
 * Return: true for __bug_table, __ex_table, __jump_table, ...
 */
bool kd_is_special(const char *name);

/* write.c */

/**
 * kd_write() - write the output object
 * @d: the run
 * @path: output file
 *
 * Return: 0, or -1 after a message.
 */
int kd_write(struct kdiff *d, const char *path);

/**
 * kd_ref_name() - the name an excluded target is referenced by
 * @s: a symbol of the patched object
 *
 * Return: the name of its original twin, else its own name.
 */
const char *kd_ref_name(const struct ksym *s);

/* list.c */

/**
 * kd_alias_name() - the global alias of a changed function or callback
 * @d: the run
 * @s: the symbol
 *
 * Return: "__klp_new<ID>_<name>" in a static buffer.
 */
const char *kd_alias_name(const struct kdiff *d, const struct ksym *s);

/**
 * kd_sympos() - the position of an original symbol in the running kernel
 * @d: the run
 * @s: a symbol of the original object
 *
 * Counted as klp-convert and the livepatch core count: among the core
 * definitions of the name in the object @d is for.
 *
 * Return: the position, 0 when the name is unique there, or -1 after a
 * message when it cannot be found or told apart.
 */
long kd_sympos(struct kdiff *d, const struct ksym *s);

/**
 * kd_export_owner() - the module an undefined symbol of a module fix is from
 * @d: the run (a fix of a module)
 * @name: the undefined symbol
 * @pos: set to its position there (0: unique)
 *
 * A global that no vmlinux global of the name shadows and exactly one
 * other module defines: the module's export the fixed module links with.
 * The module is recorded for an "object" LIST record (kd_need_object()).
 *
 * Return: the module's name, or NULL when the symbol stays a plain name.
 */
const char *kd_export_owner(struct kdiff *d, const char *name, long *pos);

/**
 * kd_need_object() - record an object the output has klp relocations for
 * @d: the run
 * @objname: the object (the patch needs a klp_object for it)
 */
void kd_need_object(struct kdiff *d, const char *objname);

/**
 * kd_write_list() - write the LIST file
 * @d: the run
 * @path: output file
 *
 * Return: 0, or -1 after reporting each missing symbol.
 */
int kd_write_list(struct kdiff *d, const char *path);

/**
 * kd_problem() - report one problem with a symbol
 * @d: the run
 * @k: the object it belongs to
 * @name: the symbol
 * @fmt: printf format of the reason
 */
void kd_problem(struct kdiff *d, const struct kelf *k, const char *name,
		const char *fmt, ...) KLP_FORMAT(printf, 4, 5);

#endif /* KLP_DIFF_H */
