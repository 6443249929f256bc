// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: decide what each undefined symbol of a livepatch module
 * becomes, and check the relocations that use it.
 *
 *  - annotated (KLP_SYMPOS_TABLE/KLP_SYMPOS): the given position in the
 *    given object;
 *  - exported (listed in a Module.symvers): left to the module loader;
 *  - otherwise: the single core definition of the name in the map.
 *
 * The output is written by write.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp-convert.h"
#include "convert.h"

static void cerr(const struct conv *c, const char *fmt, ...)
	KLP_FORMAT(printf, 2, 3);

/* One "klp-convert: <module>: ..." line. */
static void cerr(const struct conv *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_msg("%s: %s", c->what, buf);
}

static const char *secname(struct conv *c, size_t idx)
{
	Elf_Scn *scn = elf_getscn(c->elf, idx);
	GElf_Shdr sh;
	const char *n;

	if (!scn || !gelf_getshdr(scn, &sh))
		return "?";
	n = elf_strptr(c->elf, c->shstrndx, sh.sh_name);
	return n ? n : "?";
}

static bool valid_objname(const char *s)
{
	if (!*s || strlen(s) > 55)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= '0' && *s <= '9') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

static uint64_t get_u64(struct conv *c, const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	if (c->eh.e_ident[EI_DATA] == ELFDATA2MSB)
		for (i = 0; i < 8; i++)
			v = (v << 8) | p[i];
	else
		for (i = 7; i >= 0; i--)
			v = (v << 8) | p[i];
	return v;
}

static bool abs64_type(struct conv *c, unsigned int type)
{
	switch (c->eh.e_machine) {
	case EM_AARCH64:
		return type == 257;	/* R_AARCH64_ABS64 */
	case EM_X86_64:
		return type == 1;	/* R_X86_64_64 */
	default:
		return false;
	}
}

static int add_note(struct conv *c, size_t sym, const char *obj,
		    unsigned long pos, const char *sec)
{
	size_t i;

	for (i = 0; i < c->nnotes; i++) {
		if (c->notes[i].sym != sym)
			continue;
		if (strcmp(c->notes[i].obj, obj) || c->notes[i].pos != pos) {
			cerr(c,
			     "conflicting KLP_SYMPOS annotations for '%s' (%s,%lu and %s,%lu)",
			     c->symname[sym], c->notes[i].obj,
			     c->notes[i].pos, obj, pos);
			return -1;
		}
		return 0;
	}
	c->notes = xrealloc(c->notes, (c->nnotes + 1) * sizeof(*c->notes));
	c->notes[c->nnotes].sym = sym;
	c->notes[c->nnotes].obj = xstrdup(obj);
	c->notes[c->nnotes].pos = pos;
	c->notes[c->nnotes].sec = sec;
	c->nnotes++;
	return 0;
}

/* Read one .klp.sympos.<obj> section and the relocations naming its symbols. */
static int read_notes(struct conv *c, size_t idx, const char *name)
{
	const char *obj = name + strlen(KLP_SYMPOS_PREFIX);
	size_t n, i, j, nr;
	unsigned char *seen;
	Elf_Scn *scn;
	Elf_Data *d, *rd;
	GElf_Shdr sh;
	GElf_Rela r;
	int ret = -1;

	if (!valid_objname(obj)) {
		cerr(c, "section %s: bad object name", name);
		return -1;
	}
	scn = elf_getscn(c->elf, idx);
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || c->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    d->d_size % 16) {
		cerr(c, "section %s: size is not a multiple of 16", name);
		return -1;
	}
	n = d->d_size / 16;
	seen = xcalloc(n ? n : 1, 1);
	for (i = 1; i < c->shnum; i++) {
		scn = elf_getscn(c->elf, i);
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_info != idx ||
		    (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		if (sh.sh_type != SHT_RELA || sh.sh_link != c->symidx) {
			cerr(c, "section %s: unsupported relocation section %s",
			     name, secname(c, i));
			goto out;
		}
		rd = elf_getdata(scn, NULL);
		nr = rd && sh.sh_entsize ? rd->d_size / sh.sh_entsize : 0;
		for (j = 0; j < nr; j++) {
			size_t k, sym;

			if (!gelf_getrela(rd, j, &r))
				break;
			k = r.r_offset / 16;
			sym = GELF_R_SYM(r.r_info);
			if (r.r_offset % 16 || k >= n || sym == 0 ||
			    sym >= c->nsyms || r.r_addend ||
			    !abs64_type(c, GELF_R_TYPE(r.r_info))) {
				cerr(c, "section %s: unexpected relocation %zu",
				     name, j);
				goto out;
			}
			seen[k] = 1;
			if (c->sym[sym].st_shndx == SHN_LIVEPATCH)
				continue;	/* converted already */
			if (c->sym[sym].st_shndx != SHN_UNDEF) {
				cerr(c,
				     "KLP_SYMPOS(%s, ...) in %s: the patch module defines '%s' itself",
				     c->symname[sym], name, c->symname[sym]);
				goto out;
			}
			if (add_note(c, sym, obj,
				     get_u64(c, (unsigned char *)d->d_buf +
					     k * 16 + 8), name))
				goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!seen[i]) {
			cerr(c, "section %s: entry %zu names no symbol",
			     name, i);
			goto out;
		}
	}
	ret = 0;
out:
	free(seen);
	return ret;
}

static void list_cands(struct conv *c, const struct klp_cand *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!k[i].pos)
			continue;
		cerr(c,
		     "  candidate: object %s, position %lu, file %s, type %c",
		     k[i].obj->name, k[i].pos, k[i].sym->file, k[i].sym->type);
	}
}

static size_t drop_own(struct conv *c, struct klp_cand *k, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (strcmp(k[i].obj->name, c->modname))
			k[m++] = k[i];
	return m;
}

static int set_res(struct conv *c, size_t sym, const char *name,
		   const char *obj, unsigned long pos)
{
	size_t len = strlen(obj) + strlen(name) + 40;

	c->res[sym].obj = xstrdup(obj);
	c->res[sym].klpname = xmalloc(len);
	snprintf(c->res[sym].klpname, len, KLP_SYM_PREFIX "%s.%s,%lu", obj,
		 name, pos);
	return 0;
}

/* Resolve symbol @sym as @name at the position in the object @nt gives. */
static int resolve_note(struct conv *c, size_t sym, const char *name,
			const struct klp_note *nt)
{
	struct klp_cand *k, *all;
	size_t n, na, i;
	int ret = -1;
	long pos;

	n = klp_map_lookup(c->map, name, nt->obj, &k);
	if (!n || !k[0].count) {
		cerr(c, "KLP_SYMPOS(%s, %lu) in %s: '%s' is not defined in %s",
		     name, nt->pos, nt->sec, name, nt->obj);
		na = klp_map_lookup(c->map, name, NULL, &all);
		na = drop_own(c, all, na);
		list_cands(c, all, na);
		free(all);
		goto out;
	}
	if (nt->pos < 1 || nt->pos > k[0].count) {
		cerr(c,
		     "KLP_SYMPOS(%s, %lu) in %s: wrong position, %s has %lu definition(s) of '%s' (positions start at 1)",
		     name, nt->pos, nt->sec, nt->obj, k[0].count, name);
		list_cands(c, k, n);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (k[i].pos == nt->pos)
			break;
	pos = klp_cand_sympos(&k[i]);
	if (pos < 0) {
		cerr(c,
		     "KLP_SYMPOS(%s, %lu): position in %s is %lu while the module's init runs and %lu afterwards; cannot be resolved both ways",
		     name, nt->pos, nt->obj, k[i].fullpos, k[i].pos);
		goto out;
	}
	ret = set_res(c, sym, name, nt->obj, pos);
out:
	free(k);
	return ret;
}

static int resolve_plain(struct conv *c, size_t sym)
{
	const char *name = c->symname[sym];
	size_t n, i, ncore = 0, one = 0;
	struct klp_cand *k;
	int ret = -1;

	if (klp_symvers_exported(name))
		return 0;
	n = klp_map_lookup(c->map, name, NULL, &k);
	n = drop_own(c, k, n);
	for (i = 0; i < n; i++) {
		if (k[i].pos) {
			ncore++;
			one = i;
		}
	}
	if (!ncore) {
		if (GELF_ST_BIND(c->sym[sym].st_info) == STB_WEAK) {
			ret = 0;
			goto out;
		}
		cerr(c,
		     "'%s' is neither exported nor defined in any object of the symbol map%s",
		     name, n ? " (only in init sections)" : "");
		goto out;
	}
	if (ncore > 1) {
		cerr(c,
		     "'%s' is ambiguous (%zu definitions); name one with KLP_SYMPOS_TABLE(<object>) = { KLP_SYMPOS(%s, <position>) }",
		     name, ncore, name);
		list_cands(c, k, n);
		goto out;
	}
	if (k[one].fullcount > 1) {
		cerr(c,
		     "'%s' has %lu definitions in %s while the module's init runs; name one with KLP_SYMPOS",
		     name, k[one].fullcount, k[one].obj->name);
		goto out;
	}
	ret = set_res(c, sym, name, k[one].obj->name, 0);
out:
	free(k);
	return ret;
}

static char *dup_range(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

/*
 * An undefined symbol named as the livepatch core reads it,
 * ".klp.sym.<object>.<name>,<position>" (klp-diff names the references of
 * klp-build's objects so, one symbol per object and position): checked
 * against the map as a KLP_SYMPOS annotation is, position 0 meaning that
 * the name is unique in the object.
 */
static int resolve_named(struct conv *c, size_t sym)
{
	const char *full = c->symname[sym];
	const char *obj = full + strlen(KLP_SYM_PREFIX);
	const char *dot = strchr(obj, '.'), *comma = strrchr(full, ',');
	struct klp_note nt = { .sym = sym, .sec = full };
	struct klp_cand *k;
	char *end, *name;
	size_t n;
	int ret = -1;

	if (!dot || !comma || comma < dot + 2 || !comma[1]) {
		cerr(c, "'%s': not .klp.sym.<object>.<name>,<position>", full);
		return -1;
	}
	nt.obj = dup_range(obj, dot - obj);
	name = dup_range(dot + 1, comma - dot - 1);
	nt.pos = strtoul(comma + 1, &end, 10);
	if (*end || !valid_objname(nt.obj)) {
		cerr(c, "'%s': bad object name or position", full);
		goto out;
	}
	if (!nt.pos) {
		n = klp_map_lookup(c->map, name, nt.obj, &k);
		if (n && k[0].count > 1) {
			cerr(c,
			     "'%s': %s has %lu definitions of '%s', position 0 names none",
			     full, nt.obj, k[0].count, name);
			list_cands(c, k, n);
			free(k);
			goto out;
		}
		free(k);
		nt.pos = 1;
	}
	ret = resolve_note(c, sym, name, &nt);
out:
	free(name);
	free(nt.obj);
	return ret;
}

/* Resolve every undefined symbol; count errors rather than stop at one. */
static int resolve_all(struct conv *c)
{
	size_t i, j;
	int errors = 0;

	for (i = 1; i < c->nsyms; i++) {
		if (c->sym[i].st_shndx != SHN_UNDEF || !*c->symname[i])
			continue;
		if (!strncmp(c->symname[i], KLP_SYM_PREFIX,
			     strlen(KLP_SYM_PREFIX))) {
			if (resolve_named(c, i))
				errors++;
			continue;
		}
		for (j = 0; j < c->nnotes; j++)
			if (c->notes[j].sym == i)
				break;
		if (j < c->nnotes) {
			if (resolve_note(c, i, c->symname[i], &c->notes[j]))
				errors++;
		} else if (resolve_plain(c, i)) {
			errors++;
		}
	}
	return errors ? -1 : 0;
}

/* Check every relocation that uses a converted symbol. */
static int check_relocs(struct conv *c)
{
	size_t i, j, nr;
	int errors = 0;
	Elf_Scn *scn, *tscn;
	GElf_Shdr sh, tsh;
	Elf_Data *d;
	GElf_Rela r;
	GElf_Rel rl;

	for (i = 1; i < c->shnum; i++) {
		const char *tname;
		bool rela;

		scn = elf_getscn(c->elf, i);
		if (!scn || !gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		rela = sh.sh_type == SHT_RELA;
		if (sh.sh_link != c->symidx || sh.sh_info == 0 ||
		    sh.sh_info >= c->shnum || !sh.sh_entsize ||
		    sh.sh_entsize != gelf_fsize(c->elf, rela ? ELF_T_RELA :
						ELF_T_REL, 1, EV_CURRENT)) {
			cerr(c, "relocation section %s: bad header",
			     secname(c, i));
			return -1;
		}
		tscn = elf_getscn(c->elf, sh.sh_info);
		if (!tscn || !gelf_getshdr(tscn, &tsh))
			return -1;
		tname = secname(c, sh.sh_info);
		if (!strncmp(tname, KLP_SYMPOS_PREFIX, strlen(KLP_SYMPOS_PREFIX)))
			continue;
		d = elf_getdata(scn, NULL);
		nr = d ? d->d_size / sh.sh_entsize : 0;
		for (j = 0; j < nr; j++) {
			size_t s;

			if (rela ? !gelf_getrela(d, j, &r) :
				   !gelf_getrel(d, j, &rl)) {
				cerr(c, "relocation section %s: unreadable",
				     secname(c, i));
				return -1;
			}
			s = GELF_R_SYM(rela ? r.r_info : rl.r_info);
			if (s >= c->nsyms) {
				cerr(c,
				     "relocation %zu of %s: symbol index %zu out of range",
				     j, secname(c, i), s);
				return -1;
			}
			if (!c->res[s].klpname || !(tsh.sh_flags & SHF_ALLOC))
				continue;
			if (!rela) {
				cerr(c,
				     "%s: REL relocations are not supported ('%s')",
				     secname(c, i), c->symname[s]);
				errors++;
			} else if (strcmp(c->res[s].obj, "vmlinux") &&
				   klp_special_section(tname)) {
				cerr(c,
				     "relocation in special section %s against '%s' of module %s: it would be written after the kernel used the section",
				     tname, c->symname[s], c->res[s].obj);
				errors++;
			} else {
				c->nmoved++;
			}
		}
	}
	return errors ? -1 : 0;
}

static int load_input(struct conv *c)
{
	Elf_Scn *scn = NULL;
	const char *lp, *name;
	GElf_Shdr sh;
	Elf_Data *d;
	size_t i;

	c->elf = elf_memory((char *)c->buf, c->len);
	if (!c->elf || elf_kind(c->elf) != ELF_K_ELF ||
	    !gelf_getehdr(c->elf, &c->eh) ||
	    elf_getshdrstrndx(c->elf, &c->shstrndx) ||
	    elf_getshdrnum(c->elf, &c->shnum)) {
		cerr(c, "not an ELF object: %s", elf_errmsg(-1));
		return -1;
	}
	if (c->eh.e_type != ET_REL ||
	    c->eh.e_ident[EI_CLASS] != ELFCLASS64) {
		cerr(c, "not a 64-bit relocatable object (a linked module .ko)");
		return -1;
	}
	if (c->shstrndx == 0 || c->shstrndx >= c->shnum) {
		cerr(c, "no section name table");
		return -1;
	}
	while ((scn = elf_nextscn(c->elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			cerr(c, "unreadable section header");
			return -1;
		}
		if (sh.sh_addralign & (sh.sh_addralign - 1) ||
		    sh.sh_addralign > 65536) {
			cerr(c, "section %zu: bad alignment %llu",
			     elf_ndxscn(scn),
			     (unsigned long long)sh.sh_addralign);
			return -1;
		}
		if (sh.sh_type == SHT_SYMTAB_SHNDX) {
			cerr(c, "extended section indexes are not supported");
			return -1;
		}
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		if (c->symidx) {
			cerr(c, "more than one symbol table");
			return -1;
		}
		c->symidx = elf_ndxscn(scn);
		c->strndx = sh.sh_link;
	}
	if (!c->symidx || !c->strndx || c->strndx >= c->shnum) {
		cerr(c, "no usable symbol table");
		return -1;
	}
	lp = klp_modinfo(c->elf, "livepatch");
	if (!lp || strcmp(lp, "Y")) {
		cerr(c, "not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))");
		return -1;
	}
	name = klp_modinfo(c->elf, "name");
	c->modname = name && valid_objname(name) ? xstrdup(name) :
		     klp_modname_from_path(c->what);

	scn = elf_getscn(c->elf, c->symidx);
	d = elf_getdata(scn, NULL);
	if (!d || d->d_type != ELF_T_SYM) {
		cerr(c, "unreadable symbol table");
		return -1;
	}
	c->nsyms = d->d_size / gelf_fsize(c->elf, ELF_T_SYM, 1, EV_CURRENT);
	c->sym = xcalloc(c->nsyms, sizeof(*c->sym));
	c->symname = xcalloc(c->nsyms, sizeof(*c->symname));
	c->res = xcalloc(c->nsyms, sizeof(*c->res));
	for (i = 0; i < c->nsyms; i++) {
		if (!gelf_getsym(d, i, &c->sym[i]))
			return -1;
		name = elf_strptr(c->elf, c->strndx, c->sym[i].st_name);
		if (!name) {
			cerr(c, "symbol %zu has a bad name offset", i);
			return -1;
		}
		if (c->sym[i].st_shndx == SHN_UNDEF && *name &&
		    ((strchr(name, ',') &&
		      strncmp(name, KLP_SYM_PREFIX, strlen(KLP_SYM_PREFIX))) ||
		     strlen(name) > 400)) {
			cerr(c, "undefined symbol %zu has an unusable name", i);
			return -1;
		}
		c->symname[i] = name;
	}
	for (i = 1; i < c->shnum; i++) {
		const char *sn;

		scn = elf_getscn(c->elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			return -1;
		sn = elf_strptr(c->elf, c->shstrndx, sh.sh_name);
		if (!sn) {
			cerr(c, "section %zu has a bad name offset", i);
			return -1;
		}
		if (!strncmp(sn, KLP_SYMPOS_PREFIX, strlen(KLP_SYMPOS_PREFIX)) &&
		    read_notes(c, i, sn))
			return -1;
	}
	return 0;
}

static bool klp_anything_converted(const struct conv *c)
{
	size_t i;

	for (i = 0; i < c->nsyms; i++)
		if (c->res[i].klpname)
			return true;
	return false;
}

static void conv_free(struct conv *c)
{
	size_t i;

	for (i = 0; c->res && i < c->nsyms; i++) {
		free(c->res[i].klpname);
		free(c->res[i].obj);
	}
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i].obj);
	free(c->notes);
	free(c->res);
	free(c->sym);
	free(c->symname);
	free(c->modname);
	if (c->elf)
		elf_end(c->elf);
}

/**
 * klp_convert_mem() - convert a livepatch module held in memory
 * @map: the symbol map
 * @buf: the module image
 * @len: its size
 * @what: its name, for messages
 * @out: output file, or NULL to check only
 *
 * Return: 0 when the module was converted (or needs nothing), -1 after
 * one or more messages.
 */
int klp_convert_mem(const struct klp_map *map, const void *buf, size_t len,
		    const char *what, const char *out)
{
	struct conv c = {
		.map = map, .buf = buf, .len = len, .what = what,
	};
	int ret = -1;

	if (load_input(&c) || resolve_all(&c) || check_relocs(&c))
		goto done;
	if (out && !strcmp(out, what) && !c.nmoved && !c.nnotes &&
	    !klp_anything_converted(&c)) {
		ret = 0;	/* in place and nothing to do: leave it alone */
		goto done;
	}
	ret = out ? klp_write_output(&c, out) : 0;
done:
	conv_free(&c);
	return ret;
}

/**
 * klp_convert_file() - convert a livepatch module file
 * @map: the symbol map
 * @in: the linked, unconverted module
 * @out: where to write the converted module (may be @in)
 *
 * Return: 0 or -1 after a message.
 */
int klp_convert_file(const struct klp_map *map, const char *in,
		     const char *out)
{
	size_t len;
	char *buf;
	int ret;

	buf = read_whole_file(in, &len);
	if (!buf)
		return -1;
	ret = klp_convert_mem(map, buf, len, in, out);
	free(buf);
	return ret;
}
