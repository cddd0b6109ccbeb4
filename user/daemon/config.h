/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/daemon/config.h - asclass.conf, the daemon's INI configuration (inih).
 * See docs/asclass.conf.5 for the keys.  config_load() reads the whole file
 * or nothing: the first error is logged as "FILE:LINE: [SECTION] KEY: why"
 * and the caller gets -EINVAL. */
#ifndef ASC_CONFIG_H
#define ASC_CONFIG_H
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include "cli/settings.h"
#include "dataplane/attach.h"
#include "routes/routes_in.h"

#define CFG_MAX_LINKS 64
#define CFG_MAX_SOURCES 64
#define CFG_MAX_WATCH 64
#define CFG_MAX_CONNECTIONS 65536
#define CFG_MAX_NEIGHBORS 64
#define CFG_ADDR_LEN 48 /* an IPv4 or IPv6 address as text */
#define CFG_MAX_BMP_ALLOW 64

/* [neighbor NAME]: a BGP neighbour of the live feed. */
struct cfg_neighbor {
	char name[ASC_NAME_LEN];
	char addr[CFG_ADDR_LEN];
	unsigned int remote_as;	 /* 0: the local AS (iBGP) */
	unsigned int port;	 /* active: the port to connect to; 0: 179 */
	bool active;		 /* connect to it (default: wait for it to connect) */
	unsigned int stale_time; /* seconds; 0 in the file: [bgp]'s */
	int line;
};

/* [bgp]: the live feed (user/feed/).  With it, the feed's RIB is the
 * routing source and [routes] source = is refused. */
struct cfg_bgp {
	bool on;		   /* the file has a [bgp] section */
	char listen[CFG_ADDR_LEN]; /* "" : no listener (active neighbours only) */
	unsigned int port;
	unsigned int local_as;
	uint32_t router_id; /* host order */
	unsigned int hold_time;
	unsigned int stale_time; /* seconds a lost session's routes stay stale */
	unsigned int apply_interval_ms;
	struct cfg_neighbor neighbors[CFG_MAX_NEIGHBORS];
	int n_neighbors;
	int line; /* of the [bgp] section's first key */
};

/* [bmp]: the BMP station (user/feed/bmp.h).  Like [bgp] (with which it may
 * be used: both feed the same RIB), it refuses [routes] source =. */
struct cfg_bmp {
	bool on;		   /* the file has a [bmp] section */
	char listen[CFG_ADDR_LEN]; /* required */
	unsigned int port;
	int view;				     /* enum bmp_view */
	unsigned int apply_interval_ms;		     /* 0: not set ([bgp]'s, or 1000) */
	char allow[CFG_MAX_BMP_ALLOW][CFG_ADDR_LEN]; /* routers allowed; none: any */
	size_t n_allow;
	int line; /* of the [bmp] section's first key */
};

struct cfg_link {
	char name[ASC_NAME_LEN];
	char ifname[IF_NAMESIZE];
	unsigned int vlan; /* ASC_VLAN_ANY when not set */
	unsigned int asn;
	struct setting_addr neighbor; /* the upstream's session address; family 0: any */
	int line;
};

struct asc_config {
	struct cfg_link links[CFG_MAX_LINKS];
	int n_links;
	char *sources[CFG_MAX_SOURCES]; /* files or glob patterns */
	int n_sources;
	enum routes_format format;
	bool keep_going;
	bool allow_empty; /* [routes] allow_empty: input without routes may empty the tables */
	enum asc_lookup_kind lookup; /* default ASC_LOOKUP_FAST */
	char listen_host[64];
	unsigned int listen_port;
	unsigned int top_n;
	uint32_t watch[CFG_MAX_WATCH];
	size_t n_watch;
	unsigned int max_connections; /* in all */
	unsigned int max_per_client;  /* from one client address */
	unsigned int timeout_s;
	unsigned int header_timeout_s; /* for a request's line and headers */
	char pin_dir[PATH_MAX];
	enum attach_mode mode;
	enum tc_hook tc_hook;
	unsigned int counters; /* asc_counts keys when it is created; 0: default */
	struct cfg_bgp bgp;
	struct cfg_bmp bmp;
};

/* Returns 0, -EINVAL (logged with file and line), or -errno if unreadable. */
int config_load(const char *path, struct asc_config *c);
/* The same over len bytes of text (NUL bytes included), named `name` in
 * messages.  Returns 0, -EINVAL (logged with name and line) or -ENOMEM. */
int config_parse(const char *name, const char *text, size_t len, struct asc_config *c);
void config_free(struct asc_config *c);
/* Whether two configs have the same [bgp] and neighbours, apply_interval
 * aside (SIGHUP restarts the feed only when they differ). */
bool config_bgp_same(const struct asc_config *a, const struct asc_config *b);
/* The same for [bmp] (SIGHUP restarts the station only when they differ). */
bool config_bmp_same(const struct asc_config *a, const struct asc_config *b);
/* Milliseconds between two loads from the live sources: the smaller
 * apply_interval of [bgp] and [bmp]. */
unsigned int config_apply_interval(const struct asc_config *c);
/* The keys of a section ("link" for [link NAME], "neighbor" for [neighbor
 * NAME]) as the settings table binds them: to struct asc_config, to struct
 * cfg_link for "link", to struct cfg_neighbor for "neighbor", to struct
 * cfg_bgp for "bgp", to struct cfg_bmp for "bmp"; NULL for an unknown section.  Tests run the same
 * bindings through the command line. */
const struct setting_bind *config_keys(const char *section);

#endif
