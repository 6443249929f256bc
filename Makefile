# Build/boot/test driver for the ftrace-free arm64 livepatch kernel.
# This file is not part of the kernel tree.  The work is done by harness/*.sh;
# `make help` lists the targets.
#
# Variables (command line or environment):
#   KCONFIG=NAME    extra fragment arch/arm64/configs/klp_NAME.config, objects
#                   in build/kbuild-NAME (default: "default" = build/kbuild)
#   TOOLCHAIN=clang build with clang instead of aarch64-linux-gnu-gcc
#                   (objects in build/kbuild[-NAME]-clang)
#   CMD='...'       command run in the guest by `make vm`
#   VM_EXTRA=paths  files/directories copied to /extra in the guest
#   VM_TIMEOUT=s    overall VM time limit (default 900)
#   T=regex         `make check`: only tests whose name matches
#   JOBS=n          kernel build parallelism (default: nproc)
#   NOBUILD=1       `make vm`/`make run` without rebuilding the kernel first

SHELL := /bin/bash
.DEFAULT_GOAL := help

KCONFIG   ?= default
TOOLCHAIN ?= gcc
export KCONFIG TOOLCHAIN VM_EXTRA VM_TIMEOUT T JOBS
# Pass CMD to the scripts verbatim: no make expansion of $(...) or $VAR.
export KLP_CMD := $(value CMD)

BUILD := build
SUFFIX := $(if $(filter default,$(KCONFIG)),,-$(KCONFIG))$(if $(filter clang,$(TOOLCHAIN)),-clang)

.PHONY: help deps ensure-deps kernel vm run check bench clean klp-build check-klp-build klp-corpus

help:
	@echo 'make deps            install host packages (apt) and fetch the arm64 guest .debs'
	@echo 'make kernel          build build/linux (pristine 6.12 + overlay + patches/series)'
	@echo '                     and Image + modules in build/kbuild$(SUFFIX)'
	@echo "make vm CMD='...'    boot the kernel in QEMU, run CMD in the guest; log: build/vm$(SUFFIX).log"
	@echo '                     (exits non-zero if CMD fails; harness/vm.sh returns its exact status)'
	@echo 'make run             demo: load/disable/unload samples/livepatch in the guest'
	@echo '                     (harness/demo.sh)'
	@echo 'make check           all tests: host tests + guest tests (harness/vm-tests.list)'
	@echo '                     last line: "N passed, N failed, N skipped"'
	@echo 'make bench           call costs vs ftrace, stop_machine windows, memory, klp-convert time'
	@echo '                     (QEMU -icount; table + build/bench.json; harness/bench.sh)'
	@echo 'make klp-build PATCH="a.patch [b.patch ...]" [KLP_NAME=n] [KLP_REPLACE=0]'
	@echo '                     livepatch module from source patches: build/klp/<name>.ko'
	@echo '                     (scripts/livepatch/klp-build; KLP_NOBUILD=1: kernel already built)'
	@echo 'make check-klp-build all klp-build integration tests (harness/klp-build-tests.sh)'
	@echo 'make klp-corpus FROM=6.12.113 TO=6.12.115'
	@echo '                     klp-build on every file a Debian stable update changed;'
	@echo '                     modules booted and exercised; table in build/corpus/ (harness/klp-corpus.sh)'
	@echo 'make clean           remove build/ (ccache lives in ~/.cache/ccache)'
	@echo 'variables: KCONFIG=<name> TOOLCHAIN=gcc|clang VM_EXTRA=<paths> VM_TIMEOUT=<s> T=<regex> NOBUILD=1'

deps:
	@harness/deps.sh

# Every target that builds or boots first installs what is missing, and
# says nothing when all is there (a few dpkg-query calls).
ensure-deps:
	@harness/deps.sh ensure

kernel: ensure-deps
	@harness/kernel.sh

# NOBUILD=1: boot what is built, without the (incremental) kernel build first
vm: $(if $(NOBUILD),ensure-deps,kernel)
	@harness/vm.sh

run: $(if $(NOBUILD),ensure-deps,kernel)
	@KLP_CMD='bash /extra/demo.sh' VM_EXTRA=harness/demo.sh harness/vm.sh

check: ensure-deps
	@harness/check.sh

# Two boots under QEMU -icount (default and far kernel); table on stdout and
# in build/bench.txt, JSON in build/bench.json.  BENCH_SMOKE=1: small sizes.
# harness/bench.sh builds both kernels itself (unless NOBUILD=1).
bench: ensure-deps
	@harness/bench.sh

# PATCH, KLP_NAME, KLP_REPLACE, KLP_NOBUILD (or NOBUILD): see harness/klp-build.sh
klp-build: ensure-deps
	@PATCH='$(PATCH)' KLP_NAME='$(KLP_NAME)' KLP_REPLACE='$(KLP_REPLACE)' \
		KLP_NOBUILD='$(or $(KLP_NOBUILD),$(NOBUILD))' harness/klp-build.sh

check-klp-build: ensure-deps
	@harness/klp-build-tests.sh all

klp-corpus: ensure-deps
	@FROM='$(FROM)' TO='$(TO)' harness/klp-corpus.sh

clean:
	rm -rf $(BUILD)
