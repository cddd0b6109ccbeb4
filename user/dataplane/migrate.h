/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/migrate.h - upgrading a set of pinned 0.1 or 0.2 maps to
 * the layout of this binary (ASC_ABI_VERSION), counts included
 * (include/asclass.h says what changed).
 *
 * migrate_begin() moves the pins of every map whose layout changed into
 * PIN_DIR/upgrade-0_1/ or PIN_DIR/upgrade-0_2/, so that loading the BPF
 * object creates and pins new ones; migrate_finish() then, after an RCU
 * grace period, carries the counts.  From 0.1: folds every count into
 * asc_retired, adds the 0.1 statistics, carries the upstream names, empties
 * asc_links (0.1 entries have no column: each link's next attach writes it
 * again).  From 0.2: copies each slot's per-CPU counts into that slot's
 * rows of the new array (same slot ids: the route records stay).  Then it
 * removes the old pins.  An interrupted or failed upgrade leaves the
 * directory and its maps behind, and the next maps_create() finishes it.
 * Both return 0 or a negative errno, logged. */
#ifndef ASC_MIGRATE_H
#define ASC_MIGRATE_H
#include <stdbool.h>
#include "dataplane/maps.h"

struct bpf_object;

/* *moved: an old set was found (and moved aside now or by an earlier run). */
int migrate_begin(const char *pin_dir, struct bpf_object *obj, bool *moved);
int migrate_finish(const char *pin_dir, const struct asc_maps *m);

#endif
