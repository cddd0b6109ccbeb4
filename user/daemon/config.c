// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/daemon/config.c - asclass.conf through inih.  inih as Debian builds it does
 * not pass line numbers to the handler, so lines are counted in our own
 * reader (ini_parse_stream), and the first error stops the parse. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <ini.h>

#include "cli/settings.h"
#include "common/log.h"
#include "common/parse.h"
#include "daemon/config.h"
#include "dataplane/maps.h"
#include "feed/bmp.h"
#include "feed/feed.h"

struct parse {
	struct asc_config *c;
	const char *path;
	FILE *f;
	char *buf; /* the line being read, as getline() gives it */
	size_t cap;
	int line;
	int failed;
	struct cfg_link *link;	 /* the [link NAME] being read */
	struct cfg_neighbor *nb; /* the [neighbor NAME] being read */
	int source_line;	 /* the first source = key */
	int conn_line;		 /* the last max_connections* key */
	int read_errno;		 /* the system's read error (a directory: EISDIR) */
};

/* A line inih cannot take whole: logged, and the parse stops. */
static char *bad_line(struct parse *p, const char *why)
{
	log_err("%s:%d: %s", p->path, p->line, why);
	p->failed = 1;
	return NULL;
}

/* inih's reader, one line per call.  inih (as Debian builds it) holds lines
 * of up to INI_MAX_LINE - 1 bytes and would read the rest of a longer line
 * as a line of its own, and a NUL byte would end a line early: both are
 * errors naming the line, never a silent cut. */
static char *reader(char *buf, int size, void *stream)
{
	struct parse *p = stream;
	ssize_t n = getline(&p->buf, &p->cap, p->f);

	if (n < 0) {
		p->read_errno = ferror(p->f) ? errno : 0;
		return NULL;
	}
	p->line++;
	if (strlen(p->buf) != (size_t)n)
		return bad_line(p, "a NUL byte (is this a text file?)");
	if (n && p->buf[n - 1] == '\n')
		n--;
	if (n >= size) {
		char why[64];

		snprintf(why, sizeof(why), "line longer than %d bytes", size - 1);
		return bad_line(p, why);
	}
	memcpy(buf, p->buf, (size_t)n);
	buf[n] = 0;
	return buf;
}

static __attribute__((format(printf, 4, 5))) int fail(struct parse *p, const char *section,
						      const char *key, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_err("%s:%d: [%s]%s%s: %s", p->path, p->line, section, key ? " " : "", key ? key : "",
		why);
	p->failed = 1;
	return 0; /* inih: stop at the first error (see config_load) */
}

/* The address host names, as the listener takes it: an IP literal as it
 * is, "" as "::" (every IPv4 and IPv6 address), a name as the first address
 * getaddrinfo() gives for it.  Returns 0 or -EINVAL with why filled. */
static int resolve_listen(const char *host, bool v6_only, char *out, size_t size, char *why,
			  size_t why_size)
{
	struct addrinfo hints = { .ai_family = v6_only ? AF_INET6 : AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = v6_only ? AI_NUMERICHOST : 0 };
	struct addrinfo *ai;
	int rc;

	if (!*host)
		host = "::";
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc) {
		snprintf(why, why_size, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	rc = getnameinfo(ai->ai_addr, ai->ai_addrlen, out, (socklen_t)size, NULL, 0,
			 NI_NUMERICHOST);
	freeaddrinfo(ai);
	if (rc) {
		snprintf(why, why_size, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	return 0;
}

/* "HOST:PORT" as docs/asclass.conf.5 has it: HOST an IPv4 address, an IPv6
 * address with or without brackets (without: the last colon ends it), a
 * name, or nothing (every address).  The one parser of the listener, for
 * --check-config and run alike. */
static int parse_listen(const char *v, struct asc_config *c, char *why, size_t why_size)
{
	const char *colon = strrchr(v, ':');
	char host[sizeof(c->listen_host)];
	bool bracket = *v == '[';
	size_t len = colon ? (size_t)(colon - v) : 0;
	unsigned int port;

	snprintf(why, why_size,
		 "'%s' is not HOST:PORT (HOST an IP address, [IPv6], a name, or "
		 "empty for all addresses)",
		 v);
	if (!colon || parse_u32(colon + 1, &port) || !port || port > 65535)
		return -EINVAL;
	if (bracket && (len < 3 || v[len - 1] != ']'))
		return -EINVAL;
	if (bracket)
		v++, len -= 2;
	if (len >= sizeof(host))
		return -EINVAL;
	memcpy(host, v, len);
	host[len] = 0;
	if (resolve_listen(host, bracket || strchr(host, ':'), c->listen_host,
			   sizeof(c->listen_host), why, why_size))
		return -EINVAL;
	c->listen_port = port;
	return 0;
}

/* ---- the keys: the settings of cli/settings.h, and those only the daemon has */

static int parse_listen_key(const char *v, void *field, void *base, char *why, size_t len)
{
	(void)field;
	return parse_listen(v, base, why, len);
}

/* Each source = line adds a file or glob pattern. */
static int parse_source(const char *v, void *field, void *base, char *why, size_t len)
{
	struct asc_config *c = base;

	(void)field;
	if (c->n_sources == CFG_MAX_SOURCES) {
		snprintf(why, len, "more than %d sources", CFG_MAX_SOURCES);
		return -EINVAL;
	}
	c->sources[c->n_sources] = strdup(v);
	if (!c->sources[c->n_sources]) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -EINVAL;
	}
	c->n_sources++;
	return 0;
}

/* An absolute path that fits the char[PATH_MAX] field. */
static int parse_pin_dir(const char *v, void *field, void *base, char *why, size_t len)
{
	(void)base;
	if (*v != '/' || strlen(v) >= PATH_MAX) {
		snprintf(why, len, "'%s' is not an absolute path", v);
		return -EINVAL;
	}
	strcpy(field, v);
	return 0;
}

static const struct setting set_interface = {
	.name = "interface",
	.type = SETTING_STRING,
	.min = 1, /* the field's size (IF_NAMESIZE) bounds it above */
	.what = "an interface name",
	.help = "the interface the link's traffic crosses",
};
static const struct setting set_source = {
	.name = "source",
	.type = SETTING_CUSTOM,
	.parse = parse_source,
	.help = "a routing data file or glob pattern; repeat for more",
};
static const struct setting set_listen = {
	.name = "listen",
	.type = SETTING_CUSTOM,
	.parse = parse_listen_key,
	.def = "127.0.0.1:9742",
	.help = "address and port of the metrics listener",
};
static const struct setting set_top_n = {
	.name = "top-n",
	.type = SETTING_U32,
	.min = 1,
	.max = UINT32_MAX,
	.what = "a number",
	.def = "500",
	.help = "how many (origin, transit) pairs the metrics show by recent traffic",
};
static const struct setting set_watch = {
	.name = "watch",
	.type = SETTING_ASN_LIST,
	.max = CFG_MAX_WATCH,
	.help = "origin ASes whose prefixes are shown per transit",
};
static const struct setting set_max_connections = {
	.name = "max-connections",
	.type = SETTING_U32,
	.min = 1,
	.max = CFG_MAX_CONNECTIONS,
	.what = "a number",
	.def = "1024",
	.help = "metrics connections open at once, from every client together",
};
static const struct setting set_max_per_client = {
	.name = "max-connections-per-client",
	.type = SETTING_U32,
	.min = 1,
	.max = CFG_MAX_CONNECTIONS,
	.what = "a number",
	.def = "8",
	.help = "metrics connections open at once from one client address",
};
static const struct setting set_timeout = {
	.name = "timeout",
	.type = SETTING_U32,
	.min = 1,
	.max = 3600,
	.what = "a number of seconds",
	.def = "5",
	.help = "seconds a metrics connection may stay idle",
};
static const struct setting set_header_timeout = {
	.name = "header-timeout",
	.type = SETTING_U32,
	.min = 1,
	.max = 3600,
	.what = "a number of seconds",
	.def = "2",
	.help = "seconds a metrics client has to send a request's line and headers",
};
static const struct setting set_pin_dir = {
	.name = "pin-dir",
	.type = SETTING_CUSTOM,
	.parse = parse_pin_dir,
	.def = ASC_PIN_DIR_DEFAULT,
	.help = "where the maps are pinned",
};

/* An IP address literal (IPv4 or IPv6), as the feed takes it. */
static int parse_ip(const char *v, void *field, void *base, char *why, size_t len)
{
	unsigned char a[16];

	(void)base;
	if (strlen(v) >= CFG_ADDR_LEN ||
	    (inet_pton(AF_INET, v, a) != 1 && inet_pton(AF_INET6, v, a) != 1)) {
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", v);
		return -EINVAL;
	}
	strcpy(field, v);
	return 0;
}

/* A BGP identifier: an IPv4 address other than 0.0.0.0, stored in host order. */
static int parse_router_id(const char *v, void *field, void *base, char *why, size_t len)
{
	struct in_addr a;

	(void)base;
	if (inet_pton(AF_INET, v, &a) != 1 || !a.s_addr) {
		snprintf(why, len, "'%s' is not an IPv4 address other than 0.0.0.0", v);
		return -EINVAL;
	}
	*(uint32_t *)field = ntohl(a.s_addr);
	return 0;
}

static const struct setting set_bgp_listen = {
	.name = "listen",
	.type = SETTING_CUSTOM,
	.parse = parse_ip,
	.def = "none (active neighbours only)",
	.help = "address the BGP speaker listens on for passive neighbours",
};
static const struct setting set_port = {
	.name = "port",
	.type = SETTING_U32,
	.min = 1,
	.max = 65535,
	.what = "a TCP port",
	.def = "179",
	.help = "TCP port: of the listener ([bgp]), or to connect to (an active [neighbor])",
};
static const struct setting set_local_as = {
	.name = "local-as",
	.type = SETTING_ASN,
	.min = 1,
	.max = UINT32_MAX,
	.what = "an AS number",
	.help = "our AS in the BGP sessions (required); the router's own AS makes them iBGP, "
		"so paths arrive unprepended",
};
static const struct setting set_router_id = {
	.name = "router-id",
	.type = SETTING_CUSTOM,
	.parse = parse_router_id,
	.help = "our BGP identifier, an IPv4 address (required)",
};
static const struct setting set_hold_time = {
	.name = "hold-time",
	.type = SETTING_U32,
	.max = 65535,
	.what = "a number of seconds",
	.def = "90",
	.help = "hold time we offer: 0 (no keepalives) or at least 3 s",
};
static const struct setting set_stale_time = {
	.name = "stale-time",
	.type = SETTING_U32,
	.min = 1,
	.max = 65535,
	.what = "a number of seconds",
	.def = "360 ([neighbor]: the [bgp] value)",
	.help = "how long a lost session's routes stay, as stale, for a new session and "
		"then for its End-of-RIB",
};
static const struct setting set_apply_interval = {
	.name = "apply-interval",
	.type = SETTING_U32,
	.min = 10,
	.max = 3600000,
	.what = "a number of milliseconds",
	.def = "1000",
	.help = "milliseconds between two loads of the route tables from the feed: changes "
		"received meanwhile (a whole initial table too) go into one load",
};
static const struct setting set_address = {
	.name = "address",
	.type = SETTING_CUSTOM,
	.parse = parse_ip,
	.help = "the neighbour's address (required)",
};
static const struct setting set_remote_as = {
	.name = "remote-as",
	.type = SETTING_ASN,
	.min = 1,
	.max = UINT32_MAX,
	.what = "an AS number",
	.def = "local_as (iBGP)",
	.help = "the neighbour's AS",
};
static const struct setting set_active = {
	.name = "active",
	.type = SETTING_BOOL,
	.def = "no",
	.help = "connect to the neighbour (to address and port) instead of waiting for it",
};

static const struct setting set_bmp_listen = {
	.name = "listen",
	.type = SETTING_CUSTOM,
	.parse = parse_ip,
	.help = "address the BMP station listens on for routers (required)",
};
static const struct setting set_bmp_port = {
	.name = "port",
	.type = SETTING_U32,
	.min = 1,
	.max = 65535,
	.what = "a TCP port",
	.def = "1790",
	.help = "TCP port of the BMP listener",
};
static const struct setting_name bmp_view_names[] = {
	{ "auto", BMP_VIEW_AUTO },
	{ "pre", BMP_VIEW_PRE },
	{ "post", BMP_VIEW_POST },
	{ NULL },
};
static const struct setting set_bmp_view = {
	.name = "view",
	.type = SETTING_ENUM,
	.names = bmp_view_names,
	.def = "auto",
	.help = "which Adj-RIB-In a peer's paths come from: post-policy once the router sends "
		"it, pre-policy until then (auto), or only one of them",
};

/* allow = ADDR: one more router allowed to connect (base: struct cfg_bmp). */
static int parse_allow(const char *v, void *field, void *base, char *why, size_t len)
{
	struct cfg_bmp *b = base;

	(void)field;
	if (b->n_allow == CFG_MAX_BMP_ALLOW) {
		snprintf(why, len, "more than %d routers", CFG_MAX_BMP_ALLOW);
		return -EINVAL;
	}
	if (parse_ip(v, b->allow[b->n_allow], NULL, why, len))
		return -EINVAL;
	b->n_allow++;
	return 0;
}

static const struct setting set_bmp_allow = {
	.name = "allow",
	.type = SETTING_CUSTOM,
	.parse = parse_allow,
	.def = "any router",
	.help = "a router's address allowed to connect (repeatable); others are refused",
};

#define LINK_KEY(setting, field) SETTING_BIND(setting, struct cfg_link, field)
#define KEY(setting, field) SETTING_BIND(setting, struct asc_config, field)
#define BGP_KEY(setting, field) SETTING_BIND(setting, struct cfg_bgp, field)
#define NB_KEY(setting, field) SETTING_BIND(setting, struct cfg_neighbor, field)
#define BMP_KEY(setting, field) SETTING_BIND(setting, struct cfg_bmp, field)

static const struct setting_bind link_keys[] = {
	LINK_KEY(set_interface, ifname),
	LINK_KEY(set_vlan, vlan),
	LINK_KEY(set_asn, asn),
	LINK_KEY(set_neighbor, neighbor),
	{ NULL },
};
static const struct setting_bind bgp_keys[] = {
	BGP_KEY(set_bgp_listen, listen),
	BGP_KEY(set_port, port),
	BGP_KEY(set_local_as, local_as),
	BGP_KEY(set_router_id, router_id),
	BGP_KEY(set_hold_time, hold_time),
	BGP_KEY(set_stale_time, stale_time),
	BGP_KEY(set_apply_interval, apply_interval_ms),
	{ NULL },
};
static const struct setting_bind bmp_keys[] = {
	BMP_KEY(set_bmp_listen, listen),
	BMP_KEY(set_bmp_port, port),
	BMP_KEY(set_bmp_view, view),
	BMP_KEY(set_bmp_allow, allow),
	BMP_KEY(set_apply_interval, apply_interval_ms),
	{ NULL },
};
static const struct setting_bind neighbor_keys[] = {
	NB_KEY(set_address, addr),  NB_KEY(set_remote_as, remote_as),	NB_KEY(set_port, port),
	NB_KEY(set_active, active), NB_KEY(set_stale_time, stale_time), { NULL },
};
static const struct setting_bind routes_keys[] = {
	KEY(set_source, sources),	   KEY(set_format, format), KEY(set_keep_going, keep_going),
	KEY(set_allow_empty, allow_empty), KEY(set_lookup, lookup), { NULL },
};
static const struct setting_bind metrics_keys[] = {
	KEY(set_listen, listen_host),
	KEY(set_top_n, top_n),
	SETTING_BIND_LIST(set_watch, struct asc_config, watch, n_watch),
	KEY(set_max_connections, max_connections),
	KEY(set_max_per_client, max_per_client),
	KEY(set_timeout, timeout_s),
	KEY(set_header_timeout, header_timeout_s),
	{ NULL },
};
static const struct setting_bind daemon_keys[] = {
	KEY(set_pin_dir, pin_dir),
	KEY(set_mode, mode),
	KEY(set_tc_hook, tc_hook),
	KEY(set_counters, counters),
	{ NULL },
};

/* The sections other than [link NAME], whose keys set struct asc_config. */
static const struct {
	const char *name;
	const struct setting_bind *keys;
} sections[] = {
	{ "routes", routes_keys },
	{ "metrics", metrics_keys },
	{ "daemon", daemon_keys },
};

/* The keys of a section other than [link NAME], or NULL. */
static const struct setting_bind *plain_keys(const char *section)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strcmp(section, sections[i].name))
			return sections[i].keys;
	return NULL;
}

const struct setting_bind *config_keys(const char *section)
{
	if (!strcmp(section, "link"))
		return link_keys;
	if (!strcmp(section, "neighbor"))
		return neighbor_keys;
	if (!strcmp(section, "bgp"))
		return bgp_keys;
	if (!strcmp(section, "bmp"))
		return bmp_keys;
	return plain_keys(section);
}

/* ---- the handler ------------------------------------------------------ */

/* key = v of a section whose keys are `keys`, into base. */
static int section_key(struct parse *p, const char *section, const struct setting_bind *keys,
		       void *base, const char *key, const char *v)
{
	const struct setting_bind *b = setting_find_key(keys, key);
	char why[256], known[256];

	if (!b) {
		setting_keys(keys, known, sizeof(known));
		return fail(p, section, NULL, "unknown key \"%s\" (known: %s)", key, known);
	}
	if (setting_parse(b, base, v, why, sizeof(why)))
		return fail(p, section, key, "%s", why);
	return 1;
}

/* Makes p->link the [link NAME] being read, a new one at its first key. */
static int link_select(struct parse *p, const char *section, const char *name)
{
	struct asc_config *c = p->c;

	if (p->link && !strcmp(p->link->name, name))
		return 1;
	p->link = NULL;
	for (int i = 0; i < c->n_links; i++)
		if (!strcmp(c->links[i].name, name))
			p->link = &c->links[i];
	if (p->link)
		return 1;
	if (!*name || strlen(name) >= ASC_NAME_LEN)
		return fail(p, section, NULL, "link name \"%s\" must be 1 to 15 characters", name);
	if (c->n_links == CFG_MAX_LINKS)
		return fail(p, section, NULL, "more than %d links", CFG_MAX_LINKS);
	p->link = &c->links[c->n_links++];
	strcpy(p->link->name, name);
	p->link->vlan = ASC_VLAN_ANY;
	p->link->line = p->line;
	return 1;
}

/* Makes p->nb the [neighbor NAME] being read, a new one at its first key. */
static int neighbor_select(struct parse *p, const char *section, const char *name)
{
	struct cfg_bgp *b = &p->c->bgp;

	if (p->nb && !strcmp(p->nb->name, name))
		return 1;
	p->nb = NULL;
	for (int i = 0; i < b->n_neighbors; i++)
		if (!strcmp(b->neighbors[i].name, name))
			p->nb = &b->neighbors[i];
	if (p->nb)
		return 1;
	if (!*name || strlen(name) >= ASC_NAME_LEN)
		return fail(p, section, NULL, "neighbor name \"%s\" must be 1 to 15 characters",
			    name);
	if (b->n_neighbors == CFG_MAX_NEIGHBORS)
		return fail(p, section, NULL, "more than %d neighbors", CFG_MAX_NEIGHBORS);
	p->nb = &b->neighbors[b->n_neighbors++];
	strcpy(p->nb->name, name);
	p->nb->line = p->line;
	return 1;
}

static int bgp_key(struct parse *p, const char *section, const char *key, const char *v)
{
	if (!p->c->bgp.on)
		p->c->bgp.line = p->line;
	p->c->bgp.on = true;
	return section_key(p, section, bgp_keys, &p->c->bgp, key, v);
}

static int bmp_key(struct parse *p, const char *section, const char *key, const char *v)
{
	if (!p->c->bmp.on)
		p->c->bmp.line = p->line;
	p->c->bmp.on = true;
	return section_key(p, section, bmp_keys, &p->c->bmp, key, v);
}

static int handler(void *user, const char *section, const char *key, const char *v)
{
	struct parse *p = user;
	const struct setting_bind *keys;

	if (p->failed)
		return 0;
	if (!key) /* a new section (inih calls with NULL name when it starts) */
		return 1;
	if (!strncmp(section, "link ", 5))
		return link_select(p, section, section + 5) &&
		       section_key(p, section, link_keys, p->link, key, v);
	if (!strncmp(section, "neighbor ", 9))
		return neighbor_select(p, section, section + 9) &&
		       section_key(p, section, neighbor_keys, p->nb, key, v);
	if (!strcmp(section, "bgp"))
		return bgp_key(p, section, key, v);
	if (!strcmp(section, "bmp"))
		return bmp_key(p, section, key, v);
	if (!strcmp(section, "routes") && !strcmp(key, "source") && !p->source_line)
		p->source_line = p->line;
	if (!strcmp(section, "metrics") && !strncmp(key, "max_connections", 15))
		p->conn_line = p->line; /* for the check of both (parse_stream) */
	keys = plain_keys(section);
	if (keys)
		return section_key(p, section, keys, p->c, key, v);
	return fail(p, section, NULL,
		    "unknown section (known: [link NAME], [routes], [metrics], [daemon], [bgp], "
		    "[neighbor NAME], [bmp]): key \"%s\"",
		    key);
}

static void set_defaults(struct asc_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->listen_port = 9742;
	c->top_n = 500;
	c->max_connections = 1024;
	c->max_per_client = 8;
	c->timeout_s = 5;
	c->header_timeout_s = 2;
	c->lookup = ASC_LOOKUP_FAST;
	snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", ASC_PIN_DIR_DEFAULT);
	c->bgp.port = 179;
	c->bgp.hold_time = 90;
	c->bgp.stale_time = FEED_STALE_DEFAULT_S;
	c->bgp.apply_interval_ms = 1000;
	c->bmp.port = BMP_PORT_DEFAULT;
}

/* A live source ([bgp], [bmp]) is the routing source: source = is refused. */
static const char *live_source_check(const struct parse *p, const char *section, int *line)
{
	static char why[160];

	if (!p->source_line)
		return NULL;
	*line = p->source_line;
	snprintf(why, sizeof(why),
		 "[routes] source: refused with %s (the live feed's RIB is the routing source; "
		 "see asclass.conf(5))",
		 section);
	return why;
}

/* A [neighbor] without stale_time takes [bgp]'s. */
static void bgp_inherit(struct cfg_bgp *b)
{
	for (int i = 0; i < b->n_neighbors; i++)
		if (!b->neighbors[i].stale_time)
			b->neighbors[i].stale_time = b->stale_time;
}

/* What [bgp] and [neighbor NAME] need of the whole file: the error and its
 * line, or NULL (*line untouched). */
static const char *bgp_check(const struct parse *p, int *line)
{
	const struct cfg_bgp *b = &p->c->bgp;

	for (int i = 0; i < b->n_neighbors; i++) {
		*line = b->neighbors[i].line;
		if (!b->on)
			return "a [neighbor] without a [bgp] section";
		if (!b->neighbors[i].addr[0])
			return "[neighbor]: no address = ...";
	}
	*line = b->line;
	if (!b->on)
		return NULL;
	if (!b->local_as)
		return "[bgp]: no local_as = ...";
	if (!b->router_id)
		return "[bgp]: no router_id = ...";
	if (b->hold_time == 1 || b->hold_time == 2)
		return "[bgp] hold_time: must be 0 or at least 3 s";
	if (!b->n_neighbors)
		return "[bgp]: no [neighbor NAME] section";
	return live_source_check(p, "[bgp]", line);
}

/* What [bmp] needs of the whole file, as bgp_check(). */
static const char *bmp_check(const struct parse *p, int *line)
{
	*line = p->c->bmp.line;
	if (!p->c->bmp.on)
		return NULL;
	if (!p->c->bmp.listen[0])
		return "[bmp]: no listen = ...";
	return live_source_check(p, "[bmp]", line);
}

/* The whole of f, then the checks that need the whole file. */
static int parse_stream(FILE *f, const char *path, struct asc_config *c)
{
	struct parse p = { .c = c, .path = path, .f = f };
	int rc = ini_parse_stream(reader, &p, handler, &p), line = 0;
	const char *why;

	free(p.buf);
	if (!p.failed && rc > 0) { /* a syntax error inih found itself */
		log_err("%s:%d: syntax error (expected [section] or key = value)", path, rc);
		p.failed = 1;
	}
	if (!p.failed && c->max_per_client > c->max_connections) {
		log_err("%s:%d: [metrics] max_connections_per_client %u is more than "
			"max_connections %u",
			path, p.conn_line, c->max_per_client, c->max_connections);
		p.failed = 1;
	}
	for (int i = 0; !p.failed && i < c->n_links; i++)
		if (!c->links[i].ifname[0]) {
			log_err("%s:%d: [link %s]: no interface = ...", path, c->links[i].line,
				c->links[i].name);
			p.failed = 1;
		}
	if (!p.failed && ((why = bgp_check(&p, &line)) || (why = bmp_check(&p, &line)))) {
		log_err("%s:%d: %s", path, line, why);
		p.failed = 1;
	}
	bgp_inherit(&c->bgp);
	if (!p.failed && (rc < 0 || ferror(f))) { /* the system's failure, not bad input */
		rc = p.read_errno ? -p.read_errno : -ENOMEM;
		log_err("%s: %s", path, strerror(-rc));
		config_free(c);
		return rc;
	}
	if (p.failed) {
		config_free(c);
		return -EINVAL;
	}
	return 0;
}

/* Reads the file f that fopen() or fmemopen() gave (NULL: errno says why),
 * and closes it. */
static int parse_opened(FILE *f, const char *name, struct asc_config *c)
{
	int rc = f ? 0 : -errno;

	set_defaults(c);
	if (!f) {
		log_err("%s: %s", name, strerror(-rc));
		return rc;
	}
	rc = parse_stream(f, name, c);
	fclose(f);
	return rc;
}

int config_load(const char *path, struct asc_config *c)
{
	return parse_opened(fopen(path, "r"), path, c);
}

int config_parse(const char *name, const char *text, size_t len, struct asc_config *c)
{
	/* fmemopen reads text as it is (NUL bytes too) and never writes in "r" */
	return parse_opened(fmemopen((void *)text, len, "r"), name, c);
}

void config_free(struct asc_config *c)
{
	for (int i = 0; i < c->n_sources; i++)
		free(c->sources[i]);
	c->n_sources = 0;
}

bool config_bgp_same(const struct asc_config *a, const struct asc_config *b)
{
	struct cfg_bgp x = a->bgp, y = b->bgp;

	x.line = y.line = 0;
	x.apply_interval_ms = y.apply_interval_ms = 0; /* read at each drain */
	for (int i = 0; i < CFG_MAX_NEIGHBORS; i++)
		x.neighbors[i].line = y.neighbors[i].line = 0;
	return !memcmp(&x, &y, sizeof(x));
}

bool config_bmp_same(const struct asc_config *a, const struct asc_config *b)
{
	struct cfg_bmp x = a->bmp, y = b->bmp;

	x.line = y.line = 0;
	x.apply_interval_ms = y.apply_interval_ms = 0; /* read at each drain */
	return !memcmp(&x, &y, sizeof(x));
}

unsigned int config_apply_interval(const struct asc_config *c)
{
	unsigned int bgp = c->bgp.on ? c->bgp.apply_interval_ms : 0;
	unsigned int bmp = c->bmp.on ? c->bmp.apply_interval_ms : 0;

	if (bgp && bmp)
		return bgp < bmp ? bgp : bmp;
	return bgp ? bgp : bmp ? bmp : 1000;
}
