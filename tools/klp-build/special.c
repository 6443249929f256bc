// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: special sections.
 *
 * These sections hold fixed-size entries describing places in the text
 * (BUG/WARN sites, exception fixups, jump labels, alternatives, patchable
 * entries, static calls).  The entries whose first field points into
 * included text are copied with their relocations; the others are dropped.
 * Sizes are those of arm64 in Linux 6.12.
 */
#include <string.h>

#include "klp-diff.h"

struct special_kind {
	const char *name;
	uint64_t size;
};

static const struct special_kind kinds[] = {
	{ "__bug_table", 0 },	/* 12 with CONFIG_DEBUG_BUGVERBOSE, else 8 */
	{ "__ex_table", 12 },
	{ "__jump_table", 16 },
	{ ".altinstructions", 12 },
	{ "__patchable_function_entries", 8 },
	{ ".static_call_sites", 8 },
};

static const struct special_kind *kind_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(name, kinds[i].name))
			return &kinds[i];
	return NULL;
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

bool kd_special(struct kdiff *d)
{
	struct kelf *k = d->patched;
	bool more = false;
	size_t i;

	d->nspec = 0;
	for (i = 1; i < k->nsecs; i++) {
		const struct special_kind *kind = kind_of(k->secs[i].name);
		uint64_t size;

		if (!kind)
			continue;
		size = kind->size ? kind->size : bug_entry_size(&k->secs[i]);
		more |= scan(d, &k->secs[i], size);
	}
	return more;
}
