// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: list and info, as text or JSON (schema in
 * Documentation/livepatch/klpctl.rst; members are only ever added).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klpctl.h"

/* A tri-state sysfs value: -1 (no such attribute) becomes null. */
static void json_tri(struct json *j, const char *key, long val)
{
	if (val < 0)
		json_null(j, key);
	else
		json_bool(j, key, val);
}

static void json_funcs(struct json *j, const struct lp_func *f, size_t n)
{
	size_t i;

	json_arr_begin(j, "functions");
	for (i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", f[i].name);
		json_int(j, "sympos", f[i].pos);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_patch(struct json *j, const struct lp_patch *p,
		       bool installed)
{
	struct blocker *b;
	size_t i, n;

	json_obj_begin(j, NULL);
	json_str(j, "name", p->name);
	json_tri(j, "enabled", p->enabled);
	json_tri(j, "transition", p->transition);
	json_tri(j, "replace", p->replace);
	if (p->stack_order < 0)
		json_null(j, "stack_order");
	else
		json_int(j, "stack_order", p->stack_order);
	json_bool(j, "installed", installed);
	json_arr_begin(j, "objects");
	for (i = 0; i < p->nobjs; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", p->objs[i].name);
		json_tri(j, "patched", p->objs[i].patched);
		json_funcs(j, p->objs[i].funcs, p->objs[i].nfuncs);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (blockers_read(p->name, &b, &n))
		n = 0;
	blockers_json(j, b, n);
	blockers_free(b, n);
	json_obj_end(j);
}

static const char *yes_no(long val, const char *yes, const char *no)
{
	return val < 0 ? "unknown" : val ? yes : no;
}

static void text_patch(const struct lp_patch *p, bool installed)
{
	struct blocker *b;
	size_t i, k, n;

	printf("  %s: %s%s, replace %s", p->name,
	       yes_no(p->enabled, "enabled", "disabled"),
	       p->transition == 1 ? ", in transition" : "",
	       yes_no(p->replace, "yes", "no"));
	if (p->stack_order >= 0)
		printf(", stack order %ld", p->stack_order);
	printf("%s\n", installed ? ", installed" : "");
	for (i = 0; i < p->nobjs; i++) {
		printf("    %s (%s):", p->objs[i].name,
		       yes_no(p->objs[i].patched, "patched", "not patched"));
		for (k = 0; k < p->objs[i].nfuncs; k++)
			printf(" %s,%lu", p->objs[i].funcs[k].name,
			       p->objs[i].funcs[k].pos);
		printf("\n");
	}
	if (blockers_read(p->name, &b, &n))
		n = 0;
	for (i = 0; i < n; i++) {
		char *s = blocker_text(&b[i]);

		printf("    blocked by: %s\n", s);
		free(s);
	}
	blockers_free(b, n);
}

/**
 * cmd_list() - klpctl list [--json]
 * @json: JSON instead of text
 *
 * The loaded patches, then the running release's installed ones.
 *
 * Return: an exit code.
 */
int cmd_list(bool json)
{
	struct strlist loaded = { 0 }, order = { 0 };
	const char *release = sys_release();
	struct json j;
	size_t i;
	int ret;

	ret = patches_list(&loaded);
	if (ret && ret != -ENOENT) {
		msg(LP_DIR ": %s", strerror(-ret));
		return EXIT_SYSTEM;
	}
	store_order(release, &order);
	json_init(&j, stdout);
	if (json) {
		json_obj_begin(&j, NULL);
		json_str(&j, "release", release);
		json_arr_begin(&j, "loaded");
	} else {
		printf("loaded patches:%s\n", loaded.n ? "" : " none");
	}
	for (i = 0; i < loaded.n; i++) {
		bool inst = strlist_has(&order, loaded.v[i]);
		struct lp_patch p;

		if (!patch_read(loaded.v[i], &p)) {
			if (json)
				json_patch(&j, &p, inst);
			else
				text_patch(&p, inst);
		}
		patch_free(&p);
	}
	if (json) {
		json_arr_end(&j);
		json_arr_begin(&j, "installed");
	} else {
		printf("installed for %s:%s\n", release, order.n ? "" : " none");
	}
	for (i = 0; i < order.n; i++) {
		char *file = store_file(release, order.v[i]);
		bool on = strlist_has(&loaded, order.v[i]);

		if (json) {
			json_obj_begin(&j, NULL);
			json_str(&j, "name", order.v[i]);
			json_str(&j, "file", file);
			json_bool(&j, "loaded", on);
			json_obj_end(&j);
		} else {
			printf("  %zu. %s (%s)%s\n", i + 1, order.v[i],
			       on ? "loaded" : "not loaded",
			       file ? "" : ": its file is missing");
		}
		free(file);
	}
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
	}
	strlist_free(&loaded);
	strlist_free(&order);
	return 0;
}

/* Everything info shows, from the file and from sysfs. */
struct info {
	struct modinfo mi;
	bool have_file;
	struct lp_patch p;
	bool loaded;
	struct strlist releases;	/* where it is installed */
};

static void find_installed(struct info *in, const char *name)
{
	struct strlist rel = { 0 };
	size_t i;

	store_releases(&rel);
	for (i = 0; i < rel.n; i++) {
		struct strlist order = { 0 };

		store_order(rel.v[i], &order);
		if (strlist_has(&order, name))
			strlist_add(&in->releases, rel.v[i]);
		strlist_free(&order);
	}
	strlist_free(&rel);
}

static int info_gather(const char *arg, struct info *in)
{
	const char *name = arg;
	char *file = NULL;
	int ret;

	memset(in, 0, sizeof(*in));
	if (module_file_name(arg)) {
		ret = modinfo_read(arg, &in->mi);
		if (ret)
			return ret;
		in->have_file = true;
		name = in->mi.name;
	} else {
		file = store_file(sys_release(), arg);
	}
	in->loaded = !patch_read(name, &in->p);
	find_installed(in, name);
	/* a loaded patch that is not installed: its file in /lib/modules */
	if (!in->have_file && !file && in->loaded)
		file = module_file_of(name);
	if (file) {
		ret = modinfo_read(file, &in->mi);
		free(file);
		if (ret)
			return ret;
		in->have_file = true;
	}
	if (!in->have_file && !in->loaded) {
		msg("%s: not loaded and not installed for %s", arg,
		    sys_release());
		return EXIT_USAGE;
	}
	return 0;
}

static void info_free(struct info *in)
{
	modinfo_free(&in->mi);
	patch_free(&in->p);
	strlist_free(&in->releases);
}

/* replace: the kernel's word once loaded, else only a recorded "Y". */
static long info_replace(const struct info *in)
{
	if (in->loaded)
		return in->p.replace;
	return in->mi.replace ? 1 : -1;
}

/* Objects and functions: klp-build's modinfo, else sysfs once loaded. */
static void info_json_objects(struct json *j, const struct info *in)
{
	size_t i, k;

	if (in->mi.nfuncs) {
		json_str(j, "functions_from", "modinfo");
		json_arr_begin(j, "objects");
		for (i = 0; i < in->mi.nfuncs; i++) {
			const char *obj = in->mi.funcs[i].obj;

			for (k = 0; k < i; k++)
				if (!strcmp(in->mi.funcs[k].obj, obj))
					break;
			if (k < i)
				continue;
			json_obj_begin(j, NULL);
			json_str(j, "name", obj);
			json_arr_begin(j, "functions");
			for (k = i; k < in->mi.nfuncs; k++) {
				if (strcmp(in->mi.funcs[k].obj, obj))
					continue;
				json_obj_begin(j, NULL);
				json_str(j, "name", in->mi.funcs[k].name);
				json_int(j, "sympos", in->mi.funcs[k].pos);
				json_obj_end(j);
			}
			json_arr_end(j);
			json_obj_end(j);
		}
		json_arr_end(j);
	} else if (in->loaded) {
		json_str(j, "functions_from", "sysfs");
		json_arr_begin(j, "objects");
		for (i = 0; i < in->p.nobjs; i++) {
			json_obj_begin(j, NULL);
			json_str(j, "name", in->p.objs[i].name);
			json_funcs(j, in->p.objs[i].funcs,
				   in->p.objs[i].nfuncs);
			json_obj_end(j);
		}
		json_arr_end(j);
	} else {
		json_null(j, "functions_from");
		json_null(j, "objects");
	}
}

static void info_json(const struct info *in, const char *name)
{
	const struct modinfo *mi = &in->mi;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", name);
	json_str(&j, "file", in->have_file ? mi->path : NULL);
	json_str(&j, "description", mi->description);
	json_str(&j, "release", mi->release);
	json_str(&j, "vermagic", mi->vermagic);
	json_str(&j, "build_id", mi->build_id);
	json_tri(&j, "replace", info_replace(in));
	if (in->have_file) {
		json_bool(&j, "signed", mi->signed_);
		json_str(&j, "signer", mi->signer);
	} else {
		json_null(&j, "signed");
		json_null(&j, "signer");
	}
	json_bool(&j, "loaded", in->loaded);
	json_tri(&j, "enabled", in->loaded ? in->p.enabled : -1);
	json_tri(&j, "transition", in->loaded ? in->p.transition : -1);
	json_arr_begin(&j, "installed");
	for (i = 0; i < in->releases.n; i++)
		json_str(&j, NULL, in->releases.v[i]);
	json_arr_end(&j);
	info_json_objects(&j, in);
	json_obj_end(&j);
	json_finish(&j);
}

static void info_text(const struct info *in, const char *name)
{
	const struct modinfo *mi = &in->mi;
	size_t i, k;

	printf("name: %s\n", name);
	if (in->have_file) {
		printf("file: %s\n", mi->path);
		if (mi->description)
			printf("description: %s\n", mi->description);
		printf("release: %s\n", mi->release ? mi->release : "unknown");
		printf("vermagic: %s\n", mi->vermagic ? mi->vermagic : "none");
		printf("build-id: %s\n",
		       mi->build_id ? mi->build_id : "not recorded");
		printf("signed: %s%s%s\n", mi->signed_ ? "yes" : "no",
		       mi->signer && *mi->signer ? ", by " : "",
		       mi->signer ? mi->signer : "");
	}
	printf("replace: %s\n", yes_no(info_replace(in), "yes", "no"));
	if (in->loaded)
		printf("loaded: yes, %s%s\n",
		       yes_no(in->p.enabled, "enabled", "disabled"),
		       in->p.transition == 1 ? ", in transition" : "");
	else
		printf("loaded: no\n");
	printf("installed for:");
	for (i = 0; i < in->releases.n; i++)
		printf(" %s", in->releases.v[i]);
	printf("%s\n", in->releases.n ? "" : " none");
	if (in->mi.nfuncs) {
		printf("functions:\n");
		for (i = 0; i < mi->nfuncs; i++)
			printf("  %s: %s,%lu\n", mi->funcs[i].obj,
			       mi->funcs[i].name, mi->funcs[i].pos);
	} else if (in->loaded) {
		printf("functions (from sysfs):\n");
		for (i = 0; i < in->p.nobjs; i++)
			for (k = 0; k < in->p.objs[i].nfuncs; k++)
				printf("  %s: %s,%lu\n", in->p.objs[i].name,
				       in->p.objs[i].funcs[k].name,
				       in->p.objs[i].funcs[k].pos);
	} else {
		printf("functions: not recorded in the module; known only once loaded\n");
	}
}

/**
 * cmd_info() - klpctl info FILE.ko|NAME [--json]
 * @arg: a module file (has a '/' or ends in .ko[.xz|.gz|.zst]) or the
 *       name of a loaded or installed patch; for a name the file is the
 *       one installed for the running release, else the loaded module's
 *       in /lib/modules/<release>
 * @json: JSON instead of text
 *
 * Return: an exit code.
 */
int cmd_info(const char *arg, bool json)
{
	struct info in;
	int ret;

	ret = info_gather(arg, &in);
	if (!ret) {
		const char *name = in.have_file ? in.mi.name : arg;

		if (json)
			info_json(&in, name);
		else
			info_text(&in, name);
	}
	info_free(&in);
	return ret;
}
