/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* include/asclass.h - every type, limit and map name shared by bpf/ and user/.
 *
 * Layout is ABI: pinned maps outlive the binary that created them, so a field
 * is never moved or resized; new fields go where padding was or at the end
 * of a value, and the _Static_asserts below pin the sizes.  The layout
 * version is ASC_ABI_VERSION.  0.2 changed it once (per-link attribution,
 * dense counters: asc_counts became an array of slots, the route tables
 * hold record indexes, asc_stats one struct); 0.3 made asc_counts a plain
 * array with one row per slot and CPU (no per-CPU pointer to read per
 * packet).  The loader migrates a 0.1 or 0.2 set of pinned maps, counts
 * included.
 *
 * Per packet: link = asc_ifaces[ifindex] (asc_links for VLAN entries and
 * large ifindexes); record = asc_fib_route[lookup(address)], where both
 * lookup kinds yield a record index; slot = record.slot[link.column];
 * asc_counts[slot * state.ncpus + cpu].rx or .tx += 1 packet, bytes.
 */
#ifndef ASCLASS_H
#define ASCLASS_H

#ifndef __VMLINUX_H__ /* the BPF side gets __u32 etc. from vmlinux.h */
#include <linux/types.h>
#endif

/* The layout of the pinned maps this header describes (not the release). */
#define ASC_ABI_VERSION "0.3"

/* ---- limits (override with -D) ---------------------------------------- */

/* Route table sizes.  A 2026 default-free zone is ~1.04M IPv4 and ~223k IPv6
 * prefixes; leave room for growth. LPM tries allocate per entry, so an unused
 * limit costs nothing. */
#ifndef ASC_MAX_PREFIXES_V4
#define ASC_MAX_PREFIXES_V4 (1U << 21)
#endif
#ifndef ASC_MAX_PREFIXES_V6
#define ASC_MAX_PREFIXES_V6 (1U << 19)
#endif

/* Counter slots in asc_counts: one per (upstream, family, origin, transit,
 * path) that the route tables can hand out.  A full table with per-link
 * attribution needs about one per origin AS per upstream and family.  The
 * array is preallocated with one row per slot and possible CPU: each slot
 * costs sizeof(struct asc_count) = 64 bytes per possible CPU, and the
 * whole array must stay below ASC_COUNTS_MAX_BYTES.  Slot 0 is never
 * handed out: a route column holding 0 counts in asc_overflow. */
#ifndef ASC_MAX_COUNTERS
#define ASC_MAX_COUNTERS (1U << 18)
#endif

/* The largest array map the kernels asclass runs on create: the array's
 * bytes must stay below 4 GiB - one page (older kernels refuse more, and
 * max_entries is a __u32 anyway).  slots * CPUs * 64 bytes counts. */
#define ASC_COUNTS_MAX_BYTES (0xffffffffULL - 4096)

/* Retired identities in asc_retired: counts of slots folded away when their
 * (upstream, family, origin, transit, path) left the tables and the slot was
 * needed for another.  Not preallocated. */
#ifndef ASC_MAX_RETIRED
#define ASC_MAX_RETIRED (1U << 20)
#endif

/* Interfaces found by a direct array read (asc_ifaces); links on an
 * interface with a larger ifindex are found in the asc_links hash. */
#ifndef ASC_MAX_IFINDEX
#define ASC_MAX_IFINDEX (1U << 14)
#endif

/* Upstreams that can be attached at one time: each has a column in every
 * route record (struct asc_route). */
#define ASC_COLUMNS 8
#define ASC_COLUMN_NONE 0xff /* asc_link_val.column of upstream 0 */

/* Upstream ids are 1..ASC_MAX_UPSTREAMS-1; 0 is "a link nobody configured". */
#ifndef ASC_MAX_UPSTREAMS
#define ASC_MAX_UPSTREAMS 256
#endif

/* (ifindex, VLAN) -> upstream entries: a few per border link. */
#ifndef ASC_MAX_LINKS
#define ASC_MAX_LINKS 1024
#endif

/* VLAN tags parsed in front of IP: 802.1ad S-tag + 802.1Q C-tag. */
#define ASC_VLAN_MAX 2

/* Upstream names: at most 15 characters, NUL-terminated. */
#define ASC_NAME_LEN 16

/* The link key for "every frame on this interface, tagged or not". */
#define ASC_VLAN_ANY 0xffff

#define ASC_PIN_DIR_DEFAULT "/sys/fs/bpf/asclass"

/* ---- enums ------------------------------------------------------------- */

enum asc_dir {
	ASC_DIR_RX, /* received on the border link: the source is the remote side */
	ASC_DIR_TX, /* sent on the border link: the destination is the remote side */
	ASC_DIR_MAX,
};

enum asc_family {
	ASC_FAMILY_V4 = 4,
	ASC_FAMILY_V6 = 6,
};

/* Index into asc_stats (per-CPU array of __u64).  Every packet moves
 * ASC_STAT_SEEN and exactly one outcome: CLASSIFIED, or one of the reasons
 * it was not (NOT_IP, TRUNC_*, VLAN_DEPTH, BAD_*, INTERNAL).  A classified
 * packet may move NO_ROUTE and OVERFLOW as well: these say how it was
 * counted, not whether. */
enum asc_stat {
	ASC_STAT_SEEN,	     /* every packet the programs ran on */
	ASC_STAT_CLASSIFIED, /* IP packet counted in asc_counts (or overflow) */
	ASC_STAT_NOT_IP,     /* EtherType neither IPv4 nor IPv6 (ARP, LLDP, ...) */
	ASC_STAT_TRUNC_ETH,  /* frame shorter than an Ethernet header */
	ASC_STAT_TRUNC_VLAN, /* a VLAN tag ran past the end of the frame */
	ASC_STAT_VLAN_DEPTH, /* more than ASC_VLAN_MAX tags */
	ASC_STAT_TRUNC_IPV4, /* IPv4 header (with options) ran past the end */
	ASC_STAT_BAD_IPV4,   /* version != 4 or IHL < 5 */
	ASC_STAT_TRUNC_IPV6, /* IPv6 fixed header ran past the end */
	ASC_STAT_BAD_IPV6,   /* version != 6 */
	ASC_STAT_NO_ROUTE,   /* classified, but no prefix covers the address (origin 0) */
	ASC_STAT_OVERFLOW,   /* asc_counts was full: counted in asc_overflow */
	ASC_STAT_INTERNAL,   /* a map lookup that cannot fail did */
	ASC_STAT_NO_LINK,    /* classified on an attached interface, but no configured
				link (ifindex, VLAN) matched: counted under upstream 0
				in asc_overflow */
	ASC_STAT_MAX,
};

/* Route flags (struct asc_route.flags). */
enum asc_route_flag {
	ASC_RF_AS_SET = 1U << 0,	/* the path ends in an AS_SET: origin unknown (0) */
	ASC_RF_MOAS = 1U << 1,		/* several origin ASes announce this prefix */
	ASC_RF_MULTI_TRANSIT = 1U << 2, /* paths show several transit ASes in front of the origin */
	ASC_RF_NO_TRANSIT = 1U << 3,	/* path is just the origin (peer == origin) */
};

/* How the origin and transit of a counter slot were found (asc_count.path). */
enum asc_path {
	ASC_PATH_NONE,	    /* no prefix covers the address: origin and transit 0 */
	ASC_PATH_OWN,	    /* the link's own upstream announces the prefix: its path */
	ASC_PATH_CONSENSUS, /* it does not (or the routing source has no per-peer
			       paths): the vote over every path, as before 0.2 */
};

/* Which route-table implementation the data plane consults. */
enum asc_lookup_kind {
	ASC_LOOKUP_LPM,	 /* BPF_MAP_TYPE_LPM_TRIE: the reference implementation */
	ASC_LOOKUP_FAST, /* the compressed multibit trie in arrays (docs/LOOKUP.md) */
};

/* ---- fast tables (docs/LOOKUP.md) --------------------------------------
 *
 * A Poptrie-style multibit trie per family in four BPF arrays, each holding
 * two generations side by side (generation g at offset g x <per-generation
 * size>).  A lookup reads one direct-pointing entry (the top DIR bits), then
 * one node per further 6 bits until it reaches a leaf, then the route:
 *
 *   entry = dir[top DIR bits]          ASC_FIB_NODE set: a node index,
 *                                      else a route index (0 = no route)
 *   node  = nodes[entry & ~NODE]; p = next 6 bits of the address
 *   p is a child node if vector bit p is set:
 *           nodes[base1 + popcount(vector & bits 0..p) - 1]
 *   else a leaf: leaves[base0 + popcount(leafvec & bits 0..p) - 1]
 *
 * leafvec has a bit at each leaf position that starts a run of equal leaves,
 * so runs are stored once.
 *
 * A skip node (ASC_FIB_SKIP set in base0) stands for a chain of nodes that
 * each have a single child and one route everywhere else, as sparse IPv6
 * space makes them, or for a range holding a single longer prefix:
 *
 *   vector = the bits expected next (at most 60), leafvec = a mask of
 *   them | m; the address's next bits differ: the route is base0 & ~SKIP;
 *   they match: base1 is the next entry.  Either a node (ASC_FIB_NODE set),
 *   which starts m x 6 bits further on (1 <= m <= ASC_FIB_SKIP_MAX), or
 *   the route itself (m = 0).
 *
 * Indexes are absolute (they include the generation's offset).  Every size
 * below is per generation. */
#define ASC_FIB_STRIDE 6
#define ASC_FIB_DIR4_BITS 18
#define ASC_FIB_DIR6_BITS 16
#define ASC_FIB_DIR4_SIZE (1U << ASC_FIB_DIR4_BITS)
#define ASC_FIB_DIR6_SIZE (1U << ASC_FIB_DIR6_BITS)
#define ASC_FIB_DIR_GEN (ASC_FIB_DIR4_SIZE + ASC_FIB_DIR6_SIZE)
/* Most levels below the direct array: ceil((128 - 16) / 6); IPv4 needs
 * ceil((32 - 18) / 6) = 3. */
#define ASC_FIB_LEVELS6 19
#ifndef ASC_FIB_NODES
#define ASC_FIB_NODES (1U << 19) /* 24 B each: 12 MiB */
#endif
#ifndef ASC_FIB_LEAVES
#define ASC_FIB_LEAVES (9U << 18) /* 4 B each: 9 MiB */
#endif
#ifndef ASC_FIB_ROUTES
#define ASC_FIB_ROUTES (1U << 18) /* 32 B records: 8 MiB; the first ASC_REC_FIRST reserved */
#endif
#define ASC_FIB_NODE 0x80000000U
#define ASC_FIB_SKIP 0x80000000U   /* in asc_fib_node.base0 */
#define ASC_FIB_SKIP_LEVELS 0xfULL /* in a skip node's leafvec: m */
#define ASC_FIB_SKIP_MAX 10	   /* 60 bits, leaving leafvec's low 4 for m */
/* Direct entries and leaves are __u32 stored 16 to an array element: array
 * maps round values up to 8 bytes, so single __u32 values would waste half. */
#define ASC_FIB_PACK 16

/* ---- map keys and values ---------------------------------------------- */

/* A route record (asc_fib_route, both lookup kinds): what a prefix counts
 * under on each upstream link.  slot[column of the link's upstream] is the
 * asc_counts slot; 0 counts in asc_overflow.  32 bytes: two to a cache line.
 *
 * Record indexes are absolute (generation x ASC_FIB_ROUTES + i).  In each
 * generation, i = ASC_REC_NONE is never used (0 means "no route" in the
 * fast tables' entries), and two records hold the slots of addresses no
 * prefix covers, one per family. */
struct asc_route {
	__u32 slot[ASC_COLUMNS];
};
#define ASC_REC_NONE 0
#define ASC_REC_NOROUTE4 1
#define ASC_REC_NOROUTE6 2
#define ASC_REC_FIRST 3 /* first record a route can use */

/* LPM trie keys: prefixlen first, then the address in network byte order. */
struct asc_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct asc_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* asc_counts value (array, index = slot * ncpus + cpu: each CPU owns a
 * 64-byte line per slot, so no atomics and no false sharing): what the
 * slot counts, written by userspace when it hands the slot out (the same
 * in each of the slot's rows), and that CPU's counts per direction.
 * Readable on its own with bpftool: every element names its upstream,
 * family, origin, transit and path; the rows of one slot are summed by
 * identity.  An element with family 0 is a free slot.  64 bytes. */
struct asc_count_val {
	__u64 packets;
	__u64 bytes;
};

struct asc_count {
	char upstream[ASC_NAME_LEN]; /* the upstream's name when the slot was given */
	__u32 origin_asn;
	__u32 transit_asn;
	__u16 upstream_id;
	__u8 family; /* enum asc_family; 0 = free slot */
	__u8 path;   /* enum asc_path */
	__u32 pad;   /* always 0 */
	struct asc_count_val rx;
	struct asc_count_val tx;
};

/* asc_retired key: the identity of a slot that was folded away (and of
 * counts migrated from a 0.1 asc_counts hash). */
struct asc_slot_key {
	__u32 origin_asn;
	__u32 transit_asn;
	__u16 upstream_id;
	__u8 family; /* enum asc_family */
	__u8 path;   /* enum asc_path */
};

/* asc_retired value: the folded counts, summed over CPUs. */
struct asc_retired_val {
	char upstream[ASC_NAME_LEN];
	struct asc_count_val rx;
	struct asc_count_val tx;
};

/* The 0.1 layout of asc_counts (a per-CPU hash keyed by this, value struct
 * asc_count_val), read only to migrate it; also the row key userspace
 * reports counters under. */
struct asc_count_key {
	__u32 origin_asn;
	__u32 transit_asn;
	__u16 upstream_id; /* 0 = a link nobody configured */
	__u8 dir;	   /* enum asc_dir */
	__u8 family;	   /* enum asc_family: 4 or 6 */
};

/* asc_overflow value, indexed by upstream id: traffic whose route had no
 * slot for the link (asc_counts full), and under id 0 traffic on no
 * configured link. */
struct asc_overflow_val {
	struct asc_count_val dir[ASC_DIR_MAX];
};

/* asc_stats value (per-CPU array, one element): packets per reason, in
 * the order of enum asc_stat, on one or two cache lines. */
struct asc_stats {
	__u64 seen;
	__u64 classified;
	__u64 not_ip;
	__u64 trunc_eth;
	__u64 trunc_vlan;
	__u64 vlan_depth;
	__u64 trunc_ipv4;
	__u64 bad_ipv4;
	__u64 trunc_ipv6;
	__u64 bad_ipv6;
	__u64 no_route;
	__u64 overflow;
	__u64 internal;
	__u64 no_link;
};

/* asc_links key: the border link a frame was seen on. */
struct asc_link_key {
	__u32 ifindex;
	__u16 vlan_id; /* outer VLAN id, 0 = untagged, ASC_VLAN_ANY = any */
	__u16 pad;     /* always 0 */
};

struct asc_link_val {
	__u16 upstream_id;
	__u8 column; /* the upstream's column in struct asc_route; ASC_COLUMN_NONE for id 0 */
	__u8 pad;    /* always 0 */
};

/* asc_ifaces value, indexed by ifindex (< ASC_MAX_IFINDEX): the
 * interface-wide link (upstream 0 if none), and whether asc_links holds
 * VLAN-specific entries for the interface, which are then looked up for a
 * tagged frame first. */
struct asc_iface {
	struct asc_link_val any;
	__u16 vlan_links; /* VLAN-specific entries in asc_links */
	__u16 pad;	  /* always 0 */
};

/* asc_upstreams value, indexed by upstream id.  Kept when links are
 * detached, so counters of past links keep their names. */
struct asc_upstream {
	char name[ASC_NAME_LEN]; /* e.g. "cu"; empty = id unused */
	__u32 asn;		 /* the AS at the other end of the link; 0 = unknown */
	__u8 column;		 /* its column in struct asc_route while attached,
				    ASC_COLUMN_NONE when detached */
	__u8 neighbor_family;	 /* 4 or 6 when `neighbor` is set, else 0 */
	__u16 pad;		 /* always 0 */
	__u8 neighbor[16];	 /* the peer address that tells its paths apart
				    from other sessions of the same AS */
};

/* asc_state (array, one entry): what the data plane reads once per packet. */
struct asc_state {
	__u32 generation; /* active route-table generation: 0 or 1 */
	__u16 lookup;	  /* enum asc_lookup_kind (0.2: a __u32 of 0 or 1) */
	/* rows per slot in asc_counts (possible CPUs), written by the loader;
	 * 0 until then (0.2 maps), and the data plane counts in overflow.  In
	 * the first 8 bytes, which every packet reads anyway. */
	__u16 ncpus;
	__u64 swaps;	    /* number of table swaps since the maps were created */
	__u64 load_time_ns; /* CLOCK_REALTIME of the last successful load, ns */
	__u32 routes_v4;    /* prefixes in the active generation */
	__u32 routes_v6;
	/* Fast tables: entries the active generation uses as loaded, against
	 * ASC_FIB_NODES, ASC_FIB_LEAVES and ASC_FIB_ROUTES (0 under lpm). */
	__u32 fib_nodes;
	__u32 fib_leaves;
	__u32 fib_routes;
	/* Counter slot identities written to asc_counts: every batch a slot
	 * allocator writes adds one (mod 2^32).  A loader that keeps its
	 * allocator between loads (the daemon) knows the slots in use as long
	 * as no other loader added one since its own last write (0.3: always
	 * 0). */
	__u32 slot_writes;
};

/* A trie node (asc_fib_node map). */
struct asc_fib_node {
	__u64 vector;  /* bit p: position p is a child node */
	__u64 leafvec; /* bit p: position p is a leaf that starts a run */
	__u32 base0;   /* index of the first leaf of this node's run list */
	__u32 base1;   /* index of the first child node */
		       /* (a skip node uses the same fields otherwise: see ASC_FIB_SKIP) */
};

/* Sixteen __u32 direct entries or leaves (asc_fib_dir, asc_fib_leaf). */
struct asc_fib_pack {
	__u32 v[ASC_FIB_PACK];
};

/* ---- program names (the maps are named by bpf/lib/maps.h and reached
 * through the skeleton, see user/dataplane/maps.c) ---- */
#define ASC_PROG_XDP "asclass_xdp"
#define ASC_PROG_TC "asclass_tc"

/* tc filter identity on clsact egress: our own handle and priority, so
 * detach removes exactly our filter and nobody else's. */
#define ASC_TC_HANDLE 0xa5c1
#define ASC_TC_PRIORITY 0xa5c1

_Static_assert(sizeof(struct asc_route) == 32, "asc_route is ABI");
_Static_assert(sizeof(struct asc_count) == 64, "asc_count is ABI");
_Static_assert(sizeof(struct asc_slot_key) == 12, "asc_slot_key is ABI");
_Static_assert(sizeof(struct asc_retired_val) == 48, "asc_retired_val is ABI");
_Static_assert(sizeof(struct asc_count_key) == 12, "asc_count_key is ABI");
_Static_assert(sizeof(struct asc_count_val) == 16, "asc_count_val is ABI");
_Static_assert(sizeof(struct asc_stats) == ASC_STAT_MAX * 8, "asc_stats follows enum asc_stat");
_Static_assert(sizeof(struct asc_link_key) == 8, "asc_link_key is ABI");
_Static_assert(sizeof(struct asc_link_val) == 4, "asc_link_val is ABI");
_Static_assert(sizeof(struct asc_iface) == 8, "asc_iface is ABI");
_Static_assert(sizeof(struct asc_upstream) == 40, "asc_upstream is ABI");
_Static_assert(sizeof(struct asc_state) == 48, "asc_state is ABI");
_Static_assert(sizeof(struct asc_fib_node) == 24, "asc_fib_node is ABI");
_Static_assert(sizeof(struct asc_fib_pack) == 64, "asc_fib_pack is ABI");

#endif /* ASCLASS_H */
