/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/maps.h - the maps both entry points share.  All are pinned by name
 * under the loader's pin root (default /sys/fs/bpf/asclass), so counters
 * survive program replacement and the XDP and tc objects share them. */
#ifndef ASC_BPF_MAPS_H
#define ASC_BPF_MAPS_H

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, ASC_MAX_COUNTERS);
	__type(key, struct asc_count_key);
	__type(value, struct asc_count_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_counts SEC(".maps");

/* Traffic that found asc_counts full, per upstream id and direction. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ASC_MAX_UPSTREAMS);
	__type(key, __u32);
	__type(value, struct asc_overflow_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_overflow SEC(".maps");

/* Packets per reason, key = enum asc_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ASC_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} asc_stats SEC(".maps");

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
