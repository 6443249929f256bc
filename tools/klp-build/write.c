// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: write the output object.
 *
 * Layout: the included sections of the patched object, then one section
 * per special section with kept entries, their RELA sections, .symtab,
 * .strtab and .shstrtab.  Symbols: the section symbols and included
 * symbols (local, except new global ones), then the __klp_new aliases,
 * then one undefined global per referenced name (".klp.sym.<object>.
 * <name>,<position>" for a symbol of the original object).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-diff.h"

struct strtab {
	char *buf;
	size_t len;
};

struct outsec {
	const char *name;
	GElf_Shdr sh;
	void *data;
	Elf_Type type;
	Elf64_Rela *relas;
	size_t nrelas;
	size_t rela_out;
	bool owned;
};

struct out {
	struct kdiff *d;
	struct strtab str, shstr;
	struct outsec *secs;
	size_t nsecs;
	Elf64_Sym *syms;
	size_t nsyms;
	size_t first_global;
};

static size_t str_add(struct strtab *t, const char *s)
{
	size_t len = strlen(s) + 1, off;

	if (!t->len) {
		t->buf = xcalloc(1, 1);
		t->len = 1;
	}
	if (!*s)
		return 0;
	off = t->len;
	t->buf = xrealloc(t->buf, t->len + len);
	memcpy(t->buf + off, s, len);
	t->len += len;
	return off;
}

static size_t add_sec(struct out *o, const char *name, const GElf_Shdr *sh,
		      void *data)
{
	struct outsec *s;

	o->secs = xrealloc(o->secs, (o->nsecs + 1) * sizeof(*o->secs));
	s = &o->secs[o->nsecs];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->sh = *sh;
	s->sh.sh_flags &= ~(uint64_t)SHF_GROUP;
	s->data = data;
	s->type = ELF_T_BYTE;
	return o->nsecs++;
}

static size_t add_sym(struct out *o, const char *name, int bind, int type,
		      size_t shndx, uint64_t value, uint64_t size)
{
	Elf64_Sym *s;

	o->syms = xrealloc(o->syms, (o->nsyms + 1) * sizeof(*o->syms));
	s = &o->syms[o->nsyms];
	s->st_name = str_add(&o->str, name);
	s->st_info = ELF64_ST_INFO(bind, type);
	s->st_other = STV_DEFAULT;
	s->st_shndx = shndx;
	s->st_value = value;
	s->st_size = size;
	return o->nsyms++;
}

const char *kd_ref_name(const struct ksym *s)
{
	return s->twin ? s->twin->name : s->name;
}

static bool new_global(const struct ksym *s)
{
	return s->status == KD_NEW && GELF_ST_BIND(s->s.st_info) != STB_LOCAL;
}

/* Whether a symbol is written into the output (else it is referenced). */
static bool kept(const struct ksym *s)
{
	int type = GELF_ST_TYPE(s->s.st_info);

	if (!s->sec || !s->sec->include || type == STT_SECTION ||
	    type == STT_FILE)
		return false;
	return s->include ||
	       (!s->sec->shared && type != STT_FUNC && type != STT_OBJECT);
}

/* Offset in the output of offset @off of @sec (in an included variable). */
static uint64_t out_place(const struct ksec *sec, uint64_t off)
{
	size_t i;

	if (!sec->shared)
		return off;
	for (i = 0; i < sec->nsyms; i++) {
		const struct ksym *s = sec->syms[i];

		if (s->include && off >= s->s.st_value &&
		    off < s->s.st_value + s->s.st_size)
			return off - s->s.st_value + s->out_off;
	}
	return off;
}

/*
 * Lay out the included variables of a shared section one after the other,
 * each as aligned as its original place (at most the section's alignment),
 * and copy their bytes.  Return the contents (NULL for SHT_NOBITS).
 */
static void *pack(struct ksec *sec)
{
	uint64_t off = 0, align;
	const struct ksym *prev = NULL;
	unsigned char *buf;
	size_t i;

	for (i = 0; i < sec->nsyms; i++) {
		struct ksym *s = sec->syms[i];

		if (!s->include)
			continue;
		if (prev && s->s.st_value == prev->s.st_value) {
			s->out_off = prev->out_off;
			continue;
		}
		align = sec->sh.sh_addralign ? sec->sh.sh_addralign : 1;
		while (align > 1 && (s->s.st_value & (align - 1)))
			align >>= 1;
		off = (off + align - 1) & ~(align - 1);
		s->out_off = off;
		off += s->s.st_size;
		prev = s;
	}
	sec->out_size = off;
	if (!sec->data)
		return NULL;
	buf = xcalloc(1, off ? off : 1);
	for (i = 0; i < sec->nsyms; i++) {
		const struct ksym *s = sec->syms[i];

		if (s->include)
			memcpy(buf + s->out_off, sec->data + s->s.st_value,
			       s->s.st_size);
	}
	return buf;
}

static void add_sections(struct out *o)
{
	struct kelf *k = o->d->patched;
	size_t i;

	for (i = 1; i < k->nsecs; i++) {
		struct ksec *sec = &k->secs[i];
		void *data = sec->data;

		if (!sec->include)
			continue;
		sec->out_size = sec->sh.sh_size;
		if (sec->shared)
			data = pack(sec);
		sec->out = add_sec(o, sec->name, &sec->sh, data);
		o->secs[sec->out].owned = sec->shared && data;
		o->secs[sec->out].sh.sh_size = sec->out_size;
		o->secs[sec->out].sh.sh_flags &= ~(uint64_t)SHF_LINK_ORDER;
		o->secs[sec->out].sh.sh_link = 0;
		o->secs[sec->out].sh.sh_info = 0;
	}
}

static void add_symbols(struct out *o)
{
	struct kdiff *d = o->d;
	struct kelf *k = d->patched;
	size_t i;

	add_sym(o, "", STB_LOCAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	add_sym(o, k->file, STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	for (i = 1; i < k->nsecs; i++)
		if (k->secs[i].include)
			k->secs[i].outsym = add_sym(o, "", STB_LOCAL,
						    STT_SECTION,
						    k->secs[i].out, 0, 0);
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (kept(s) && !new_global(s))
			s->out = add_sym(o, s->name, STB_LOCAL,
					 GELF_ST_TYPE(s->s.st_info),
					 s->sec->out,
					 out_place(s->sec, s->s.st_value),
					 s->s.st_size);
	}
	o->first_global = o->nsyms;
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (kept(s) && new_global(s))
			s->out = add_sym(o, s->name,
					 GELF_ST_BIND(s->s.st_info),
					 GELF_ST_TYPE(s->s.st_info),
					 s->sec->out,
					 out_place(s->sec, s->s.st_value),
					 s->s.st_size);
		if (s->alias && s->include)
			s->alias_out = add_sym(o, kd_alias_name(d, s),
					       STB_GLOBAL, STT_FUNC,
					       s->sec->out, s->s.st_value,
					       s->s.st_size);
	}
}

/*
 * The undefined symbol for @name.  A symbol of the original object (@orig)
 * is named as the kernel's livepatch core finds it,
 * ".klp.sym.<object>.<name>,<position>": references stay per object and
 * per position through the link of the module, where two symbols of one
 * name (statics of two files, a static here and a global elsewhere) would
 * otherwise become one.  So is, in a fix of a module, an undefined symbol
 * only another module defines (its export): a klp relocation of that
 * module's object, not a dependency of the patch on it.  klp-convert turns
 * them into klp relocations.
 */
static size_t ref(struct out *o, const char *name, const struct ksym *orig,
		  bool weak)
{
	struct kdiff *d = o->d;
	const char *owner = NULL;
	char *klpname = NULL;
	size_t i, len;
	long pos = 0;

	if (orig) {
		owner = d->objname;
		pos = kd_sympos(d, orig);
		if (pos < 0)
			pos = 0;	/* reported: the run fails */
	} else if (!weak) {
		owner = kd_export_owner(d, name, &pos);
	}
	if (owner) {
		len = strlen(owner) + strlen(name) + 40;
		klpname = xmalloc(len);
		snprintf(klpname, len, KLP_SYM_PREFIX "%s.%s,%ld", owner, name,
			 pos);
		name = klpname;
	}
	for (i = 0; i < d->nrefs; i++) {
		if (!strcmp(d->refs[i].name, name)) {
			free(klpname);
			return d->refs[i].out;
		}
	}
	d->refs = xrealloc(d->refs, (d->nrefs + 1) * sizeof(*d->refs));
	d->refs[d->nrefs].name = name;
	d->refs[d->nrefs].klpname = klpname;
	d->refs[d->nrefs].orig = orig;
	d->refs[d->nrefs].weak = weak;
	d->refs[d->nrefs].out = add_sym(o, name,
					weak ? STB_WEAK : STB_GLOBAL,
					STT_NOTYPE, SHN_UNDEF, 0, 0);
	return d->refs[d->nrefs++].out;
}

/* Symbol index and addend of relocation @r in the output. */
static size_t convert_rela(struct out *o, const struct krela *r,
			   int64_t *addend)
{
	struct ksym *s = r->sym;
	struct ktarget t;

	kelf_resolve(r, &t);
	*addend = r->addend;
	if (!t.sec)
		return ref(o, s->name, NULL,
			   GELF_ST_BIND(s->s.st_info) == STB_WEAK);
	if (t.sec->shared && t.sym && kept(t.sym)) {
		*addend = t.off;
		return t.sym->out;
	}
	if (GELF_ST_TYPE(s->s.st_info) == STT_SECTION &&
	    (!t.sym || kept(t.sym)))
		return s->sec->outsym;
	if (kept(t.sym)) {
		if (t.sym != s)
			*addend = t.off;
		return t.sym->out;
	}
	*addend = t.off;
	return ref(o, kd_ref_name(t.sym), t.sym->twin ? t.sym->twin : NULL,
		   false);
}

static void add_rela(struct outsec *os, uint64_t off, size_t sym,
		     uint32_t type, int64_t addend)
{
	Elf64_Rela *r;

	os->relas = xrealloc(os->relas, (os->nrelas + 1) * sizeof(*r));
	r = &os->relas[os->nrelas++];
	r->r_offset = off;
	r->r_info = ELF64_R_INFO(sym, type);
	r->r_addend = addend;
}

static void convert_relas(struct out *o)
{
	struct kelf *k = o->d->patched;
	size_t i, j;

	for (i = 1; i < k->nsecs; i++) {
		struct ksec *sec = &k->secs[i];

		if (!sec->include || !sec->rela)
			continue;
		for (j = 0; j < sec->rela->nrelas; j++) {
			struct krela *r = &sec->rela->relas[j];
			int64_t addend;
			size_t sym;

			if (!kd_rela_copied(sec, r))
				continue;
			sym = convert_rela(o, r, &addend);
			add_rela(&o->secs[sec->out], out_place(sec, r->off),
				 sym, r->type, addend);
		}
	}
}

/* One output section per special section with kept entries. */
static void add_special(struct out *o)
{
	struct kdiff *d = o->d;
	size_t i, j, n;

	for (i = 0; i < d->nspec; i = j) {
		struct ksec *sec = d->spec[i].sec;
		unsigned char *buf = NULL;
		size_t os, size = 0;
		GElf_Shdr sh = sec->sh;

		for (j = i; j < d->nspec && d->spec[j].sec == sec; j++)
			size += d->spec[j].size;
		buf = xcalloc(1, size);
		sh.sh_size = size;
		sh.sh_link = 0;
		sh.sh_info = 0;
		os = add_sec(o, sec->name, &sh, buf);
		o->secs[os].owned = true;
		for (size = 0, j = i; j < d->nspec && d->spec[j].sec == sec;
		     j++) {
			struct kspecial *e = &d->spec[j];
			struct krela *r = kelf_relas_in(sec, e->start,
							e->start + e->size, &n);
			size_t m;

			memcpy(buf + size, sec->data + e->start, e->size);
			for (m = 0; m < n; m++) {
				int64_t addend;
				size_t sym = convert_rela(o, &r[m], &addend);
				struct ktarget t;

				add_rela(&o->secs[os], r[m].off - e->start + size,
					 sym, r[m].type, addend);
				kelf_resolve(&r[m], &t);
				if (!m && (sh.sh_flags & SHF_LINK_ORDER) &&
				    !o->secs[os].sh.sh_link && t.sec)
					o->secs[os].sh.sh_link = t.sec->out;
			}
			size += e->size;
		}
	}
}

static int emit(struct out *o, const char *path, const GElf_Ehdr *in)
{
	size_t i, nsecs = o->nsecs, symtab, strtab, shstrtab;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	/* RELA sections, then the tables */
	for (i = 1; i < nsecs; i++) {
		struct outsec *s = &o->secs[i];
		char *name;

		if (!s->nrelas)
			continue;
		name = xmalloc(strlen(s->name) + 6);
		snprintf(name, strlen(s->name) + 6, ".rela%s", s->name);
		memset(&sh, 0, sizeof(sh));
		sh.sh_type = SHT_RELA;
		sh.sh_flags = SHF_INFO_LINK;
		sh.sh_entsize = sizeof(Elf64_Rela);
		sh.sh_addralign = 8;
		sh.sh_info = i;
		sh.sh_size = s->nrelas * sizeof(Elf64_Rela);
		s->rela_out = add_sec(o, name, &sh, s->relas);
		o->secs[s->rela_out].type = ELF_T_RELA;
	}
	memset(&sh, 0, sizeof(sh));
	sh.sh_type = SHT_SYMTAB;
	sh.sh_entsize = sizeof(Elf64_Sym);
	sh.sh_addralign = 8;
	sh.sh_info = o->first_global;
	sh.sh_size = o->nsyms * sizeof(Elf64_Sym);
	symtab = add_sec(o, ".symtab", &sh, o->syms);
	o->secs[symtab].type = ELF_T_SYM;
	memset(&sh, 0, sizeof(sh));
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	sh.sh_size = o->str.len;
	strtab = add_sec(o, ".strtab", &sh, o->str.buf);
	o->secs[symtab].sh.sh_link = strtab;
	shstrtab = add_sec(o, ".shstrtab", &sh, NULL);
	for (i = 1; i < o->nsecs; i++) {
		o->secs[i].sh.sh_name = str_add(&o->shstr, o->secs[i].name);
		if (o->secs[i].sh.sh_type == SHT_RELA)
			o->secs[i].sh.sh_link = symtab;
	}
	o->secs[shstrtab].data = o->shstr.buf;
	o->secs[shstrtab].sh.sh_size = o->shstr.len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err_msg("%s: cannot create", path);
		return -1;
	}
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf || !gelf_newehdr(elf, ELFCLASS64))
		goto fail;
	gelf_getehdr(elf, &eh);
	eh.e_ident[EI_DATA] = in->e_ident[EI_DATA];
	eh.e_ident[EI_OSABI] = in->e_ident[EI_OSABI];
	eh.e_type = ET_REL;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_flags = in->e_flags;
	eh.e_shstrndx = shstrtab;
	if (!gelf_update_ehdr(elf, &eh))
		goto fail;
	for (i = 1; i < o->nsecs; i++) {
		struct outsec *s = &o->secs[i];
		Elf_Scn *scn = elf_newscn(elf);
		Elf_Data *data = scn ? elf_newdata(scn) : NULL;

		if (!data)
			goto fail;
		data->d_buf = s->sh.sh_type == SHT_NOBITS ? NULL : s->data;
		data->d_size = s->sh.sh_size;
		data->d_type = s->type;
		data->d_align = s->sh.sh_addralign ? s->sh.sh_addralign : 1;
		data->d_version = EV_CURRENT;
		if (!gelf_update_shdr(scn, &s->sh))
			goto fail;
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto fail;
	elf_end(elf);
	close(fd);
	return 0;
fail:
	err_msg("%s: %s", path, elf_errmsg(-1));
	if (elf)
		elf_end(elf);
	close(fd);
	unlink(path);
	return -1;
}

int kd_write(struct kdiff *d, const char *path)
{
	struct out o = { .d = d };
	GElf_Shdr null = { 0 };
	GElf_Ehdr in;
	size_t i;
	int ret;

	if (!gelf_getehdr(d->patched->elf, &in))
		return -1;
	add_sec(&o, "", &null, NULL);
	add_sections(&o);
	add_symbols(&o);
	convert_relas(&o);
	add_special(&o);
	/* a position that could not be found leaves no output behind */
	ret = d->errors ? -1 : emit(&o, path, &in);
	for (i = 0; i < o.nsecs; i++) {
		free(o.secs[i].relas);
		if (o.secs[i].sh.sh_type == SHT_RELA)
			free((char *)o.secs[i].name);
		if (o.secs[i].owned)
			free(o.secs[i].data);
	}
	free(o.secs);
	free(o.syms);
	free(o.str.buf);
	free(o.shstr.buf);
	return ret;
}
