# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/pkg.mk - make deb: the Debian packages, built out of tree, in $(O)/deb/:
#   asclass_<version>.dsc + .tar.xz        the source package
#   asclass_<version>_<arch>.deb + .changes the binary package (and -dbgsym)
#   build.log                              what dpkg-buildpackage said
# dpkg-buildpackage writes into the parent of the tree it builds, so it builds
# a scratch copy, $(O)/deb/src: the files git knows (committed or not, none it
# ignores), or without git every file but $(O) and .git.  The source package
# is made from the copy first; then the copy is seeded with this tree's BPF
# objects and skeletons (they take no distribution flags) and, being fresh,
# needs no pre-clean (-nc): only userspace is compiled, with dpkg's hardening
# flags.  The build runs in a clean environment, so no O=, DESTDIR= or
# MAKEFLAGS of this make reach it.
DEB_DIR := $(O)/deb
DEB_ENV := env -i PATH="$$PATH" HOME="$$HOME" LC_ALL=C.UTF-8 DEB_BUILD_OPTIONS=parallel=2

.PHONY: deb
deb: $(BPF_OBJS) $(SKELS)
	$(call msg,DEB,$(DEB_DIR)/src)
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	$(Q){ git ls-files -z --cached --others --exclude-standard 2>/dev/null || \
	      find . \( -path ./$(O) -o -path ./.git \) -prune -o -type f -print0; } | \
	    tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C $(DEB_DIR)/src -xf -
	$(Q)cd $(DEB_DIR) && $(DEB_ENV) dpkg-source -b src >build.log 2>&1 || \
	    { cat build.log; exit 1; }
	$(Q)mkdir -p $(DEB_DIR)/src/build && cp -p $(O)/vmlinux.h $(BPF_OBJS) $(SKELS) $(DEB_DIR)/src/build/
	$(Q)cd $(DEB_DIR)/src && $(DEB_ENV) dpkg-buildpackage -us -uc -b -nc >>../build.log 2>&1 || \
	    { tail -40 ../build.log; echo "make deb: failed, see $(DEB_DIR)/build.log" >&2; exit 1; }
	$(Q)ls $(DEB_DIR)/*.dsc $(DEB_DIR)/*.deb
