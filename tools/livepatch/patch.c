// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: loaded patches as /sys/kernel/livepatch shows them, and the
 * blockers file of the patch in transition.
 *
 * /sys/kernel/livepatch/<patch>/{enabled,transition,replace,stack_order}
 * <patch>/<object>/patched
 * <patch>/<object>/<function>,<sympos>/
 * <patch>/blockers: "<pid> <function> <where>", "<pid> - unreliable",
 *                   "+<N> more"
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klpctl.h"

bool patch_loaded(const char *name)
{
	char *path = sys_path(LP_DIR "/%s", name);
	bool ret = is_dir(path);

	free(path);
	return ret;
}

/* An attribute of a patch or object directory; -1 if it is missing. */
static long attr(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	long val;

	if (read_int(path, &val))
		val = -1;
	free(path);
	return val;
}

static void read_funcs(const char *dir, struct lp_obj *o)
{
	struct strlist names = { 0 };
	size_t i;

	list_dir(dir, true, &names);
	o->funcs = xmalloc(names.n * sizeof(*o->funcs));
	for (i = 0; i < names.n; i++) {
		struct lp_func *f = &o->funcs[o->nfuncs];
		char *comma = strrchr(names.v[i], ',');

		f->obj = xstrdup(o->name);
		f->pos = comma ? strtoul(comma + 1, NULL, 10) : 1;
		if (comma)
			*comma = '\0';
		f->name = xstrdup(names.v[i]);
		o->nfuncs++;
	}
	strlist_free(&names);
}

/**
 * patch_read() - the state of a loaded patch
 * @name: the patch (its module's name)
 * @p: filled in; free with patch_free()
 *
 * Return: 0 or -errno (-ENOENT: no such patch, or it just went away).
 */
int patch_read(const char *name, struct lp_patch *p)
{
	char *dir = sys_path(LP_DIR "/%s", name);
	struct strlist objs = { 0 };
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	ret = list_dir(dir, true, &objs);
	if (ret) {
		free(dir);
		return ret;
	}
	p->enabled = attr(dir, "enabled");
	p->transition = attr(dir, "transition");
	p->replace = attr(dir, "replace");
	p->stack_order = attr(dir, "stack_order");
	p->objs = xmalloc(objs.n * sizeof(*p->objs));
	for (i = 0; i < objs.n; i++) {
		struct lp_obj *o = &p->objs[p->nobjs++];
		char *odir = xasprintf("%s/%s", dir, objs.v[i]);

		o->name = xstrdup(objs.v[i]);
		o->patched = attr(odir, "patched");
		read_funcs(odir, o);
		free(odir);
	}
	strlist_free(&objs);
	free(dir);
	if (p->enabled < 0)
		return -ENOENT;
	return 0;
}

void patch_free(struct lp_patch *p)
{
	size_t i, k;

	for (i = 0; i < p->nobjs; i++) {
		for (k = 0; k < p->objs[i].nfuncs; k++) {
			free(p->objs[i].funcs[k].obj);
			free(p->objs[i].funcs[k].name);
		}
		free(p->objs[i].funcs);
		free(p->objs[i].name);
	}
	free(p->objs);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/* The names of the loaded patches, sorted.  Return: 0 or -errno. */
int patches_list(struct strlist *names)
{
	char *dir = sys_path(LP_DIR);
	int ret = list_dir(dir, true, names);

	free(dir);
	return ret;
}

static bool parse_blocker(char *line, struct blocker *b)
{
	char func[256], where[32];
	char *end;

	memset(b, 0, sizeof(*b));
	if (line[0] == '+') {
		b->more = strtol(line + 1, &end, 10);
		return end != line + 1 && !strcmp(end, " more");
	}
	b->pid = strtol(line, &end, 10);
	if (end == line || b->pid <= 0)
		return false;
	if (sscanf(end, " %255s %31s", func, where) != 2)
		return false;
	if (!strcmp(func, "-") && !strcmp(where, "unreliable"))
		return true;
	b->func = xstrdup(func);
	b->where = xstrdup(where);
	return true;
}

/**
 * blockers_read() - the tasks the last switch attempt found busy
 * @name: the patch
 * @b: set to a malloc'ed array
 * @n: set to its length (0: nothing blocks, or the kernel does not say)
 *
 * Lines that are not in the documented format are skipped.
 *
 * Return: 0 or -errno (-ENOENT: the kernel has no blockers file).
 */
int blockers_read(const char *name, struct blocker **b, size_t *n)
{
	char *path = sys_path(LP_DIR "/%s/blockers", name);
	char *text, *line, *save;
	int ret;

	*b = NULL;
	*n = 0;
	ret = read_text(path, &text);
	free(path);
	if (ret)
		return ret;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct blocker one;

		if (!parse_blocker(line, &one))
			continue;
		*b = xrealloc(*b, (*n + 1) * sizeof(one));
		(*b)[(*n)++] = one;
	}
	free(text);
	return 0;
}

void blockers_free(struct blocker *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(b[i].func);
		free(b[i].where);
	}
	free(b);
}

/**
 * blocker_text() - a blocker in words
 * @b: the blocker
 *
 * Return: a malloc'ed "pid 123 (cat) in pipe_read", "pid 124 (sh): stack
 * not reliable" or "3 more tasks".
 */
char *blocker_text(const struct blocker *b)
{
	char *comm, *s;

	if (!b->pid)
		return xasprintf("%ld more tasks", b->more);
	comm = task_comm(b->pid);
	if (b->func)
		s = xasprintf("pid %ld (%s) in %s", b->pid, comm, b->func);
	else
		s = xasprintf("pid %ld (%s): stack not reliable", b->pid, comm);
	free(comm);
	return s;
}

/* One message per blocker: "klpctl: <patch>: pid 123 (cat) in pipe_read". */
void blockers_print(const char *name, const struct blocker *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *s = blocker_text(&b[i]);

		msg("%s: %s%s", name, b[i].pid ? "" : "and ", s);
		free(s);
	}
}

/* Members "blockers" (array) and "blockers_more" of a patch object. */
void blockers_json(struct json *j, const struct blocker *b, size_t n)
{
	long more = 0;
	size_t i;

	json_arr_begin(j, "blockers");
	for (i = 0; i < n; i++) {
		char *comm;

		if (!b[i].pid) {
			more += b[i].more;
			continue;
		}
		comm = task_comm(b[i].pid);
		json_obj_begin(j, NULL);
		json_int(j, "pid", b[i].pid);
		json_str(j, "comm", comm);
		json_str(j, "function", b[i].func);
		json_str(j, "where", b[i].where ? b[i].where : "unreliable");
		json_obj_end(j);
		free(comm);
	}
	json_arr_end(j);
	json_int(j, "blockers_more", more);
}
