// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: the symbols of vmlinux or of a module, read with libelf, in
 * the order klp_find_object_symbol() counts them at run time:
 *
 *  - vmlinux: kallsyms_on_each_match_symbol() walks the definitions of a
 *    name in address order (scripts/kallsyms.c sorts equal names by
 *    address), so the definitions are sorted by address, ties kept in
 *    symbol table order;
 *  - a module: module_kallsyms_on_each_symbol() walks the module's symbol
 *    table in file order.  Before the module's init ran that is the whole
 *    table; afterwards only the "core" symbols (is_core_symbol(): defined,
 *    named, in an SHF_ALLOC section that is not an .init one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp-convert.h"

/**
 * klp_modinfo() - a value of a module's .modinfo section
 * @elf: the module
 * @key: the key, e.g. "name"
 *
 * Return: the value (inside @elf's data), or NULL.
 */
const char *klp_modinfo(Elf *elf, const char *key)
{
	size_t shstrndx, klen = strlen(key), off, l;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;
	const char *p, *name;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".modinfo"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		p = d->d_buf;
		for (off = 0; off < d->d_size; off += l + 1) {
			const char *nul = memchr(p + off, '\0', d->d_size - off);

			if (!nul)
				return NULL;
			l = nul - (p + off);
			if (l > klen && !strncmp(p + off, key, klen) &&
			    p[off + klen] == '=')
				return p + off + klen + 1;
		}
		return NULL;
	}
	return NULL;
}

/**
 * klp_modname_from_path() - KBUILD_MODNAME of a module file
 * @path: e.g. "drivers/foo/bar-baz.ko"
 *
 * Return: malloc()ed name ("bar_baz").
 */
char *klp_modname_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *dot, *p;

	name = xstrdup(base ? base + 1 : path);
	dot = strrchr(name, '.');
	if (dot && (!strcmp(dot, ".ko") || !strcmp(dot, ".o")))
		*dot = '\0';
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

/* A name that can be written in a map line and is worth writing. */
static bool usable_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || *p == '$' || !strncmp(s, ".L", 2))
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	return true;
}

static char *clean_file(const char *s)
{
	char *f = xstrdup(s && *s ? s : "-"), *p;

	for (p = f; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			*p = '?';
	return f;
}

static char type_letter(Elf *elf, const GElf_Sym *sym)
{
	int bind = GELF_ST_BIND(sym->st_info);
	GElf_Shdr sh;
	Elf_Scn *scn;
	char t;

	if (bind == STB_WEAK)
		return GELF_ST_TYPE(sym->st_info) == STT_OBJECT ? 'V' : 'W';
	scn = sym->st_shndx < SHN_LORESERVE ?
	      elf_getscn(elf, sym->st_shndx) : NULL;
	if (sym->st_shndx == SHN_ABS)
		t = 'a';
	else if (sym->st_shndx == SHN_COMMON)
		t = 'c';
	else if (!scn || !gelf_getshdr(scn, &sh) ||
		 !(sh.sh_flags & SHF_ALLOC))
		t = 'n';
	else if (sh.sh_flags & SHF_EXECINSTR)
		t = 't';
	else if (sh.sh_type == SHT_NOBITS)
		t = 'b';
	else if (sh.sh_flags & SHF_WRITE)
		t = 'd';
	else
		t = 'r';
	return bind == STB_LOCAL ? t : t - 'a' + 'A';
}

/* is_core_symbol() of kernel/module/kallsyms.c, for a module file. */
static bool module_core(Elf *elf, size_t shstrndx, size_t shnum,
			const GElf_Sym *sym)
{
	const char *secname;
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= shnum ||
	    !sym->st_name)
		return false;
	scn = elf_getscn(elf, sym->st_shndx);
	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
		return false;
	secname = elf_strptr(elf, shstrndx, sh.sh_name);
	/* module_init_layout_section() */
	return secname && strncmp(secname, ".init", 5);
}

struct vsym {
	GElf_Addr addr;
	size_t idx;
	char *name, *file;
	char type;
};

static int cmp_vsym(const void *a, const void *b)
{
	const struct vsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/**
 * klp_obj_from_mem() - add the object held by an ELF image to a map
 * @map: the map
 * @buf: the image (vmlinux: ET_EXEC; a module .ko or .o: ET_REL)
 * @len: its size
 * @path: file name, for messages and as fallback module name
 *
 * Livepatch modules (modinfo livepatch=Y) are skipped: they are never
 * the target of a livepatch relocation.
 *
 * Return: 0, or -1 after a message.
 */
int klp_obj_from_mem(struct klp_map *map, const void *buf, size_t len,
		     const char *path)
{
	size_t shstrndx, shnum, nsyms, i, nv = 0;
	Elf_Scn *scn = NULL, *symscn = NULL;
	struct vsym *v = NULL;
	struct klp_obj *obj = NULL;
	const char *file = NULL, *name, *lp;
	char *modname = NULL;
	bool vmlinux;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Data *d;
	GElf_Sym sym;
	Elf *elf;
	int ret = -1;

	elf = elf_memory((char *)buf, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &shnum)) {
		err_msg("%s: not an ELF object: %s", path, elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN && eh.e_type != ET_REL) {
		err_msg("%s: neither vmlinux nor a module", path);
		goto out;
	}
	vmlinux = eh.e_type != ET_REL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			if (symscn) {
				err_msg("%s: more than one symbol table", path);
				goto out;
			}
			symscn = scn;
		}
	}
	if (!symscn) {
		err_msg("%s: no symbol table", path);
		goto out;
	}
	if (!vmlinux) {
		lp = klp_modinfo(elf, "livepatch");
		if (lp && !strcmp(lp, "Y")) {
			ret = 0;
			goto out;
		}
		name = klp_modinfo(elf, "name");
		modname = name && usable_name(name) ? xstrdup(name) :
			  klp_modname_from_path(path);
	}
	obj = klp_obj_new(vmlinux ? "vmlinux" : modname);
	gelf_getshdr(symscn, &sh);
	d = elf_getdata(symscn, NULL);
	if (!d || !sh.sh_entsize) {
		err_msg("%s: unreadable symbol table", path);
		goto out;
	}
	nsyms = d->d_size / gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (vmlinux)
		v = xcalloc(nsyms, sizeof(*v));
	for (i = 1; i < nsyms; i++) {
		if (!gelf_getsym(d, i, &sym))
			break;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name) {
			err_msg("%s: symbol %zu has a bad name offset", path, i);
			goto out;
		}
		if (GELF_ST_TYPE(sym.st_info) == STT_FILE) {
			file = name;
			continue;
		}
		if (GELF_ST_TYPE(sym.st_info) == STT_SECTION ||
		    sym.st_shndx == SHN_UNDEF || !usable_name(name))
			continue;
		if (vmlinux) {
			/* scripts/mksysmap drops local absolute symbols */
			if (sym.st_shndx == SHN_ABS &&
			    GELF_ST_BIND(sym.st_info) == STB_LOCAL)
				continue;
			v[nv].addr = sym.st_value;
			v[nv].idx = i;
			v[nv].name = xstrdup(name);
			v[nv].file = clean_file(GELF_ST_BIND(sym.st_info) ==
						STB_LOCAL ? file : NULL);
			v[nv].type = type_letter(elf, &sym);
			nv++;
		} else {
			char *f = clean_file(GELF_ST_BIND(sym.st_info) ==
					     STB_LOCAL ? file : NULL);

			klp_obj_add(obj, name, f, type_letter(elf, &sym),
				    module_core(elf, shstrndx, shnum, &sym));
			free(f);
		}
	}
	if (vmlinux) {
		qsort(v, nv, sizeof(*v), cmp_vsym);
		for (i = 0; i < nv; i++)
			klp_obj_add(obj, v[i].name, v[i].file, v[i].type, true);
	}
	klp_map_add(map, obj);
	obj = NULL;
	ret = 0;
out:
	if (v) {
		for (i = 0; i < nv; i++) {
			free(v[i].name);
			free(v[i].file);
		}
		free(v);
	}
	if (obj)
		klp_obj_free(obj);
	free(modname);
	if (elf)
		elf_end(elf);
	return ret;
}

/**
 * klp_obj_from_elf() - add the object of an ELF file to a map
 * @map: the map
 * @path: vmlinux, a module .ko or a module .o
 *
 * Return: 0, or -1 after a message.
 */
int klp_obj_from_elf(struct klp_map *map, const char *path)
{
	size_t len;
	char *buf;
	int ret;

	buf = read_whole_file(path, &len);
	if (!buf)
		return -1;
	ret = klp_obj_from_mem(map, buf, len, path);
	free(buf);
	return ret;
}

/**
 * klp_is_livepatch_file() - does a module carry MODULE_INFO(livepatch, "Y")?
 * @path: the module
 *
 * Return: true if it does; false otherwise or if it cannot be read.
 */
bool klp_is_livepatch_file(const char *path)
{
	const char *lp;
	bool ret = false;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		lp = klp_modinfo(elf, "livepatch");
		ret = lp && !strcmp(lp, "Y");
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
