// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-ppcmp: tell whether a header change can alter an object's code, from
 * the object's preprocessed source before and after the change.
 *
 *   klp-ppcmp [-v] ORIG PATCHED
 *
 * Both files are cut into top-level items (a declaration ends at a ';'
 * outside braces and parentheses, a definition at the '}' closing its
 * body); line markers are ignored, so a shifted line changes nothing by
 * itself (__LINE__ is already expanded in the text).  The object's code
 * cannot differ when the items pair one to one and every pair that differs
 * is a static inline function that no code of the unit names (directly
 * or through other such functions): GCC emits no code for an unreferenced
 * static inline function.  Any other difference (a type, a declaration, a
 * referenced function, an item added or removed) means the object must be
 * compiled and compared.  When the numbers of items differ, the items
 * between the common first and last ones are the changed ones.  A changed
 * definition of a named struct or union (one present on both sides) is
 * reported apart: the running kernel's objects of that type keep the old
 * layout, which no live patch can change.  So is an enum one of whose
 * enumerators changes value or goes (one inserted before others with
 * implicit values moves them, and the running kernel's data and the arrays
 * they size keep the old ones); new enumerators that move none are only a
 * difference.  An anonymous enum is known by its first enumerator.
 *
 *   klp-ppcmp -s FILE.i SUMMARY
 *
 * writes what the comparison needs of FILE.i (a hash and a flag per item),
 * a few hundred kilobytes where the source has megabytes; either argument
 * of the comparison may be such a summary.
 *
 * Exit status: 0 the code cannot differ (-s: written), 1 it may differ,
 * 2 error, 3 a struct, union or enum definition changed (named on
 * standard error).  With -v, the first reason for 1 goes to standard error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SAME = 0, DIFFERS = 1, FAILED = 2, TYPE_CHANGED = 3 };

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

/* What a type definition item is, in a summary. */
enum {
	NOT_TYPE = 0, STRUCT_DEF = 's', UNION_DEF = 'n', ENUM_DEF = 'e',
	ANON_ENUM_DEF = 'a',
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
	if (fseek(f, 0, SEEK_END))
		goto fail;
	len = ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET))
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

/*
 * Split the text into tokens; a directive line other than a line marker
 * (a #pragma) is one token.
 */
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

/*
 * For an item [typedef] KEYWORD [attributes] ... } (a type definition):
 * the index of KEYWORD in *@kw, and that of the token after the attributes
 * as the return value; 0 if the item does not end with a body.
 */
static size_t def_head(const struct unit *u, const struct item *it,
		       size_t *kw)
{
	const struct tok *t = &u->toks[it->first];
	size_t i = 0;

	if (it->nr < 3 || !tok_is(&t[it->nr - 1], "}"))
		return 0;
	if (tok_is(&t[0], "typedef"))
		i++;
	*kw = i;
	for (i++; i < it->nr && is_operator_word(&t[i]); i++)
		if (i + 1 < it->nr && tok_is(&t[i + 1], "("))
			i = skip_parens(t, i + 1, it->nr);
	return i;
}

/*
 * The tag a named struct or union definition defines, or NULL: the item
 * is [typedef] struct|union [attributes] TAG { ... }.  Sets *@kind.
 */
static const struct tok *type_tag(const struct unit *u, const struct item *it,
				  int *kind)
{
	const struct tok *t = &u->toks[it->first];
	size_t kw, i = def_head(u, it, &kw);

	if (!i || (!tok_is(&t[kw], "struct") && !tok_is(&t[kw], "union")))
		return NULL;
	*kind = tok_is(&t[kw], "struct") ? STRUCT_DEF : UNION_DEF;
	if (i + 1 >= it->nr || !is_ident((unsigned char)t[i].s[0]) ||
	    !tok_is(&t[i + 1], "{"))
		return NULL;
	return &t[i];
}

/*
 * The name of an enum definition, or NULL: the item is [typedef] enum
 * [attributes] [TAG] { ... }; without a tag its first enumerator names it
 * (*@kind ANON_ENUM_DEF).  Sets *@open to the index of its '{'.
 */
static const struct tok *enum_name(const struct unit *u,
				   const struct item *it, int *kind,
				   size_t *open)
{
	const struct tok *t = &u->toks[it->first];
	size_t kw, i = def_head(u, it, &kw);

	if (!i || !tok_is(&t[kw], "enum"))
		return NULL;
	if (i + 2 < it->nr && tok_is(&t[i], "{")) {
		*kind = ANON_ENUM_DEF;
		*open = i;
		return &t[i + 1];
	}
	if (i + 1 >= it->nr || !is_ident((unsigned char)t[i].s[0]) ||
	    !tok_is(&t[i + 1], "{"))
		return NULL;
	*kind = ENUM_DEF;
	*open = i + 1;
	return &t[i];
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

/* What the comparison needs of a unit, one entry per top-level item. */
struct sitem {
	unsigned long long hash;	/* of its tokens */
	bool unused;			/* a static inline no code names */
	int type;			/* STRUCT_DEF, ..., NOT_TYPE */
	char name[64];			/* its name or tag, or its first token */
	uint32_t *enums;		/* enum: name and value hash of each
					 * enumerator (enum_hashes())
					 */
	size_t nr_enums;
};

struct summary {
	const char *path;
	struct sitem *it;
	size_t nr;
};

#define SUMMARY_PREFIX "klp-ppcmp summary "
#define SUMMARY_MAGIC SUMMARY_PREFIX "3"

static void add_enum(struct sitem *e, uint32_t h, size_t *max)
{
	if (e->nr_enums == *max)
		e->enums = grow(e->enums, max, sizeof(*e->enums));
	e->enums[e->nr_enums++] = h;
}

static uint32_t hash32(uint32_t h, const struct tok *t)
{
	size_t k;

	for (k = 0; k < t->len; k++)
		h = (h ^ (unsigned char)t->s[k]) * 16777619U;
	return (h ^ ' ') * 16777619U;
}

/*
 * Two hashes per enumerator of the enum whose '{' is @open: of its name,
 * and of how its value is given: the last explicit value at or before it
 * (its expression's tokens) and how many enumerators after that one it is.
 */
static void enum_hashes(const struct unit *u, const struct item *it,
			size_t open, struct sitem *e)
{
	const struct tok *t = &u->toks[it->first];
	uint32_t base = 2166136261U, value;
	size_t i, first = open + 1, max = 0;
	unsigned int after = 0;
	int depth = 0;

	for (i = open + 1; i < it->nr; i++) {
		if (i < it->nr - 1 && (depth || !tok_is(&t[i], ","))) {
			if (t[i].len == 1 && strchr("([{", t[i].s[0]))
				depth++;
			else if (t[i].len == 1 && strchr(")]}", t[i].s[0]))
				depth--;
			continue;
		}
		if (i > first) {
			if (i > first + 1 && tok_is(&t[first + 1], "=")) {
				size_t k;

				base = 2166136261U;
				for (k = first + 2; k < i; k++)
					base = hash32(base, &t[k]);
				after = 0;
			} else if (first > open + 1) {
				after++;
			}
			value = (base ^ after) * 16777619U;
			add_enum(e, hash32(2166136261U, &t[first]), &max);
			add_enum(e, value, &max);
		}
		first = i + 1;
	}
}

static void summarize(const struct unit *u, struct summary *sum)
{
	size_t i, j;

	sum->path = u->path;
	sum->nr = u->nr_items;
	sum->it = calloc(u->nr_items + 1, sizeof(*sum->it));
	if (!sum->it) {
		fprintf(stderr, "klp-ppcmp: out of memory\n");
		exit(FAILED);
	}
	for (i = 0; i < u->nr_items; i++) {
		const struct item *it = &u->items[i];
		const struct tok *n = u->name[i] ? u->name[i] :
				      &u->toks[it->first];
		const struct tok *tag = type_tag(u, it, &sum->it[i].type);
		unsigned long long h = 14695981039346656037ULL;
		size_t open;

		if (!tag) {
			tag = enum_name(u, it, &sum->it[i].type, &open);
			if (tag)
				enum_hashes(u, it, open, &sum->it[i]);
		}
		if (tag)
			n = tag;
		else
			sum->it[i].type = NOT_TYPE;
		for (j = it->first; j < it->first + it->nr; j++) {
			const struct tok *t = &u->toks[j];
			size_t k;

			for (k = 0; k < t->len; k++)
				h = (h ^ (unsigned char)t->s[k]) * 1099511628211ULL;
			h = (h ^ ' ') * 1099511628211ULL;
		}
		sum->it[i].hash = h;
		sum->it[i].unused = u->name[i] && !u->live[i];
		snprintf(sum->it[i].name, sizeof(sum->it[i].name), "%.*s",
			 (int)(n->len < 63 ? n->len : 63), n->s);
	}
}

static int write_summary(const struct summary *sum, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		fprintf(stderr, "klp-ppcmp: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", SUMMARY_MAGIC);
	for (i = 0; i < sum->nr; i++) {
		const struct sitem *e = &sum->it[i];
		size_t k;

		fprintf(f, "%016llx %c %s", e->hash,
			e->unused ? 'u' : e->type ? e->type : '-', e->name);
		for (k = 0; k < e->nr_enums; k++)
			fprintf(f, " %08x", e->enums[k]);
		fputc('\n', f);
	}
	if (fclose(f)) {
		fprintf(stderr, "klp-ppcmp: %s: write error\n", path);
		return -1;
	}
	return 0;
}

static int read_summary(const char *text, struct summary *sum)
{
	const char *p = text + strlen(SUMMARY_MAGIC) + 1;
	size_t max = 0;

	while (*p) {
		struct sitem *e;
		char flag;
		int used;

		if (sum->nr == max)
			sum->it = grow(sum->it, &max, sizeof(*sum->it));
		e = &sum->it[sum->nr];
		if (sscanf(p, "%16llx %c %63s%n", &e->hash, &flag, e->name,
			   &used) != 3) {
			fprintf(stderr, "klp-ppcmp: %s: bad summary line %zu\n",
				sum->path, sum->nr + 2);
			return -1;
		}
		e->unused = flag == 'u';
		e->type = strchr("sena", flag) ? flag : NOT_TYPE;
		e->enums = NULL;
		e->nr_enums = 0;
		if (e->type == ENUM_DEF || e->type == ANON_ENUM_DEF) {
			size_t emax = 0;
			char *end;

			p += used;
			while (*p == ' ') {
				add_enum(e, strtoul(p, &end, 16), &emax);
				p = end;
			}
		}
		sum->nr++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

/* Load a preprocessed source or a summary written by -s. */
static int load(struct summary *sum, const char *path)
{
	struct unit u = { 0 };
	int ret = 0;

	sum->path = path;
	u.path = path;
	u.text = slurp(path);
	if (!u.text)
		return -1;
	if (!strncmp(u.text, SUMMARY_MAGIC "\n", strlen(SUMMARY_MAGIC) + 1)) {
		ret = read_summary(u.text, sum);
	} else if (!strncmp(u.text, SUMMARY_PREFIX, strlen(SUMMARY_PREFIX))) {
		fprintf(stderr, "klp-ppcmp: %s: summary of another version\n",
			path);
		ret = -1;
	} else {
		tokenize(&u);
		split_items(&u);
		mark_live(&u);
		summarize(&u, sum);
	}
	free(u.text);
	free(u.toks);
	free(u.items);
	free(u.name);
	free(u.live);
	return ret;
}

static void free_summary(struct summary *sum)
{
	size_t i;

	for (i = 0; i < sum->nr; i++)
		free(sum->it[i].enums);
	free(sum->it);
}

/* Whether item @i of @sum is a static inline function no code names. */
static bool unused_inline(const struct summary *sum, size_t i)
{
	if (!sum->it[i].unused && verbose)
		fprintf(stderr,
			"klp-ppcmp: %s: changed item '%s' is not an unused static inline\n",
			sum->path, sum->it[i].name);
	return sum->it[i].unused;
}

/* Whether every enumerator of enum @x is in @y, with the same value. */
static bool enum_values_kept(const struct sitem *x, const struct sitem *y)
{
	size_t i, j;

	for (i = 0; i + 1 < x->nr_enums; i += 2) {
		for (j = 0; j + 1 < y->nr_enums; j += 2)
			if (y->enums[j] == x->enums[i])
				break;
		if (j + 1 >= y->nr_enums || y->enums[j + 1] != x->enums[i + 1])
			return false;
	}
	return true;
}

/*
 * Whether a type that both units define changed: within the items that
 * differ (@a's [@a0, @a1) against @b's [@b0, @b1)), an item of @a and one
 * of @b define the same tag differently (an enum: other than by added
 * enumerators).
 */
static bool type_changed(const struct summary *a, size_t a0, size_t a1,
			 const struct summary *b, size_t b0, size_t b1)
{
	size_t i, j;

	for (i = a0; i < a1; i++) {
		const struct sitem *x = &a->it[i];

		if (!x->type)
			continue;
		for (j = b0; j < b1; j++) {
			const struct sitem *y = &b->it[j];

			if (y->type != x->type || strcmp(y->name, x->name))
				continue;
			if (y->hash == x->hash ||
			    ((x->type == ENUM_DEF || x->type == ANON_ENUM_DEF) &&
			     enum_values_kept(x, y)))
				break;
			if (x->type == ANON_ENUM_DEF)
				fprintf(stderr,
					"klp-ppcmp: %s: changed definition of enum { %s, ... }\n",
					b->path, x->name);
			else
				fprintf(stderr,
					"klp-ppcmp: %s: changed definition of %s %s\n",
					b->path, x->type == STRUCT_DEF ? "struct" :
					x->type == UNION_DEF ? "union" : "enum",
					x->name);
			return true;
		}
	}
	return false;
}

/*
 * Items pair one to one when both units have as many; otherwise the
 * changed run is what lies between their common first and last items.
 * Either way, a changed struct or union is reported first, and every item
 * that differs must be an unused static inline.
 */
static int compare(const struct summary *a, const struct summary *b)
{
	size_t i, pre = 0, post = 0;

	if (a->nr == b->nr) {
		size_t lo = a->nr, hi = 0;

		for (i = 0; i < a->nr; i++) {
			if (a->it[i].hash == b->it[i].hash)
				continue;
			if (lo == a->nr)
				lo = i;
			hi = i + 1;
		}
		if (lo < hi && type_changed(a, lo, hi, b, lo, hi))
			return TYPE_CHANGED;
		for (i = 0; i < a->nr; i++) {
			if (a->it[i].hash == b->it[i].hash)
				continue;
			if (!unused_inline(a, i) || !unused_inline(b, i))
				return DIFFERS;
		}
		return SAME;
	}
	while (pre < a->nr && pre < b->nr && a->it[pre].hash == b->it[pre].hash)
		pre++;
	while (post < a->nr - pre && post < b->nr - pre &&
	       a->it[a->nr - 1 - post].hash == b->it[b->nr - 1 - post].hash)
		post++;
	if (type_changed(a, pre, a->nr - post, b, pre, b->nr - post))
		return TYPE_CHANGED;
	for (i = pre; i < a->nr - post; i++)
		if (!unused_inline(a, i))
			return DIFFERS;
	for (i = pre; i < b->nr - post; i++)
		if (!unused_inline(b, i))
			return DIFFERS;
	return SAME;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: klp-ppcmp [-v] ORIG PATCHED   (each a .i or a summary)\n"
		"       klp-ppcmp -s FILE.i SUMMARY\n");
	exit(FAILED);
}

int main(int argc, char **argv)
{
	struct summary a = { 0 }, b = { 0 };
	int ret;

	if (argc == 4 && !strcmp(argv[1], "-s")) {
		if (load(&a, argv[2]))
			return FAILED;
		ret = write_summary(&a, argv[3]) ? FAILED : SAME;
		free_summary(&a);
		return ret;
	}
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		argv++;
		argc--;
	}
	if (argc != 3)
		print_usage();
	if (load(&a, argv[1]) || load(&b, argv[2]))
		return FAILED;
	ret = compare(&a, &b);
	free_summary(&a);
	free_summary(&b);
	return ret;
}
