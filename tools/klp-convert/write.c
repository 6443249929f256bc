// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: write the converted module.
 *
 * Every input section keeps its index (so symbol and section references
 * stay valid).  Converted symbols get their .klp.sym name and
 * SHN_LIVEPATCH; the relocations using them leave their .rela section for
 * a new ".klp.rela.<object>.<section>" section (SHT_RELA, SHF_ALLOC |
 * SHF_INFO_LINK | SHF_RELA_LIVEPATCH) appended at the end.  The
 * annotation sections lose SHF_ALLOC so the module loader ignores them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert.h"

struct strbuf {
	char *buf;
	size_t len;
};

static size_t strbuf_add(struct strbuf *sb, const char *s)
{
	size_t off = sb->len, l = strlen(s) + 1;

	sb->buf = xrealloc(sb->buf, sb->len + l);
	memcpy(sb->buf + sb->len, s, l);
	sb->len += l;
	return off;
}

static void strbuf_init(struct strbuf *sb, Elf_Data *d)
{
	sb->len = d && d->d_buf ? d->d_size : 0;
	sb->buf = xmalloc(sb->len + 1);
	if (sb->len)
		memcpy(sb->buf, d->d_buf, sb->len);
	/* a string table must start with (and strings end in) NUL */
	if (!sb->len || sb->buf[sb->len - 1])
		sb->buf[sb->len++] = '\0';
}

/* One new .klp.rela section. */
struct newsec {
	char *name;
	const char *obj;
	size_t target;
	Elf64_Rela *rel;
	size_t nr;
};

struct out {
	struct conv *c;
	Elf *elf;
	Elf_Data **data;
	struct strbuf *shstr, *str, sbs[2];
	struct newsec *ns;
	size_t nns;
	void **bufs;
	size_t nbufs;
};

static void *keep_buf(struct out *o, void *p)
{
	o->bufs = xrealloc(o->bufs, (o->nbufs + 1) * sizeof(*o->bufs));
	o->bufs[o->nbufs++] = p;
	return p;
}

static bool name_taken(struct out *o, const char *name)
{
	struct conv *c = o->c;
	GElf_Shdr sh;
	size_t i;
	const char *n;

	for (i = 1; i < c->shnum; i++) {
		if (!gelf_getshdr(elf_getscn(c->elf, i), &sh))
			continue;
		n = elf_strptr(c->elf, c->shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return true;
	}
	for (i = 0; i < o->nns; i++)
		if (!strcmp(o->ns[i].name, name))
			return true;
	return false;
}

/* Split one .rela section; moved entries go to per-object new sections. */
static int split_rela(struct out *o, size_t idx, const GElf_Shdr *sh)
{
	struct conv *c = o->c;
	size_t nr = o->data[idx]->d_size / sh->sh_entsize, j, k, kept = 0;
	const char *tname;
	Elf64_Rela *keep;
	GElf_Shdr tsh;
	GElf_Rela r;
	size_t first = o->nns;

	if (!gelf_getshdr(elf_getscn(c->elf, sh->sh_info), &tsh) ||
	    !(tsh.sh_flags & SHF_ALLOC))
		return 0;
	tname = elf_strptr(c->elf, c->shstrndx, tsh.sh_name);
	if (!tname || !strncmp(tname, KLP_SYMPOS_PREFIX,
			       strlen(KLP_SYMPOS_PREFIX)))
		return 0;
	keep = keep_buf(o, xcalloc(nr, sizeof(*keep)));
	for (j = 0; j < nr; j++) {
		struct klp_res *res;

		if (!gelf_getrela(o->data[idx], j, &r))
			return -1;
		res = &c->res[GELF_R_SYM(r.r_info)];
		if (!res->klpname) {
			keep[kept++] = r;
			continue;
		}
		for (k = first; k < o->nns; k++)
			if (!strcmp(o->ns[k].obj, res->obj))
				break;
		if (k == o->nns) {
			size_t l = strlen(res->obj) + strlen(tname) + 16;
			struct newsec *n;
			char *name = xmalloc(l);

			snprintf(name, l, ".klp.rela.%s.%s", res->obj, tname);
			if (name_taken(o, name)) {
				err_msg("%s: section %s exists already",
					c->what, name);
				free(name);
				return -1;
			}
			o->ns = xrealloc(o->ns, (o->nns + 1) * sizeof(*o->ns));
			n = &o->ns[o->nns++];
			n->name = name;
			n->obj = res->obj;
			n->target = sh->sh_info;
			n->rel = xcalloc(nr, sizeof(*n->rel));
			n->nr = 0;
		}
		o->ns[k].rel[o->ns[k].nr++] = r;
	}
	o->data[idx]->d_buf = keep;
	o->data[idx]->d_size = kept * sizeof(*keep);
	return 0;
}

static int fill(struct out *o)
{
	struct conv *c = o->c;
	Elf64_Sym *syms;
	Elf_Scn *is, *os;
	GElf_Shdr sh;
	Elf_Data *id;
	size_t i;

	o->data = xcalloc(c->shnum, sizeof(*o->data));
	for (i = 1; i < c->shnum; i++) {
		const char *n;

		is = elf_getscn(c->elf, i);
		os = elf_newscn(o->elf);
		if (!is || !os || !gelf_getshdr(is, &sh))
			return -1;
		id = elf_getdata(is, NULL);
		o->data[i] = elf_newdata(os);
		if (!o->data[i])
			return -1;
		if (id) {
			o->data[i]->d_buf = id->d_buf;
			o->data[i]->d_type = id->d_type;
			o->data[i]->d_size = id->d_size;
			o->data[i]->d_align = id->d_align;
		}
		o->data[i]->d_version = EV_CURRENT;
		n = elf_strptr(c->elf, c->shstrndx, sh.sh_name);
		if (n && !strncmp(n, KLP_SYMPOS_PREFIX,
				  strlen(KLP_SYMPOS_PREFIX)))
			sh.sh_flags &= ~(GElf_Xword)SHF_ALLOC;
		if (!gelf_update_shdr(os, &sh))
			return -1;
	}

	o->shstr = &o->sbs[0];
	strbuf_init(o->shstr, o->data[c->shstrndx]);
	if (c->strndx == c->shstrndx) {
		o->str = o->shstr;
	} else {
		o->str = &o->sbs[1];
		strbuf_init(o->str, o->data[c->strndx]);
	}

	syms = keep_buf(o, xcalloc(c->nsyms, sizeof(*syms)));
	for (i = 0; i < c->nsyms; i++) {
		GElf_Sym s = c->sym[i];

		if (c->res[i].klpname) {
			s.st_name = strbuf_add(o->str, c->res[i].klpname);
			s.st_shndx = SHN_LIVEPATCH;
		}
		memcpy(&syms[i], &s, sizeof(syms[i]));
	}
	o->data[c->symidx]->d_buf = syms;
	o->data[c->symidx]->d_size = c->nsyms * sizeof(*syms);

	for (i = 1; i < c->shnum; i++) {
		if (!gelf_getshdr(elf_getscn(c->elf, i), &sh) ||
		    sh.sh_type != SHT_RELA)
			continue;
		if (split_rela(o, i, &sh))
			return -1;
	}

	for (i = 0; i < o->nns; i++) {
		struct newsec *n = &o->ns[i];
		Elf_Data *d;

		os = elf_newscn(o->elf);
		d = os ? elf_newdata(os) : NULL;
		if (!d)
			return -1;
		memset(&sh, 0, sizeof(sh));
		sh.sh_name = strbuf_add(o->shstr, n->name);
		sh.sh_type = SHT_RELA;
		sh.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
		sh.sh_link = c->symidx;
		sh.sh_info = n->target;
		sh.sh_entsize = sizeof(Elf64_Rela);
		sh.sh_addralign = 8;
		if (!gelf_update_shdr(os, &sh))
			return -1;
		d->d_buf = n->rel;
		d->d_type = ELF_T_RELA;
		d->d_size = n->nr * sizeof(Elf64_Rela);
		d->d_align = 8;
		d->d_version = EV_CURRENT;
	}

	o->data[c->shstrndx]->d_buf = o->shstr->buf;
	o->data[c->shstrndx]->d_size = o->shstr->len;
	o->data[c->strndx]->d_buf = o->str->buf;
	o->data[c->strndx]->d_size = o->str->len;
	return 0;
}

/**
 * klp_write_output() - write the converted module
 * @c: the conversion, resolved and checked
 * @out: output path; written to a temporary file renamed over it
 *
 * Return: 0, or -1 after a message.
 */
int klp_write_output(struct conv *c, const char *out)
{
	struct out o = { .c = c };
	size_t l = strlen(out) + 16, i;
	GElf_Ehdr eh;
	char *tmp;
	int fd, ret = -1;

	if (c->shnum >= SHN_LORESERVE) {
		err_msg("%s: too many sections", c->what);
		return -1;
	}
	tmp = xmalloc(l);
	snprintf(tmp, l, "%s.klp-tmp", out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err_msg("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	o.elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!o.elf || !gelf_newehdr(o.elf, ELFCLASS64))
		goto fail;
	if (fill(&o))
		goto fail;
	eh = c->eh;
	eh.e_shstrndx = c->shstrndx;
	eh.e_phnum = 0;
	eh.e_phoff = 0;
	if (!gelf_update_ehdr(o.elf, &eh) || elf_update(o.elf, ELF_C_WRITE) < 0)
		goto fail;
	if (rename(tmp, out)) {
		err_msg("%s: %s", out, strerror(errno));
		goto out;
	}
	ret = 0;
	goto out;
fail:
	err_msg("%s: cannot write %s: %s", c->what, out, elf_errmsg(-1));
out:
	if (o.elf)
		elf_end(o.elf);
	close(fd);
	if (ret)
		unlink(tmp);
	free(tmp);
	for (i = 0; i < o.nns; i++) {
		free(o.ns[i].name);
		free(o.ns[i].rel);
	}
	free(o.ns);
	for (i = 0; i < o.nbufs; i++)
		free(o.bufs[i]);
	free(o.bufs);
	free(o.data);
	free(o.sbs[0].buf);
	free(o.sbs[1].buf);
	return ret;
}
