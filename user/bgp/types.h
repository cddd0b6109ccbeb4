/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/types.h - the values BGP decoding produces and MRT records carry:
 * AFI/SAFI, message, attribute and segment numbers, addresses, prefixes, AS
 * paths, attributes, messages, and the decoding counters (struct mrt_stats,
 * named for the reader that reports them).  Here so that bgp.h needs nothing
 * from mrt.h: the BGP decoders serve MRT files and live sessions alike, and
 * mrt.h includes this file, and bgp.h includes it in place of mrt.h.
 */
#ifndef ASC_BGP_TYPES_H
#define ASC_BGP_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* BGP AFI/SAFI (RFC 4760). */
enum { BGP_AFI_IPV4 = 1, BGP_AFI_IPV6 = 2 };
enum { BGP_SAFI_UNICAST = 1, BGP_SAFI_MULTICAST = 2 };

/* BGP message types (RFC 4271). */
enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* BGP FSM states as STATE_CHANGE records carry them. */
enum bgp_state {
	BGP_STATE_IDLE = 1,
	BGP_STATE_CONNECT = 2,
	BGP_STATE_ACTIVE = 3,
	BGP_STATE_OPENSENT = 4,
	BGP_STATE_OPENCONFIRM = 5,
	BGP_STATE_ESTABLISHED = 6,
};

/* Path attribute type codes. */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH_NLRI = 14,
	BGP_ATTR_MP_UNREACH_NLRI = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
};

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };

/* AS_PATH segment types (RFC 4271, RFC 5065). */
enum bgp_seg_type {
	BGP_SEG_AS_SET = 1,
	BGP_SEG_AS_SEQUENCE = 2,
	BGP_SEG_AS_CONFED_SEQUENCE = 3,
	BGP_SEG_AS_CONFED_SET = 4,
};

/* ---- decoded values ---- */

struct mrt_ip {
	uint8_t family; /* 4 or 6; 0 = absent */
	uint8_t pad[3];
	uint8_t a[16]; /* network order; IPv4 in a[0..3] */
};

struct mrt_prefix {
	struct mrt_ip ip; /* host bits are kept as received (bgpdump prints them) */
	uint8_t len;	  /* 0..32 or 0..128 */
	bool has_path_id; /* ADD-PATH encodings (RFC 7911 / RFC 8050) */
	uint8_t pad[2];
	uint32_t path_id;
};

struct bgp_seg {
	uint8_t type; /* enum bgp_seg_type (other values kept as received) */
	uint8_t pad;
	uint16_t count; /* ASNs in this segment */
	uint32_t first; /* index of its first ASN in bgp_aspath.asns */
};

struct bgp_aspath {
	const struct bgp_seg *segs;
	const uint32_t *asns; /* all segments' ASNs, in order */
	uint32_t nsegs;
	uint32_t nasns;
	bool present;	  /* the attribute was there (an empty path is present) */
	uint8_t asn_size; /* 2 or 4: encoding it was received in (0 if merged/absent) */
	bool error;	  /* malformed: bad segment type or a segment past the end; the
			   * segments decoded before the fault are kept */
};

struct bgp_large_community {
	uint32_t global, local1, local2;
};

struct bgp_mp_reach {
	bool present;
	uint16_t afi;
	uint8_t safi;
	uint8_t nh_len;		       /* length of the next-hop field as received */
	struct mrt_ip nexthop;	       /* global next hop */
	struct mrt_ip nexthop_ll;      /* IPv6 link-local next hop (nh_len 32), else family 0 */
	const struct mrt_prefix *nlri; /* empty when afi/safi is not decoded, and
					* in TABLE_DUMP_V2 entries (RFC 6396 4.3.4) */
	uint32_t n_nlri;
	bool skipped;	  /* afi/safi other than IPv4/IPv6 unicast/multicast */
	bool abbreviated; /* RFC 6396 4.3.4 form (next hop only), TABLE_DUMP_V2 */
};

struct bgp_mp_unreach {
	bool present;
	uint16_t afi;
	uint8_t safi;
	const struct mrt_prefix *withdrawn;
	uint32_t n_withdrawn;
	bool skipped;
};

/* Flags for bgp_attrs.present (bit 1 << type, types 1..31) and the
 * large-communities bit kept separately. */
#define BGP_HAS(a, type)                                                                           \
	(((type) < 32) ? (((a)->present >> (type)) & 1U)                                           \
		       : ((type) == BGP_ATTR_LARGE_COMMUNITIES ? (a)->has_large_communities : 0))

struct bgp_attrs {
	uint32_t present; /* bit (1 << type) for every attribute type < 32 seen */
	bool has_large_communities;
	uint8_t origin; /* enum bgp_origin; valid when BGP_HAS(a, BGP_ATTR_ORIGIN) */
	bool atomic_aggregate;

	struct bgp_aspath as_path;     /* merged AS_PATH + AS4_PATH (use this one) */
	struct bgp_aspath as_path_raw; /* AS_PATH as received */
	struct bgp_aspath as4_path;    /* AS4_PATH as received (present=false if none) */

	struct mrt_ip next_hop; /* NEXT_HOP attribute (IPv4) */
	uint32_t med;
	uint32_t local_pref;

	/* AGGREGATOR merged with AS4_AGGREGATOR (RFC 6793: AS4_AGGREGATOR wins
	 * when AGGREGATOR's AS is AS_TRANS 23456).  aggregator_asn_size is the
	 * AGGREGATOR encoding (2 or 4). */
	uint32_t aggregator_asn;
	struct mrt_ip aggregator_ip;
	uint8_t aggregator_asn_size;
	bool has_as4_aggregator;
	uint32_t as4_aggregator_asn;
	struct mrt_ip as4_aggregator_ip;

	const uint32_t *communities; /* host order: (asn << 16) | value */
	uint32_t n_communities;
	const struct bgp_large_community *large_communities;
	uint32_t n_large_communities;

	struct mrt_ip originator_id;
	struct bgp_mp_reach mp_reach;
	struct bgp_mp_unreach mp_unreach;

	uint32_t n_unknown; /* attributes skipped (unknown or not decoded) */
	const uint8_t *raw; /* the attribute bytes as received */
	uint32_t raw_len;

	/* Attribute-level faults (RFC 7606 style): the record is still returned.
	 * malformed has bit (1 << type) for each attribute type < 32 that had a
	 * bad length or content, or was repeated (the first one is kept); bit 0
	 * stands for LARGE_COMMUNITIES.  truncated: an attribute header or
	 * value ran past the end of the attribute block; parsing stopped there. */
	uint32_t malformed;
	bool truncated;
	/* AGGREGATOR / AS4_AGGREGATOR values as received (printers that mimic
	 * other tools decode them their own way). */
	const uint8_t *aggregator_raw;
	uint16_t aggregator_raw_len;
	const uint8_t *as4_aggregator_raw;
	uint16_t as4_aggregator_raw_len;
};

struct bgp_open {
	uint8_t version;
	uint16_t asn;  /* "My Autonomous System" (AS_TRANS for 4-byte speakers) */
	uint32_t asn4; /* from the 4-octet AS capability, or asn if none */
	uint16_t hold_time;
	struct mrt_ip bgp_id;
	uint8_t opt_len;
	const uint8_t *opt; /* optional parameters, raw */
};

struct bgp_notification {
	uint8_t code, subcode;
	const uint8_t *data;
	uint32_t data_len;
};

struct bgp_update {
	const struct mrt_prefix *withdrawn; /* IPv4 withdrawn routes field */
	uint32_t n_withdrawn;
	const struct mrt_prefix *nlri; /* IPv4 NLRI field */
	uint32_t n_nlri;
	struct bgp_attrs attrs; /* incl. mp_reach / mp_unreach */
	/* bgpdump_compat only (otherwise the record is an error): a prefix cut
	 * by the end of its field ended that list; the prefixes before it are
	 * kept (for MP_(UN)REACH_NLRI the attribute's bit in attrs.malformed
	 * is set instead). */
	bool withdrawn_cut, nlri_cut;
};

struct bgp_msg {
	uint8_t type;	     /* enum bgp_msg_type */
	uint16_t len;	     /* BGP header length field */
	const uint8_t *body; /* after the 19-byte header */
	uint32_t body_len;
	union {
		struct bgp_update update;
		struct bgp_open open;
		struct bgp_notification notification;
	};
};

struct mrt_stats {
	uint64_t records;	      /* headers read (good, bad and skipped) */
	uint64_t bad_records;	      /* malformed, skipped under keep_going */
	uint64_t other_records;	      /* types/subtypes not decoded (MRT_REC_OTHER) */
	uint64_t rib_generic_skipped; /* RIB_GENERIC entries that are not IPv4/IPv6
					 unicast/multicast */
	uint64_t afi_skipped;	      /* MP_REACH/MP_UNREACH of other AFI/SAFI */
	uint64_t attrs_unknown;	      /* unknown attributes skipped */
	uint64_t bytes;		      /* uncompressed bytes consumed */
	uint64_t nlri_cut;	      /* prefix lists ended early by a malformed prefix
					 (bgpdump_compat only; an error otherwise) */
};
#endif
