// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: pair each function and object of the patched object with the
 * one of the original it replaces.
 *
 * GCC numbers its clones (.isra.N, .constprop.N, .part.N, .cold.N,
 * .lto_priv.N) and static locals (NAME.N) per translation unit, so the
 * numbers can change when unrelated code changes.  Names that do not match
 * exactly are therefore matched with every ".N" component removed: alone
 * when the base name is unique among the unmatched symbols of both sides,
 * else in symbol table order, which follows the order of definition.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "klp-diff.h"

char *kd_base_name(const char *name)
{
	char *out = xstrdup(name), *w = out;
	const char *p = name;

	while (*p) {
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			const char *q = p + 1;

			while (isdigit((unsigned char)*q))
				q++;
			if (!*q || *q == '.') {
				p = q;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
	return out;
}

static bool correlatable(const struct ksym *s)
{
	return kelf_is_func_or_object(s) && !kd_skip_section(s->sec->name);
}

/* A static local of a function: a local object named NAME.N. */
static bool is_static_local(const struct ksym *s)
{
	char *base;
	bool ret;

	if (GELF_ST_TYPE(s->s.st_info) != STT_OBJECT ||
	    GELF_ST_BIND(s->s.st_info) != STB_LOCAL)
		return false;
	base = kd_base_name(s->name);
	ret = strcmp(base, s->name) != 0;
	free(base);
	return ret;
}

/* The first static local named @base.N that function @f refers to. */
static struct ksym *local_of(const struct ksym *f, const char *base)
{
	struct krela *r;
	size_t n, i;

	r = kelf_relas_in(f->sec, f->s.st_value, f->s.st_value + f->s.st_size,
			  &n);
	for (i = 0; i < n; i++) {
		struct ktarget t;
		bool match;
		char *b;

		kelf_resolve(&r[i], &t);
		if (!t.sym || !t.sym->sec || t.sym->twin ||
		    !is_static_local(t.sym))
			continue;
		b = kd_base_name(t.sym->name);
		match = !strcmp(b, base);
		free(b);
		if (match)
			return t.sym;
	}
	return NULL;
}

static bool same_kind(const struct ksym *a, const struct ksym *b)
{
	return GELF_ST_TYPE(a->s.st_info) == GELF_ST_TYPE(b->s.st_info);
}

/* Number of correlatable, unmatched symbols of @k named @name. */
static size_t count_named(struct kelf *k, const char *name, bool base)
{
	size_t i, n = 0;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];
		char *b;

		if (!correlatable(s) || s->twin)
			continue;
		if (!base) {
			n += !strcmp(s->name, name);
			continue;
		}
		b = kd_base_name(s->name);
		n += !strcmp(b, name);
		free(b);
	}
	return n;
}

/* The @nth unmatched symbol of @k whose (base) name is @name. */
static struct ksym *nth_named(struct kelf *k, const char *name, bool base,
			      size_t nth)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];
		bool match;
		char *b;

		if (!correlatable(s) || s->twin)
			continue;
		b = base ? kd_base_name(s->name) : NULL;
		match = !strcmp(base ? b : s->name, name);
		free(b);
		if (match && !nth--)
			return s;
	}
	return NULL;
}

static void pair(struct kdiff *d, struct ksym *p, struct ksym *o)
{
	p->twin = o;
	o->twin = p;
	if (d->verbose && strcmp(p->name, o->name))
		err_msg("%s: '%s': correlated with original '%s'",
			d->patched->file, p->name, o->name);
}

/*
 * Static locals by the function using them: their numbers change when
 * another function gets or loses a static local of the same name.
 */
static void by_parent(struct kdiff *d)
{
	struct kelf *pk = d->patched;
	size_t i, j;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i];
		char *base;

		if (!correlatable(p) || p->twin || !is_static_local(p))
			continue;
		base = kd_base_name(p->name);
		for (j = 0; j < pk->nsyms; j++) {
			struct ksym *f = &pk->syms[j], *o;

			if (GELF_ST_TYPE(f->s.st_info) != STT_FUNC ||
			    !f->twin || local_of(f, base) != p)
				continue;
			o = local_of(f->twin, base);
			if (o) {
				pair(d, p, o);
				break;
			}
		}
		free(base);
	}
}

/* Exact names, when unique on both sides. */
static void by_name(struct kdiff *d, bool all)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	size_t i;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i], *o;

		if (!correlatable(p) || p->twin ||
		    (!all && is_static_local(p)))
			continue;
		if (count_named(pk, p->name, false) != 1 ||
		    count_named(ok, p->name, false) != 1)
			continue;
		o = nth_named(ok, p->name, false, 0);
		if (same_kind(p, o))
			pair(d, p, o);
	}
}

/* Base names, for what is left. */
static int by_base_name(struct kdiff *d)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	int ret = 0;
	size_t i, j;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i];
		size_t np, no;
		char *base;

		if (!correlatable(p) || p->twin)
			continue;
		base = kd_base_name(p->name);
		np = count_named(pk, base, true);
		no = count_named(ok, base, true);
		if (no && np != no && (np > 1 || no > 1)) {
			kd_problem(d, pk, p->name,
				   "ambiguous correlation (%zu original and %zu patched symbols named %s.N)",
				   no, np, base);
			ret = -1;
			p->status = KD_UNKNOWN;
			free(base);
			continue;
		}
		for (j = 0; j < np && j < no; j++) {
			struct ksym *a = nth_named(pk, base, true, 0);
			struct ksym *b = nth_named(ok, base, true, 0);

			if (!same_kind(a, b))
				break;
			pair(d, a, b);
		}
		free(base);
	}
	return ret;
}

int kd_correlate(struct kdiff *d)
{
	by_name(d, false);
	by_parent(d);
	by_name(d, true);
	return by_base_name(d);
}
