// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: choose what goes into the output object.
 *
 * Changed and new functions, new data and callbacks are the roots; then
 * whatever they reference that the running kernel does not have (new
 * symbols, anonymous strings and constants) is added until nothing more
 * is needed.  Everything else is referenced by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-diff.h"

#define CALLBACK_PREFIX	".discard.klp_callback."

bool kd_include_sec(struct ksec *sec)
{
	size_t i;

	if (sec->include)
		return false;
	sec->include = true;
	if (sec->sh.sh_flags & SHF_EXECINSTR)
		for (i = 0; i < sec->nsyms; i++)
			sec->syms[i]->include = true;
	return true;
}

static bool include_sym(struct ksym *s)
{
	bool added = !s->include;

	s->include = true;
	return kd_include_sec(s->sec) || added;
}

bool kd_need_target(struct kdiff *d, const struct krela *r)
{
	struct ktarget t;

	kelf_resolve(r, &t);
	if (!t.sec || kd_skip_section(t.sec->name) || kelf_uncovered(&t))
		return false;
	if (!t.sym)
		return kd_include_sec(t.sec);
	if (t.sym->include || t.sym->twin)
		return false;
	if (!kelf_is_func_or_object(t.sym))
		return kd_include_sec(t.sec);
	if (d->verbose)
		err_msg("%s: '%s': included, referenced by new code",
			d->patched->file, t.sym->name);
	return include_sym(t.sym);
}

bool kd_rela_copied(const struct ksec *sec, const struct krela *r)
{
	size_t i;

	if (!sec->shared)
		return true;
	for (i = 0; i < sec->nsyms; i++) {
		const struct ksym *s = sec->syms[i];

		if (s->include && r->off >= s->s.st_value &&
		    r->off < s->s.st_value + s->s.st_size)
			return true;
	}
	return false;
}

static bool close_over(struct kdiff *d)
{
	struct kelf *k = d->patched;
	bool more = false;
	size_t i, j;

	for (i = 1; i < k->nsecs; i++) {
		struct ksec *sec = &k->secs[i];

		if (!sec->include || !sec->rela)
			continue;
		for (j = 0; j < sec->rela->nrelas; j++)
			if (kd_rela_copied(sec, &sec->rela->relas[j]))
				more |= kd_need_target(d,
						       &sec->rela->relas[j]);
	}
	return more;
}

static void find_callbacks(struct kdiff *d)
{
	struct kelf *k = d->patched;
	size_t i, j;

	for (i = 1; i < k->nsecs; i++) {
		struct ksec *sec = &k->secs[i];
		size_t plen = strlen(CALLBACK_PREFIX);

		if (sec->sh.sh_type != SHT_RELA ||
		    strncmp(sec->base->name, CALLBACK_PREFIX, plen))
			continue;
		for (j = 0; j < sec->nrelas; j++) {
			struct ktarget t;

			kelf_resolve(&sec->relas[j], &t);
			if (!t.sym || !t.sym->sec || t.off ||
			    GELF_ST_TYPE(t.sym->s.st_info) != STT_FUNC) {
				kd_problem(d, k, sec->base->name,
					   "callback is not a function of this file");
				continue;
			}
			t.sym->callback = sec->base->name + plen;
			t.sym->alias = true;
			include_sym(t.sym);
			if (d->verbose)
				err_msg("%s: '%s': %s callback", k->file,
					t.sym->name, t.sym->callback);
		}
	}
}

/*
 * Refuse each place of a shared data section that the @n relocations @r of
 * @sec need.
 */
static void refuse_uncovered(struct kdiff *d, const struct ksec *sec,
			     const struct krela *r, size_t n,
			     struct ktarget **seen, size_t *nseen)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct ktarget t;
		char *place;
		size_t len;

		if (!kd_rela_copied(sec, &r[i]))
			continue;
		kelf_resolve(&r[i], &t);
		if (!kelf_uncovered(&t))
			continue;
		for (j = 0; j < *nseen; j++)
			if ((*seen)[j].sec == t.sec && (*seen)[j].off == t.off)
				break;
		if (j < *nseen)
			continue;
		*seen = xrealloc(*seen, (*nseen + 1) * sizeof(**seen));
		(*seen)[(*nseen)++] = t;
		len = strlen(t.sec->name) + 24;
		place = xmalloc(len);
		snprintf(place, len, "%s+0x%llx", t.sec->name,
			 (unsigned long long)t.off);
		kd_problem(d, d->patched, place,
			   "reference into a shared data section that no symbol covers");
		free(place);
	}
}

/* The function or object of @sec containing offset @off, or NULL. */
static const struct ksym *containing(const struct ksec *sec, uint64_t off)
{
	size_t i;

	for (i = 0; i < sec->nsyms; i++) {
		const struct ksym *s = sec->syms[i];

		if (off >= s->s.st_value && off < s->s.st_value + s->s.st_size)
			return s;
	}
	return NULL;
}

/*
 * Refuse each reference of the @n relocations @r of @sec (included in the
 * output) to .init.* or .exit.* memory: the running kernel freed it after
 * boot, or never kept it.  @user names the referencing entry when it is
 * not a symbol of @sec.
 */
static void refuse_init_refs(struct kdiff *d, const struct ksec *sec,
			     const struct krela *r, size_t n, const char *user)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ksym *by;
		const char *kind;
		struct ktarget t;
		char *what;
		size_t len;

		if (!kd_rela_copied(sec, &r[i]))
			continue;
		kelf_resolve(&r[i], &t);
		kind = t.sec ? kd_init_kind(t.sec->name) : NULL;
		if (!kind)
			continue;
		by = user ? NULL : containing(sec, r[i].off);
		len = strlen(t.sec->name) + 24;
		what = xmalloc(len);
		snprintf(what, len, "%s+0x%llx", t.sec->name,
			 (unsigned long long)t.off);
		kd_problem(d, d->patched, t.sym ? t.sym->name : what,
			   "%s %s (%s) referenced by '%s'", kind,
			   t.sec->sh.sh_flags & SHF_EXECINSTR ? "code" : "data",
			   !strcmp(kind, "__init") ? "freed after boot" :
			   "discarded from the running kernel",
			   user ? user : by ? by->name : sec->name);
		free(what);
	}
}

/*
 * An entry of a table the running kernel's own copy alone is walked for
 * after boot: the parameters of core_param() and module_param() (sysfs).
 * Boot-time tables (initcalls, earlycon, OF_DECLARE) are freed after boot
 * like __init code; the module loader walks its own trace events,
 * tracepoints and the like in every module; PCI fixups have no symbol on
 * arm64.
 */
static bool table_entry(const struct ksym *s)
{
	return GELF_ST_TYPE(s->s.st_info) == STT_OBJECT && s->sec &&
	       !strncmp(s->sec->name, "__param", strlen("__param"));
}

static bool included(const struct ksec *sec)
{
	return sec->include;
}

/*
 * An object of a table section that nothing refers to is found by a walk
 * of the running kernel's own section: one added in the module would
 * never be seen, one removed stays.
 */
static void refuse_table_entries(struct kdiff *d)
{
	size_t i;

	for (i = 0; i < d->patched->nsyms; i++) {
		struct ksym *p = &d->patched->syms[i];

		if (p->status == KD_NEW && table_entry(p) &&
		    !kelf_referenced(d->patched, p, included))
			kd_problem(d, d->patched, p->name,
				   "new entry of table section %s, which the kernel walks: a live patch cannot add it",
				   p->sec->name);
	}
	for (i = 0; i < d->orig->nsyms; i++) {
		struct ksym *o = &d->orig->syms[i];

		if (!o->twin && table_entry(o))
			kd_problem(d, d->orig, o->name,
				   "entry of table section %s removed: a live patch cannot remove it",
				   o->sec->name);
	}
}

bool kd_include(struct kdiff *d)
{
	struct kelf *k = d->patched;
	struct ktarget *seen = NULL;
	size_t i, n, nseen = 0;
	bool useful = false;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];
		bool global = GELF_ST_BIND(s->s.st_info) != STB_LOCAL;

		if (s->status == KD_CHANGED) {
			include_sym(s);
			if (GELF_ST_TYPE(s->s.st_info) == STT_FUNC && !s->cold) {
				s->alias = true;
				useful = true;
			}
		} else if (s->status == KD_NEW &&
			   !kd_section_refusal(s->sec->name)) {
			include_sym(s);
			useful |= global;
		}
	}
	find_callbacks(d);
	for (i = 0; i < k->nsyms; i++)
		useful |= !!k->syms[i].callback;
	do {
		while (close_over(d))
			;
	} while (kd_special(d));
	for (i = 1; i < k->nsecs; i++)
		if (k->secs[i].include && k->secs[i].rela)
			refuse_uncovered(d, &k->secs[i],
					 k->secs[i].rela->relas,
					 k->secs[i].rela->nrelas, &seen, &nseen);
	for (i = 0; i < d->nspec; i++) {
		struct kspecial *e = &d->spec[i];
		struct krela *r = kelf_relas_in(e->sec, e->start,
						e->start + e->size, &n);

		refuse_uncovered(d, e->sec, r, n, &seen, &nseen);
		refuse_init_refs(d, e->sec, r, n, e->sec->name);
	}
	for (i = 1; i < k->nsecs; i++)
		if (k->secs[i].include && k->secs[i].rela &&
		    !kd_init_kind(k->secs[i].name))
			refuse_init_refs(d, &k->secs[i],
					 k->secs[i].rela->relas,
					 k->secs[i].rela->nrelas, NULL);
	refuse_table_entries(d);
	free(seen);
	return useful;
}
