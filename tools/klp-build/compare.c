// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-diff: decide which functions changed and refuse changes that cannot
 * be live patched.
 *
 * A function or object is compared with its correlated original byte by
 * byte and relocation by relocation.  Relocations are equal when they have
 * the same offset, type and target, where a target is named by the
 * correlated symbol plus offset, and a target in a string or constant pool
 * by the bytes it points to (pool offsets move when other strings change).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-diff.h"
#include "jump_refuse_names.h"

static bool prefixed(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool kd_skip_section(const char *name)
{
	static const char * const skip[] = {
		".discard", ".modinfo", "__ksymtab", ".export_symbol",
		".comment", ".note", ".eh_frame", ".debug", ".BTF",
		".llvm", ".gnu", "__kcrctab", ".klp.",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (prefixed(name, skip[i]))
			return true;
	return false;
}

const char *kd_init_kind(const char *name)
{
	if (prefixed(name, ".init."))
		return "__init";
	if (prefixed(name, ".exit."))
		return "__exit";
	return NULL;
}

const char *kd_section_refusal(const char *name)
{
	static const char * const noinstr[] = {
		".noinstr.text", ".entry.text", ".idmap.text", ".hyp",
		".kprobes.text", ".head.text", ".cpuidle.text",
		".text.hot.noinstr", ".irqentry.text", ".softirqentry.text",
	};
	size_t i;

	if (prefixed(name, ".init."))
		return "changed __init code";
	if (prefixed(name, ".exit."))
		return "changed __exit code";
	for (i = 0; i < ARRAY_SIZE(noinstr); i++)
		if (prefixed(name, noinstr[i]))
			return "changed noinstr/entry code cannot be patched";
	return NULL;
}

/*
 * What the backend refuses to redirect in vmlinux by section and by name
 * (kernel/livepatch/jump_refuse.c, whose name lists are shared): a module
 * patching it would not load.  Return why, or NULL.
 */
static const char *vmlinux_refusal(const struct kdiff *d, const struct ksym *s)
{
	static const char * const prefixes[] = { KLP_JUMP_SWITCH_PREFIXES };
	static const char * const switch_code[] = { KLP_JUMP_SWITCH_CODE };
	static const char * const nmi_code[] = { KLP_JUMP_NMI_CODE };
	static const char sw[] =
		"changed, but the live patching switch runs it itself (not patchable)";
	static const char nmi[] =
		"changed NMI handler: stop_machine does not stop it (not patchable)";
	size_t i;

	if (strcmp(d->objname, "vmlinux"))
		return NULL;
	if (prefixed(s->sec->name, ".sched.text"))
		return "changed __sched text, where every sleeping task is (not patchable)";
	if (prefixed(s->sec->name, ".spinlock.text"))
		return "changed lock text, which the live patching switch runs (not patchable)";
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (prefixed(s->name, prefixes[i]))
			return sw;
	for (i = 0; i < ARRAY_SIZE(switch_code); i++)
		if (!strcmp(s->name, switch_code[i]))
			return sw;
	for (i = 0; i < ARRAY_SIZE(nmi_code); i++)
		if (!strcmp(s->name, nmi_code[i]))
			return nmi;
	return NULL;
}

void kd_problem(struct kdiff *d, const struct kelf *k, const char *name,
		const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "klp-diff: %s: '%s': ", k->file, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	d->errors++;
}

static bool is_pool(const struct ksec *sec)
{
	return (sec->sh.sh_flags & SHF_MERGE) ||
	       prefixed(sec->name, ".rodata.str") ||
	       prefixed(sec->name, ".rodata.cst");
}

/* Compare the bytes at two places of merged string or constant pools. */
static bool pool_equal(const struct ktarget *a, const struct ktarget *b)
{
	const struct ksec *sa = a->sec, *sb = b->sec;
	uint64_t n;

	if (!sa->data || !sb->data || a->off < 0 || b->off < 0 ||
	    (uint64_t)a->off >= sa->sh.sh_size ||
	    (uint64_t)b->off >= sb->sh.sh_size)
		return a->off == b->off && sa->sh.sh_size == sb->sh.sh_size;
	if (sa->sh.sh_flags & SHF_STRINGS) {
		const char *x = (const char *)sa->data + a->off;
		const char *y = (const char *)sb->data + b->off;
		size_t lx = strnlen(x, sa->sh.sh_size - a->off);
		size_t ly = strnlen(y, sb->sh.sh_size - b->off);

		return kd_counter_equal((const unsigned char *)x, lx,
					(const unsigned char *)y, ly);
	}
	n = sa->sh.sh_entsize ? sa->sh.sh_entsize : 1;
	if (a->off + n > sa->sh.sh_size || b->off + n > sb->sh.sh_size)
		return false;
	return !memcmp(sa->data + a->off, sb->data + b->off, n);
}

#define UNIQUE_ID	"__UNIQUE_ID_"

static bool is_ident(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* Length of the name at @s (at most @n bytes) without trailing digits. */
static size_t stem_len(const unsigned char *s, size_t n, size_t *end)
{
	size_t e = 0, l;

	while (e < n && is_ident(s[e]))
		e++;
	for (l = e; l > strlen(UNIQUE_ID) && isdigit(s[l - 1]); l--)
		;
	*end = e;
	return l;
}

size_t kd_counter_stem(const char *name)
{
	size_t end;

	if (!prefixed(name, UNIQUE_ID))
		return 0;
	return stem_len((const unsigned char *)name, strlen(name), &end);
}

bool kd_counter_equal(const unsigned char *a, size_t la,
		      const unsigned char *b, size_t lb)
{
	const size_t lu = strlen(UNIQUE_ID);
	size_t i = 0, j = 0, ei, ej, si, sj;

	while (i < la && j < lb) {
		if (la - i > lu && lb - j > lu &&
		    !memcmp(a + i, UNIQUE_ID, lu) && !memcmp(b + j, UNIQUE_ID, lu)) {
			si = stem_len(a + i, la - i, &ei);
			sj = stem_len(b + j, lb - j, &ej);
			if (si != sj || memcmp(a + i, b + j, si))
				return false;
			i += ei;
			j += ej;
			continue;
		}
		if (a[i++] != b[j++])
			return false;
	}
	return i == la && j == lb;
}

/* A defined label (not a function or object) is a place in its section. */
static void unlabel(const struct ktarget *in, struct ktarget *out)
{
	*out = *in;
	if (in->sym && in->sym->sec && !kelf_is_func_or_object(in->sym)) {
		out->off += in->sym->s.st_value;
		out->sym = NULL;
	}
}

bool kd_target_equal(const struct ktarget *pa, const struct ktarget *pb)
{
	struct ktarget ta, tb, *a = &ta, *b = &tb;

	unlabel(pa, &ta);
	unlabel(pb, &tb);
	if (a->sym && b->sym) {
		if (a->off != b->off)
			return false;
		if (a->sym->sec && a->sym->twin)
			return a->sym->twin == b->sym;
		/* only init code could refer to it before it moved */
		if (a->sym->moved)
			return a->sym->moved == b->sym;
		return !a->sym->sec && !b->sym->sec &&
		       !strcmp(a->sym->name, b->sym->name);
	}
	if (a->sym || b->sym || !a->sec || !b->sec)
		return false;
	if (is_pool(a->sec) && is_pool(b->sec))
		return pool_equal(a, b);
	if (strcmp(a->sec->name, b->sec->name) || a->off != b->off ||
	    a->sec->sh.sh_size != b->sec->sh.sh_size)
		return false;
	return !a->sec->data || !b->sec->data ||
	       !memcmp(a->sec->data, b->sec->data, a->sec->sh.sh_size);
}

#define R_CALL26	283	/* R_AARCH64_CALL26 */
#define R_JUMP26	282	/* R_AARCH64_JUMP26 */

static uint32_t insn_at(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * A call of @p to a function that left the init section @o shares with it:
 * in @o the assembler resolved the call in place (no relocation), in @p it
 * has one.  Return true if @r of @p is such a call to the same function.
 */
static bool moved_call(const struct ksym *p, const struct ksym *o,
		       const struct krela *r, const struct krela *ro,
		       size_t no)
{
	uint64_t off = r->off - p->s.st_value, i;
	const struct ksym *was;
	struct ktarget t;
	uint32_t a, b;
	int64_t dest;

	if ((r->type != R_CALL26 && r->type != R_JUMP26) || !p->sec->data ||
	    !o->sec->data || off + 4 > o->s.st_size)
		return false;
	kelf_resolve(r, &t);
	was = t.sym ? t.sym->moved : NULL;
	if (!was || t.off || was->sec != o->sec)
		return false;
	for (i = 0; i < no; i++)
		if (ro[i].off - o->s.st_value == off)
			return false;
	a = insn_at(p->sec->data + r->off);
	b = insn_at(o->sec->data + o->s.st_value + off);
	if ((a & 0xfc000000) != (b & 0xfc000000))
		return false;
	/* sign-extended imm26, in instructions */
	dest = (int64_t)((uint64_t)(b & 0x03ffffff) << 38) >> 36;
	return o->s.st_value + off + dest == was->s.st_value;
}

bool kd_is_dyndbg(const struct ksym *s)
{
	return s->sec && !strcmp(s->sec->name, "__dyndbg");
}

/*
 * Offset in @s of a source file name that is not compared, or -1: the
 * filename of a dynamic debug descriptor (struct _ddebug: modname,
 * function, filename, format, ...).  klp-build compiles the patched
 * source from another path; the file is named by the function anyway.
 */
static uint64_t file_field(const struct ksym *s)
{
	return kd_is_dyndbg(s) ? 2 * sizeof(uint64_t) : (uint64_t)-1;
}

/* Objects without relocations whose bytes differ in __COUNTER__ only. */
static bool counter_only(const struct ksym *p, const struct ksym *o)
{
	size_t np, no;

	if (GELF_ST_TYPE(p->s.st_info) != STT_OBJECT ||
	    !p->sec->data || !o->sec->data)
		return false;
	kelf_relas_in(p->sec, p->s.st_value, p->s.st_value + p->s.st_size, &np);
	kelf_relas_in(o->sec, o->s.st_value, o->s.st_value + o->s.st_size, &no);
	return !np && !no &&
	       kd_counter_equal(p->sec->data + p->s.st_value, p->s.st_size,
				o->sec->data + o->s.st_value, o->s.st_size);
}

/*
 * Compare @p (patched) with @o (original).  Return -1 if equal, else the
 * first offset that differs, with @what saying why.
 */
static int64_t sym_diff(const struct ksym *p, const struct ksym *o,
			const char **what)
{
	uint64_t size = p->s.st_size, i, j;
	struct krela *rp, *ro;
	size_t np, no, nskip = 0;
	bool *skip;
	int64_t ret = -1;

	*what = "bytes";
	if (counter_only(p, o))
		return -1;
	if (p->s.st_size != o->s.st_size) {
		*what = "size";
		return p->s.st_size < o->s.st_size ? p->s.st_size :
						      o->s.st_size;
	}
	if (!p->sec->data != !o->sec->data)
		return 0;
	rp = kelf_relas_in(p->sec, p->s.st_value, p->s.st_value + size, &np);
	ro = kelf_relas_in(o->sec, o->s.st_value, o->s.st_value + size, &no);
	skip = xcalloc(np + 1, sizeof(*skip));
	for (i = 0; i < np; i++) {
		skip[i] = moved_call(p, o, &rp[i], ro, no);
		nskip += skip[i];
	}
	if (p->sec->data) {
		const unsigned char *a = p->sec->data + p->s.st_value;
		const unsigned char *b = o->sec->data + o->s.st_value;

		for (i = 0, j = 0; i < size && ret < 0; i++) {
			while (j < np &&
			       (!skip[j] || rp[j].off - p->s.st_value + 4 <= i))
				j++;
			if (j < np && rp[j].off - p->s.st_value <= i)
				continue;
			if (a[i] != b[i])
				ret = i;
		}
	}
	if (ret >= 0)
		goto out;
	*what = "relocation";
	for (i = 0, j = 0; i < np && j < no; i++, j++) {
		struct ktarget ta, tb;

		if (skip[i]) {
			j--;
			continue;
		}
		ret = rp[i].off - p->s.st_value;
		if (rp[i].off - p->s.st_value != ro[j].off - o->s.st_value ||
		    rp[i].type != ro[j].type)
			goto out;
		if (rp[i].off - p->s.st_value == file_field(p))
			continue;
		kelf_resolve(&rp[i], &ta);
		kelf_resolve(&ro[j], &tb);
		if (!kd_target_equal(&ta, &tb))
			goto out;
	}
	while (i < np && skip[i])
		i++;
	ret = -1;
	if (i < np)
		ret = rp[i].off - p->s.st_value;
	else if (j < no)
		ret = ro[j].off - o->s.st_value;
out:
	free(skip);
	return ret;
}

bool kd_same_content(const struct ksym *p, const struct ksym *o)
{
	const char *what;

	return sym_diff(p, o, &what) < 0;
}

/* The part of a section name that does not come from the symbol name. */
static size_t sec_kind_len(const struct ksym *s)
{
	size_t ln = strlen(s->sec->name), ls = strlen(s->name);

	if (ln > ls + 1 && s->sec->name[ln - ls - 1] == '.' &&
	    !strcmp(s->sec->name + ln - ls, s->name))
		return ln - ls - 1;
	return ln;
}

static bool data_moved(const struct ksym *p, const struct ksym *o)
{
	size_t lp = sec_kind_len(p), lo = sec_kind_len(o);
	uint64_t mask = SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR;

	return lp != lo || strncmp(p->sec->name, o->sec->name, lp) ||
	       p->sec->sh.sh_type != o->sec->sh.sh_type ||
	       (p->sec->sh.sh_flags & mask) != (o->sec->sh.sh_flags & mask);
}

/*
 * Whether the definition of global @o that the kernel uses is another one
 * than the __weak default @o: vmlinux (or the module) keeps a strong
 * definition of the name, and no weak one.
 */
static bool weak_overridden(struct kdiff *d, const struct ksym *o)
{
	bool weak = false, strong = false;
	struct klp_cand *c;
	size_t n, i;

	n = klp_map_lookup(&d->map, o->name, d->objname, &c);
	for (i = 0; i < n; i++) {
		char t = c[i].sym->type;

		if (!c[i].sym->core || !isupper((unsigned char)t))
			continue;
		if (t == 'W' || t == 'V')
			weak = true;
		else
			strong = true;
	}
	free(c);
	return strong && !weak;
}

/* Code outside .init.* and .exit.* */
static bool runtime_code(const struct ksec *sec)
{
	return (sec->sh.sh_flags & SHF_EXECINSTR) && !kd_init_kind(sec->name) &&
	       !kd_skip_section(sec->name);
}

/* Whether code outside .init.* and .exit.* of @k refers to @s. */
static bool used_at_runtime(const struct kelf *k, const struct ksym *s)
{
	return kelf_referenced(k, s, runtime_code);
}

/*
 * A function of the patched object @k that __init/__exit function @f
 * refers to and that was __init/__exit code of the running kernel: one
 * that left .init.* or .exit.*, or a new one (GCC had inlined it into its
 * callers) that code outside those sections calls now.  NULL if none.
 */
static const struct ksym *uses_moved(const struct kelf *k,
				     const struct ksym *f)
{
	struct krela *r;
	size_t n, i;

	r = kelf_relas_in(f->sec, f->s.st_value, f->s.st_value + f->s.st_size,
			  &n);
	for (i = 0; i < n; i++) {
		struct ktarget t;

		kelf_resolve(&r[i], &t);
		if (!t.sym || !t.sym->sec || kd_init_kind(t.sym->sec->name) ||
		    GELF_ST_TYPE(t.sym->s.st_info) != STT_FUNC)
			continue;
		if (t.sym->moved ||
		    (!t.sym->twin && used_at_runtime(k, t.sym)))
			return t.sym;
	}
	return NULL;
}

static void compare_func(struct kdiff *d, struct ksym *p)
{
	const char *what, *refusal;
	const struct ksym *moved;
	int64_t off;

	if (!p->twin) {
		p->status = KD_NEW;
		if (d->verbose)
			err_msg("%s: '%s': new function", d->patched->file,
				p->name);
		return;
	}
	off = sym_diff(p, p->twin, &what);
	if (off < 0) {
		what = kd_special_differs(d, p, p->twin);
		if (what)
			off = 0;
	}
	p->status = off < 0 ? KD_SAME : KD_CHANGED;
	if (off < 0)
		return;
	refusal = kd_section_refusal(p->sec->name);
	if (!refusal)
		refusal = kd_section_refusal(p->twin->sec->name);
	moved = refusal && kd_init_kind(p->sec->name) ?
		uses_moved(d->patched, p) : NULL;
	if (moved) {
		/* it ran at boot: the fix is for the helper's other callers */
		p->status = KD_SAME;
		fprintf(stderr,
			"klp-diff: %s: '%s': %s code changed with '%s' leaving its section: not patched, it ran at boot\n",
			d->patched->file, p->name, kd_init_kind(p->sec->name),
			moved->name);
		return;
	}
	if (refusal && kd_init_kind(p->sec->name) &&
	    kd_init_kind(p->twin->sec->name) && !strcmp(d->objname, "vmlinux")) {
		/* vmlinux ran it at boot (or discarded it): see kd_boot_only() */
		p->status = KD_SAME;
		if (!d->boot_only++)
			d->boot_first = p;
		return;
	}
	if (!refusal)
		refusal = vmlinux_refusal(d, p);
	if (!refusal)
		refusal = vmlinux_refusal(d, p->twin);
	if (refusal) {
		kd_problem(d, d->patched, p->name, "%s", refusal);
		return;
	}
	if (GELF_ST_BIND(p->twin->s.st_info) == STB_WEAK &&
	    weak_overridden(d, p->twin)) {
		/* the override runs: redirecting it would run this body */
		p->status = KD_SAME;
		fprintf(stderr,
			"klp-diff: %s: '%s': weak default not used by the kernel (%s keeps another definition): nothing to patch\n",
			d->patched->file, p->name, d->objname);
		return;
	}
	if (d->first)
		fprintf(stderr, "klp-diff: %s: '%s': first change at +0x%llx (%s)\n",
			d->patched->file, p->name, (unsigned long long)off,
			what);
	if (d->verbose)
		err_msg("%s: '%s': changed function", d->patched->file,
			p->name);
}

static bool is_local(const struct ksym *s)
{
	return GELF_ST_BIND(s->s.st_info) == STB_LOCAL;
}

static bool plain_rodata(const struct ksym *s)
{
	const struct ksec *sec = s->sec;
	struct ktarget t;
	struct krela *r;
	size_t n, i;

	if (!prefixed(sec->name, ".rodata") || is_pool(sec) ||
	    (sec->sh.sh_flags & (SHF_WRITE | SHF_EXECINSTR)) ||
	    !(sec->sh.sh_flags & SHF_ALLOC))
		return false;
	r = kelf_relas_in(sec, s->s.st_value, s->s.st_value + s->s.st_size,
			  &n);
	for (i = 0; i < n; i++) {
		kelf_resolve(&r[i], &t);
		if ((t.sym && kelf_is_func_or_object(t.sym)) || !t.sec ||
		    !is_pool(t.sec))
			return false;
	}
	return true;
}

/*
 * A changed local read-only table of constants (and of pointers to string
 * or constant pool entries) is new data: the functions of the object using
 * it then refer to another symbol, so they change and are patched with it,
 * and unpatched code keeps reading the old copy.  Tables with other
 * pointers may be compared by address (operations structures): refused.
 */
static void carry_rodata(struct kdiff *d)
{
	struct kelf *k = d->patched;
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *p = &k->syms[i], *o = p->twin;

		if (!o || !p->sec || !o->sec ||
		    GELF_ST_TYPE(p->s.st_info) != STT_OBJECT ||
		    !is_local(p) || !is_local(o) || !plain_rodata(p) ||
		    !plain_rodata(o) || data_moved(p, o) ||
		    kd_same_content(p, o))
			continue;
		fprintf(stderr,
			"klp-diff: %s: '%s': changed read-only table: carried as new data, with the functions using it\n",
			d->patched->file, p->name);
		o->twin = NULL;
		p->twin = NULL;
	}
}

static void compare_data(struct kdiff *d, struct ksym *p)
{
	const char *what;

	if (!p->twin) {
		p->status = KD_NEW;
		if (d->verbose)
			err_msg("%s: '%s': new data", d->patched->file,
				p->name);
		return;
	}
	if (!data_moved(p, p->twin) && sym_diff(p, p->twin, &what) < 0) {
		p->status = KD_SAME;
		return;
	}
	p->status = KD_CHANGED;
	kd_problem(d, d->patched, p->name,
		   "changed data (initializer, size or section of existing data); keep data unchanged and use shadow variables");
}

/* foo.cold / foo.cold.N is part of foo: they change together. */
static void couple_cold(struct kdiff *d)
{
	struct kelf *k = d->patched;
	size_t i, j;

	for (i = 0; i < k->nsyms; i++) {
		struct ksym *c = &k->syms[i];
		const char *dot = strstr(c->name, ".cold");
		size_t len;

		if (!dot || GELF_ST_TYPE(c->s.st_info) != STT_FUNC ||
		    !c->sec)
			continue;
		c->cold = true;
		len = dot - c->name;
		for (j = 0; j < k->nsyms; j++) {
			struct ksym *f = &k->syms[j];

			if (f == c || GELF_ST_TYPE(f->s.st_info) != STT_FUNC ||
			    strncmp(f->name, c->name, len) || f->name[len])
				continue;
			if (c->status == KD_CHANGED || c->status == KD_NEW)
				f->status = f->twin ? KD_CHANGED : KD_NEW;
			if (f->status == KD_CHANGED || f->status == KD_NEW)
				c->status = c->twin ? KD_CHANGED : KD_NEW;
		}
	}
}

/* Weak and global definitions link differently: refuse a change of one. */
static bool bind_changed(struct kdiff *d, struct ksym *p)
{
	int bp = GELF_ST_BIND(p->s.st_info);
	int bo = GELF_ST_BIND(p->twin->s.st_info);

	if (bp == bo || (bp != STB_WEAK && bo != STB_WEAK))
		return false;
	p->status = KD_CHANGED;
	kd_problem(d, d->patched, p->name, "binding changed from %s to %s",
		   bo == STB_WEAK ? "weak" : bo == STB_LOCAL ? "local" : "global",
		   bp == STB_WEAK ? "weak" : bp == STB_LOCAL ? "local" : "global");
	return true;
}

void kd_compare(struct kdiff *d)
{
	struct kelf *k = d->patched;
	size_t i;

	carry_rodata(d);
	for (i = 0; i < k->nsyms; i++) {
		struct ksym *p = &k->syms[i];

		if (!kelf_is_func_or_object(p) || kd_skip_section(p->sec->name))
			continue;
		if (p->twin && bind_changed(d, p))
			continue;
		if (GELF_ST_TYPE(p->s.st_info) == STT_FUNC)
			compare_func(d, p);
		else
			compare_data(d, p);
	}
	couple_cold(d);
}

int kd_boot_only(struct kdiff *d, bool useful)
{
	const struct ksym *f = d->boot_first;
	const char *kind;

	if (!f)
		return useful ? KD_EXIT_OK : KD_EXIT_NOCHANGE;
	kind = kd_init_kind(f->sec->name);
	if (useful) {
		/* the other changes may rely on what the new boot code does */
		kd_problem(d, d->patched, f->name,
			   "changed %s code (%zu function(s)) with other changes: refused, the running kernel keeps what the old one did",
			   kind, d->boot_only);
		return KD_EXIT_ERROR;
	}
	fprintf(stderr,
		"klp-diff: %s: '%s': changed %s code only (%zu function(s)): vmlinux %s; nothing to patch in a running kernel\n",
		d->patched->file, f->name, kind, d->boot_only,
		strcmp(kind, "__init") ? "never runs it" :
		"ran it at boot and freed it");
	return KD_EXIT_BOOT_ONLY;
}
