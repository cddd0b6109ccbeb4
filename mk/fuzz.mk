# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/fuzz.mk - libFuzzer target over the MRT reader and bgpdump printer.
#   make fuzz [FUZZ_SECONDS=60]   runs it on a work copy of tests/fuzz/corpus;
#   crashes are written as $(O)/tests/fuzz/crash-*.  tests/extra/fuzz_mrt.sh
#   runs the same binary for about a minute inside make check.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang-19
FUZZ_BIN     := $(O)/tests/fuzz/fuzz_mrt
FUZZ_SRCS    := tests/fuzz/fuzz_mrt.c $(wildcard user/bgp/*.c)
FUZZ_HDRS    := $(wildcard user/bgp/*.h)

$(O)/tests/fuzz:
	$(Q)mkdir -p $@

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS) | $(O)/tests/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) -g -O1 -D_GNU_SOURCE -std=gnu11 -Iinclude -Iuser \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(FUZZ_SRCS) -lz -lbz2 -lpthread -o $@

.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	$(Q)mkdir -p $(O)/tests/fuzz/work
	$(Q)$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-artifact_prefix=$(O)/tests/fuzz/ $(O)/tests/fuzz/work tests/fuzz/corpus

CHECK_EXTRA += $(FUZZ_BIN)
