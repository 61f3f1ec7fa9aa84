# SPDX-License-Identifier: GPL-2.0
# oxip: build, test and demo. `make help` lists the targets.
# (Kbuild, not this file, describes the module to the kernel build.)

CACHE     ?= $(or $(OXIP_CACHE),$(HOME)/.cache/oxip)
export OXIP_CACHE := $(CACHE)
DEFAULT_KDIR := $(CACHE)/kernel
KDIR      ?= $(DEFAULT_KDIR)
export LIBCLANG_PATH ?= /usr/lib/llvm-19/lib
export PATH := $(HOME)/.cargo/bin:$(CACHE)/venv/bin:$(PATH)

.PHONY: all module deps kernel host-test vm-test check demo bench clean rust-analyzer help

all: module

help:
	@echo "make            build oxip.ko against KDIR (default: the cached test kernel)"
	@echo "make demo       build what is missing, boot the VM, send traffic, show counters"
	@echo "make check      every test: host (cargo test), KUnit and VM scenarios"
	@echo "make bench      forwarding benchmark, native vs oxip in one VM run: table + PNG"
	@echo "make kernel     install prerequisites and build the test kernel (cached)"
	@echo "make host-test  the core's host tests only"
	@echo "make vm-test    KUnit + VM scenarios only (needs oxip.ko)"
	@echo "make KDIR=/path/to/linux   build against another Rust-enabled kernel"

deps:
	@scripts/deps.sh

# Only the default KDIR is ours to build; a user's KDIR is used as it is.
ifeq ($(KDIR),$(DEFAULT_KDIR))
kernel: deps
	@scripts/kernel.sh >/dev/null
KERNEL_DEP := kernel
else
kernel:
	@echo "KDIR=$(KDIR) given: not building the test kernel"
KERNEL_DEP :=
endif

gen/bindings_generated.rs: src/glue/bindings.h src/glue/helpers.h scripts/bindgen.sh $(KERNEL_DEP)
	@scripts/bindgen.sh $(KDIR) $@

module: $(KERNEL_DEP) gen/bindings_generated.rs
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

rust-analyzer: gen/bindings_generated.rs
	$(MAKE) -C $(KDIR) M=$(CURDIR) rust-analyzer

host-test:
	cargo test --quiet

vm-test: module
	tests/vm/run.sh check

check: deps host-test module
	tests/vm/run.sh check

demo: deps module
	tests/vm/run.sh demo

bench: deps module
	tests/vm/run.sh bench

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf gen out target
