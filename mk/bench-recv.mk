# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-recv.mk - make bench-recv: the live feed's CPU time per path while
# a full table arrives, without the router (tests/bench/feed_recv.c: a
# thread writes 2 million one-path UPDATEs over a socketpair; the feed's
# thread and a draining thread take them into a RIB).  RECV_PREFIXES
# (default 1000000, two paths each).  Run twice: the writer as fast as the
# feed reads, then paced as BIRD sends to a reader that keeps up
# (RECV_PACE: UPDATEs per write and microseconds between writes).  To
# compare with another build, link the same source against its library and
# headers:
#   make bench-recv RECV_BASE=/path/to/other/tree   (its build/libasclass.a)
RECV_PREFIXES ?= 1000000
RECV_PACE ?= 33 150

$(O)/tests/bench/feed_recv: tests/bench/feed_recv.c $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

$(O)/tests/bench/feed_recv_base: tests/bench/feed_recv.c $(RECV_BASE)/build/libasclass.a | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(subst -Iuser,-I$(RECV_BASE)/user,$(CPPFLAGS)) $(CFLAGS) $< \
		$(RECV_BASE)/build/libasclass.a $(LDLIBS) -o $@

.PHONY: bench-recv
bench-recv: $(O)/tests/bench/feed_recv $(if $(RECV_BASE),$(O)/tests/bench/feed_recv_base)
	$(Q)$(O)/tests/bench/feed_recv $(RECV_PREFIXES)
	$(Q)$(O)/tests/bench/feed_recv $(RECV_PREFIXES) $(RECV_PACE)
	$(Q)$(if $(RECV_BASE),echo "base ($(RECV_BASE)):" && $(O)/tests/bench/feed_recv_base $(RECV_PREFIXES) && \
		$(O)/tests/bench/feed_recv_base $(RECV_PREFIXES) $(RECV_PACE))

BENCH_EXTRA += bench-recv
