# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-feed.mk - make bench-feed: asclass run's live BGP feed taking a
# full table (1M IPv4 + 200k IPv6 over two upstreams, ~2.4M paths) from a
# BIRD border router in network namespaces: session up to tables swapped,
# keepalives throughout, RSS per million paths, update-to-kernel latency
# (docs/BENCHMARKS.md, "The live feed's full table").  Variables: SCALE
# (table size divisor), FEED_MAX_SECONDS, FEED_HOLD, FEED_CHURN,
# FEED_CHURN_GAP, FEED_APPLY_INTERVAL, SINK, ASCLASS_OPTS (-v: the daemon's debug
# lines, the whole load's phases) (tests/bench/feed_full.sh).
# SINK=1 measures the router alone, sending to tests/bench/bgp_sink.c.
# build/tests/bench/touch: what a page fault costs here (tests/bench/touch.c).
$(O)/tests/bench/touch: tests/bench/touch.c | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(O)/tests/bench/bgp_sink: tests/bench/bgp_sink.c $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

.PHONY: bench-feed
bench-feed: $(O)/asclass $(O)/tests/bench/realpath $(O)/tests/bench/bgp_sink $(O)/tests/bench/touch
	$(Q)O=$(O) ASCLASS=$(O)/asclass tests/bench/feed_full.sh

BENCH_EXTRA += bench-feed
