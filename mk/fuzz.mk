# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/fuzz.mk - libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined),
# one per parser that reads outside input:
#
#   mrt      MRT reader and bgpdump printer          tests/fuzz/fuzz_mrt.c
#   bgpdump  `bgpdump -m` text through routes_read()  tests/fuzz/fuzz_routes.c
#   pfx2as   CAIDA pfx2as through routes_read()       (one source, built once
#   text     plain text routes through routes_read()   per format)
#   config   asclass.conf (config_parse)             tests/fuzz/fuzz_config.c
#   http     the /metrics HTTP endpoint              tests/fuzz/fuzz_http.c
#   bgpmsg   the live feed's BGP messages (user/feed) tests/fuzz/fuzz_bgpmsg.c
#   bmp      the BMP station's input (user/feed/bmp*) tests/fuzz/fuzz_bmp.c
#
# Target NAME is the binary $(O)/tests/fuzz/fuzz_NAME; its seeds are in
# tests/fuzz/corpus-NAME/ and its dictionary, if any, is tests/fuzz/NAME.dict.
# tests/fuzz/run.sh runs one (flags, reproducer kept and printed); every
# target links $(O)/libasclass-fuzz.a, all of user/ built with coverage and
# sanitizers.
#
#   make fuzz      [FUZZ_SECONDS=60]    each target for FUZZ_SECONDS, one after
#                                       the other; new inputs accumulate in
#                                       $(O)/tests/fuzz/work-NAME/
#   make fuzz-long [FUZZ_SECONDS=3600]  the same for an hour each (six hours
#                                       for the six targets)
#   make fuzz-NAME [FUZZ_SECONDS=60]    one target
#   FUZZ_TARGETS="config http"          narrows fuzz and fuzz-long
# Findings are kept as $(O)/tests/fuzz/findings/NAME-crash-* (-leak-,
# -timeout-, -oom-); `$(O)/tests/fuzz/fuzz_NAME FILE` replays one.
# make check runs tests/extra/fuzz_*.sh: a short run of each target.
#
# ADDING A DECODER (the BGP and BMP decoders land here): write
# tests/fuzz/fuzz_NAME.c (LLVMFuzzerTestOneInput over the decoder's public
# API), seed tests/fuzz/corpus-NAME/, copy tests/extra/fuzz_config.sh to
# tests/extra/fuzz_NAME.sh with its share of make check's time, and add NAME
# to FUZZ_TARGETS on the marked line below.  The pattern rule builds it.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= $(CLANG)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 $(WARN) -std=gnu11 -D_GNU_SOURCE $(FUZZ_SAN)

FUZZ_TARGETS ?= mrt bgpdump pfx2as text config http bgpmsg bmp
FUZZ_ROUTES  := bgpdump pfx2as text
FUZZ_BINS    := $(foreach t,$(FUZZ_TARGETS),$(O)/tests/fuzz/fuzz_$(t))
FUZZ_OBJS    := $(patsubst user/%.c,$(O)/fuzz/%.o,$(LIB_SRCS))
FUZZ_LIB     := $(O)/libasclass-fuzz.a

$(O)/fuzz $(O)/tests/fuzz:
	$(Q)mkdir -p $@

$(O)/fuzz/%.o: user/%.c $(LIB_HDRS) $(SKELS) | $(O)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The pattern: tests/fuzz/fuzz_NAME.c -> $(O)/tests/fuzz/fuzz_NAME.
$(O)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) $(LIB_HDRS) | $(O)/tests/fuzz
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB) $(LDLIBS) -o $@

# The text readers: one source, the format chosen at build time.
$(patsubst %,$(O)/tests/fuzz/fuzz_%,$(FUZZ_ROUTES)): $(O)/tests/fuzz/fuzz_%: \
		tests/fuzz/fuzz_routes.c $(FUZZ_LIB) $(LIB_HDRS) | $(O)/tests/fuzz
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_FORMAT='"$*"' $< \
		$(FUZZ_LIB) $(LDLIBS) -o $@

.PHONY: fuzz fuzz-long $(addprefix fuzz-,$(FUZZ_TARGETS))

# Runs every target even when one finds something; fails if any did.
fuzz: $(FUZZ_BINS)
	$(Q)fail=; for t in $(FUZZ_TARGETS); do \
		O=$(O) tests/fuzz/run.sh $$t $(FUZZ_SECONDS) $(O)/tests/fuzz/work-$$t || fail="$$fail $$t"; \
	done; [ -z "$$fail" ] || { echo "fuzz: findings in:$$fail"; exit 1; }

fuzz-long:
	$(Q)$(MAKE) --no-print-directory fuzz \
		FUZZ_SECONDS=$(if $(filter file,$(origin FUZZ_SECONDS)),3600,$(FUZZ_SECONDS))

$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: $(O)/tests/fuzz/fuzz_%
	$(Q)O=$(O) tests/fuzz/run.sh $* $(FUZZ_SECONDS) $(O)/tests/fuzz/work-$*

CHECK_EXTRA += $(FUZZ_BINS)
