# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-load.mk - make bench-load: the daemon's whole load of a full-size
# RIB, phase by phase (tests/bench/load_full.sh; root).
.PHONY: bench-load
bench-load: $(O)/asclass $(O)/tests/bench/realpath
	$(Q)O=$(O) ASCLASS=$(CURDIR)/$(O)/asclass tests/bench/load_full.sh

BENCH_EXTRA += bench-load
