// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture of harness/host-tests/klp-diff.sh: built once as the original
 * and once per -DV_<CASE> as the patched object.  No kernel headers.
 */
int ext_call(int x);
void ext_print(const char *s);

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
				"2: .string \"fixture.c\"\n"		\
				".popsection\n" : : "i" (__LINE__));	\
	} while (0)

#ifdef V_SHIFT


/* three more lines before everything */
#endif

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

int compute(int v)
{
	WARN_ON_X(v < 0);
#ifdef V_FUNC
	return ext_call(v) * 3 + table[v & 3];
#elif defined(V_NEW)
	return ext_call(v) * 2 + table[v & 3] + new_helper(v);
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
