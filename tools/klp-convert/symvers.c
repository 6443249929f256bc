// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: which symbols are exported.
 *
 * Module.symvers (written by modpost for vmlinux and for every module
 * build, in-tree or M=) lists each exported symbol on one line:
 * "CRC<TAB>NAME<TAB>MODULE<TAB>EXPORT_TYPE<TAB>NAMESPACE".  That is the
 * list the module loader resolves against, so it decides what klp-convert
 * leaves alone; the names of __ksymtab_* symbols are not used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-convert.h"

struct exp_ent {
	struct exp_ent *next;
	char name[];
};

#define EXP_BUCKETS 4096
static struct exp_ent *exp_tab[EXP_BUCKETS];

static size_t exp_hash(const char *s, size_t len)
{
	size_t h = 5381;

	while (len--)
		h = h * 33 + (unsigned char)*s++;
	return h % EXP_BUCKETS;
}

static void exp_add(const char *name, size_t len)
{
	size_t b = exp_hash(name, len);
	struct exp_ent *e;

	for (e = exp_tab[b]; e; e = e->next)
		if (strlen(e->name) == len && !memcmp(e->name, name, len))
			return;
	e = xmalloc(sizeof(*e) + len + 1);
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->next = exp_tab[b];
	exp_tab[b] = e;
}

/**
 * klp_symvers_exported() - is a symbol exported?
 * @name: symbol name
 *
 * Return: true if a Module.symvers read so far lists @name.
 */
bool klp_symvers_exported(const char *name)
{
	struct exp_ent *e;

	for (e = exp_tab[exp_hash(name, strlen(name))]; e; e = e->next)
		if (!strcmp(e->name, name))
			return true;
	return false;
}

/**
 * klp_symvers_free() - forget every exported symbol
 */
void klp_symvers_free(void)
{
	struct exp_ent *e, *next;
	size_t i;

	for (i = 0; i < EXP_BUCKETS; i++) {
		for (e = exp_tab[i]; e; e = next) {
			next = e->next;
			free(e);
		}
		exp_tab[i] = NULL;
	}
}

/**
 * klp_symvers_parse() - record the symbols listed in Module.symvers text
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @what: file name for messages
 *
 * Return: 0, or -1 after a message naming @what and the line.
 */
int klp_symvers_parse(const char *buf, size_t len, const char *what)
{
	unsigned long lineno = 0;
	size_t off = 0;

	while (off < len) {
		const char *line = buf + off, *nl, *t1, *t2;
		size_t l;

		nl = memchr(line, '\n', len - off);
		l = nl ? (size_t)(nl - line) : len - off;
		off += l + (nl ? 1 : 0);
		lineno++;
		if (!l)
			continue;
		t1 = memchr(line, '\t', l);
		t2 = t1 ? memchr(t1 + 1, '\t', l - (t1 + 1 - line)) : NULL;
		if (!t2 || t2 == t1 + 1 || strncmp(line, "0x", 2)) {
			err_msg("%s:%lu: not a Module.symvers line", what,
				lineno);
			return -1;
		}
		exp_add(t1 + 1, t2 - (t1 + 1));
	}
	return 0;
}

/**
 * klp_symvers_read() - record the symbols listed in a Module.symvers file
 * @path: the file
 *
 * Return: 0, or -1 after a message.
 */
int klp_symvers_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, alloc = 0, r;
	int ret;

	if (!f) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (alloc - len < 65536) {
			alloc = alloc * 2 + 65536;
			buf = xrealloc(buf, alloc);
		}
		r = fread(buf + len, 1, alloc - len, f);
		len += r;
	} while (r);
	if (ferror(f)) {
		err_msg("%s: read error", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	ret = klp_symvers_parse(buf, len, path);
	free(buf);
	return ret;
}
