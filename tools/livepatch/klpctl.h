/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klpctl - load, list, install and remove kernel live patches.
 *
 * Shared declarations.  Every absolute path of the running system (/sys,
 * /proc, /lib/modules, the store under /var/lib/livepatch) is built by
 * sys_path() or store_dir(), so that one prefix (KLPCTL_SYSROOT) can
 * stand in for the whole system in tests.
 */
#ifndef KLPCTL_H
#define KLPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (documented in Documentation/livepatch/klpctl.rst). */
enum {
	EXIT_DONE = 0,
	EXIT_USAGE = 1,		/* usage error, bad argument */
	EXIT_REFUSED = 2,	/* refused by a pre-check, nothing changed */
	EXIT_TIMEOUT = 3,	/* timed out, reverted */
	EXIT_SYSTEM = 4,	/* kernel or system error */
};

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __always_unused	__attribute__((unused))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define LP_DIR		"/sys/kernel/livepatch"
#define PATH_BUF	4096

/* util.c */
void msg(const char *fmt, ...) __printf(1, 2);
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __printf(1, 2);
double now(void);
void sleep_ms(long ms);

/* A growable list of strings. */
struct strlist {
	char **v;
	size_t n;
};

void strlist_add(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* sysfs.c: paths of the running system and small file accessors */
void sys_init(void);
bool sys_is_fake(void);
char *sys_path(const char *fmt, ...) __printf(1, 2);
const char *sys_release(void);
int read_text(const char *path, char **out);
int read_line(const char *path, char *buf, size_t size);
int read_int(const char *path, long *val);
int write_text(const char *path, const char *text);
bool path_exists(const char *path);
bool is_dir(const char *path);
int list_dir(const char *path, bool dirs_only, struct strlist *out);
bool cmdline_has(const char *word);
char *task_comm(long pid);

/* notes.c: the running kernel's GNU build-id */
int kernel_build_id(char *hex, size_t size);
int notes_build_id(const unsigned char *buf, size_t len, char *hex,
		   size_t size);

/* json.c: a small pretty-printing JSON emitter */
struct json {
	FILE *f;
	int depth;
	bool first;	/* nothing emitted yet at this depth */
	bool key;	/* a key was just written: value follows on its line */
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
void json_finish(struct json *j);

/* One patched function as klp-build records it or sysfs shows it. */
struct lp_func {
	char *obj;		/* "vmlinux" or a module name */
	char *name;
	unsigned long pos;	/* sympos, 1 when not given (as sysfs) */
};

/* What klpctl knows about a patch module file (modinfo.c). */
struct modinfo {
	char *path;
	char *name;		/* modinfo name=, else from the file name */
	char *vermagic;
	char *release;		/* first word of vermagic */
	char *build_id;		/* livepatch_build_id=, lower case, or NULL */
	char *description;
	bool livepatch;		/* livepatch=Y */
	bool replace;		/* livepatch_replace=Y (optional key) */
	bool signed_;		/* libkmod found an appended signature */
	char *signer;
	struct lp_func *funcs;	/* livepatch_func= entries */
	size_t nfuncs;
};

struct kmod_ctx;
struct kmod_ctx *kmod_ctx_get(void);
int modinfo_read(const char *path, struct modinfo *mi);
void modinfo_free(struct modinfo *mi);
int parse_func(const char *spec, struct lp_func *f);
bool module_file_name(const char *arg);
int loaded_vermagic(char **vermagic);
char *module_file_of(const char *name);
int module_insert(const struct modinfo *mi);
int module_remove(const char *name, double timeout);

/* patch.c: loaded patches as /sys/kernel/livepatch shows them */
struct lp_obj {
	char *name;
	int patched;		/* -1: no such attribute */
	struct lp_func *funcs;
	size_t nfuncs;
};

struct lp_patch {
	char *name;
	int enabled;
	int transition;
	int replace;		/* -1: no such attribute (before 6.11) */
	long stack_order;	/* -1: no such attribute (6.12) */
	struct lp_obj *objs;
	size_t nobjs;
};

struct blocker {
	long pid;		/* 0 for the "+N more" line */
	char *func;		/* NULL when unreliable */
	char *where;		/* old, new, veneer; NULL when unreliable */
	long more;		/* N of "+N more" */
};

bool patch_loaded(const char *name);
int patch_read(const char *name, struct lp_patch *p);
void patch_free(struct lp_patch *p);
int patches_list(struct strlist *names);
int blockers_read(const char *name, struct blocker **b, size_t *n);
void blockers_free(struct blocker *b, size_t n);
char *blocker_text(const struct blocker *b);
void blockers_print(const char *name, const struct blocker *b, size_t n);
void blockers_json(struct json *j, const struct blocker *b, size_t n);

/* store.c: DIR/var/lib/livepatch/<release>/ and its order file */
void store_set_root(const char *root);
char *store_dir(const char *release);
int store_order(const char *release, struct strlist *names);
char *store_file(const char *release, const char *name);
int store_releases(struct strlist *out);
int cmd_install(const char *file);
int cmd_uninstall(const char *name);

/* checks.c: pre-checks of load, all before the module is inserted */
int precheck_load(const struct modinfo *mi);

/* wait.c: transitions */
int wait_transition(const char *name, double timeout, const char *what);
void wait_catch_signals(void);
bool wait_interrupted(void);

/* load.c */
int cmd_load(const char *file, double timeout);
int cmd_load_installed(double timeout);
int cmd_unload(const char *name, double timeout);
int cmd_unload_all(double timeout);

/* list.c */
int cmd_list(bool json);
int cmd_info(const char *arg, bool json);

#endif /* KLPCTL_H */
