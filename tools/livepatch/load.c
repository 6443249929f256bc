// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: load and unload.
 *
 * Invariant: when load or unload returns, the patch is either fully in
 * the state asked for, or back in the state it started from (load: not
 * loaded; unload: enabled), or - only if even the reverse transition
 * does not finish in time - still in transition, said so and exit 4.
 * klpctl never writes to force.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "klpctl.h"

static int set_enabled(const char *name, const char *val)
{
	char *path = sys_path(LP_DIR "/%s/enabled", name);
	int ret = write_text(path, val);

	free(path);
	return ret;
}

static bool is_enabled(const char *name)
{
	char *path = sys_path(LP_DIR "/%s/enabled", name);
	long val = 1;

	read_int(path, &val);
	free(path);
	return val;
}

static bool in_transition(const char *name)
{
	char *path = sys_path(LP_DIR "/%s/transition", name);
	long val = 0;

	if (read_int(path, &val))
		val = 0;
	free(path);
	return val;
}

/* After a timeout or a signal: name the tasks the kernel found busy, if it says. */
static void timed_out(const char *name, double timeout, const char *then)
{
	struct blocker *b;
	size_t n;

	if (wait_interrupted())
		msg("%s: interrupted; %s", name, then);
	else
		msg("%s: the transition did not finish in %g s; %s", name,
		    timeout, then);
	if (!blockers_read(name, &b, &n) && n)
		blockers_print(name, b, n);
	blockers_free(b, n);
}

static int load_module(const struct modinfo *mi, double timeout)
{
	const char *name = mi->name;
	int ret, err;

	ret = precheck_load(mi);
	if (ret)
		return ret;
	ret = module_insert(mi);
	if (ret)
		return ret;
	ret = wait_transition(name, timeout, "patching");
	if (!ret && !patch_loaded(name)) {
		msg("%s: inserted, but it registered no patch in %s; removing it",
		    name, LP_DIR);
		return module_remove(name, timeout) ?: EXIT_SYSTEM;
	}
	if (ret != EXIT_TIMEOUT) {
		if (!ret)
			printf("%s: loaded and enabled\n", name);
		return ret;
	}
	timed_out(name, timeout, "reverting it");
	err = set_enabled(name, "0");
	if (err && in_transition(name)) {
		msg("%s: cannot revert: enabled: %s", name, strerror(-err));
		return EXIT_SYSTEM;
	}
	ret = wait_transition(name, timeout, "reverting");
	if (ret == EXIT_TIMEOUT) {
		msg("%s: the reverse transition did not finish in %g s either; left in transition",
		    name, timeout);
		return EXIT_SYSTEM;
	}
	if (ret)
		return ret;
	ret = module_remove(name, timeout);
	if (ret)
		return ret;
	msg("%s: reverted and removed; nothing is loaded", name);
	return EXIT_TIMEOUT;
}

/**
 * cmd_load() - klpctl load FILE.ko
 * @file: the patch module
 * @timeout: seconds to wait for the transition (and again for a revert)
 *
 * Return: an exit code.
 */
int cmd_load(const char *file, double timeout)
{
	struct modinfo mi;
	int ret;

	ret = modinfo_read(file, &mi);
	if (!ret)
		ret = load_module(&mi, timeout);
	modinfo_free(&mi);
	return ret;
}

/**
 * cmd_load_installed() - klpctl load --installed
 * @timeout: per patch
 *
 * Loads the running release's installed patches in their order; one that
 * fails does not stop the others.
 *
 * Return: 0, or the exit code of the first patch that failed.
 */
int cmd_load_installed(double timeout)
{
	const char *release = sys_release();
	struct strlist names = { 0 };
	int ret = 0, one;
	size_t i;

	if (cmdline_has("klp.enable=0")) {
		printf("klpctl: klp.enable=0 on the kernel command line: no patches loaded\n");
		return 0;
	}
	one = store_order(release, &names);
	if (one) {
		char *dir = store_dir(release);

		msg("%s/order: %s", dir, strerror(-one));
		free(dir);
		return EXIT_SYSTEM;
	}
	if (!names.n)
		printf("klpctl: no patches installed for %s\n", release);
	for (i = 0; i < names.n && !wait_interrupted(); i++) {
		char *file = store_file(release, names.v[i]);
		struct modinfo mi;

		if (!file) {
			msg("%s: installed for %s but its file is missing",
			    names.v[i], release);
			one = EXIT_SYSTEM;
		} else if (patch_loaded(names.v[i])) {
			printf("%s: already loaded\n", names.v[i]);
			one = 0;
		} else {
			one = modinfo_read(file, &mi);
			if (!one)
				one = load_module(&mi, timeout);
			modinfo_free(&mi);
		}
		if (one && !ret)
			ret = one;
		free(file);
	}
	if (i < names.n) {
		msg("interrupted: %zu installed patches not loaded",
		    names.n - i);
		ret = ret ?: EXIT_TIMEOUT;
	}
	strlist_free(&names);
	return ret;
}

/* A loaded livepatch module whose patch is already gone (disabled). */
static bool disabled_module(const char *name)
{
	char *path = sys_path("/sys/module/%s/taint", name);
	char buf[64];
	bool ret;

	ret = !read_line(path, buf, sizeof(buf)) && strchr(buf, 'K');
	free(path);
	return ret;
}

/*
 * An unload timed out: enable the patch again, which reverses the
 * transition.  If the disable finished meanwhile, enabling fails and the
 * patch is gone: go on with the removal (return 0).
 */
static int revert_unload(const char *name, double timeout)
{
	int ret, err;

	timed_out(name, timeout, "enabling it again");
	err = set_enabled(name, "1");
	if (err && in_transition(name)) {
		msg("%s: cannot revert: enabled: %s", name, strerror(-err));
		return EXIT_SYSTEM;
	}
	if (err)
		return 0;
	ret = wait_transition(name, timeout, "re-enabling");
	if (ret == EXIT_TIMEOUT) {
		msg("%s: the reverse transition did not finish in %g s either; left in transition",
		    name, timeout);
		return EXIT_SYSTEM;
	}
	if (ret)
		return ret;
	msg("%s: unload reverted; the patch stays enabled", name);
	return EXIT_TIMEOUT;
}

/**
 * cmd_unload() - klpctl unload NAME
 * @name: the patch
 * @timeout: seconds to wait for the transition (and again for a revert)
 *
 * Return: an exit code.
 */
int cmd_unload(const char *name, double timeout)
{
	int ret, err;

	if (!patch_loaded(name)) {
		if (!disabled_module(name)) {
			msg("%s: no such livepatch is loaded", name);
			return EXIT_USAGE;
		}
		ret = module_remove(name, timeout);
		if (!ret)
			printf("%s: removed (its patch was already disabled)\n",
			       name);
		return ret;
	}
	/* enabled already 0: being disabled (by someone else); just wait */
	err = is_enabled(name) ? set_enabled(name, "0") : 0;
	if (err && patch_loaded(name)) {
		msg("%s: cannot disable: enabled: %s", name, strerror(-err));
		return EXIT_SYSTEM;
	}
	ret = wait_transition(name, timeout, "unpatching");
	if (ret == EXIT_TIMEOUT)
		ret = revert_unload(name, timeout);
	if (ret)
		return ret;
	ret = module_remove(name, timeout);
	if (!ret)
		printf("%s: disabled and removed\n", name);
	return ret;
}

struct ranked {
	char *name;
	long rank;	/* higher: unloaded first */
};

static int cmp_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->rank < y->rank ? 1 : x->rank > y->rank ? -1 : 0;
}

/* Position in /proc/modules counted from its end (it lists newest first). */
static long load_rank(const char *name)
{
	char *path = sys_path("/proc/modules");
	char *text, *line, *save;
	size_t len = strlen(name);
	long pos = 0, found = -1;

	if (read_text(path, &text)) {
		free(path);
		return -1;
	}
	free(path);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), pos++)
		if (!strncmp(line, name, len) && line[len] == ' ')
			found = pos;
	free(text);
	return found < 0 ? LONG_MIN : -found;
}

/**
 * cmd_unload_all() - klpctl unload --all
 * @timeout: per patch
 *
 * Unloads in reverse stacking order (stack_order, else reverse module
 * load order); stops at the first patch that cannot be unloaded.
 *
 * Return: an exit code.
 */
int cmd_unload_all(double timeout)
{
	struct strlist names = { 0 };
	struct ranked *r;
	bool stack = true;
	size_t i;
	int ret = 0;

	patches_list(&names);
	if (!names.n) {
		printf("klpctl: no patches loaded\n");
		return 0;
	}
	r = xmalloc(names.n * sizeof(*r));
	for (i = 0; i < names.n; i++) {
		char *path = sys_path(LP_DIR "/%s/stack_order", names.v[i]);

		r[i].name = names.v[i];
		if (read_int(path, &r[i].rank))
			stack = false;
		free(path);
	}
	for (i = 0; i < names.n && !stack; i++)
		r[i].rank = load_rank(names.v[i]);
	qsort(r, names.n, sizeof(*r), cmp_rank);
	for (i = 0; i < names.n && !ret && !wait_interrupted(); i++)
		ret = cmd_unload(r[i].name, timeout);
	if (!ret && i < names.n) {
		msg("interrupted: %zu patches not unloaded", names.n - i);
		ret = EXIT_TIMEOUT;
	}
	free(r);
	strlist_free(&names);
	return ret;
}
