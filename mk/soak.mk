# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/soak.mk - make soak: the long soak test (tests/soak/soak.sh --full, a few
# minutes; docs/RELIABILITY.md has its figures).  make check runs the short
# one (tests/netns/soak_short.sh).  Both need two more builds of the tree:
#   $(O)/soak/v2/asclass    the same sources with another version string, in
#                           its own O= dir: the binary the upgrade swaps in
#   $(O)/soak/asan/asclass  main + the ASan/UBSan objects the unit tests use
#                           ($(O)/libasclass-san.a): the daemon under LSan
.PHONY: soak soak-bins
SOAK_VERSION := $(VERSION)+soak2

soak-bins: $(O)/asclass $(O)/soak/asan/asclass
	$(Q)$(MAKE) -s --no-print-directory O=$(O)/soak/v2 VERSION=$(SOAK_VERSION) $(O)/soak/v2/asclass

$(O)/soak/asan/asclass: user/asclass.c $(O)/libasclass-san.a $(LIB_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $< $(O)/libasclass-san.a $(LDLIBS) -o $@

soak: deps all soak-bins
	$(Q)O=$(O) tests/soak/soak.sh --full

CHECK_EXTRA += soak-bins
