/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/dataplane/migrate.h - upgrading a set of pinned 0.1 maps to the 0.2
 * layout, counts included (include/asclass.h says what changed).
 *
 * migrate_v1_begin() moves the pins of every map whose layout changed into
 * PIN_DIR/upgrade-0_1/, so that loading the BPF object creates and pins new ones;
 * migrate_v1_finish() then, after an RCU grace period, folds every 0.1
 * count into asc_retired, adds the 0.1 statistics, carries the upstream
 * names, empties asc_links (0.1 entries have no column: each link's next
 * attach writes it again), and removes it.  An interrupted upgrade leaves
 * .v1 behind, and the next maps_create() finishes it.  Both return 0 or a
 * negative errno, logged. */
#ifndef ASC_MIGRATE_H
#define ASC_MIGRATE_H
#include <stdbool.h>
#include "dataplane/maps.h"

struct bpf_object;

/* *moved: a 0.1 set was found (and moved aside now or by an earlier run). */
int migrate_v1_begin(const char *pin_dir, struct bpf_object *obj, bool *moved);
int migrate_v1_finish(const char *pin_dir, const struct asc_maps *m);

#endif
