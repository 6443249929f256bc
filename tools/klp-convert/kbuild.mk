# SPDX-License-Identifier: GPL-2.0-only
# Included by scripts/Makefile.modfinal (patches/0103-kbuild-klp-convert.patch).
#
# With CONFIG_LIVEPATCH, the final link of every module runs
# "klp-convert convert -L", which returns at once for a module without
# MODULE_INFO(livepatch, "Y"): ordinary modules are not changed.  A
# livepatch module is converted in place; if that fails the .ko is removed
# and the build fails.
#
# Symbols come from:
#  - in-tree: vmlinux itself (the top Makefile links it before the
#    modules) and the objects of the modules being built (modules.order);
#  - M= builds: $(objtree)/klp.symbols (vmlinux and every in-tree module),
#    the objects of the external build (modules.order) and the files named
#    in KLP_EXTRA_OBJECTS (other external modules, .ko).
# Exports come from Module.symvers (and KBUILD_EXTRA_SYMBOLS for M=).
#
# An in-tree build also writes $(objtree)/klp.symbols, the symbol map of
# vmlinux and of every in-tree module (Documentation/livepatch/klp-convert.rst).

ifdef CONFIG_LIVEPATCH

KLP_CONVERT := $(objtree)/tools/klp-convert/klp-convert

ifeq ($(KBUILD_EXTMOD),)
klp-convert-args := -e vmlinux -E $(MODORDER) -s Module.symvers
else
klp-convert-args := $(if $(wildcard $(objtree)/klp.symbols),-m $(objtree)/klp.symbols) \
	-E $(MODORDER) $(addprefix -e ,$(KLP_EXTRA_OBJECTS)) \
	-s $(objtree)/Module.symvers -s $(KBUILD_EXTMOD)/Module.symvers \
	$(addprefix -s ,$(KBUILD_EXTRA_SYMBOLS))
endif

klp-convert-ko = ; $(KLP_CONVERT) convert -L $(klp-convert-args) $@ || \
	{ rm -f $@; false; }

ifeq ($(KBUILD_EXTMOD),)
quiet_cmd_klp_map = GEN     $@
      cmd_klp_map = sed 's/\.o$$/.ko/' $(MODORDER) > $@.list && \
	$(KLP_CONVERT) map -o $@.tmp -E $@.list vmlinux && mv -f $@.tmp $@; \
	rc=$$?; rm -f $@.list $@.tmp; exit $$rc

__modfinal: klp.symbols
klp.symbols: $(modules:%.o=%.ko) vmlinux $(KLP_CONVERT)
	$(call cmd,klp_map)
endif

endif
