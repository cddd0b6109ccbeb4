/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/bgp/mrt.h - streaming MRT reader (RFC 6396, RFC 8050, RFC 6793, RFC 4760).
 *
 * DESIGN SUMMARY (stable API: later changes are additive only)
 *
 *   struct mrt_opts o = { .keep_going = true };
 *   struct mrt_reader *r = mrt_open("rib.mrt.gz", &o);   // "-" = stdin
 *   if (!r) ... errno-style failure: see mrt_open()
 *   const struct mrt_record *rec;
 *   while ((rec = mrt_next(r))) {
 *           switch (rec->kind) {
 *           case MRT_REC_PEER_INDEX: rec->pit.peers[i] ...
 *           case MRT_REC_RIB:        rec->rib.prefix, rec->rib.entries[i].peer->asn,
 *                                    rec->rib.entries[i].attrs.as_path ...
 *           case MRT_REC_BGP4MP_MESSAGE: rec->bgp4mp.peer_asn, rec->bgp4mp.msg.update ...
 *           case MRT_REC_BGP4MP_STATE:   rec->bgp4mp.old_state / new_state
 *           default: ...
 *           }
 *   }
 *   if (mrt_error(r)) log_err("%s", mrt_error(r)->text);   // NULL at clean EOF
 *   mrt_close(r);
 *
 * - Input: plain, gzip or bzip2 (detected by magic bytes, not by name), read
 *   in large blocks; memory is bounded by the largest record, never the file.
 * - Everything a record points to (peers of the current PEER_INDEX_TABLE
 *   excepted) lives in reader-owned memory that is reused: it is valid until
 *   the next mrt_next() or mrt_close().  Copy what you keep.  The peer table
 *   pointed to by rib entries stays valid until the next PEER_INDEX_TABLE.
 * - Nothing is allocated per record once the reader has warmed up.
 * - Every read of input goes through a bounds-checked cursor: any byte
 *   sequence gives records or errors, never a crash.
 * - Errors: mrt_next() returns NULL and mrt_error() describes the failure
 *   ("rib.mrt: record 1532 (offset 48213): BGP4MP length 4096 exceeds record
 *   length 512").  With opts.keep_going, a malformed record is skipped and
 *   counted in mrt_stats()->bad_records (the last such error stays readable
 *   through mrt_last_skipped()); only framing faults end the stream: a
 *   truncated file, a length past opts.max_record_len, an all-zero header
 *   (a zero-filled region, /dev/zero), corrupt or cut-short compressed data
 *   (named by the compressed byte offset reached), and read errors.
 *   mrt_error()->err tells bad input (-EINVAL) from the system failing
 *   (-EIO or another errno; -ENOMEM).  Records of types not listed here are
 *   returned with kind MRT_REC_OTHER (header only) and counted.
 * - Faults inside attributes do not fail the record (RFC 7606 style): bad
 *   lengths, wrong flags, repeats and bad AS_PATH segments set bits in
 *   attrs.malformed (attrs.truncated when an attribute runs past its block).
 *   A consumer building routes should skip routes whose AS_PATH bit is set.
 * - Faults that would lose prefixes fail the record (an error naming it, or
 *   skipped and counted under keep_going), in every record type: a prefix
 *   longer than its family allows or cut by the end of its list, an
 *   MP_REACH_NLRI cut before its prefixes, and in an UPDATE an attribute
 *   running past the attribute block (what follows, MP_(UN)REACH_NLRI
 *   included, would be lost).  Only opts.bgpdump_compat reads as bgpdump
 *   does: the list ends there (update.nlri_cut, update.withdrawn_cut, or
 *   the MP attribute's malformed bit) and the record is returned.
 * - bzip2 files are decoded block-parallel on machines with several cores,
 *   gzip in a second thread; output is the same as sequential decoding.
 * - AS paths: attrs.as_path is the path as a consumer wants it: AS_PATH with
 *   AS4_PATH merged per RFC 6793 section 4.2.3 when the AS_PATH used 2-byte
 *   ASNs.  attrs.as_path_raw is AS_PATH as received (ASNs widened to 32 bit),
 *   attrs.as4_path the AS4_PATH attribute.  bgp_aspath_flat() gives a plain
 *   ASN list plus an "ends in AS_SET" flag (origin resolution).
 * - Addresses: struct mrt_ip, family 4 or 6 (0 = absent), bytes in network
 *   order, IPv4 in the first 4 bytes (same convention as user/routes/rtable.h).
 *
 * Record numbers count from 1 (the first record in a file is record 1);
 * offsets are byte offsets of the MRT header in the uncompressed stream.
 */
#ifndef ASC_MRT_H
#define ASC_MRT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/types.h"

/* ---- MRT type and subtype numbers (RFC 6396, RFC 8050) ---- */
enum mrt_type {
	MRT_TYPE_TABLE_DUMP = 12,
	MRT_TYPE_TABLE_DUMP_V2 = 13,
	MRT_TYPE_BGP4MP = 16,
	MRT_TYPE_BGP4MP_ET = 17,
};

enum mrt_td1_subtype { MRT_TD1_AFI_IPV4 = 1, MRT_TD1_AFI_IPV6 = 2 };

enum mrt_td2_subtype {
	MRT_TD2_PEER_INDEX_TABLE = 1,
	MRT_TD2_RIB_IPV4_UNICAST = 2,
	MRT_TD2_RIB_IPV4_MULTICAST = 3,
	MRT_TD2_RIB_IPV6_UNICAST = 4,
	MRT_TD2_RIB_IPV6_MULTICAST = 5,
	MRT_TD2_RIB_GENERIC = 6,
	MRT_TD2_GEO_PEER_TABLE = 7,
	MRT_TD2_RIB_IPV4_UNICAST_ADDPATH = 8,
	MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH = 9,
	MRT_TD2_RIB_IPV6_UNICAST_ADDPATH = 10,
	MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH = 11,
	MRT_TD2_RIB_GENERIC_ADDPATH = 12,
};

enum mrt_bgp4mp_subtype {
	MRT_BGP4MP_STATE_CHANGE = 0,
	MRT_BGP4MP_MESSAGE = 1,
	MRT_BGP4MP_ENTRY = 2,	 /* deprecated, not decoded (kind MRT_REC_OTHER) */
	MRT_BGP4MP_SNAPSHOT = 3, /* deprecated, not decoded */
	MRT_BGP4MP_MESSAGE_AS4 = 4,
	MRT_BGP4MP_STATE_CHANGE_AS4 = 5,
	MRT_BGP4MP_MESSAGE_LOCAL = 6,
	MRT_BGP4MP_MESSAGE_AS4_LOCAL = 7,
	MRT_BGP4MP_MESSAGE_ADDPATH = 8,
	MRT_BGP4MP_MESSAGE_AS4_ADDPATH = 9,
	MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH = 10,
	MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH = 11,
};

struct mrt_peer {
	struct mrt_ip bgp_id;
	struct mrt_ip ip;
	uint32_t asn;
	uint8_t asn_size; /* 2 or 4 as encoded */
};

/* ---- records ---- */

enum mrt_rec_kind {
	MRT_REC_OTHER = 0,	/* type/subtype not decoded: header only */
	MRT_REC_PEER_INDEX,	/* TABLE_DUMP_V2 PEER_INDEX_TABLE */
	MRT_REC_RIB,		/* TABLE_DUMP (v1) or TABLE_DUMP_V2 RIB_* */
	MRT_REC_BGP4MP_MESSAGE, /* BGP4MP(_ET) MESSAGE* */
	MRT_REC_BGP4MP_STATE,	/* BGP4MP(_ET) STATE_CHANGE(_AS4) */
};

struct mrt_peer_index {
	struct mrt_ip collector_id;
	const char *view_name; /* NUL-terminated copy (may be "") */
	uint16_t view_name_len;
	uint16_t n_peers;
	const struct mrt_peer *peers;
};

struct mrt_rib_entry {
	uint16_t peer_index;	     /* TABLE_DUMP_V2; 0 for TABLE_DUMP v1 */
	const struct mrt_peer *peer; /* never NULL */
	uint32_t originated;	     /* originated time, seconds */
	bool has_path_id;
	uint32_t path_id; /* ADD-PATH subtypes */
	struct bgp_attrs attrs;
};

struct mrt_rib {
	uint32_t seq;		  /* sequence number */
	struct mrt_prefix prefix; /* path_id/has_path_id unset: see entries */
	uint16_t afi;		  /* 1 or 2 */
	uint8_t safi;		  /* 1 or 2 */
	uint8_t td1_status;	  /* TABLE_DUMP v1 status byte */
	uint16_t td1_view;	  /* TABLE_DUMP v1 view number */
	bool addpath;
	uint16_t n_entries;
	const struct mrt_rib_entry *entries;
};

struct mrt_bgp4mp {
	uint32_t peer_asn, local_asn;
	uint8_t asn_size; /* 2 or 4 */
	uint16_t ifindex;
	uint16_t afi; /* 1 or 2: family of peer_ip/local_ip */
	struct mrt_ip peer_ip, local_ip;
	bool local;   /* *_LOCAL subtypes: sent by the local speaker */
	bool addpath; /* *_ADDPATH subtypes: NLRI carry path ids */
	/* STATE_CHANGE(_AS4) */
	uint16_t old_state, new_state;
	/* MESSAGE* */
	struct bgp_msg msg;
};

struct mrt_record {
	/* header */
	uint32_t timestamp;    /* seconds */
	uint32_t microseconds; /* _ET types; 0 otherwise */
	uint16_t type, subtype;
	uint32_t length;     /* MRT length field (for _ET includes the 4 us bytes) */
	uint64_t record_no;  /* 1-based */
	uint64_t offset;     /* of the MRT header, in the uncompressed stream */
	const uint8_t *body; /* message body (after the microsecond field for _ET) */
	uint32_t body_len;

	enum mrt_rec_kind kind;
	union {
		struct mrt_peer_index pit;
		struct mrt_rib rib;
		struct mrt_bgp4mp bgp4mp;
	};
};

/* ---- reader ---- */

struct mrt_opts {
	bool keep_going;	 /* skip and count malformed records */
	uint32_t max_record_len; /* 0 = default (MRT_MAX_RECORD_DEFAULT) */
	/* Decode BGP4MP prefix lists exactly as bgpdump 1.6.2 does, faults
	 * included (prefixes longer than 32/128 bits kept, over-long ones
	 * mangled as its buffer overflow mangles them).  Only for the bgpdump
	 * printer (asclass mrt); never for building route tables. */
	bool bgpdump_compat;
	/* Stop at the end of the first bzip2 stream, as bgpdump does (a file
	 * of concatenated streams, as pbzip2 writes, is otherwise read whole);
	 * mrt_unread() says what was left. */
	bool bzip2_first_stream_only;
};
#ifndef MRT_MAX_RECORD_DEFAULT
/* Guards memory against a garbage length field; a longer record is an
 * error naming it (never cut).  Real records are far smaller: a BGP4MP
 * record holds at most a 65535-byte RFC 8654 message and 44 bytes of
 * header, a PEER_INDEX_TABLE of 65535 IPv6 peers 2.4 MiB, a RIB record of
 * a prefix seen by 1000 peers about 100 KiB. */
#define MRT_MAX_RECORD_DEFAULT (16U << 20)
#endif

#define MRT_ERROR_NAME_MAX 4096 /* PATH_MAX on Linux: a file name mrt_open() can open */
struct mrt_error {
	const char *file;   /* name as given ("-" shown as "(stdin)") */
	uint64_t offset;    /* of the record's header, uncompressed stream */
	uint64_t record_no; /* 1-based; 0 when the error is not about a record */
	int err;	    /* negative errno: -EIO, -EINVAL (malformed), -ENOMEM... */
	/* The longest message is under 160 bytes (mrtio's, with a 20-digit
	 * offset and zlib's longest text); text holds a name of PATH_MAX
	 * bytes, the place and msg; a longer name (mrt_open_fd, mrt_open_mem)
	 * is cut in its middle ("/a/b/.../rib.mrt"), never the place. */
	char msg[192];			     /* "BGP4MP length 4096 exceeds record length 512" */
	char text[MRT_ERROR_NAME_MAX + 256]; /* "file: record N (offset O): msg" */
};

struct mrt_reader;

/* Opens `path` ("-" = standard input); gzip/bzip2 by magic bytes.  opts may
 * be NULL.  Returns NULL with errno set on failure (and logs nothing). */
struct mrt_reader *mrt_open(const char *path, const struct mrt_opts *opts);
/* Reads an already open descriptor; `name` is used in errors.  The reader
 * closes fd in mrt_close() unless it is 0 (stdin). */
struct mrt_reader *mrt_open_fd(int fd, const char *name, const struct mrt_opts *opts);
/* Reads a memory buffer (not copied: it must outlive the reader).  Not
 * decompressed.  `name` may be NULL ("(memory)"). */
struct mrt_reader *mrt_open_mem(const void *buf, size_t len, const char *name,
				const struct mrt_opts *opts);

/* The next record, or NULL at end of input or on error (then mrt_error()
 * is non-NULL).  The record and all it points to are valid until the next
 * call.  Does not log. */
const struct mrt_record *mrt_next(struct mrt_reader *r);
/* The error that ended the stream, or NULL (clean end of input). */
const struct mrt_error *mrt_error(const struct mrt_reader *r);
/* Under keep_going: the last malformed record skipped, or NULL. */
const struct mrt_error *mrt_last_skipped(const struct mrt_reader *r);
const struct mrt_stats *mrt_stats(const struct mrt_reader *r);
/* The current PEER_INDEX_TABLE (n_peers 0 / peers NULL if none yet). */
const struct mrt_peer_index *mrt_peer_index(const struct mrt_reader *r);
/* With opts.bzip2_first_stream_only, at the end of input (mrt_next()
 * returned NULL and mrt_error() is NULL): the compressed bytes after the
 * first bzip2 stream, left unread (0 if none), and in *streams (if not
 * NULL) how many bzip2 streams start in them. */
uint64_t mrt_unread(const struct mrt_reader *r, uint64_t *streams);
void mrt_close(struct mrt_reader *r);

/* Text names, for messages and printers. */
const char *mrt_type_name(uint16_t type);
/* "a.b.c.d" or IPv6 text as inet_ntop would write it; returns buf. */
const char *mrt_ip_fmt(const struct mrt_ip *ip, char *buf, size_t len);

#endif
