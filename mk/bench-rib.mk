# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-rib.mk - make bench: resolving and loading a full-size table.
.PHONY: bench-rib
bench-rib: $(O)/asclass $(O)/tests/gen/mrtgen
	$(Q)O=$(O) ASCLASS=$(O)/asclass tools/bench_rib.sh

BENCH_EXTRA += bench-rib
