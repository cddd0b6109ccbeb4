# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/feed.mk - the live-feed test driver (tests/feed/feed_dump.c): runs the
# BGP speaker of user/feed/ and writes the RIB it built; used by
# tests/netns/feed_bird.sh.

FEED_DUMP := $(O)/tests/feed/feed_dump

$(O)/tests/feed:
	$(Q)mkdir -p $@

$(FEED_DUMP): tests/feed/feed_dump.c tests/feed/serve.h $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/feed
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

ALL_EXTRA += $(FEED_DUMP)
# `all` is read before mk/*.mk, so also name it where make check needs it
CHECK_EXTRA += $(FEED_DUMP)
