# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-realpath.mk - make bench-realpath: the classifier on real packets
# (tcpreplay over a veth pair into native XDP, the kernel's run statistics),
# against the bare program on the same link (docs/BENCHMARKS.md, "The real
# path").  Variables: REALPATH_PACKETS, REALPATH_ROUNDS, REALPATH_TABLES.
$(O)/tests/bench/realpath: tests/bench/realpath.c $(O)/libasclass.a $(O)/tests/bpf/realpath_bare.skel.h $(TEST_HDRS) $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) -I$(O)/tests/bpf -Itests/lib $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

# The bare program is the classifier's own source with the lookup compiled out.
$(O)/tests/bpf/realpath_bare.bpf.o: bpf/asclass.bpf.c

.PHONY: bench-realpath
bench-realpath: $(O)/asclass $(O)/tests/bench/realpath $(O)/tests/bench/bench_lookup
	$(Q)O=$(O) ASCLASS=$(O)/asclass tests/bench/realpath.sh

BENCH_EXTRA += bench-realpath

# What fewer reads per packet would give: the classifier beside three what-if
# builds of it (tests/bench/chain_whatif.sh).  Not part of make bench: about
# 15 minutes, and it measures code that is not in the tree.
.PHONY: bench-whatif
bench-whatif: $(O)/asclass $(O)/tests/bench/realpath $(O)/tests/bench/bench_lookup
	$(Q)O=$(O) tests/bench/chain_whatif.sh
