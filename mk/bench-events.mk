# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-events.mk - make bench-events: what a full table's session reset
# costs the live RIB's routing-change events (tests/bench/events_burst.c:
# the tally's two steps, every path of one upstream lost, then back).
# EVENTS_PREFIXES (default 1200000, two paths each), EVENTS_ORIGINS (default
# 100000).  To compare with another build, link the same source against its
# library and headers:
#   make bench-events EVENTS_BASE=/path/to/other/tree   (its build/libasclass.a)
EVENTS_PREFIXES ?= 1200000
EVENTS_ORIGINS ?= 100000

$(O)/tests/bench/events_burst: tests/bench/events_burst.c $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

$(O)/tests/bench/events_burst_base: tests/bench/events_burst.c $(EVENTS_BASE)/build/libasclass.a | $(O)/tests/bench
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(subst -Iuser,-I$(EVENTS_BASE)/user,$(CPPFLAGS)) $(CFLAGS) $< \
		$(EVENTS_BASE)/build/libasclass.a $(LDLIBS) -o $@

.PHONY: bench-events
bench-events: $(O)/tests/bench/events_burst $(if $(EVENTS_BASE),$(O)/tests/bench/events_burst_base)
	$(Q)$(O)/tests/bench/events_burst $(EVENTS_PREFIXES) $(EVENTS_ORIGINS)
	$(Q)$(if $(EVENTS_BASE),echo "base ($(EVENTS_BASE)):" && $(O)/tests/bench/events_burst_base $(EVENTS_PREFIXES) $(EVENTS_ORIGINS))

BENCH_EXTRA += bench-events
