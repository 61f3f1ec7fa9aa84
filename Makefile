# SPDX-License-Identifier: GPL-2.0
# oxip: build, test and demo. `make help` lists the targets.
# (Kbuild, not this file, describes the module to the kernel build.)
#
# Kernels (KERNEL=): `stock`, Debian's own 7.3 kernel (a tree prepared for
# external modules; `make demo` and the second `make check` target),
# `debug`, oxip's KASAN/lockdep/fault-injection kernel (`make check`), and
# `bench`, oxip's kernel without debugging (`make bench`). `KDIR=/path`
# builds against any other built Rust-enabled tree instead.

CACHE     ?= $(or $(OXIP_CACHE),$(HOME)/.cache/oxip)
export OXIP_CACHE := $(CACHE)
KERNEL    ?= stock
export LIBCLANG_PATH ?= /usr/lib/llvm-19/lib

ifneq ($(KDIR),)
NAME := custom
export KDIR
else
NAME := $(KERNEL)
endif

.PHONY: all module deps deps-demo kernel host-test vm-test check check-debug check-stock bench-calls bench-profile \
	demo bench stress clean rust-analyzer help install guard-test fuzz-host fuzz-host-check deps-fuzz fuzz selftests \
	lint lint-shell lint-rust

all: module

help:
	@echo "make                 build oxip.ko for KERNEL (default stock: Debian's 7.3 kernel)"
	@echo "make demo            set up what is missing, boot Debian's kernel in a VM, show oxip at work"
	@echo "make check           every test: host, export guard, then KUnit + VM scenarios on the"
	@echo "                     debug kernel (KASAN, lockdep, ...), a share of them on the stock kernel"
	@echo "make check-stock     every VM scenario on the stock kernel"
	@echo "make bench           forwarding benchmark, native vs oxip's two paths (Debian's kernel):"
	@echo "                     guest instructions per packet (QEMU -icount) and wall clock"
	@echo "make bench-calls     function entries per forwarded packet by path, vs native (ftrace)"
	@echo "make bench-profile   instructions per forwarded packet by function and path, vs native (QEMU plugin)"
	@echo "make selftests       the kernel's IPv4 selftests, native then under takeover=all, one table"
	@echo "                     (SELFTESTS='router fib_tests' for some)"
	@echo "make lint            clippy (the kernel's CLIPPY=1 build), rustfmt (kernel settings),"
	@echo "                     checkpatch.pl on the C files, shellcheck; part of make check"
	@echo "make install         build for the running kernel and install it for modprobe"
	@echo "make kernel          prepare or build KERNEL's tree (cached)"
	@echo "make host-test       the core's host tests only"
	@echo "make fuzz-host       fuzz the pure core on the host (FUZZ_SECS per target, default 120)"
	@echo "make fuzz            differential fuzzing in the VM, native vs oxip (FUZZ_SECS, FUZZ_SEED, KERNEL)"
	@echo "make stress          issue 8's stress scenarios at full length on the debug kernel (about an hour)"
	@echo "make vm-test         KUnit + VM scenarios on KERNEL (ONLY='a b' for some)"
	@echo "make KERNEL=debug|bench|stock ...   choose the kernel; KDIR=/path/to/linux for your own"

deps:
	@scripts/deps.sh all
deps-demo:
	@scripts/deps.sh demo

# The tree a module is built against: prepared (stock) or built (debug, bench).
kernel:
ifeq ($(NAME),custom)
	@echo "KDIR=$(KDIR) given: using it as it is"
else ifeq ($(NAME),stock)
	@scripts/stock.sh >/dev/null
else
	@scripts/kernel.sh $(NAME) >/dev/null
endif

module: kernel
	@scripts/module.sh $(NAME) >/dev/null
	@ln -sfn out/build/$(NAME)/oxip.ko oxip.ko
	@echo "built out/build/$(NAME)/oxip.ko (./oxip.ko links to it)"

rust-analyzer: kernel
	@MAKE_TARGET=rust-analyzer scripts/module.sh $(NAME) >/dev/null

host-test:
	cargo test --quiet

vm-test: module
	tests/vm/run.sh check $(NAME)

deps-fuzz:
	@scripts/deps-fuzz.sh
# Host fuzzing of the pure core (fuzz/README.md): FUZZ_SECS per target.
FUZZ_SECS ?= 120
fuzz-host:
	@scripts/fuzz-host.sh $(FUZZ_SECS)
fuzz-host-check:
	@scripts/fuzz-host.sh 10

# Differential fuzzing in the VM (tests/vm/fuzz.sh): 15 minutes unless
# FUZZ_SECS or FUZZ_PACKETS say otherwise; FUZZ_SEED picks the first seed.
fuzz: module
	tests/vm/fuzz.sh $(NAME)

# The export guard must refuse a Module.symvers that does not match.
guard-test:
	@tests/guard_test.sh

# make lint: zero findings from clippy (the kernel's own CLIPPY=1 build of
# the module, against Debian's kernel and the debug kernel, whose build is
# the only one with the KUnit suite and its C references; LINT_KERNEL
# narrows it), rustfmt with the kernel's .rustfmt.toml, checkpatch.pl and
# shellcheck.
LINT_KERNEL ?= stock debug
lint: lint-shell lint-rust
lint-shell: deps
	@scripts/lint-shell.sh
lint-rust: deps
	@for k in $(LINT_KERNEL); do $(MAKE) --no-print-directory kernel KERNEL=$$k && scripts/lint-rust.sh $$k || exit 1; done

# The VM part boots the debug and the stock kernel side by side.
# The host fuzzing slice runs beside the VMs (they boot meanwhile).
check: deps lint host-test guard-test
	@$(MAKE) --no-print-directory module KERNEL=debug
	@$(MAKE) --no-print-directory module KERNEL=stock
	@HOST_WHILE_VMS=fuzz-host-check tests/vm/check_all.sh
# The stress scenarios of issue 8 at full length on the debug kernel (make
# check runs them under a time budget): 100 load cycles, 50 namespace and
# device churn rounds, 20 deletes inside the backlog poll's window, 30
# attach-vs-rmmod rounds, NFQUEUE, fault injection and the listified fuzz
# slice. About an hour under TCG; prints rounds reached.
STRESS ?= load_cycles teardown_netns_churn teardown_backlog_window teardown_attach_race teardown_nfqueue fault_injection fuzz_differential_list
stress:
	@$(MAKE) --no-print-directory module KERNEL=debug
	BUDGET=100000 SCENARIO_TIMEOUT=14400 VM_TIMEOUT=21600 ONLY="$(STRESS)" tests/vm/run.sh check debug
check-debug:
	@$(MAKE) --no-print-directory vm-test KERNEL=debug
check-stock:
	@$(MAKE) --no-print-directory vm-test KERNEL=stock

demo: deps-demo
	@$(MAKE) --no-print-directory module KERNEL=$(KERNEL)
	tests/vm/run.sh demo $(KERNEL)

# Two boots: guest instructions (-icount, the figure targets are judged
# by) and wall clock; one table of both in out/bench. BENCH_CLOCK=icount or
# wall runs one; BENCH_ROWS, BENCH_REPS and BENCH_SECS narrow it. The
# kernel is Debian's own (no debugging, what users run); BENCH_KERNEL=bench
# takes oxip's tinyconfig kernel instead.
BENCH_CLOCK  ?= icount wall
BENCH_KERNEL ?= stock
bench: deps
	@$(MAKE) --no-print-directory module KERNEL=$(BENCH_KERNEL)
	@for c in $(BENCH_CLOCK); do BENCH_CLOCK=$$c tests/vm/run.sh bench $(BENCH_KERNEL) || exit 1; done
	@python3 tests/vm/bench_report.py $(foreach c,$(BENCH_CLOCK),out/vm-bench-$(BENCH_KERNEL)-$(c)/bench.jsonl) --out out/bench

# Where the instructions go: function entries per forwarded packet by path
# (the function tracer while pktgen sends one flow), and the functions
# whose count differs most from native's (tests/vm/bench_calls.py).
bench-calls: deps
	@$(MAKE) --no-print-directory module KERNEL=$(BENCH_KERNEL)
	@BENCH_CLOCK=calls tests/vm/run.sh bench $(BENCH_KERNEL)

# Where the instructions go, by function: QEMU's insnprof plugin counts the
# kernel's executed instructions while pktgen sends through each path
# (tests/vm/bench_profile.py: per packet, each path beside native).
bench-profile: deps
	@$(MAKE) --no-print-directory module KERNEL=$(BENCH_KERNEL)
	@BENCH_CLOCK=profile tests/vm/run.sh bench $(BENCH_KERNEL)

# The kernel's own IPv4 selftests, natively and under takeover=all, in one
# VM boot (tests/vm/selftests.sh): a table and `selftests: N passed, N failed`.
selftests: deps
	@$(MAKE) --no-print-directory module KERNEL=$(KERNEL)
	@tests/vm/selftests.sh $(NAME)

install:
	@scripts/install.sh

clean:
	rm -rf out target oxip.ko
