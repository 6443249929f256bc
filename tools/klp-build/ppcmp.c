// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-ppcmp: tell whether a header change can alter an object's code, from
 * the object's preprocessed source before and after the change.
 *
 *   klp-ppcmp [-v] ORIG.i PATCHED.i
 *
 * Both files are cut into top-level items (a declaration ends at a ';'
 * outside braces and parentheses, a definition at the '}' closing its
 * body); line markers are ignored, so a shifted line changes nothing by
 * itself (__LINE__ is already expanded in the text).  The object's code
 * cannot differ when the items pair one to one and every pair that differs
 * is a static inline function that no code of the unit names (directly
 * or through other such functions): GCC emits no code for an unreferenced
 * static inline function.  Any other
 * difference (a type, a declaration, a referenced function, an item added
 * or removed) means the object must be compiled and compared.
 *
 * Exit status: 0 the code cannot differ, 1 it may differ, 2 error.  With
 * -v, the first reason for 1 goes to standard error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SAME = 0, DIFFERS = 1, FAILED = 2 };

struct tok {
	const char *s;
	size_t len;
};

struct item {
	size_t first;		/* index of its first token */
	size_t nr;		/* number of tokens */
};

struct unit {
	const char *path;
	char *text;
	struct tok *toks;
	size_t nr_toks, max_toks;
	struct item *items;
	size_t nr_items, max_items;
	const struct tok **name;	/* per item: static inline name or NULL */
	bool *live;			/* per item: code may be emitted for it */
};

static bool verbose;

static void *grow(void *p, size_t *max, size_t size)
{
	void *n;

	*max = *max ? *max * 2 : 4096;
	n = realloc(p, *max * size);
	if (!n) {
		fprintf(stderr, "klp-ppcmp: out of memory\n");
		exit(FAILED);
	}
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long len;

	if (!f) {
		fprintf(stderr, "klp-ppcmp: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len)
		goto fail;
	buf[len] = '\0';
	fclose(f);
	return buf;
fail:
	fprintf(stderr, "klp-ppcmp: %s: cannot read it\n", path);
	free(buf);
	fclose(f);
	return NULL;
}

static void add_tok(struct unit *u, const char *s, size_t len)
{
	if (u->nr_toks == u->max_toks)
		u->toks = grow(u->toks, &u->max_toks, sizeof(*u->toks));
	u->toks[u->nr_toks].s = s;
	u->toks[u->nr_toks].len = len;
	u->nr_toks++;
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

/* Split the text into tokens; a directive line other than a line marker
 * (a #pragma) is one token. */
static void tokenize(struct unit *u)
{
	const char *p = u->text;
	bool bol = true;

	while (*p) {
		const char *s = p;

		if (*p == '\n') {
			bol = true;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (bol && *p == '#') {
			while (*p && *p != '\n')
				p++;
			if (!isdigit((unsigned char)s[1]) &&
			    !(s[1] == ' ' && isdigit((unsigned char)s[2])))
				add_tok(u, s, p - s);
			continue;
		}
		bol = false;
		if (is_ident((unsigned char)*p)) {
			while (is_ident((unsigned char)*p))
				p++;
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;

			while (*p && *p != q && *p != '\n') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p == q)
				p++;
		} else {
			p++;
		}
		add_tok(u, s, p - s);
	}
}

static bool tok_is(const struct tok *t, const char *s)
{
	return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

static void add_item(struct unit *u, size_t first, size_t end)
{
	if (end == first)
		return;
	if (u->nr_items == u->max_items)
		u->items = grow(u->items, &u->max_items, sizeof(*u->items));
	u->items[u->nr_items].first = first;
	u->items[u->nr_items].nr = end - first;
	u->nr_items++;
}

static void split_items(struct unit *u)
{
	size_t i, first = 0;
	int braces = 0, parens = 0;

	for (i = 0; i < u->nr_toks; i++) {
		const struct tok *t = &u->toks[i];

		if (t->len != 1)
			continue;
		switch (t->s[0]) {
		case '(':
		case '[':
			parens++;
			break;
		case ')':
		case ']':
			parens--;
			break;
		case '{':
			braces++;
			break;
		case '}':
			if (--braces == 0 && parens == 0) {
				add_item(u, first, i + 1);
				first = i + 1;
			}
			break;
		case ';':
			if (braces == 0 && parens == 0) {
				add_item(u, first, i + 1);
				first = i + 1;
			}
			break;
		}
	}
	add_item(u, first, u->nr_toks);
}

static bool items_equal(const struct unit *a, const struct item *x,
			const struct unit *b, const struct item *y)
{
	size_t i;

	if (x->nr != y->nr)
		return false;
	for (i = 0; i < x->nr; i++) {
		const struct tok *s = &a->toks[x->first + i];
		const struct tok *t = &b->toks[y->first + i];

		if (s->len != t->len || memcmp(s->s, t->s, s->len))
			return false;
	}
	return true;
}

/* Index of the ')' closing the '(' at @i, or @end. */
static size_t skip_parens(const struct tok *t, size_t i, size_t end)
{
	int depth = 0;

	for (; i < end; i++) {
		if (tok_is(&t[i], "("))
			depth++;
		else if (tok_is(&t[i], ")") && --depth == 0)
			return i;
	}
	return end;
}

static bool is_operator_word(const struct tok *t)
{
	static const char *const words[] = {
		"__attribute__", "__attribute", "__typeof__", "typeof",
		"__typeof", "asm", "__asm__", "__asm", "_Alignas",
		"__declspec", NULL,
	};
	const char *const *w;

	for (w = words; *w; w++)
		if (tok_is(t, *w))
			return true;
	return false;
}

/*
 * The name a static inline function definition defines, or NULL: the item
 * ends with a body, its head (before the body) says static and inline and
 * not used, and the name is the identifier before the head's first
 * parameter list; attribute, typeof and asm arguments are skipped.
 */
static const struct tok *static_inline_name(const struct unit *u,
					    const struct item *it)
{
	const struct tok *t = &u->toks[it->first];
	const struct tok *name = NULL;
	bool is_static = false, is_inline = false;
	size_t i;

	if (!tok_is(&t[it->nr - 1], "}"))
		return NULL;
	for (i = 0; i < it->nr && !tok_is(&t[i], "{"); i++) {
		if (is_operator_word(&t[i])) {
			if (tok_is(&t[i], "__attribute__") && i + 3 < it->nr &&
			    (tok_is(&t[i + 3], "used") ||
			     tok_is(&t[i + 3], "__used__")))
				return NULL;
			if (i + 1 < it->nr && tok_is(&t[i + 1], "("))
				i = skip_parens(t, i + 1, it->nr);
			continue;
		}
		if (tok_is(&t[i], "static"))
			is_static = true;
		else if (tok_is(&t[i], "inline") || tok_is(&t[i], "__inline") ||
			 tok_is(&t[i], "__inline__"))
			is_inline = true;
		else if (tok_is(&t[i], "extern"))
			return NULL;
		if (tok_is(&t[i], "(")) {
			if (!name && i > 0 &&
			    is_ident((unsigned char)t[i - 1].s[0]))
				name = &t[i - 1];
			i = skip_parens(t, i, it->nr);
		}
	}
	return is_static && is_inline ? name : NULL;
}

static unsigned long hash_tok(const struct tok *t)
{
	unsigned long h = 2166136261UL;
	size_t i;

	for (i = 0; i < t->len; i++)
		h = (h ^ (unsigned char)t->s[i]) * 16777619UL;
	return h;
}

/*
 * Mark the items code may be emitted for: every item that is not a static
 * inline function, and every static inline function such an item names,
 * directly or through other marked ones.
 */
static void mark_live(struct unit *u)
{
	size_t i, j, k, nr_hash = 1, *hash, *work, nr_work = 0;

	u->name = calloc(u->nr_items + 1, sizeof(*u->name));
	u->live = calloc(u->nr_items + 1, sizeof(*u->live));
	work = calloc(u->nr_items + 1, sizeof(*work));
	while (nr_hash < 2 * u->nr_items + 2)
		nr_hash *= 2;
	hash = malloc(nr_hash * sizeof(*hash));
	if (!u->name || !u->live || !work || !hash) {
		fprintf(stderr, "klp-ppcmp: out of memory\n");
		exit(FAILED);
	}
	for (k = 0; k < nr_hash; k++)
		hash[k] = SIZE_MAX;
	for (i = 0; i < u->nr_items; i++) {
		u->name[i] = static_inline_name(u, &u->items[i]);
		if (!u->name[i]) {
			u->live[i] = true;
			work[nr_work++] = i;
			continue;
		}
		k = hash_tok(u->name[i]) & (nr_hash - 1);
		while (hash[k] != SIZE_MAX)
			k = (k + 1) & (nr_hash - 1);
		hash[k] = i;
	}
	while (nr_work) {
		const struct item *it = &u->items[work[--nr_work]];

		for (j = it->first; j < it->first + it->nr; j++) {
			const struct tok *t = &u->toks[j];

			if (!is_ident((unsigned char)t->s[0]))
				continue;
			for (k = hash_tok(t) & (nr_hash - 1); hash[k] != SIZE_MAX;
			     k = (k + 1) & (nr_hash - 1)) {
				const struct tok *n = u->name[hash[k]];

				if (n->len != t->len || memcmp(n->s, t->s, t->len))
					continue;
				if (!u->live[hash[k]]) {
					u->live[hash[k]] = true;
					work[nr_work++] = hash[k];
				}
				break;
			}
		}
	}
	free(work);
	free(hash);
}

static void why(const char *fmt, const char *path, const struct tok *t)
{
	if (verbose)
		fprintf(stderr, fmt, path, (int)t->len, t->s);
}

/* Whether item @i of @u is a static inline function no code names. */
static bool unused_inline(const struct unit *u, size_t i)
{
	if (!u->name[i]) {
		why("klp-ppcmp: %s: a changed item is not a static inline function: %.*s\n",
		    u->path, &u->toks[u->items[i].first]);
		return false;
	}
	if (u->live[i]) {
		why("klp-ppcmp: %s: changed static inline %.*s is used\n",
		    u->path, u->name[i]);
		return false;
	}
	return true;
}

/*
 * Items pair one to one when both units have as many; otherwise the
 * changed run is what lies between their common first and last items.
 * Either way, every item that differs must be an unused static inline.
 */
static int compare(const struct unit *a, const struct unit *b)
{
	size_t i, pre = 0, post = 0;

	if (a->nr_items == b->nr_items) {
		for (i = 0; i < a->nr_items; i++) {
			if (items_equal(a, &a->items[i], b, &b->items[i]))
				continue;
			if (!unused_inline(a, i) || !unused_inline(b, i))
				return DIFFERS;
		}
		return SAME;
	}
	while (pre < a->nr_items && pre < b->nr_items &&
	       items_equal(a, &a->items[pre], b, &b->items[pre]))
		pre++;
	while (post < a->nr_items - pre && post < b->nr_items - pre &&
	       items_equal(a, &a->items[a->nr_items - 1 - post],
			   b, &b->items[b->nr_items - 1 - post]))
		post++;
	for (i = pre; i < a->nr_items - post; i++)
		if (!unused_inline(a, i))
			return DIFFERS;
	for (i = pre; i < b->nr_items - post; i++)
		if (!unused_inline(b, i))
			return DIFFERS;
	return SAME;
}

static int load(struct unit *u, const char *path)
{
	u->path = path;
	u->text = slurp(path);
	if (!u->text)
		return -1;
	tokenize(u);
	split_items(u);
	mark_live(u);
	return 0;
}

int main(int argc, char **argv)
{
	struct unit a = { 0 }, b = { 0 };
	int i = 1, ret;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		i++;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: klp-ppcmp [-v] ORIG.i PATCHED.i\n");
		return FAILED;
	}
	if (load(&a, argv[i]) || load(&b, argv[i + 1]))
		return FAILED;
	ret = compare(&a, &b);
	free(a.text);
	free(a.toks);
	free(a.items);
	free(a.name);
	free(a.live);
	free(b.text);
	free(b.toks);
	free(b.items);
	free(b.name);
	free(b.live);
	return ret;
}
