# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/mrt.mk - the MRT generator used by tests, the demo and make bench.
#   $(O)/tests/gen/mrtgen all|scenario OUTDIR, bigrib FILE [ENTRIES [PEERS]]

MRTGEN := $(O)/tests/gen/mrtgen

$(O)/tests/gen:
	$(Q)mkdir -p $@

$(MRTGEN): tests/gen/mrtgen.c | $(O)/tests/gen
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $< -o $@

# The Makefile reads mk/*.mk before its rules, so `all`, and with it
# `make check` (through tests-build), builds the generator.
ALL_EXTRA += $(MRTGEN)
