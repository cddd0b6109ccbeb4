# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-feed.mk - make bench-feed: asclass run's live BGP feed taking a
# full table (1M IPv4 + 200k IPv6 over two upstreams, ~2.4M paths) from a
# BIRD border router in network namespaces: session up to tables swapped,
# keepalives throughout, RSS per million paths, update-to-kernel latency
# (docs/BENCHMARKS.md, "The live feed's full table").  Variables: SCALE
# (table size divisor), FEED_MAX_SECONDS, FEED_HOLD, FEED_CHURN,
# FEED_CHURN_GAP, FEED_APPLY_INTERVAL (tests/bench/feed_full.sh).
.PHONY: bench-feed
bench-feed: $(O)/asclass $(O)/tests/bench/realpath
	$(Q)O=$(O) ASCLASS=$(O)/asclass tests/bench/feed_full.sh

BENCH_EXTRA += bench-feed
