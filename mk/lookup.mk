# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# BPF objects used only by tests and benchmarks (tests/bpf/*.bpf.c): built
# like bpf/*.bpf.c, with skeletons the tests/prog programs include.
TEST_BPF_SRCS  := $(wildcard tests/bpf/*.bpf.c)
TEST_BPF_SKELS := $(patsubst tests/bpf/%.bpf.c,$(O)/tests/bpf/%.skel.h,$(TEST_BPF_SRCS))

$(O)/tests/bpf:
	$(Q)mkdir -p $@

$(O)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c $(wildcard tests/bpf/*.h) $(BPF_HDRS) $(O)/vmlinux.h | $(O)/tests/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-I$(O) -Iinclude -Ibpf -Itests/bpf -c $< -o $@

$(O)/tests/bpf/%.skel.h: $(O)/tests/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

$(PROG_BINS): $(TEST_BPF_SKELS)
$(PROG_BINS): CPPFLAGS += -I$(O)/tests/bpf -Itests/bpf

# make bench-lookup: bare program vs LPM tries vs fast tables (docs/BENCHMARKS.md).
# BENCH_TABLE=FILE adds a real table; BENCH_QUICK=1 skips the full-size table.
$(O)/tests/bench:
	$(Q)mkdir -p $@

$(O)/tests/bench/bench_lookup: tests/bench/bench_lookup.c $(O)/libasclass.a $(SKELS) $(TEST_BPF_SKELS) $(TEST_HDRS) $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) -I$(O)/tests/bpf -Itests/bpf -Itests/lib $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

.PHONY: bench-lookup
bench-lookup: $(O)/tests/bench/bench_lookup
	$(Q)$(O)/tests/bench/bench_lookup $(if $(BENCH_QUICK),--quick) $(if $(BENCH_TABLE),--table $(BENCH_TABLE))

BENCH_EXTRA += bench-lookup
