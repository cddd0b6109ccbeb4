/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/maps.h - the maps both entry points share.  All are pinned by name
 * under the loader's pin root (default /sys/fs/bpf/asclass), so counters
 * survive program replacement and the XDP and tc objects share them. */
#ifndef ASC_BPF_MAPS_H
#define ASC_BPF_MAPS_H

/* Counter slots, one row per slot and CPU (index slot * ncpus + cpu): the
 * data plane adds to rx or tx of its CPU's row of the slot a route record
 * names; userspace hands slots out and writes their identity in every row.
 * A plain array: its value is found by arithmetic, where a per-CPU array
 * would read the slot's per-CPU pointer first (one more cold line).  The
 * loader sets max_entries to slots * ncpus. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ASC_MAX_COUNTERS);
	__type(key, __u32);
	__type(value, struct asc_count);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_counts SEC(".maps");

/* Counts of slots folded away (and migrated from 0.1) by identity: written
 * and read by userspace only, declared here so it is pinned with BTF. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ASC_MAX_RETIRED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct asc_slot_key);
	__type(value, struct asc_retired_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_retired SEC(".maps");

/* Traffic whose route record had no slot for the link, per upstream id and
 * direction; id 0: traffic on no configured link. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ASC_MAX_UPSTREAMS);
	__type(key, __u32);
	__type(value, struct asc_overflow_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_overflow SEC(".maps");

/* Packets per reason: one element, fields in enum asc_stat order. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct asc_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_stats SEC(".maps");

/* The link of each interface by ifindex: one array read per packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ASC_MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct asc_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_ifaces SEC(".maps");

/* VLAN-specific links, and links on interfaces at or above ASC_MAX_IFINDEX. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ASC_MAX_LINKS);
	__type(key, struct asc_link_key);
	__type(value, struct asc_link_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_links SEC(".maps");

/* Upstream names and AS numbers by id: written and read by userspace only,
 * declared here so it is created and pinned with BTF like the others. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ASC_MAX_UPSTREAMS);
	__type(key, __u32);
	__type(value, struct asc_upstream);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_upstreams SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct asc_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_state SEC(".maps");

#endif
