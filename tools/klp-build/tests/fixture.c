// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture of harness/host-tests/klp-diff.sh: built once as the original
 * and once per -DV_<CASE> as the patched object.  No kernel headers.
 */
int ext_call(int x);
void ext_print(const char *s);

/* the file name of a bug entry: the patched source has another path */
#ifdef V_BUGFILE
#define BUG_FILE_X "patched/fixture.c"
#else
#define BUG_FILE_X "fixture.c"
#endif

#define WARN_ON_X(c)							\
	do {								\
		if (c)							\
			asm volatile("1: brk 0x800\n"			\
				".pushsection __bug_table,\"aw\"\n"	\
				".align 2\n"				\
				".long 1b - .\n"			\
				".long 2f - .\n"			\
				".short %c0\n"				\
				".short 0\n"				\
				".popsection\n"				\
				".pushsection .rodata.str1.1,\"aMS\",@progbits,1\n" \
				"2: .string \"" BUG_FILE_X "\"\n"	\
				".popsection\n" : : "i" (__LINE__));	\
	} while (0)

#ifdef V_SHIFT


/* three more lines before everything */
#endif

/*
 * Dynamic debug descriptors as pr_debug() makes them: named after
 * __COUNTER__, in the shared section __dyndbg.
 */
struct fdd {
	const char *modname, *function, *filename, *format;
	unsigned int lineno, flags;
};

void ext_dbg(const struct fdd *dd, int v);

#ifdef V_DDFILE
#define DD_FILE_X	"patched/fixture.c"
#else
#define DD_FILE_X	"fixture.c"
#endif

#define FDD_CAT2(a, b)	a##b
#define FDD_CAT(a, b)	FDD_CAT2(a, b)
#define PR_DEBUG_ID(id, fmt, v)						\
	do {								\
		static struct fdd __attribute__((used, aligned(8),	\
			section("__dyndbg"))) id = {			\
			"fixture", __func__, DD_FILE_X, fmt, __LINE__, 0 }; \
		ext_dbg(&id, v);					\
	} while (0)
#define PR_DEBUG_X(fmt, v)						\
	PR_DEBUG_ID(FDD_CAT(__UNIQUE_ID_ddebug, __COUNTER__), fmt, v)

int dbg_check(int v)
{
#ifdef V_DDEBUGADD
	PR_DEBUG_X("a new debug line %d\n", v);
#endif
#ifdef V_DDEBUG
	PR_DEBUG_X("value is %d\n", v);
#else
	PR_DEBUG_X("value %d\n", v);
#endif
	return v + 5;
}

int dbg_other(int v)
{
	PR_DEBUG_X("other %d\n", v);
	return v + 6;
}

__attribute__((section(".init.text"))) int dbg_init(int v)
{
	PR_DEBUG_X("init %d\n", v);
	return v + 7;
}

#ifdef V_DATA
int table[4] = { 1, 2, 3, 5 };
#else
int table[4] = { 1, 2, 3, 4 };
#endif

static int counter;

static __attribute__((noinline)) int scale(int v, int factor)
{
#ifdef V_CLONE
	return v * factor + counter - 1;
#else
	return v * factor + counter;
#endif
}

int use_scale(int v)
{
	return scale(v, 7) + scale(v + 1, 7);
}

#ifdef V_NEW
static int extra[8];

static __attribute__((noinline)) int new_helper(int v)
{
	extra[v & 7]++;
	return extra[v & 7];
}
#endif

#ifdef V_MODEXP
/* exported by another module (a fix of a module that uses it) */
int mod_exported(int v);
#endif

int compute(int v)
{
	WARN_ON_X(v < 0);
#ifdef V_FUNC
	return ext_call(v) * 3 + table[v & 3];
#elif defined(V_NEW)
	return ext_call(v) * 2 + table[v & 3] + new_helper(v);
#elif defined(V_MODEXP)
	return ext_call(v) * 2 + table[v & 3] + mod_exported(v);
#else
	return ext_call(v) * 2 + table[v & 3];
#endif
}

void say(void)
{
#ifdef V_STRING
	ext_print("hello, patched world");
#else
	ext_print("hello, world");
#endif
}

int tick(void)
{
	static int calls;

#ifdef V_LOCAL
	calls += 2;
#else
	calls++;
#endif
	return calls + counter;
}

#ifdef V_LOCAL
/* a new static local of the same name, which GCC numbers before tick()'s */
int tock(void)
{
	static int calls;

	return ++calls;
}
#endif

/*
 * Variables sharing one explicitly named section (as __read_mostly does):
 * the assembler turns references to them into section symbol + offset.
 */
#define RM __attribute__((section(".data..read_mostly")))

#ifdef V_RM
static int rm_new RM = 3;
#endif
static int rm_old RM = 5;

int rm_get(int v)
{
#ifdef V_RM
	rm_new += v;
	return rm_old + rm_new;
#else
	return rm_old + v;
#endif
}

int rm_keep(void)
{
#ifdef V_RMGAP
	long *p;

	/* a local label: the reference is the section symbol + offset */
	asm(".pushsection .data..read_mostly, \"aw\"\n"
	    ".balign 8\n"
	    "1: .quad 7\n"
	    ".popsection\n"
	    "adrp %0, 1b\n"
	    "add %0, %0, :lo12:1b" : "=r" (p));
	return rm_old + *p;
#else
	return rm_old;
#endif
}

__attribute__((section(".init.text"))) int fixture_init(void)
{
#ifdef V_INIT
	return ext_call(2);
#else
	return ext_call(1);
#endif
}

/*
 * A helper that was __init in the running kernel and is not any more
 * (the fix drops __init and calls it from init_user()): its bytes are the
 * same, but the running kernel's copy was freed after boot.
 */
#ifdef V_INITMOVE
static __attribute__((noinline)) int init_helper(int v)
#else
static __attribute__((noinline, section(".init.text"))) int init_helper(int v)
#endif
{
	return ext_call(v + 40);
}

__attribute__((section(".init.text"))) int fixture_init2(int v)
{
	return init_helper(v);
}

int init_user(int v)
{
#if defined(V_INITMOVE) || defined(V_INITREF)
	return init_helper(v) + 1;
#else
	return v + 1;
#endif
}

/*
 * __weak defaults: the symbol map says vmlinux kept weak_used (W) and a
 * strong definition of weak_override from another file (T).
 */
__attribute__((weak)) int weak_override(int v)
{
#ifdef V_WEAK
	return v + 2;
#else
	return v + 1;
#endif
}

#ifdef V_WEAKBIND
int weak_used(int v)
#else
__attribute__((weak)) int weak_used(int v)
#endif
{
#if defined(V_WEAK) || defined(V_WEAKBIND)
	return v * 3;
#else
	return v * 2;
#endif
}

/* WARN_ON_ONCE -> WARN_ON: only the flags of the __bug_table entry change */
#define WARN_FLAGS_X(c, flags)						\
	do {								\
		if (c)							\
			asm volatile("1: brk 0x800\n"			\
				".pushsection __bug_table,\"aw\"\n"	\
				".align 2\n"				\
				".long 1b - .\n"			\
				".long 2f - .\n"			\
				".short %c0\n"				\
				".short %c1\n"				\
				".popsection\n"				\
				".pushsection .rodata.str1.1,\"aMS\",@progbits,1\n" \
				"2: .string \"fixture.c\"\n"		\
				".popsection\n"				\
				: : "i" (__LINE__), "i" (flags));	\
	} while (0)

int warn_check(int v)
{
#ifdef V_BUGFLAGS
	WARN_FLAGS_X(v > 100, 0);
#else
	WARN_FLAGS_X(v > 100, 1);
#endif
	return v - 1;
}

/* a static key test whose jump label entry's branch bit changes */
struct fkey { int enabled; };
struct fkey fixture_key;

int key_check(int v)
{
	asm goto("1: nop\n"
		 ".pushsection __jump_table, \"aw\"\n"
		 ".align 3\n"
		 ".long 1b - ., %l[l_yes] - .\n"
#ifdef V_JUMPBIT
		 ".quad fixture_key - . + 1\n"
#else
		 ".quad fixture_key - .\n"
#endif
		 ".popsection\n"
		 : : : : l_yes);
	return v;
l_yes:
	return v + 9;
}

/*
 * pr_warn_once() as the kernel expands it: a new one inserted before the
 * existing one of the same function must get a fresh flag, and the old
 * one must keep the running kernel's.
 */
#define ONCE_X(msg)							\
	({								\
		static int __already_done;				\
		if (!__already_done) {					\
			__already_done = 1;				\
			ext_print(msg);					\
		}							\
	})

void once_check(int v)
{
#ifdef V_ONCE
	if (v > 5)
		ONCE_X("a new warning");
#endif
	if (v > 10)
		ONCE_X("the old warning");
	ext_call(v);
}

/*
 * The same with a helper GCC inlined into its only (__init) caller: once
 * it lost __init and got another caller, the __init caller calls it.
 */
#ifdef V_INITINLINE
static __attribute__((noinline)) int init_small(int v)
#else
static __attribute__((section(".init.text"))) int init_small(int v)
#endif
{
	return ext_call(v * 5) + 3;
}

__attribute__((section(".init.text"))) int fixture_init3(int v)
{
	return init_small(v) + 1;
}

int init_user2(int v)
{
#ifdef V_INITINLINE
	return init_small(v) + 2;
#else
	return v + 2;
#endif
}

/*
 * A capability test as arm64's alternative_has_cap_likely() expands it:
 * its .altinstructions entry names a callback (alt_len 0), not replacement
 * code.  Unchanged in every case: never a changed function.
 */
void ext_alt_cb(void);

int cap_check(int v)
{
	asm goto("661: b %l[l_no]\n"
		 "662:\n"
		 ".pushsection .altinstructions, \"a\"\n"
		 ".word 661b - .\n"
		 ".word ext_alt_cb - .\n"
		 ".hword 0x8000 | 5\n"
		 ".byte 662b - 661b\n"
		 ".byte 0\n"
		 ".popsection\n"
		 : : : : l_no);
	return v + 1;
l_no:
	return v;
}

/*
 * A quirk table (constants and string pointers) and an operations table
 * (a function pointer): a changed entry leaves the code using them as it
 * was; only the first can be carried as new data.
 */
struct quirk {
	unsigned short id;
	unsigned short flags;
	const char *name;
};

int ext_match(const struct quirk *q, int n, int id);

static const struct quirk quirks[] = {
	{ 0x10, 1, "alpha" },
	{ 0x11, 2, "beta" },
#ifdef V_RODATA
	{ 0x12, 6, "gamma, fixed" },
#else
	{ 0x12, 4, "gamma" },
#endif
	{ 0x13, 8, "delta" },
};

int quirk_of(int id)
{
	return ext_match(quirks, 4, id);
}

struct fix_ops {
	int (*fn)(int x);
	int flag;
};

int ext_ops(const struct fix_ops *ops, int v);

static const struct fix_ops fix_ops = {
	.fn = ext_call,
#ifdef V_RODATAOPS
	.flag = 2,
#else
	.flag = 1,
#endif
};

int ops_user(int v)
{
	return ext_ops(&fix_ops, v);
}

/*
 * Names made with __COUNTER__ (__UNIQUE_ID(), as OF_EARLYCON_DECLARE()
 * names its table entries) and a string that spells such names (a trace
 * event's print_fmt of min()): a header that now uses __COUNTER__ moves
 * every number after it, and nothing else changes.
 */
#define FX_CAT2(a, b)	a##b
#define FX_CAT(a, b)	FX_CAT2(a, b)
#define FX_UNIQUE(p)	FX_CAT(__UNIQUE_ID_, FX_CAT(p, __COUNTER__))
#define FX_STR2(x)	#x
#define FX_STR(x)	FX_STR2(x)
#define FX_C2		(__COUNTER__ + __COUNTER__)
#define FX_C10		(FX_C2 + FX_C2 + FX_C2 + FX_C2 + FX_C2)

#if defined(V_COUNTER) || defined(V_COUNTERMOVED)
enum { fx_counter_used = FX_C10 };
#endif

struct fx_entry {
	char name[8];
	int (*setup)(int x);
};

static int fx_setup(int x)
{
	return ext_call(x) + 3;
}

#define FX_ENTRY(nm)							\
	static const struct fx_entry FX_UNIQUE(__fx_tbl)		\
	__attribute__((used, aligned(8), section("__fx_table"))) =	\
	{ nm, fx_setup }

FX_ENTRY("one");
#if defined(V_COUNTERDATA) || defined(V_COUNTERMOVED)
FX_ENTRY("two, b");
#else
FX_ENTRY("two");
#endif

static const char fx_fmt[] = FX_STR(FX_UNIQUE(x_) < FX_UNIQUE(y_));

/*
 * Parameters (core_param()): entries of a table the kernel walks; one
 * removed, one added, nothing refers to either.
 */
struct fx_param {
	const char *name;
	int *arg;
};

static int fx_arg_a, fx_arg_b, fx_arg_c;

#define FX_PARAM(nm)							\
	static const struct fx_param __fx_param_##nm			\
	__attribute__((used, aligned(8), section("__param"))) =		\
	{ #nm, &fx_arg_##nm }

FX_PARAM(a);
#ifndef V_TABLEDEL
FX_PARAM(b);
#endif
#ifdef V_TABLEADD
FX_PARAM(c);
#endif

int fx_fmt_at(int i)
{
	return fx_fmt[i & 15];
}

/*
 * Functions the backend refuses to redirect in vmlinux: named like the
 * livepatch core (klp_*), and in the scheduler's text (__sched).
 */
int klp_fixture_switch(int x)
{
#ifdef V_SWITCHCODE
	return ext_call(x) + 2;
#else
	return ext_call(x) + 1;
#endif
}

__attribute__((section(".sched.text"))) int fixture_sched(int x)
{
#ifdef V_SCHEDTEXT
	return ext_call(x) * 3;
#else
	return ext_call(x) * 2;
#endif
}
