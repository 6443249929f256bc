// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: the symbol map (objects, their symbols in kallsyms order,
 * the text format of Documentation/livepatch/klp-convert.rst and the
 * lookup of a name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp-convert.h"

/* One name of the index: where it is defined, in map order. */
struct klp_hent {
	struct klp_hent *next;
	const char *name;
	size_t nr, alloc;
	struct { size_t obj, sym; } *defs;
};

/**
 * klp_obj_new() - allocate an empty object
 * @name: "vmlinux" or a module name
 *
 * Return: the object.
 */
struct klp_obj *klp_obj_new(const char *name)
{
	struct klp_obj *obj = xcalloc(1, sizeof(*obj));

	obj->name = xstrdup(name);
	return obj;
}

/**
 * klp_obj_add() - append a symbol to an object
 * @obj: the object
 * @name: symbol name
 * @file: source file, or NULL
 * @type: nm-style type letter
 * @core: kept in kallsyms after module init
 */
void klp_obj_add(struct klp_obj *obj, const char *name, const char *file,
		 char type, bool core)
{
	struct klp_sym *s;

	if (obj->nr == obj->alloc) {
		obj->alloc = obj->alloc ? obj->alloc * 2 : 64;
		obj->syms = xrealloc(obj->syms, obj->alloc * sizeof(*obj->syms));
	}
	s = &obj->syms[obj->nr++];
	s->name = xstrdup(name);
	s->file = xstrdup(file && *file ? file : "-");
	s->type = type;
	s->core = core;
}

/**
 * klp_obj_free() - free an object and its symbols
 * @obj: the object
 */
void klp_obj_free(struct klp_obj *obj)
{
	size_t i;

	for (i = 0; i < obj->nr; i++) {
		free(obj->syms[i].name);
		free(obj->syms[i].file);
	}
	free(obj->syms);
	free(obj->name);
	free(obj);
}

static void klp_index_free(struct klp_map *map)
{
	struct klp_hent *h, *next;
	size_t i;

	for (i = 0; i < map->nbuckets; i++) {
		for (h = map->buckets[i]; h; h = next) {
			next = h->next;
			free(h->defs);
			free(h);
		}
	}
	free(map->buckets);
	map->buckets = NULL;
	map->nbuckets = 0;
}

/**
 * klp_map_find() - find an object by name
 * @map: the map
 * @name: object name
 *
 * Return: the object, or NULL.
 */
struct klp_obj *klp_map_find(const struct klp_map *map, const char *name)
{
	size_t i;

	for (i = 0; i < map->nr; i++)
		if (!strcmp(map->objs[i]->name, name))
			return map->objs[i];
	return NULL;
}

/**
 * klp_map_add() - add an object to a map
 * @map: the map
 * @obj: the object; replaces an object of the same name added earlier
 */
void klp_map_add(struct klp_map *map, struct klp_obj *obj)
{
	size_t i;

	klp_index_free(map);
	for (i = 0; i < map->nr; i++) {
		if (!strcmp(map->objs[i]->name, obj->name)) {
			klp_obj_free(map->objs[i]);
			map->objs[i] = obj;
			return;
		}
	}
	map->objs = xrealloc(map->objs, (map->nr + 1) * sizeof(*map->objs));
	map->objs[map->nr++] = obj;
}

/**
 * klp_map_free() - free every object of a map
 * @map: the map (itself not freed)
 */
void klp_map_free(struct klp_map *map)
{
	size_t i;

	klp_index_free(map);
	for (i = 0; i < map->nr; i++)
		klp_obj_free(map->objs[i]);
	free(map->objs);
	map->objs = NULL;
	map->nr = 0;
}

static size_t hash_name(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void klp_index_build(struct klp_map *map)
{
	size_t total = 0, i, j, b;
	struct klp_hent *h;

	for (i = 0; i < map->nr; i++)
		total += map->objs[i]->nr;
	map->nbuckets = total / 2 + 64;
	map->buckets = xcalloc(map->nbuckets, sizeof(*map->buckets));
	for (i = 0; i < map->nr; i++) {
		for (j = 0; j < map->objs[i]->nr; j++) {
			const char *name = map->objs[i]->syms[j].name;

			b = hash_name(name) % map->nbuckets;
			for (h = map->buckets[b]; h; h = h->next)
				if (!strcmp(h->name, name))
					break;
			if (!h) {
				h = xcalloc(1, sizeof(*h));
				h->name = name;
				h->next = map->buckets[b];
				map->buckets[b] = h;
			}
			if (h->nr == h->alloc) {
				h->alloc = h->alloc ? h->alloc * 2 : 2;
				h->defs = xrealloc(h->defs,
						   h->alloc * sizeof(*h->defs));
			}
			h->defs[h->nr].obj = i;
			h->defs[h->nr].sym = j;
			h->nr++;
		}
	}
}

/**
 * klp_map_lookup() - every definition of a name
 * @map: the map
 * @name: symbol name
 * @objname: only definitions in this object, or NULL for all objects
 * @out: set to a malloc()ed array of candidates (free it), in map order
 *
 * Positions are counted the way klp_find_object_symbol() counts: within
 * one object, in map order, core definitions only (@pos) and all
 * definitions (@fullpos, what a module's kallsyms holds before its init
 * ran).
 *
 * Return: the number of entries in @out.
 */
size_t klp_map_lookup(const struct klp_map *map, const char *name,
		      const char *objname, struct klp_cand **out)
{
	struct klp_map *m = (struct klp_map *)map;
	struct klp_cand *c;
	struct klp_hent *h;
	size_t i, j, n = 0;

	*out = NULL;
	if (!m->buckets)
		klp_index_build(m);
	for (h = m->buckets[hash_name(name) % m->nbuckets]; h; h = h->next)
		if (!strcmp(h->name, name))
			break;
	if (!h)
		return 0;
	c = xcalloc(h->nr, sizeof(*c));
	for (i = 0; i < h->nr; i++) {
		const struct klp_obj *obj = m->objs[h->defs[i].obj];

		if (objname && strcmp(obj->name, objname))
			continue;
		c[n].obj = obj;
		c[n].sym = &obj->syms[h->defs[i].sym];
		n++;
	}
	/* definitions of one object are contiguous and in map order */
	for (i = 0; i < n; i = j) {
		unsigned long core = 0, full = 0;

		for (j = i; j < n && c[j].obj == c[i].obj; j++) {
			c[j].fullpos = ++full;
			c[j].pos = c[j].sym->core ? ++core : 0;
		}
		for (j = i; j < n && c[j].obj == c[i].obj; j++) {
			c[j].count = core;
			c[j].fullcount = full;
		}
	}
	if (!n) {
		free(c);
		c = NULL;
	}
	*out = c;
	return n;
}

long klp_cand_sympos(const struct klp_cand *c)
{
	if (!c->pos || c->fullpos != c->pos)
		return -1;
	return c->fullcount == 1 ? 0 : (long)c->pos;
}

/* Split @line into at most @max whitespace-separated words. */
static int split_words(char *line, char **w, int max)
{
	int n = 0;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			break;
		if (n == max)
			return max + 1;
		w[n++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
		if (*line)
			*line++ = '\0';
	}
	return n;
}

static bool valid_type(const char *t)
{
	return t[0] && !t[1] && strchr("tTdDrRbBaAnNcCvVwW", t[0]);
}

/**
 * klp_map_parse() - add the objects of a map in text form
 * @map: the map to extend
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @what: file name for messages
 *
 * Return: 0, or -1 after a message naming @what and the line.
 */
int klp_map_parse(struct klp_map *map, const char *buf, size_t len,
		  const char *what)
{
	struct klp_obj *obj = NULL;
	unsigned long lineno = 0;
	size_t off = 0;
	bool header = false;
	char *line = NULL;
	char *w[5];
	int ret = -1, n;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;

		lineno++;
		free(line);
		line = xmalloc(l + 1);
		memcpy(line, buf + off, l);
		line[l] = '\0';
		off += l + (nl ? 1 : 0);
		if (strlen(line) != l) {
			err_msg("%s:%lu: NUL byte in map", what, lineno);
			goto out;
		}
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '#')
			continue;
		n = split_words(line, w, 4);
		if (n == 0)
			continue;
		if (!header) {
			if (n != 2 || strcmp(w[0], KLP_MAP_MAGIC)) {
				err_msg("%s:%lu: not a klp symbol map (no \"%s %d\" line)",
					what, lineno, KLP_MAP_MAGIC,
					KLP_MAP_VERSION);
				goto out;
			}
			if (strcmp(w[1], "1")) {
				err_msg("%s:%lu: map format version %s, not %d",
					what, lineno, w[1], KLP_MAP_VERSION);
				goto out;
			}
			header = true;
			continue;
		}
		if (!strcmp(w[0], "object")) {
			if (n != 2) {
				err_msg("%s:%lu: \"object\" takes one name",
					what, lineno);
				goto out;
			}
			if (obj)
				klp_map_add(map, obj);
			obj = klp_obj_new(w[1]);
			continue;
		}
		if (n != 4 || !valid_type(w[0]) ||
		    (strcmp(w[1], "core") && strcmp(w[1], "init"))) {
			err_msg("%s:%lu: expected \"TYPE core|init NAME FILE\"",
				what, lineno);
			goto out;
		}
		if (!obj) {
			err_msg("%s:%lu: symbol before the first \"object\" line",
				what, lineno);
			goto out;
		}
		klp_obj_add(obj, w[2], w[3], w[0][0], !strcmp(w[1], "core"));
	}
	if (!header) {
		err_msg("%s: empty map", what);
		goto out;
	}
	if (obj)
		klp_map_add(map, obj);
	obj = NULL;
	ret = 0;
out:
	if (obj)
		klp_obj_free(obj);
	free(line);
	return ret;
}

/**
 * klp_map_read() - add the objects of a map file
 * @map: the map to extend
 * @path: the file
 *
 * Return: 0, or -1 after a message.
 */
int klp_map_read(struct klp_map *map, const char *path)
{
	size_t len;
	char *buf;
	int ret;

	buf = read_whole_file(path, &len);
	if (!buf)
		return -1;
	ret = klp_map_parse(map, buf, len, path);
	free(buf);
	return ret;
}

/**
 * klp_map_write() - write a map in text form
 * @map: the map
 * @path: output file, "-" for stdout
 *
 * Return: 0, or -1 after a message.
 */
int klp_map_write(const struct klp_map *map, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	size_t i, j;

	if (!f) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s %d\n", KLP_MAP_MAGIC, KLP_MAP_VERSION);
	fprintf(f, "# TYPE core|init NAME FILE, in kallsyms order per object\n");
	for (i = 0; i < map->nr; i++) {
		const struct klp_obj *obj = map->objs[i];

		fprintf(f, "object %s\n", obj->name);
		for (j = 0; j < obj->nr; j++)
			fprintf(f, "%c %s %s %s\n", obj->syms[j].type,
				obj->syms[j].core ? "core" : "init",
				obj->syms[j].name, obj->syms[j].file);
	}
	if (ferror(f) | (f != stdout ? fclose(f) : fflush(f))) {
		err_msg("%s: write error", path);
		return -1;
	}
	return 0;
}
