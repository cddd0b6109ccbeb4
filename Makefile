# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# asclass - top-level Makefile.  `make help` lists the targets.
#
# Everything generated goes to $(O) (default build/) and is never committed.
# Helpers add their own targets in mk/*.mk, which this file includes; sources
# are found by wildcard so new files need no edit here:
#   bpf/*.bpf.c          -> $(O)/<name>.bpf.o and $(O)/<name>.skel.h
#   user/*/*.c           -> $(O)/libasclass.a (user/asclass.c is main; the folders
#                           are layers, see README.md "Architecture")
#   tests/unit/test_*.c  -> $(O)/tests/unit/test_*   (cmocka, ASan+UBSan)
#   tests/prog/test_*.c  -> $(O)/tests/prog/test_*   (BPF_PROG_TEST_RUN, needs root)

O        ?= build
CLANG    ?= clang-19
BPFTOOL  ?= bpftool
CLANG_FORMAT ?= clang-format-19
CC       ?= gcc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/asclass
DATADIR  ?= $(PREFIX)/share/asclass
SYSCONFDIR ?= /etc
# systemd reads the local administrator's units from /usr/local/lib/systemd/system
# and the distribution's from the directory systemd.pc names (/lib/systemd/system
# on Debian 12, /usr/lib/systemd/system on newer systems).
ifeq ($(PREFIX),/usr)
UNITDIR  ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
else
UNITDIR  ?= $(PREFIX)/lib/systemd/system
endif
# BTF the BPF programs are compiled against (CO-RE: they run on other kernels).
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN     := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
CFLAGS   += $(WARN) -std=gnu11 -D_GNU_SOURCE
# Extra -D flags for the BPF objects only (tests/bench/chain_whatif.sh).
BPF_DEFS ?=
CPPFLAGS += -Iinclude -Iuser -I$(O) -DASC_VERSION='"$(VERSION)"' -DASC_GIT_REV='"$(GIT_REV)"'
LDLIBS   += -lxdp -lbpf -lelf -lz -lbz2 -lmicrohttpd -linih -lcap -ljansson -lsystemd -lpthread -lm
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_HDRS   := $(wildcard bpf/lib/*.h) include/asclass.h
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(O)/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(O)/%.skel.h,$(BPF_SRCS))
LIB_SRCS   := $(wildcard user/*/*.c)
LIB_HDRS   := $(wildcard user/*/*.h) include/asclass.h
LIB_OBJS   := $(patsubst user/%.c,$(O)/lib/%.o,$(LIB_SRCS))
SAN_OBJS   := $(patsubst user/%.c,$(O)/san/%.o,$(LIB_SRCS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRCS))
PROG_SRCS  := $(wildcard tests/prog/test_*.c)
PROG_BINS  := $(patsubst tests/prog/%.c,$(O)/tests/prog/%,$(PROG_SRCS))
TEST_HDRS  := $(wildcard tests/lib/*.h)

# Targets that mk/*.mk fragments append to.  The fragments are read here,
# before the rules below, so their additions reach every prerequisite list.
ALL_EXTRA   :=
CHECK_EXTRA :=
BENCH_EXTRA :=
CLEAN_EXTRA :=
-include mk/*.mk

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all test check vmtest install uninstall deps demo bench clean help format tests-build FORCE

all: $(O)/asclass $(BPF_OBJS) $(SKELS) $(ALL_EXTRA)

$(O) $(O)/tests/unit $(O)/tests/prog:
	$(Q)mkdir -p $@

$(O)/vmlinux.h: | $(O)
	@test -r $(VMLINUX_BTF) || { echo "error: $(VMLINUX_BTF) not found: the kernel needs CONFIG_DEBUG_INFO_BTF=y, or pass VMLINUX_BTF=<file with BTF>" >&2; exit 1; }
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(O)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(O)/vmlinux.h | $(O)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) $(BPF_DEFS) -Wall -Werror \
		-I$(O) -Iinclude -Ibpf -c $< -o $@

$(O)/%.skel.h: $(O)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

$(O)/lib/%.o: user/%.c $(LIB_HDRS) $(SKELS) | $(O)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(O)/san/%.o: user/%.c $(LIB_HDRS) $(SKELS) | $(O)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c $< -o $@

$(O)/libasclass.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libasclass-san.a: $(SAN_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The version and revision compiled in (asclass --version, the metric
# asclass_build_info): the stamp is rewritten only when they change, so a new
# VERSION or commit rebuilds the two files that print them.
$(O)/version.stamp: FORCE | $(O)
	$(Q)echo '$(VERSION) $(GIT_REV)' | cmp -s - $@ || echo '$(VERSION) $(GIT_REV)' >$@
FORCE:
$(O)/lib/output/metrics.o $(O)/san/output/metrics.o: $(O)/version.stamp

$(O)/asclass: user/asclass.c $(O)/libasclass.a $(LIB_HDRS) $(O)/version.stamp | $(O)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

$(O)/tests/unit/%: tests/unit/%.c $(O)/libasclass-san.a $(TEST_HDRS) $(LIB_HDRS) | $(O)/tests/unit
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) $(SANFLAGS) $< $(O)/libasclass-san.a -lcmocka $(LDLIBS) -o $@

$(O)/tests/prog/%: tests/prog/%.c $(O)/libasclass.a $(SKELS) $(TEST_HDRS) $(LIB_HDRS) | $(O)/tests/prog
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) $< $(O)/libasclass.a $(LDLIBS) -o $@

tests-build: all $(UNIT_BINS) $(PROG_BINS)

# The inner loop: unit tests and the BPF_PROG_TEST_RUN tables.
test: deps-quiet tests-build
	$(Q)O=$(O) tests/run unit prog

# What CI runs: everything.
check: deps tests-build $(CHECK_EXTRA)
	$(Q)O=$(O) tests/run all

deps:
	$(Q)tools/deps.sh

deps-quiet:
	$(Q)tools/deps.sh --quiet

demo: deps all
	$(Q)O=$(O) tools/demo.sh

bench: deps all $(BENCH_EXTRA)

# Everything goes under $(DESTDIR); nothing else on the machine is touched
# (no systemctl: run `systemctl daemon-reload` after installing).  The config
# is installed only where none exists: a changed one is never overwritten, and
# uninstall removes it only while it is still the example.
INST_CONF := $(DESTDIR)$(SYSCONFDIR)/asclass/asclass.conf
INST_UNIT := $(DESTDIR)$(UNITDIR)/asclass.service
install: all
	install -D -m 0755 $(O)/asclass $(DESTDIR)$(SBINDIR)/asclass
	install -D -m 0644 docs/asclass.8 $(DESTDIR)$(MANDIR)/man8/asclass.8
	install -D -m 0644 docs/asclass.conf.5 $(DESTDIR)$(MANDIR)/man5/asclass.conf.5
	install -D -m 0644 dist/asclass.conf $(DESTDIR)$(DOCDIR)/examples/asclass.conf
	install -D -m 0644 dist/prometheus-asclass.yml $(DESTDIR)$(DOCDIR)/examples/prometheus-asclass.yml
	install -D -m 0644 dist/asclass-dashboard.json $(DESTDIR)$(DATADIR)/asclass-dashboard.json
	install -D -m 0644 dist/asclass-rules.yml $(DESTDIR)$(DATADIR)/asclass-rules.yml
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/sbin/asclass|$(SBINDIR)/asclass|g' \
	    -e 's|/etc/asclass/|$(SYSCONFDIR)/asclass/|g' dist/asclass.service >$(INST_UNIT).tmp
	chmod 0644 $(INST_UNIT).tmp && mv $(INST_UNIT).tmp $(INST_UNIT)
	@if [ ! -e $(INST_CONF) ]; then \
		echo "install -D -m 0644 dist/asclass.conf $(INST_CONF)"; \
		install -D -m 0644 dist/asclass.conf $(INST_CONF); \
	elif ! cmp -s dist/asclass.conf $(INST_CONF); then \
		echo "kept $(INST_CONF), which differs from the example $(DESTDIR)$(DOCDIR)/examples/asclass.conf"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/asclass $(DESTDIR)$(MANDIR)/man8/asclass.8 \
	      $(DESTDIR)$(MANDIR)/man5/asclass.conf.5 $(INST_UNIT) \
	      $(DESTDIR)$(DOCDIR)/examples/asclass.conf \
	      $(DESTDIR)$(DOCDIR)/examples/prometheus-asclass.yml \
	      $(DESTDIR)$(DATADIR)/asclass-dashboard.json $(DESTDIR)$(DATADIR)/asclass-rules.yml
	@if cmp -s dist/asclass.conf $(INST_CONF); then \
		echo "rm -f $(INST_CONF)"; rm -f $(INST_CONF); \
	elif [ -e $(INST_CONF) ]; then \
		echo "kept $(INST_CONF), which differs from the example"; \
	fi
	@for d in $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR) \
		  $(DESTDIR)$(SYSCONFDIR)/asclass; do \
		[ ! -d $$d ] || rmdir --ignore-fail-on-non-empty $$d; \
	done
	@[ ! -L $(DESTDIR)/etc/systemd/system/multi-user.target.wants/asclass.service ] || \
		echo "asclass.service is still enabled: systemctl disable asclass.service"

format:
	$(CLANG_FORMAT) -i $$(git ls-files '*.c' '*.h')

clean: $(CLEAN_EXTRA)
	$(Q)rm -rf $(O)

help:
	@echo "asclass $(VERSION) - make targets:"
	@echo "  all      build $(O)/asclass, the BPF objects and skeletons (default)"
	@echo "  test     unit tests + BPF_PROG_TEST_RUN tables (fast; prog tests need root)"
	@echo "  check    everything: test + network-namespace tests + vmtest + docs checks (root)"
	@echo "  vmtest   the BPF and integration tests inside QEMU on Debian's 6.1 kernel"
	@echo "  bench    speed figures (see docs/BENCHMARKS.md)"
	@echo "  soak     minutes of traffic under reloads, kill -9 restarts and an upgrade (root)"
	@echo "  fuzz     every libFuzzer target for FUZZ_SECONDS; fuzz-long: an hour each"
	@echo "  deb      a Debian package in $(O)/deb"
	@echo "  demo     play the AS131279 scenario in network namespaces (root)"
	@echo "  deps     install missing build and test packages with apt"
	@echo "  install  $(SBINDIR)/asclass, man pages, systemd unit, example configs, Grafana"
	@echo "           dashboard and Prometheus rules in $(DATADIR) (DESTDIR, PREFIX)"
	@echo "  uninstall  remove what install put there (a changed config stays)"
	@echo "  format   clang-format the C sources"
	@echo "  clean    remove $(O)/"
	@echo "Variables: O=$(O) CLANG=$(CLANG) BPFTOOL=$(BPFTOOL) VMLINUX_BTF=$(VMLINUX_BTF) V=1"
