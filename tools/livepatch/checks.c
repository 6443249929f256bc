// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: the pre-checks of load.  Each prints one line naming the
 * module and what does not match, and nothing is changed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klpctl.h"

/* Compare two vermagic strings word by word (spacing differs). */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && !isspace((unsigned char)*a) && *a == *b) {
			a++;
			b++;
		}
		if ((*a && !isspace((unsigned char)*a)) ||
		    (*b && !isspace((unsigned char)*b)))
			return false;
	}
}

static int check_vermagic(const struct modinfo *mi)
{
	char *running = NULL;

	if (!mi->release) {
		msg("%s: refused: the module has no vermagic", mi->name);
		return EXIT_REFUSED;
	}
	if (strcmp(mi->release, sys_release())) {
		msg("%s: refused: built for kernel %s, running %s", mi->name,
		    mi->release, sys_release());
		return EXIT_REFUSED;
	}
	if (loaded_vermagic(&running))
		return 0;
	if (!same_words(mi->vermagic, running)) {
		msg("%s: refused: vermagic '%s' differs from the running kernel's '%s'",
		    mi->name, mi->vermagic, running);
		free(running);
		return EXIT_REFUSED;
	}
	free(running);
	return 0;
}

static int check_build_id(const struct modinfo *mi)
{
	char hex[256];
	int ret;

	if (!mi->build_id)
		return 0;
	ret = kernel_build_id(hex, sizeof(hex));
	if (ret) {
		msg("%s: refused: the running kernel's build-id is unknown (/sys/kernel/notes: %s)",
		    mi->name, strerror(-ret));
		return EXIT_REFUSED;
	}
	if (strcmp(hex, mi->build_id)) {
		msg("%s: refused: built for kernel build-id %s, running %s",
		    mi->name, mi->build_id, hex);
		return EXIT_REFUSED;
	}
	return 0;
}

static int check_not_loaded(const struct modinfo *mi)
{
	char *path;
	bool loaded;

	if (patch_loaded(mi->name)) {
		msg("%s: refused: already loaded", mi->name);
		return EXIT_REFUSED;
	}
	path = sys_path("/sys/module/%s", mi->name);
	loaded = is_dir(path);
	free(path);
	if (loaded) {
		msg("%s: refused: a module of that name is loaded", mi->name);
		return EXIT_REFUSED;
	}
	return 0;
}

/* A function of @mi also patched by the loaded patch @p, or NULL. */
static const struct lp_func *conflict(const struct modinfo *mi,
				      const struct lp_patch *p)
{
	size_t i, o, k;

	for (i = 0; i < mi->nfuncs; i++) {
		const struct lp_func *f = &mi->funcs[i];

		for (o = 0; o < p->nobjs; o++) {
			const struct lp_obj *obj = &p->objs[o];

			if (strcmp(obj->name, f->obj))
				continue;
			for (k = 0; k < obj->nfuncs; k++)
				if (!strcmp(obj->funcs[k].name, f->name) &&
				    obj->funcs[k].pos == f->pos)
					return f;
		}
	}
	return NULL;
}

/*
 * A new patch may not patch a function that a loaded non-replace patch
 * patches, unless the new patch replaces them all.  Without
 * livepatch_func entries the functions are unknown: nothing to check.
 */
static int check_conflicts(const struct modinfo *mi)
{
	struct strlist names = { 0 };
	int ret = 0;
	size_t i;

	if (mi->replace || !mi->nfuncs)
		return 0;
	patches_list(&names);
	for (i = 0; i < names.n && !ret; i++) {
		const struct lp_func *f;
		struct lp_patch p;

		if (patch_read(names.v[i], &p)) {
			patch_free(&p);
			continue;
		}
		f = p.replace == 1 ? NULL : conflict(mi, &p);
		if (f) {
			msg("%s: refused: %s:%s,%lu is already patched by %s",
			    mi->name, f->obj, f->name, f->pos, p.name);
			ret = EXIT_REFUSED;
		}
		patch_free(&p);
	}
	strlist_free(&names);
	return ret;
}

/*
 * Why the kernel wants module signatures (lockdown integrity or
 * confidentiality, module.sig_enforce), or NULL if it does not.
 */
static const char *sig_required(void)
{
	char *path = sys_path("/sys/kernel/security/lockdown");
	const char *why = NULL;
	char buf[256];

	if (!read_line(path, buf, sizeof(buf))) {
		if (strstr(buf, "[integrity]"))
			why = "lockdown=integrity";
		else if (strstr(buf, "[confidentiality]"))
			why = "lockdown=confidentiality";
	}
	free(path);
	if (why)
		return why;
	path = sys_path("/sys/module/module/parameters/sig_enforce");
	if (!read_line(path, buf, sizeof(buf)) && buf[0] == 'Y')
		why = "module.sig_enforce=1";
	free(path);
	return why;
}

static int check_signature(const struct modinfo *mi)
{
	const char *why = sig_required();

	if (why && !mi->signed_) {
		msg("%s: refused: the module is not signed and the kernel requires signatures (%s)",
		    mi->name, why);
		return EXIT_REFUSED;
	}
	return 0;
}

/**
 * precheck_load() - everything load checks before inserting a module
 * @mi: the module
 *
 * Return: 0, or EXIT_REFUSED after printing one line why.
 */
int precheck_load(const struct modinfo *mi)
{
	char *dir = sys_path(LP_DIR);
	bool klp = is_dir(dir);
	int ret;

	free(dir);
	if (!klp) {
		msg("%s: refused: the kernel has no live patching (no %s)",
		    mi->name, LP_DIR);
		return EXIT_REFUSED;
	}
	if (!mi->livepatch) {
		msg("%s: refused: not a livepatch module (no modinfo livepatch=Y)",
		    mi->name);
		return EXIT_REFUSED;
	}
	ret = check_vermagic(mi);
	if (!ret)
		ret = check_build_id(mi);
	if (!ret)
		ret = check_not_loaded(mi);
	if (!ret)
		ret = check_conflicts(mi);
	if (!ret)
		ret = check_signature(mi);
	return ret;
}
