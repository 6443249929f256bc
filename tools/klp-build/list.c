// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: the LIST file, which tells the driver what to put into the
 * livepatch module (klp_funcs, callbacks), and the symbol positions.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp-diff.h"

const char *kd_alias_name(const struct kdiff *d, const struct ksym *s)
{
	static char buf[512];
	const char *name = kd_ref_name(s);
	size_t n, i;

	n = snprintf(buf, sizeof(buf), "__klp_new%lu_%s", d->id, name);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (i = strlen("__klp_new"); i < n; i++)
		if (!isalnum((unsigned char)buf[i]) && buf[i] != '_')
			buf[i] = '_';
	return buf;
}

/* Whether the original object has a local symbol @name of file @file. */
static bool orig_local(const struct kdiff *d, const char *name,
		       const char *file)
{
	const struct kelf *k = d->orig;
	size_t i;

	for (i = 1; i < k->nsyms; i++)
		if (GELF_ST_BIND(k->syms[i].s.st_info) == STB_LOCAL &&
		    !strcmp(k->syms[i].file, file) &&
		    !strcmp(k->syms[i].name, name))
			return true;
	return false;
}

/*
 * How many local symbols of the original object sit next to candidate @c
 * in the map: the run of its neighbours from files of the same name
 * (globals, which have no file, are skipped).  Files sharing a basename
 * (two main.c) are told apart by the statics around their homonyms.
 */
static size_t neighbours(const struct kdiff *d, const struct klp_cand *c)
{
	const struct klp_obj *obj = c->obj;
	const char *file = c->sym->file;
	size_t at = c->sym - obj->syms, score = 0, i;
	const struct klp_sym *m;

	for (i = at; i-- > 0;) {
		m = &obj->syms[i];
		if (strcmp(m->file, "-") && strcmp(m->file, file))
			break;
		score += orig_local(d, m->name, file);
	}
	for (i = at + 1; i < obj->nr; i++) {
		m = &obj->syms[i];
		if (strcmp(m->file, "-") && strcmp(m->file, file))
			break;
		score += orig_local(d, m->name, file);
	}
	return score;
}

long kd_sympos(struct kdiff *d, const struct ksym *s)
{
	bool local = GELF_ST_BIND(s->s.st_info) == STB_LOCAL;
	size_t n, i, found = 0, best = 0, nbest = 0, score;
	struct klp_cand *c;
	long pos = -1, bpos = -1;

	n = klp_map_lookup(&d->map, s->name, d->objname, &c);
	for (i = 0; i < n; i++) {
		if (!c[i].sym->core)
			continue;
		if (local ? strcmp(c[i].sym->file, s->file) :
			    !isupper((unsigned char)c[i].sym->type))
			continue;
		found++;
		pos = klp_cand_sympos(&c[i]);
		if (!local)
			continue;
		score = neighbours(d, &c[i]);
		if (score > best || !nbest) {
			best = score;
			bpos = pos;
			nbest = 1;
		} else if (score == best) {
			nbest++;
		}
	}
	free(c);
	if (found > 1 && nbest == 1 && best) {
		found = 1;
		pos = bpos;
	}
	if (found == 1 && pos >= 0)
		return pos;
	if (found == 1)
		kd_problem(d, d->orig, s->name,
			   "its position in %s differs while a module's init runs and afterwards (init homonym before it): cannot be named",
			   d->objname);
	else if (!found)
		kd_problem(d, d->orig, s->name,
			   "'%s' not found in %s of the symbol map", s->name,
			   d->objname);
	else
		kd_problem(d, d->orig, s->name,
			   "ambiguous correlation (%zu definitions in %s of the symbol map from %s)",
			   found, d->objname, s->file);
	return -1;
}

const char *kd_export_owner(struct kdiff *d, const char *name, long *pos)
{
	const char *owner = NULL;
	struct klp_cand *c;
	size_t n, i, found = 0;

	if (!strcmp(d->objname, "vmlinux"))
		return NULL;
	n = klp_map_lookup(&d->map, name, NULL, &c);
	for (i = 0; i < n; i++) {
		if (!c[i].pos || !isupper((unsigned char)c[i].sym->type))
			continue;
		if (!strcmp(c[i].obj->name, "vmlinux")) {
			found = 0;	/* the kernel's: left to klp-convert */
			break;
		}
		if (!strcmp(c[i].obj->name, d->objname))
			continue;
		found++;
		owner = c[i].obj->name;
		*pos = klp_cand_sympos(&c[i]);
	}
	free(c);
	if (found != 1 || *pos < 0)
		return NULL;
	kd_need_object(d, owner);
	return owner;
}

void kd_need_object(struct kdiff *d, const char *objname)
{
	size_t i;

	for (i = 0; i < d->nobjs; i++)
		if (!strcmp(d->objs[i], objname))
			return;
	d->objs = xrealloc(d->objs, (d->nobjs + 1) * sizeof(*d->objs));
	d->objs[d->nobjs++] = objname;
}

int kd_write_list(struct kdiff *d, const char *path)
{
	struct kelf *k = d->patched;
	int errors = d->errors;
	FILE *f;
	size_t i;
	long pos;

	f = fopen(path, "w");
	if (!f) {
		err_msg("%s: cannot create", path);
		return -1;
	}
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (s->status != KD_CHANGED || !s->alias)
			continue;
		pos = kd_sympos(d, s->twin);
		if (pos >= 0)
			fprintf(f, "func %s %ld %s\n", s->twin->name, pos,
				kd_alias_name(d, s));
	}
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (s->status == KD_NEW && s->include)
			fprintf(f, "%s %s\n",
				GELF_ST_TYPE(s->s.st_info) == STT_FUNC ?
				"new" : "data", s->name);
	}
	for (i = 0; i < d->nobjs; i++)
		fprintf(f, "object %s\n", d->objs[i]);
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *s = &k->syms[i];

		if (s->callback)
			fprintf(f, "callback %s %s\n", s->callback,
				kd_alias_name(d, s));
	}
	if (fclose(f) || d->errors != errors) {
		if (d->errors == errors)
			err_msg("%s: write error", path);
		unlink(path);
		return -1;
	}
	return 0;
}
