# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bmp.mk - the BMP station's test driver (tests/feed/bmp_dump.c): runs the
# station of user/feed/bmp*.c, prints each change it applies and writes the
# RIB it built; used by tests/netns/bmp_routers.sh.

BMP_DUMP := $(O)/tests/feed/bmp_dump

$(BMP_DUMP): tests/feed/bmp_dump.c tests/feed/serve.h $(O)/libasclass.a $(LIB_HDRS) | $(O)/tests/feed
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

ALL_EXTRA += $(BMP_DUMP)
CHECK_EXTRA += $(BMP_DUMP)
