# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-scrape.mk - make bench-scrape: the daemon's CPU time per /metrics
# scrape, empty, at the demo's size and with a large counter map
# (tests/bench/scrape.sh; root).  SCRAPE_COUNT, SCRAPE_DEMO_SLOTS,
# SCRAPE_LARGE_SLOTS, SCRAPE_COUNTERS; ASCLASS_BASE=/path/to/other/asclass
# measures that build too, size by size, and prints base/this.
$(O)/tests/bench/scrape_fill: tests/bench/scrape_fill.c $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

.PHONY: bench-scrape
bench-scrape: $(O)/asclass $(O)/tests/bench/scrape_fill
	$(Q)O=$(O) ASCLASS=$(CURDIR)/$(O)/asclass tests/bench/scrape.sh

BENCH_EXTRA += bench-scrape
