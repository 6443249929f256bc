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
	return kelf_is_func_or_object(s) && !kd_skip_section(s->sec->name) &&
	       !s->fresh && !kd_is_dyndbg(s);
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

/* An object named by __UNIQUE_ID(): its number is not its identity. */
static bool is_counter_named(const struct ksym *s)
{
	return GELF_ST_TYPE(s->s.st_info) == STT_OBJECT &&
	       kd_counter_stem(s->name);
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
 * The unmatched static locals function @f refers to, in the order of their
 * first reference.  Return their number; free() *@out.
 */
static size_t locals_of(const struct ksym *f, struct ksym ***out)
{
	struct krela *r;
	size_t n, i, j, nl = 0;

	*out = NULL;
	r = kelf_relas_in(f->sec, f->s.st_value, f->s.st_value + f->s.st_size,
			  &n);
	for (i = 0; i < n; i++) {
		struct ktarget t;

		kelf_resolve(&r[i], &t);
		if (!t.sym || !t.sym->sec || t.sym->twin || !correlatable(t.sym) ||
		    !is_static_local(t.sym))
			continue;
		for (j = 0; j < nl && (*out)[j] != t.sym; j++)
			;
		if (j < nl)
			continue;
		*out = xrealloc(*out, (nl + 1) * sizeof(**out));
		(*out)[nl++] = t.sym;
	}
	return nl;
}

static bool same_base(const struct ksym *a, const struct ksym *b)
{
	char *x = kd_base_name(a->name), *y = kd_base_name(b->name);
	bool ret = !strcmp(x, y);

	free(x);
	free(y);
	return ret;
}

/* R_AARCH64_LDST{8,16,32,64,128}_ABS_LO12_NC */
static bool is_ldst_lo12(uint32_t type)
{
	return type == 278 || type == 284 || type == 285 || type == 286 ||
	       type == 299;
}

/* Whether relocation @r of @sec is on a store instruction (L bit clear). */
static bool is_store(const struct ksec *sec, const struct krela *r)
{
	const unsigned char *p;

	if (!is_ldst_lo12(r->type) || !sec->data || r->off + 4 > sec->sh.sh_size)
		return false;
	p = sec->data + r->off;
	return !(p[2] & 0x40);
}

/*
 * What static local @s of function @f is used for: the string literals
 * that the code of @f refers to first after each place that writes @s (or,
 * when nothing writes it, after each place that uses it).  For the statics
 * the kernel's macros make (__already_done, __print_once, _rs, ___done)
 * that is the message or format next to them.  A new string (free() it).
 */
static char *local_context(const struct ksym *f, const struct ksym *s)
{
	struct krela *r;
	size_t n, i, j, len = 0;
	bool stores = false;
	char *ctx = xstrdup("");

	r = kelf_relas_in(f->sec, f->s.st_value, f->s.st_value + f->s.st_size,
			  &n);
	for (i = 0; i < n; i++) {
		struct ktarget t;

		kelf_resolve(&r[i], &t);
		if (t.sym == s && is_store(f->sec, &r[i]))
			stores = true;
	}
	for (i = 0; i < n; i++) {
		struct ktarget t;

		kelf_resolve(&r[i], &t);
		if (t.sym != s || (stores && !is_store(f->sec, &r[i])))
			continue;
		for (j = i + 1; j < n; j++) {
			const char *str;
			size_t l;

			kelf_resolve(&r[j], &t);
			if (t.sym || !t.sec || !t.sec->data ||
			    !(t.sec->sh.sh_flags & SHF_STRINGS) || t.off < 0 ||
			    (uint64_t)t.off >= t.sec->sh.sh_size)
				continue;
			str = (const char *)t.sec->data + t.off;
			l = strnlen(str, t.sec->sh.sh_size - t.off);
			ctx = xrealloc(ctx, len + l + 2);
			memcpy(ctx + len, str, l);
			len += l;
			ctx[len++] = '\x01';
			ctx[len] = '\0';
			break;
		}
	}
	return ctx;
}

/*
 * Pair the static locals of one base name used by function @pf (patched)
 * and its twin @of: @p and @o, @np and @no of them.  One on each side is
 * the same variable whatever its number.  Several are told apart by what
 * they are used for (local_context()): equal uses pair in order; one
 * without a counterpart is a new variable (a fresh copy); an unequal
 * number of them with equal uses cannot be told apart and is refused.
 */
static int pair_locals(struct kdiff *d, const struct ksym *pf,
		       struct ksym **p, size_t np, struct ksym **o, size_t no)
{
	char **cp, **co;
	size_t i, j, k, mp, mo;
	int ret = 0;

	if (np == 1 && no == 1) {
		pair(d, p[0], o[0]);
		return 0;
	}
	cp = xcalloc(np, sizeof(*cp));
	co = xcalloc(no, sizeof(*co));
	for (i = 0; i < np; i++)
		cp[i] = local_context(pf, p[i]);
	for (i = 0; i < no; i++)
		co[i] = local_context(pf->twin, o[i]);
	for (i = 0; i < np; i++) {
		if (p[i]->twin || p[i]->fresh)
			continue;
		for (j = i, mp = 0; j < np; j++)
			mp += !strcmp(cp[i], cp[j]);
		for (j = 0, mo = 0; j < no; j++)
			mo += !o[j]->twin && !strcmp(cp[i], co[j]);
		if (mo && mp != mo) {
			kd_problem(d, d->patched, p[i]->name,
				   "ambiguous correlation (%zu original and %zu patched static locals of '%s' used alike)",
				   mo, mp, pf->name);
			ret = -1;
		}
		for (j = i, k = 0; j < np; j++) {
			if (strcmp(cp[i], cp[j]))
				continue;
			while (k < no && (o[k]->twin || strcmp(cp[i], co[k])))
				k++;
			if (mp == mo) {
				pair(d, p[j], o[k++]);
				continue;
			}
			p[j]->fresh = true;
			p[j]->status = mo ? KD_UNKNOWN : KD_NEW;
			if (d->verbose && !mo)
				err_msg("%s: '%s': new static local of '%s'",
					d->patched->file, p[j]->name, pf->name);
		}
	}
	/* the original's left alone are not correlated with anything else */
	for (i = 0; i < no; i++)
		o[i]->fresh |= !o[i]->twin;
	for (i = 0; i < np; i++)
		free(cp[i]);
	for (i = 0; i < no; i++)
		free(co[i]);
	free(cp);
	free(co);
	return ret;
}

/*
 * Static locals by the function using them: their numbers change when
 * another function gets or loses a static local, and the order of those of
 * one function changes when one is added before another.
 */
static int by_parent(struct kdiff *d)
{
	struct kelf *pk = d->patched;
	size_t i, a, b, np, no, ip, io;
	struct ksym **pl, **ol, **p, **o;
	int ret = 0;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *f = &pk->syms[i];

		if (GELF_ST_TYPE(f->s.st_info) != STT_FUNC || !f->twin ||
		    !f->sec || !f->twin->sec)
			continue;
		np = locals_of(f, &pl);
		no = locals_of(f->twin, &ol);
		p = xcalloc(np + 1, sizeof(*p));
		o = xcalloc(no + 1, sizeof(*o));
		for (a = 0; a < np; a++) {
			if (pl[a]->twin || pl[a]->fresh)
				continue;
			for (b = a, ip = 0; b < np; b++)
				if (!pl[b]->twin && !pl[b]->fresh &&
				    same_base(pl[a], pl[b]))
					p[ip++] = pl[b];
			for (b = 0, io = 0; b < no; b++)
				if (!ol[b]->twin && same_base(pl[a], ol[b]))
					o[io++] = ol[b];
			if (io && pair_locals(d, f, p, ip, o, io))
				ret = -1;
		}
		free(p);
		free(o);
		free(pl);
		free(ol);
	}
	return ret;
}

/* Exact names, when unique on both sides. */
static void by_name(struct kdiff *d, bool all)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	size_t i;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i], *o;

		if (!correlatable(p) || p->twin ||
		    (!all && (is_static_local(p) || is_counter_named(p))))
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

/*
 * Read-only static locals that no correlated function told apart
 * (__func__.N of a function that only a pr_debug() descriptor names, a
 * CSWTCH.N table) by base name and content, before their numbers are
 * trusted: equal constants are interchangeable, unequal ones are not
 * the same variable.
 */
static void by_const_content(struct kdiff *d)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	size_t i, j;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i];

		if (!correlatable(p) || p->twin || !is_static_local(p) ||
		    (p->sec->sh.sh_flags & SHF_WRITE))
			continue;
		for (j = 0; j < ok->nsyms; j++) {
			struct ksym *o = &ok->syms[j];

			if (correlatable(o) && !o->twin && is_static_local(o) &&
			    !(o->sec->sh.sh_flags & SHF_WRITE) &&
			    same_base(p, o) && kd_same_content(p, o)) {
				pair(d, p, o);
				break;
			}
		}
	}
}

/*
 * Objects named by __UNIQUE_ID() (OF_EARLYCON_DECLARE()'s table entries)
 * by the name without its number and by content, once the functions they
 * point to are paired; what is left is paired by exact name after.
 */
static void by_counter_content(struct kdiff *d)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	size_t i, j, l;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i];

		if (!correlatable(p) || p->twin || !is_counter_named(p))
			continue;
		l = kd_counter_stem(p->name);
		for (j = 0; j < ok->nsyms; j++) {
			struct ksym *o = &ok->syms[j];

			if (correlatable(o) && !o->twin && is_counter_named(o) &&
			    kd_counter_stem(o->name) == l &&
			    !strncmp(p->name, o->name, l) &&
			    kd_same_content(p, o)) {
				pair(d, p, o);
				break;
			}
		}
	}
}

/* The first unmatched object of @k named by __UNIQUE_ID(@name's stem). */
static struct ksym *next_counter_named(struct kelf *k, const char *name,
				       size_t l, size_t *count)
{
	struct ksym *first = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (correlatable(s) && !s->twin && is_counter_named(s) &&
		    kd_counter_stem(s->name) == l && !strncmp(s->name, name, l)) {
			first = first ? first : s;
			(*count)++;
		}
	}
	return first;
}

/*
 * What by_counter_content() left, in order when both sides have as many:
 * a changed entry is then changed data, not a new object beside a lost one.
 */
static void by_counter_order(struct kdiff *d)
{
	struct ksym *p, *o;
	size_t i, l, np, no;

	for (i = 0; i < d->patched->nsyms; i++) {
		p = &d->patched->syms[i];
		if (!correlatable(p) || p->twin || !is_counter_named(p))
			continue;
		l = kd_counter_stem(p->name);
		p = next_counter_named(d->patched, p->name, l, &np);
		o = next_counter_named(d->orig, p->name, l, &no);
		while (o && np == no && same_kind(p, o)) {
			pair(d, p, o);
			p = next_counter_named(d->patched, p->name, l, &np);
			o = p ? next_counter_named(d->orig, p->name, l, &no) : NULL;
		}
	}
}

/*
 * Dynamic debug descriptors by content: format, function, file and line.
 * One with no equal in the original is new data of the module (registered
 * in its own __dyndbg section), and its users are changed.
 */
static void by_content(struct kdiff *d)
{
	struct kelf *pk = d->patched, *ok = d->orig;
	size_t i, j;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i];

		if (!kelf_is_func_or_object(p) || !kd_is_dyndbg(p) || p->twin)
			continue;
		for (j = 0; j < ok->nsyms; j++) {
			struct ksym *o = &ok->syms[j];

			if (kelf_is_func_or_object(o) && kd_is_dyndbg(o) &&
			    !o->twin && kd_same_content(p, o)) {
				pair(d, p, o);
				break;
			}
		}
	}
}

/*
 * A symbol that moved into or out of .init.* or .exit.* is not the one of
 * the running kernel: that one is freed after boot (or was never used).
 * Code that needs it gets its own copy.
 */
static void unpair_moved(struct kdiff *d)
{
	struct kelf *pk = d->patched;
	size_t i;

	for (i = 0; i < pk->nsyms; i++) {
		struct ksym *p = &pk->syms[i], *o = p->twin;

		if (!o || kd_init_kind(p->sec->name) == kd_init_kind(o->sec->name))
			continue;
		p->moved = o;
		p->twin = NULL;
		o->twin = NULL;
		if (d->verbose)
			err_msg("%s: '%s': moved from %s to %s: not the running kernel's",
				pk->file, p->name, o->sec->name, p->sec->name);
	}
}

int kd_correlate(struct kdiff *d)
{
	int ret;

	by_name(d, false);
	ret = by_parent(d);
	by_const_content(d);
	by_counter_content(d);
	by_name(d, true);
	by_counter_order(d);
	if (by_base_name(d))
		ret = -1;
	by_content(d);
	unpair_moved(d);
	return ret;
}
