// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: special sections.
 *
 * These sections hold fixed-size entries describing places in the text
 * (BUG/WARN sites, exception fixups, jump labels, alternatives, patchable
 * entries, static calls).  The entries whose first field points into
 * included text are copied with their relocations; the others are dropped.
 * Which sections and their entry sizes: tools/klp-convert/sections.c, the
 * list klp-convert refuses late module relocations in.
 */
#include <stdlib.h>
#include <string.h>

#include "klp-diff.h"

/*
 * The kind of a special section whose entries klp-diff keeps per function:
 * an entry of the list shared with klp-convert that has an entry size.
 */
static const struct klp_special *kind_of(const char *name)
{
	const struct klp_special *s = klp_special_lookup(name);

	return s && s->entsize ? s : NULL;
}

bool kd_is_special(const char *name)
{
	return kind_of(name);
}

/* A verbose bug_entry has a second relocation (the file name) at +4. */
static uint64_t bug_entry_size(const struct ksec *sec)
{
	size_t i;

	if (sec->sh.sh_entsize)
		return sec->sh.sh_entsize;
	if (!sec->rela)
		return 8;
	for (i = 0; i < sec->rela->nrelas; i++)
		if (sec->rela->relas[i].off == 4)
			return 12;
	return 8;
}

static void keep(struct kdiff *d, struct ksec *sec, uint64_t start,
		 uint64_t size)
{
	d->spec = xrealloc(d->spec, (d->nspec + 1) * sizeof(*d->spec));
	d->spec[d->nspec].sec = sec;
	d->spec[d->nspec].start = start;
	d->spec[d->nspec].size = size;
	d->nspec++;
}

/* Keep the entries of @sec for included text; return true if more needed. */
static bool scan(struct kdiff *d, struct ksec *sec, uint64_t size)
{
	struct kelf *k = d->patched;
	bool more = false, alt = false;
	uint64_t start;
	size_t i, n;

	if (!sec->rela || sec->sh.sh_size % size) {
		if (sec->rela)
			kd_problem(d, k, sec->name,
				   "size %llu is not a multiple of %llu",
				   (unsigned long long)sec->sh.sh_size,
				   (unsigned long long)size);
		return false;
	}
	for (start = 0; start < sec->sh.sh_size; start += size) {
		struct krela *r = kelf_relas_in(sec, start, start + size, &n);
		struct ktarget t;

		if (!r || r->off != start)
			continue;
		kelf_resolve(r, &t);
		if (!t.sec || !t.sec->include)
			continue;
		keep(d, sec, start, size);
		for (i = 0; i < n; i++)
			more |= kd_need_target(d, &r[i]);
		alt |= !strcmp(sec->name, ".altinstructions");
	}
	for (i = 1; alt && i < k->nsecs; i++)
		if (!strcmp(k->secs[i].name, ".altinstr_replacement"))
			more |= kd_include_sec(&k->secs[i]);
	return more;
}

/* One entry describing a place in a function. */
struct fentry {
	const struct ksec *sec;
	uint64_t start;
	uint64_t size;
	int64_t place;
};

static int fentry_cmp(const void *a, const void *b)
{
	const struct fentry *x = a, *y = b;

	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static uint64_t entry_size(const struct ksec *sec)
{
	const struct klp_special *kind = kind_of(sec->name);

	if (!kind)
		return 0;
	return kind->entsize != KLP_ENTSIZE_VARIES ? kind->entsize :
						  bug_entry_size(sec);
}

/*
 * The entries for places in @f of the special sections named @name of @k
 * (with -ffunction-sections some, like __patchable_function_entries, come
 * in one section per function), sorted by place; free() *@out.
 */
static size_t entries_of(const struct kelf *k, const char *name,
			 const struct ksym *f, struct fentry **out)
{
	size_t n, nf = 0, i;

	*out = NULL;
	for (i = 1; i < k->nsecs; i++) {
		const struct ksec *sec = &k->secs[i];
		uint64_t size, start;

		if (strcmp(sec->name, name) || !sec->data || !sec->rela)
			continue;
		size = entry_size(sec);
		if (!size || sec->sh.sh_size % size)
			continue;
		for (start = 0; start < sec->sh.sh_size; start += size) {
			struct krela *r = kelf_relas_in(sec, start,
							start + size, &n);
			struct ktarget t;

			if (!r || r->off != start)
				continue;
			kelf_resolve(r, &t);
			if (t.sym != f)
				continue;
			*out = xrealloc(*out, (nf + 1) * sizeof(**out));
			(*out)[nf].sec = sec;
			(*out)[nf].start = start;
			(*out)[nf].size = size;
			(*out)[nf].place = t.off;
			nf++;
		}
	}
	if (nf > 1)
		qsort(*out, nf, sizeof(**out), fentry_cmp);
	return nf;
}

/* Replacement code of two alternatives: same length and bytes. */
static bool alt_equal(const struct fentry *a, const struct ktarget *ta,
		      const struct fentry *b, const struct ktarget *tb)
{
	uint8_t la = a->sec->data[a->start + 11];
	uint8_t lb = b->sec->data[b->start + 11];

	if (la != lb || !ta->sec || !tb->sec || ta->sym || tb->sym ||
	    !ta->sec->data || !tb->sec->data || ta->off < 0 || tb->off < 0 ||
	    (uint64_t)ta->off + la > ta->sec->sh.sh_size ||
	    (uint64_t)tb->off + lb > tb->sec->sh.sh_size)
		return false;
	return !memcmp(ta->sec->data + ta->off, tb->sec->data + tb->off, la);
}

static bool entry_equal(const struct fentry *a, const struct fentry *b)
{
	bool bug = !strcmp(a->sec->name, "__bug_table");
	bool alt = !strcmp(a->sec->name, ".altinstructions");
	struct krela *ra, *rb;
	size_t na, nb, i;
	uint64_t j;

	if (a->size != b->size || a->place != b->place)
		return false;
	for (j = 0; j < a->size; j++) {
		/* the line of a verbose bug entry is not code, */
		if (bug && a->size == 12 && (j == 8 || j == 9))
			continue;
		if (a->sec->data[a->start + j] != b->sec->data[b->start + j])
			return false;
	}
	ra = kelf_relas_in(a->sec, a->start, a->start + a->size, &na);
	rb = kelf_relas_in(b->sec, b->start, b->start + b->size, &nb);
	if (na != nb)
		return false;
	/* the first relocation is the place, compared above */
	for (i = 1; i < na; i++) {
		struct ktarget ta, tb;

		if (ra[i].off - a->start != rb[i].off - b->start ||
		    ra[i].type != rb[i].type)
			return false;
		/* nor its file name (the patched source has another path) */
		if (bug && a->size == 12 && ra[i].off - a->start == 4)
			continue;
		kelf_resolve(&ra[i], &ta);
		kelf_resolve(&rb[i], &tb);
		/* replacement code, unless the entry names a callback */
		if (alt && ra[i].off - a->start == 4 && !ta.sym && !tb.sym) {
			if (!alt_equal(a, &ta, b, &tb))
				return false;
		} else if (!kd_target_equal(&ta, &tb)) {
			return false;
		}
	}
	return true;
}

const char *kd_special_differs(struct kdiff *d, const struct ksym *p,
			       const struct ksym *o)
{
	const struct klp_special *kind;
	const char *differs = NULL;
	size_t i, k, np, no;

	for (i = 0; (kind = klp_special_at(i)) && !differs; i++) {
		struct fentry *ep, *eo;

		if (!kind->entsize)
			continue;
		np = entries_of(d->patched, kind->name, p, &ep);
		no = entries_of(d->orig, kind->name, o, &eo);
		if (np != no)
			differs = kind->name;
		for (k = 0; k < np && !differs; k++)
			if (!entry_equal(&ep[k], &eo[k]))
				differs = kind->name;
		free(ep);
		free(eo);
	}
	return differs;
}

bool kd_special(struct kdiff *d)
{
	struct kelf *k = d->patched;
	bool more = false;
	size_t i;

	d->nspec = 0;
	for (i = 1; i < k->nsecs; i++) {
		const struct klp_special *kind = kind_of(k->secs[i].name);
		uint64_t size;

		if (!kind)
			continue;
		size = kind->entsize != KLP_ENTSIZE_VARIES ? kind->entsize :
		       bug_entry_size(&k->secs[i]);
		more |= scan(d, &k->secs[i], size);
	}
	return more;
}
