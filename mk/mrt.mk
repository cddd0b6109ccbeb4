# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/mrt.mk - the MRT generator used by tests, the demo and make bench.
#   $(O)/tests/gen/mrtgen all|scenario OUTDIR, bigrib FILE [ENTRIES [PEERS]]

MRTGEN := $(O)/tests/gen/mrtgen

$(O)/tests/gen:
	$(Q)mkdir -p $@

$(MRTGEN): tests/gen/mrtgen.c | $(O)/tests/gen
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $< -o $@

ALL_EXTRA += $(MRTGEN)
# `all` is read before mk/*.mk, so also name it where make check needs it
CHECK_EXTRA += $(MRTGEN)
