// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl - load, list, install and remove kernel live patches.
 *
 * Command line parsing and dispatch.  See
 * Documentation/livepatch/klpctl.rst.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "klpctl.h"

#define DEFAULT_TIMEOUT	60.0

static const char usage[] =
"usage: klpctl [--root DIR] COMMAND [ARGS]\n"
"\n"
"  load FILE.ko [--timeout S]    check, load and enable a patch\n"
"  load --installed [--timeout S]\n"
"                                load the running release's installed patches\n"
"  unload NAME [--timeout S]     disable and remove a patch\n"
"  unload --all [--timeout S]    all of them, in reverse stacking order\n"
"  list [--json]                 loaded and installed patches\n"
"  info FILE.ko|NAME [--json]    what a patch is for and what it patches\n"
"  install FILE.ko               keep a patch to be loaded at boot\n"
"  uninstall NAME                forget an installed patch\n"
"\n"
"  --root DIR     the store is DIR/var/lib/livepatch (building an image)\n"
"  --timeout S    seconds to wait for a transition (default 60)\n"
"\n"
"Exit: 0 done, 1 usage, 2 refused by a pre-check, 3 timed out and\n"
"reverted, 4 kernel or system error.\n";

struct opts {
	const char *cmd;
	const char *arg;
	const char *root;
	double timeout;
	bool timeout_set;
	bool json;
	bool installed;
	bool all;
	int nargs;
};

/* Which options a command takes. */
enum { O_TIMEOUT = 1, O_JSON = 2, O_INSTALLED = 4, O_ALL = 8 };

struct command {
	const char *name;
	unsigned int opts;
	const char *synopsis;
};

static const struct command commands[] = {
	{ "load", O_TIMEOUT | O_INSTALLED,
	  "load FILE.ko|--installed [--timeout S]" },
	{ "unload", O_TIMEOUT | O_ALL, "unload NAME|--all [--timeout S]" },
	{ "list", O_JSON, "list [--json]" },
	{ "info", O_JSON, "info FILE.ko|NAME [--json]" },
	{ "install", 0, "install FILE.ko" },
	{ "uninstall", 0, "uninstall NAME" },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The value of --opt VALUE or --opt=VALUE; NULL if missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
	size_t len = strlen(opt);

	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_opt(const char *arg, const char *opt)
{
	size_t len = strlen(opt);

	return !strncmp(arg, opt, len) && (!arg[len] || arg[len] == '=');
}

static int parse_timeout(const char *val, struct opts *o)
{
	char *end;

	o->timeout = strtod(val, &end);
	if (end == val || *end || !isfinite(o->timeout) || o->timeout <= 0 ||
	    o->timeout > 1e6) {
		msg("--timeout: '%s' is not a number of seconds > 0", val);
		return EXIT_USAGE;
	}
	o->timeout_set = true;
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	bool dashdash = false;
	const char *val;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (!o->cmd)
				o->cmd = a;
			else if (!o->nargs++)
				o->arg = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(EXIT_DONE);
		} else if (is_opt(a, "--root") || is_opt(a, "--timeout")) {
			val = opt_value(argc, argv, &i, a[2] == 'r' ?
					"--root" : "--timeout");
			if (!val || !*val) {
				msg("%.9s: missing its value", a);
				return EXIT_USAGE;
			}
			if (a[2] == 'r')
				o->root = val;
			else if (parse_timeout(val, o))
				return EXIT_USAGE;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--installed")) {
			o->installed = true;
		} else if (!strcmp(a, "--all")) {
			o->all = true;
		} else {
			msg("%s: unknown option (try klpctl --help)", a);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Options and arguments that the command does not take. */
static int check(const struct opts *o, const struct command *c)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ O_TIMEOUT, "--timeout" }, { O_JSON, "--json" },
		{ O_INSTALLED, "--installed" }, { O_ALL, "--all" },
	};
	unsigned int given = (o->timeout_set ? O_TIMEOUT : 0) |
			     (o->json ? O_JSON : 0) |
			     (o->installed ? O_INSTALLED : 0) |
			     (o->all ? O_ALL : 0);
	int want = 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (given & names[i].bit & ~c->opts) {
			msg("%s: %s is not an option of it (usage: klpctl %s)",
			    c->name, names[i].name, c->synopsis);
			return EXIT_USAGE;
		}
	if (!strcmp(c->name, "list") || o->installed || o->all)
		want = 0;
	if (o->nargs != want) {
		msg("%s: %s (usage: klpctl %s)", c->name,
		    o->nargs > want ? "too many arguments" :
		    "missing argument", c->synopsis);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .timeout = DEFAULT_TIMEOUT };
	const struct command *c;
	char *name = NULL, *p;
	int ret;

	sys_init();
	ret = parse(argc, argv, &o);
	if (ret)
		return ret;
	if (!o.cmd) {
		msg("no command (try klpctl --help)");
		return EXIT_USAGE;
	}
	c = find_command(o.cmd);
	if (!c) {
		msg("%s: unknown command (try klpctl --help)", o.cmd);
		return EXIT_USAGE;
	}
	ret = check(&o, c);
	if (ret)
		return ret;
	if (o.root)
		store_set_root(o.root);
	/* module names as the kernel spells them: '-' is '_' (as modprobe) */
	if (o.arg && strcmp(c->name, "load") && strcmp(c->name, "install") &&
	    !module_file_name(o.arg)) {
		name = xstrdup(o.arg);
		for (p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		o.arg = name;
	}

	if (!strcmp(c->name, "load") || !strcmp(c->name, "unload"))
		wait_catch_signals();
	if (!strcmp(c->name, "load"))
		ret = o.installed ? cmd_load_installed(o.timeout) :
				    cmd_load(o.arg, o.timeout);
	else if (!strcmp(c->name, "unload"))
		ret = o.all ? cmd_unload_all(o.timeout) :
			      cmd_unload(o.arg, o.timeout);
	else if (!strcmp(c->name, "list"))
		ret = cmd_list(o.json);
	else if (!strcmp(c->name, "info"))
		ret = cmd_info(o.arg, o.json);
	else if (!strcmp(c->name, "install"))
		ret = cmd_install(o.arg);
	else
		ret = cmd_uninstall(o.arg);
	fflush(stdout);
	free(name);
	return ret;
}
