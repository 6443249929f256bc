/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for source fixes turned into livepatch modules by
 * scripts/livepatch/klp-build (Documentation/livepatch/klp-build.rst).
 *
 * A fix includes this header in the file it changes.  The macros compile
 * in the kernel's own build as well: callbacks land in a .discard section
 * that the kernel's linker scripts drop, and the syscall macros define
 * the same functions as SYSCALL_DEFINEx().
 */
#ifndef _LINUX_LIVEPATCH_HELPERS_H
#define _LINUX_LIVEPATCH_HELPERS_H

#include <linux/compiler.h>
#include <linux/stringify.h>
/*
 * As upstream's header: a fix that includes only this header can use
 * struct klp_object, klp_shadow_*() and the syscall macros.
 */
#include <linux/syscalls.h>
#include <linux/livepatch.h>

/**
 * KLP_OBJNAME - name of the object the current file is built into
 *
 * The module name (KBUILD_MODNAME) for code built into a module, "vmlinux"
 * otherwise: the name a &struct klp_object has for this object, for
 * klp_shadow and callback code that must tell objects apart.
 */
#ifdef MODULE
#define KLP_OBJNAME KBUILD_MODNAME
#else
#define KLP_OBJNAME "vmlinux"
#endif

typedef int (*klp_pre_patch_callback_t)(struct klp_object *obj);
typedef void (*klp_post_patch_callback_t)(struct klp_object *obj);
typedef void (*klp_pre_unpatch_callback_t)(struct klp_object *obj);
typedef void (*klp_post_unpatch_callback_t)(struct klp_object *obj);

/*
 * One 8-byte pointer to @fn in section .discard.klp_callback.<kind>; the
 * initialisation checks the type of @fn.  klp-diff reads the section and
 * klp-build sets the callback of the object this file belongs to.
 */
#define __KLP_CALLBACK(kind, fn)					\
	static klp_##kind##_callback_t __klp_callback_##kind##_##fn	\
	__used __aligned(8)						\
	__section(".discard.klp_callback." #kind) = (fn)

/**
 * KLP_PRE_PATCH_CALLBACK - run a function before the object is patched
 * @fn: int fn(struct klp_object *obj); a non-zero return refuses the patch
 *
 * Use once per object, at file scope, after the definition of @fn.
 */
#define KLP_PRE_PATCH_CALLBACK(fn)	__KLP_CALLBACK(pre_patch, fn)

/**
 * KLP_POST_PATCH_CALLBACK - run a function after the object is patched
 * @fn: void fn(struct klp_object *obj)
 *
 * Use once per object, at file scope, after the definition of @fn.
 */
#define KLP_POST_PATCH_CALLBACK(fn)	__KLP_CALLBACK(post_patch, fn)

/**
 * KLP_PRE_UNPATCH_CALLBACK - run a function before the object is unpatched
 * @fn: void fn(struct klp_object *obj)
 *
 * Use once per object, at file scope, after the definition of @fn.
 */
#define KLP_PRE_UNPATCH_CALLBACK(fn)	__KLP_CALLBACK(pre_unpatch, fn)

/**
 * KLP_POST_UNPATCH_CALLBACK - run a function after the object is unpatched
 * @fn: void fn(struct klp_object *obj)
 *
 * Use once per object, at file scope, after the definition of @fn.
 */
#define KLP_POST_UNPATCH_CALLBACK(fn)	__KLP_CALLBACK(post_unpatch, fn)

#ifdef CONFIG_ARM64

/*
 * The functions of arm64's __SYSCALL_DEFINEx() (asm/syscall_wrapper.h):
 * __arm64_sys_NAME (the table entry, takes pt_regs), __se_sys_NAME (sign
 * extension) and __do_sys_NAME (the body), without the error injection
 * entry and the ftrace metadata, which a livepatch module cannot carry.
 * __PROTECT() is left out: asmlinkage_protect() is empty on arm64.
 * __SC_ARGS() ignores the type of each (type, value) pair.
 * @n only appears pasted, as __MAP##n, so an argument is never evaluated
 * twice.
 */
#define __KLP_SC_ARM64_REGS(n)						\
	__MAP##n(__SC_ARGS, long, regs->regs[0], long, regs->regs[1],	\
		 long, regs->regs[2], long, regs->regs[3],		\
		 long, regs->regs[4], long, regs->regs[5])

#define __KLP_SYSCALL_DEFINE_N(n, name, ...)					\
	asmlinkage long __arm64_sys##name(const struct pt_regs *regs);		\
	static long __se_sys##name(__MAP##n(__SC_LONG, __VA_ARGS__));		\
	static inline long __do_sys##name(__MAP##n(__SC_DECL, __VA_ARGS__));	\
	asmlinkage long __arm64_sys##name(const struct pt_regs *regs)		\
	{									\
		return __se_sys##name(__KLP_SC_ARM64_REGS(n));			\
	}									\
	static long __se_sys##name(__MAP##n(__SC_LONG, __VA_ARGS__))		\
	{									\
		long ret = __do_sys##name(__MAP##n(__SC_CAST, __VA_ARGS__));	\
		__MAP##n(__SC_TEST, __VA_ARGS__);				\
		return ret;							\
	}									\
	static inline long __do_sys##name(__MAP##n(__SC_DECL, __VA_ARGS__))

/**
 * KLP_SYSCALL_DEFINE0 - SYSCALL_DEFINE0() for a changed system call
 * @sname: system call name
 *
 * Defines __arm64_sys_@sname as SYSCALL_DEFINE0() does, so the changed
 * function correlates with the original; without error injection entry.
 */
#define KLP_SYSCALL_DEFINE0(sname)						\
	asmlinkage long __arm64_sys_##sname(const struct pt_regs *__unused);	\
	asmlinkage long __arm64_sys_##sname(const struct pt_regs *__unused)

/**
 * KLP_SYSCALL_DEFINE1 - SYSCALL_DEFINE1() for a changed system call
 * @name: system call name
 * @...: type and name of the argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE1() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE1(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(1, _##name, __VA_ARGS__)

/**
 * KLP_SYSCALL_DEFINE2 - SYSCALL_DEFINE2() for a changed system call
 * @name: system call name
 * @...: type and name of each argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE2() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE2(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(2, _##name, __VA_ARGS__)

/**
 * KLP_SYSCALL_DEFINE3 - SYSCALL_DEFINE3() for a changed system call
 * @name: system call name
 * @...: type and name of each argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE3() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE3(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(3, _##name, __VA_ARGS__)

/**
 * KLP_SYSCALL_DEFINE4 - SYSCALL_DEFINE4() for a changed system call
 * @name: system call name
 * @...: type and name of each argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE4() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE4(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(4, _##name, __VA_ARGS__)

/**
 * KLP_SYSCALL_DEFINE5 - SYSCALL_DEFINE5() for a changed system call
 * @name: system call name
 * @...: type and name of each argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE5() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE5(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(5, _##name, __VA_ARGS__)

/**
 * KLP_SYSCALL_DEFINE6 - SYSCALL_DEFINE6() for a changed system call
 * @name: system call name
 * @...: type and name of each argument
 *
 * Defines __arm64_sys_@name, __se_sys_@name and __do_sys_@name as
 * SYSCALL_DEFINE6() does, without syscall metadata and error injection.
 */
#define KLP_SYSCALL_DEFINE6(name, ...)					\
	__KLP_SYSCALL_DEFINE_N(6, _##name, __VA_ARGS__)

#endif /* CONFIG_ARM64 */

#endif /* _LINUX_LIVEPATCH_HELPERS_H */
