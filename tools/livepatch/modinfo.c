// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: module files through libkmod - modinfo, insert, remove.
 *
 * libkmod reads the module as modprobe does (compressed modules, the
 * appended signature); its own log lines are dropped, klpctl prints one
 * line of its own for each failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "klpctl.h"

static struct kmod_ctx *ctx;

/* libkmod's log lines are dropped: klpctl prints one line of its own. */
static void kmod_quiet(void *data __always_unused,
		       int priority __always_unused,
		       const char *file __always_unused,
		       int line __always_unused,
		       const char *fn __always_unused,
		       const char *format __always_unused,
		       va_list args __always_unused)
{
}

/* The libkmod context, created on first use; NULL if that fails. */
struct kmod_ctx *kmod_ctx_get(void)
{
	const char *cfg[2] = { NULL, NULL };
	char *dir = NULL, *etc = NULL;

	if (ctx)
		return ctx;
	if (sys_is_fake()) {
		dir = sys_path("/lib/modules/%s", sys_release());
		etc = sys_path("/etc/modprobe.d");
		cfg[0] = etc;
	}
	ctx = kmod_new(dir, sys_is_fake() ? cfg : NULL);
	free(dir);
	free(etc);
	if (!ctx) {
		msg("libkmod: cannot initialise");
		return NULL;
	}
	kmod_set_log_fn(ctx, kmod_quiet, NULL);
	return ctx;
}

/**
 * parse_func() - parse a livepatch_func value, OBJ:FUNC[,POS]
 * @spec: the value
 * @f: filled with malloc'ed obj and name; pos is 1 when not given or 0,
 *     as the kernel names the function's directory in sysfs
 *
 * Return: 0 or -EINVAL.
 */
int parse_func(const char *spec, struct lp_func *f)
{
	const char *colon = strchr(spec, ':');
	const char *comma;
	char *end;

	if (!colon || colon == spec || !colon[1] || strchr(spec, '/'))
		return -EINVAL;
	comma = strchr(colon, ',');
	f->pos = 1;
	if (comma) {
		errno = 0;
		f->pos = strtoul(comma + 1, &end, 10);
		if (errno || end == comma + 1 || *end || comma == colon + 1)
			return -EINVAL;
		if (!f->pos)
			f->pos = 1;
	}
	f->obj = strndup(spec, colon - spec);
	f->name = comma ? strndup(colon + 1, comma - colon - 1) :
			  xstrdup(colon + 1);
	if (!f->obj || !f->name)
		return -ENOMEM;
	return 0;
}

/* Whether an argument names a module file rather than a module. */
bool module_file_name(const char *arg)
{
	static const char * const ext[] = { ".ko", ".ko.xz", ".ko.gz",
					    ".ko.zst" };
	size_t len = strlen(arg), i;

	if (strchr(arg, '/'))
		return true;
	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t n = strlen(ext[i]);

		if (len > n && !strcmp(arg + len - n, ext[i]))
			return true;
	}
	return false;
}

static int add_func(struct modinfo *mi, const char *val)
{
	struct lp_func f = { 0 };

	if (parse_func(val, &f)) {
		msg("%s: bad livepatch_func '%s' (want OBJ:FUNC[,POS])",
		    mi->path, val);
		free(f.obj);
		free(f.name);
		return EXIT_REFUSED;
	}
	mi->funcs = xrealloc(mi->funcs, (mi->nfuncs + 1) * sizeof(f));
	mi->funcs[mi->nfuncs++] = f;
	return 0;
}

static void set_str(char **dst, const char *val)
{
	free(*dst);
	*dst = xstrdup(val);
}

static int add_key(struct modinfo *mi, const char *key, const char *val)
{
	if (!strcmp(key, "name"))
		set_str(&mi->name, val);
	else if (!strcmp(key, "vermagic"))
		set_str(&mi->vermagic, val);
	else if (!strcmp(key, "description"))
		set_str(&mi->description, val);
	else if (!strcmp(key, "livepatch"))
		mi->livepatch = !strcmp(val, "Y");
	else if (!strcmp(key, "livepatch_replace"))
		mi->replace = !strcmp(val, "Y");
	else if (!strcmp(key, "livepatch_build_id"))
		set_str(&mi->build_id, val);
	else if (!strcmp(key, "livepatch_func"))
		return add_func(mi, val);
	else if (!strcmp(key, "sig_id"))
		mi->signed_ = true;
	else if (!strcmp(key, "signer"))
		set_str(&mi->signer, val);
	return 0;
}

/**
 * modinfo_read() - what a module file says about itself
 * @path: the module file
 * @mi: filled in; free with modinfo_free()
 *
 * Prints one line on failure.
 *
 * Return: 0, EXIT_USAGE (no such file, not a module), EXIT_REFUSED (a
 * malformed livepatch key) or EXIT_SYSTEM.
 */
int modinfo_read(const char *path, struct modinfo *mi)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod;
	struct kmod_ctx *c;
	char *p;
	int ret;

	memset(mi, 0, sizeof(*mi));
	mi->path = xstrdup(path);
	if (access(path, R_OK)) {
		msg("%s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	c = kmod_ctx_get();
	if (!c)
		return EXIT_SYSTEM;
	ret = kmod_module_new_from_path(c, path, &mod);
	if (ret < 0) {
		msg("%s: not a kernel module: %s", path, strerror(-ret));
		return EXIT_USAGE;
	}
	ret = kmod_module_get_info(mod, &list);
	if (ret < 0) {
		msg("%s: cannot read its modinfo: %s", path, strerror(-ret));
		kmod_module_unref(mod);
		return EXIT_USAGE;
	}
	ret = 0;
	kmod_list_foreach(l, list) {
		ret = add_key(mi, kmod_module_info_get_key(l),
			      kmod_module_info_get_value(l));
		if (ret)
			break;
	}
	kmod_module_info_free_list(list);
	if (!mi->name)
		mi->name = xstrdup(kmod_module_get_name(mod));
	kmod_module_unref(mod);
	if (ret)
		return ret;
	if (mi->vermagic) {
		mi->release = xstrdup(mi->vermagic);
		mi->release[strcspn(mi->release, " \t")] = '\0';
	}
	if (mi->build_id)
		for (p = mi->build_id; *p; p++)
			if (*p >= 'A' && *p <= 'F')
				*p += 'a' - 'A';
	return 0;
}

void modinfo_free(struct modinfo *mi)
{
	size_t i;

	for (i = 0; i < mi->nfuncs; i++) {
		free(mi->funcs[i].obj);
		free(mi->funcs[i].name);
	}
	free(mi->funcs);
	free(mi->path);
	free(mi->name);
	free(mi->vermagic);
	free(mi->release);
	free(mi->build_id);
	free(mi->description);
	free(mi->signer);
	memset(mi, 0, sizeof(*mi));
}

/* The vermagic of one loaded module's file, from libkmod. */
static char *module_vermagic(struct kmod_ctx *c, const char *name)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod;
	char *vm = NULL;

	if (kmod_module_new_from_name(c, name, &mod) < 0)
		return NULL;
	if (kmod_module_get_path(mod) && kmod_module_get_info(mod, &list) >= 0) {
		kmod_list_foreach(l, list)
			if (!strcmp(kmod_module_info_get_key(l), "vermagic")) {
				vm = xstrdup(kmod_module_info_get_value(l));
				break;
			}
		kmod_module_info_free_list(list);
	}
	kmod_module_unref(mod);
	return vm;
}

/**
 * loaded_vermagic() - the running kernel's vermagic, as far as known
 * @vermagic: set to a malloc'ed copy
 *
 * The kernel does not publish its vermagic; every module it loaded
 * without forcing has the same one.  Take it from the file of the first
 * module in /proc/modules that libkmod finds in /lib/modules/<release>
 * and that was not force-loaded (taint F).
 *
 * Return: 0, or -ENOENT when no such module exists.
 */
int loaded_vermagic(char **vermagic)
{
	char *path = sys_path("/proc/modules");
	char *text, *line, *save;
	struct kmod_ctx *c = kmod_ctx_get();
	int ret = -ENOENT;

	if (!c || read_text(path, &text)) {
		free(path);
		return -ENOENT;
	}
	free(path);
	for (line = strtok_r(text, "\n", &save); line && ret;
	     line = strtok_r(NULL, "\n", &save)) {
		char *taint = strrchr(line, '(');
		char name[256];

		if (sscanf(line, "%255s", name) != 1)
			continue;
		if (taint && strchr(taint, 'F'))
			continue;
		*vermagic = module_vermagic(c, name);
		if (*vermagic)
			ret = 0;
	}
	free(text);
	return ret;
}

/**
 * module_file_of() - the file of a module in /lib/modules/<release>
 * @name: the module
 *
 * Return: a malloc'ed path as libkmod finds it (modules.dep), or NULL.
 */
char *module_file_of(const char *name)
{
	struct kmod_ctx *c = kmod_ctx_get();
	struct kmod_module *mod;
	const char *path;
	char *ret = NULL;

	if (!c || kmod_module_new_from_name(c, name, &mod) < 0)
		return NULL;
	path = kmod_module_get_path(mod);
	if (path && !access(path, R_OK))
		ret = xstrdup(path);
	kmod_module_unref(mod);
	return ret;
}

/**
 * module_insert() - insert a module file with libkmod
 * @mi: the module, checked by precheck_load()
 *
 * Never with KLPCTL_SYSROOT set: the sysfs checked then is not the
 * running kernel's.
 *
 * Return: 0, or EXIT_SYSTEM after printing why.
 */
int module_insert(const struct modinfo *mi)
{
	struct kmod_module *mod;
	struct kmod_ctx *c;
	int ret;

	if (sys_is_fake()) {
		msg("%s: pre-checks passed; not inserted: KLPCTL_SYSROOT is set",
		    mi->name);
		return EXIT_SYSTEM;
	}
	c = kmod_ctx_get();
	if (!c)
		return EXIT_SYSTEM;
	ret = kmod_module_new_from_path(c, mi->path, &mod);
	if (ret < 0) {
		msg("%s: %s", mi->path, strerror(-ret));
		return EXIT_SYSTEM;
	}
	ret = kmod_module_insert_module(mod, 0, NULL);
	kmod_module_unref(mod);
	if (ret < 0) {
		msg("%s: the kernel refused the module: %s (see dmesg)",
		    mi->name, strerror(-ret));
		return EXIT_SYSTEM;
	}
	return 0;
}

/**
 * module_remove() - remove a module, waiting for its refcount to drop
 * @name: the module
 * @timeout: seconds to retry while the module is busy
 *
 * A livepatch module's reference is dropped by a work item after its
 * patch is freed, so the first attempts may find it busy.
 *
 * Return: 0 (also when it was not loaded), or EXIT_SYSTEM after
 * printing why.
 */
int module_remove(const char *name, double timeout)
{
	double end = now() + timeout;
	struct kmod_module *mod;
	struct kmod_ctx *c;
	int ret;

	if (sys_is_fake()) {
		msg("%s: not removed: KLPCTL_SYSROOT is set", name);
		return EXIT_SYSTEM;
	}
	c = kmod_ctx_get();
	if (!c)
		return EXIT_SYSTEM;
	ret = kmod_module_new_from_name(c, name, &mod);
	if (ret < 0) {
		msg("%s: %s", name, strerror(-ret));
		return EXIT_SYSTEM;
	}
	for (;;) {
		ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOLOG);
		if (ret != -EBUSY && ret != -EAGAIN)
			break;
		if (now() >= end)
			break;
		sleep_ms(100);
	}
	kmod_module_unref(mod);
	if (ret < 0 && ret != -ENOENT) {
		msg("%s: cannot remove the module: %s", name, strerror(-ret));
		return EXIT_SYSTEM;
	}
	return 0;
}
