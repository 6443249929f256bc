// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: read a relocatable object into memory.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-diff.h"

static int rela_cmp(const void *a, const void *b)
{
	const struct krela *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

static int sym_addr_cmp(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym * const *)a;
	const struct ksym *y = *(const struct ksym * const *)b;

	if (x->s.st_value != y->s.st_value)
		return x->s.st_value < y->s.st_value ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* Read headers and contents of every section. */
static int read_sections(struct kelf *k)
{
	size_t shstrndx, i;
	Elf_Scn *scn;

	if (elf_getshdrnum(k->elf, &k->nsecs) ||
	    elf_getshdrstrndx(k->elf, &shstrndx)) {
		err_msg("%s: %s", k->path, elf_errmsg(-1));
		return -1;
	}
	k->secs = xcalloc(k->nsecs, sizeof(*k->secs));
	for (i = 1; i < k->nsecs; i++) {
		struct ksec *sec = &k->secs[i];
		Elf_Data *data;
		const char *name;

		scn = elf_getscn(k->elf, i);
		if (!scn || !gelf_getshdr(scn, &sec->sh)) {
			err_msg("%s: %s", k->path, elf_errmsg(-1));
			return -1;
		}
		name = elf_strptr(k->elf, shstrndx, sec->sh.sh_name);
		sec->name = xstrdup(name ? name : "");
		sec->idx = i;
		if (sec->sh.sh_type == SHT_NOBITS || !sec->sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size != sec->sh.sh_size) {
			err_msg("%s: %s: cannot read section", k->path,
				sec->name);
			return -1;
		}
		sec->data = data->d_buf;
	}
	return 0;
}

static int read_symbols(struct kelf *k, struct ksec *symtab)
{
	Elf_Data *data = elf_getdata(elf_getscn(k->elf, symtab->idx), NULL);
	const char *file = "";
	size_t i;

	k->nsyms = symtab->sh.sh_size / sizeof(Elf64_Sym);
	k->syms = xcalloc(k->nsyms, sizeof(*k->syms));
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];
		const char *name;

		if (!data || !gelf_getsym(data, i, &s->s)) {
			err_msg("%s: bad symbol table", k->path);
			return -1;
		}
		name = elf_strptr(k->elf, symtab->sh.sh_link, s->s.st_name);
		s->idx = i;
		if (GELF_ST_TYPE(s->s.st_info) == STT_FILE) {
			file = name ? name : "";
			if (!k->file)
				k->file = file;
		}
		s->file = file;
		if (s->s.st_shndx != SHN_UNDEF && s->s.st_shndx < SHN_LORESERVE &&
		    s->s.st_shndx < k->nsecs)
			s->sec = &k->secs[s->s.st_shndx];
		if (GELF_ST_TYPE(s->s.st_info) == STT_SECTION && s->sec) {
			s->sec->secsym = s;
			name = s->sec->name;
		}
		s->name = xstrdup(name ? name : "");
	}
	return 0;
}

static int read_relas(struct kelf *k, struct ksec *sec)
{
	Elf_Data *data = elf_getdata(elf_getscn(k->elf, sec->idx), NULL);
	size_t i;

	if (sec->sh.sh_info >= k->nsecs) {
		err_msg("%s: %s: bad sh_info", k->path, sec->name);
		return -1;
	}
	sec->base = &k->secs[sec->sh.sh_info];
	sec->base->rela = sec;
	sec->nrelas = sec->sh.sh_size / sizeof(Elf64_Rela);
	sec->relas = xcalloc(sec->nrelas, sizeof(*sec->relas));
	for (i = 0; i < sec->nrelas; i++) {
		GElf_Rela r;

		if (!data || !gelf_getrela(data, i, &r) ||
		    GELF_R_SYM(r.r_info) >= k->nsyms) {
			err_msg("%s: %s: bad relocation", k->path, sec->name);
			return -1;
		}
		sec->relas[i].off = r.r_offset;
		sec->relas[i].type = GELF_R_TYPE(r.r_info);
		sec->relas[i].addend = r.r_addend;
		sec->relas[i].sym = &k->syms[GELF_R_SYM(r.r_info)];
	}
	qsort(sec->relas, sec->nrelas, sizeof(*sec->relas), rela_cmp);
	return 0;
}

/*
 * A data section whose variables did not get a section of their own, as
 * with __read_mostly, __section(...) or DEFINE_PER_CPU: not a string or
 * constant pool, and not the one section named after its only variable.
 */
static bool is_shared(const struct ksec *sec)
{
	size_t ln = strlen(sec->name), ls;

	if (!(sec->sh.sh_flags & SHF_ALLOC) ||
	    (sec->sh.sh_flags & (SHF_EXECINSTR | SHF_MERGE)) ||
	    !strncmp(sec->name, ".rodata.str", strlen(".rodata.str")) ||
	    !strncmp(sec->name, ".rodata.cst", strlen(".rodata.cst")) ||
	    !sec->nsyms)
		return false;
	if (sec->nsyms > 1)
		return true;
	ls = strlen(sec->syms[0]->name);
	return ln <= ls + 1 || sec->name[ln - ls - 1] != '.' ||
	       strcmp(sec->name + ln - ls, sec->syms[0]->name);
}

/* Attach each function and object to its section, sorted by address. */
static void index_symbols(struct kelf *k)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (!kelf_is_func_or_object(s))
			continue;
		s->sec->syms = xrealloc(s->sec->syms, (s->sec->nsyms + 1) *
					sizeof(*s->sec->syms));
		s->sec->syms[s->sec->nsyms++] = s;
	}
	for (i = 1; i < k->nsecs; i++) {
		qsort(k->secs[i].syms, k->secs[i].nsyms,
		      sizeof(*k->secs[i].syms), sym_addr_cmp);
		k->secs[i].shared = is_shared(&k->secs[i]);
	}
}

struct kelf *kelf_open(const char *path)
{
	struct ksec *symtab = NULL;
	struct kelf *k;
	GElf_Ehdr eh;
	size_t i;

	k = xcalloc(1, sizeof(*k));
	k->path = path;
	k->fd = open(path, O_RDONLY);
	if (k->fd < 0) {
		err_msg("%s: cannot open", path);
		free(k);
		return NULL;
	}
	k->elf = elf_begin(k->fd, ELF_C_READ, NULL);
	if (!k->elf || !gelf_getehdr(k->elf, &eh) || eh.e_type != ET_REL ||
	    eh.e_machine != EM_AARCH64 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		err_msg("%s: not an aarch64 relocatable object", path);
		goto fail;
	}
	if (read_sections(k))
		goto fail;
	for (i = 1; i < k->nsecs; i++)
		if (k->secs[i].sh.sh_type == SHT_SYMTAB)
			symtab = &k->secs[i];
	if (!symtab) {
		err_msg("%s: no symbol table", path);
		goto fail;
	}
	if (read_symbols(k, symtab))
		goto fail;
	for (i = 1; i < k->nsecs; i++)
		if (k->secs[i].sh.sh_type == SHT_RELA &&
		    read_relas(k, &k->secs[i]))
			goto fail;
	if (!k->file)
		k->file = path;
	index_symbols(k);
	return k;
fail:
	kelf_close(k);
	return NULL;
}

void kelf_close(struct kelf *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nsecs; i++) {
		free(k->secs[i].name);
		free(k->secs[i].relas);
		free(k->secs[i].syms);
	}
	for (i = 0; i < k->nsyms; i++)
		free(k->syms[i].name);
	free(k->secs);
	free(k->syms);
	if (k->elf)
		elf_end(k->elf);
	close(k->fd);
	free(k);
}

bool kelf_is_func_or_object(const struct ksym *s)
{
	int type = GELF_ST_TYPE(s->s.st_info);

	return s->sec && (type == STT_FUNC || type == STT_OBJECT);
}

void kelf_resolve(const struct krela *r, struct ktarget *t)
{
	struct ksym *s = r->sym;
	struct ksec *sec;
	size_t i;

	t->sym = s;
	t->sec = s->sec;
	t->off = r->addend;
	if (GELF_ST_TYPE(s->s.st_info) != STT_SECTION || !s->sec)
		return;
	sec = s->sec;
	t->sym = NULL;
	t->off = r->addend + (int64_t)s->s.st_value;
	/* the function or object containing the offset, else one ending there */
	for (i = 0; i < sec->nsyms; i++) {
		struct ksym *c = sec->syms[i];
		int64_t start = c->s.st_value, end = start + c->s.st_size;

		if (t->off >= start &&
		    (t->off < end || (t->off == start && !c->s.st_size))) {
			t->sym = c;
			break;
		}
		if (t->off == end && !t->sym && !sec->shared)
			t->sym = c;
	}
	if (t->sym)
		t->off -= t->sym->s.st_value;
}

bool kelf_uncovered(const struct ktarget *t)
{
	return t->sec && t->sec->shared && !t->sym;
}

struct krela *kelf_relas_in(const struct ksec *sec, uint64_t start,
			    uint64_t end, size_t *n)
{
	struct krela *first = NULL;
	size_t i;

	*n = 0;
	if (!sec->rela)
		return NULL;
	for (i = 0; i < sec->rela->nrelas; i++) {
		struct krela *r = &sec->rela->relas[i];

		if (r->off < start || r->off >= end)
			continue;
		if (!first)
			first = r;
		(*n)++;
	}
	return first;
}

bool kelf_referenced(const struct kelf *k, const struct ksym *s,
		     bool (*from)(const struct ksec *sec))
{
	struct ktarget t;
	size_t i, j;

	for (i = 1; i < k->nsecs; i++) {
		const struct ksec *sec = &k->secs[i];

		if (!sec->rela || !from(sec))
			continue;
		for (j = 0; j < sec->rela->nrelas; j++) {
			kelf_resolve(&sec->rela->relas[j], &t);
			if (t.sym == s)
				return true;
		}
	}
	return false;
}
