// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/daemon/config.c - asclass.conf through inih.  inih as Debian builds it does
 * not pass line numbers to the handler, so lines are counted in our own
 * reader (ini_parse_stream), and the first error stops the parse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <ini.h>

#include "common/log.h"
#include "common/parse.h"
#include "daemon/config.h"
#include "dataplane/maps.h"

struct parse {
	struct asc_config *c;
	const char *path;
	FILE *f;
	char *buf; /* the line being read, as getline() gives it */
	size_t cap;
	int line;
	int failed;
	struct cfg_link *link; /* the [link NAME] being read */
	int conn_line;	       /* the last max_connections* key */
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

	if (n < 0)
		return NULL;
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

static int fail(struct parse *p, const char *section, const char *key, const char *fmt,
		const char *val)
{
	char why[256];

	snprintf(why, sizeof(why), fmt, val);
	log_err("%s:%d: [%s]%s%s: %s", p->path, p->line, section, key ? " " : "", key ? key : "",
		why);
	p->failed = 1;
	return 0; /* inih: stop at the first error (see config_load) */
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int link_key(struct parse *p, const char *section, const char *key, const char *v)
{
	struct cfg_link *l = p->link;

	if (!strcmp(key, "interface")) {
		if (!*v || strlen(v) >= IF_NAMESIZE)
			return fail(p, section, key, "'%s' is not an interface name", v);
		strcpy(l->ifname, v);
	} else if (!strcmp(key, "vlan")) {
		if (parse_u32(v, &l->vlan) || l->vlan > 4094)
			return fail(p, section, key, "'%s' is not a VLAN id (0-4094)", v);
	} else if (!strcmp(key, "asn")) {
		if (parse_asn(v, &l->asn))
			return fail(p, section, key, "'%s' is not an AS number", v);
	} else {
		return fail(p, section, NULL, "unknown key \"%s\" (known: interface, vlan, asn)",
			    key);
	}
	return 1;
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

/* "131279, 4837 AS20485": AS numbers separated by commas or spaces. */
static int parse_watch(struct parse *p, const char *section, const char *key, const char *v)
{
	struct asc_config *c = p->c;
	char *buf = strdup(v), *tok, *save = NULL;
	int ok = 1;

	if (!buf)
		return fail(p, section, key, "%s", strerror(ENOMEM));
	for (tok = strtok_r(buf, " ,", &save); ok && tok; tok = strtok_r(NULL, " ,", &save)) {
		if (c->n_watch == CFG_MAX_WATCH)
			ok = fail(p, section, key, "more than %s ASes", "64");
		else if (parse_asn(tok, &c->watch[c->n_watch++]))
			ok = fail(p, section, key, "'%s' is not an AS number", tok);
	}
	free(buf);
	return ok;
}

static int handler(void *user, const char *section, const char *key, const char *v)
{
	struct parse *p = user;
	struct asc_config *c = p->c;

	if (p->failed)
		return 0;
	if (!key) /* a new section (inih calls with NULL name when it starts) */
		return 1;
	if (!strncmp(section, "link ", 5)) {
		const char *name = section + 5;

		if (!p->link || strcmp(p->link->name, name)) {
			p->link = NULL;
			for (int i = 0; i < c->n_links; i++)
				if (!strcmp(c->links[i].name, name))
					p->link = &c->links[i];
			if (!p->link) {
				if (!*name || strlen(name) >= ASC_NAME_LEN)
					return fail(p, section, NULL,
						    "link name \"%s\" must be 1 to 15 characters",
						    name);
				if (c->n_links == CFG_MAX_LINKS)
					return fail(p, section, NULL, "more than %s links", "64");
				p->link = &c->links[c->n_links++];
				strcpy(p->link->name, name);
				p->link->vlan = ASC_VLAN_ANY;
				p->link->line = p->line;
			}
		}
		return link_key(p, section, key, v);
	}
	if (!strcmp(section, "routes")) {
		if (!strcmp(key, "source")) {
			if (c->n_sources == CFG_MAX_SOURCES)
				return fail(p, section, key, "more than %s sources", "64");
			c->sources[c->n_sources] = strdup(v);
			if (!c->sources[c->n_sources++])
				return fail(p, section, key, "%s", strerror(ENOMEM));
		} else if (!strcmp(key, "format")) {
			if (routes_format_parse(v, &c->format))
				return fail(
					p, section, key,
					"unknown format '%s' (auto, mrt, bgpdump, pfx2as, text)",
					v);
		} else if (!strcmp(key, "keep_going")) {
			if (parse_bool(v, &c->keep_going))
				return fail(p, section, key, "'%s' is not yes or no", v);
		} else if (!strcmp(key, "allow_empty")) {
			if (parse_bool(v, &c->allow_empty))
				return fail(p, section, key, "'%s' is not yes or no", v);
		} else if (!strcmp(key, "lookup")) {
			if (!strcmp(v, "fast"))
				c->lookup = ASC_LOOKUP_FAST;
			else if (!strcmp(v, "lpm"))
				c->lookup = ASC_LOOKUP_LPM;
			else
				return fail(p, section, key, "'%s' is not fast or lpm", v);
		} else {
			return fail(p, section, NULL,
				    "unknown key \"%s\" (known: source, format, keep_going, "
				    "allow_empty, "
				    "lookup)",
				    key);
		}
		return 1;
	}
	if (!strcmp(section, "metrics")) {
		if (!strncmp(key, "max_connections", 15))
			p->conn_line = p->line; /* for the check of both (parse_stream) */
		if (!strcmp(key, "listen")) {
			char why[192];

			if (parse_listen(v, c, why, sizeof(why)))
				return fail(p, section, key, "%s", why);
		} else if (!strcmp(key, "top_n")) {
			if (parse_u32(v, &c->top_n) || !c->top_n)
				return fail(p, section, key, "'%s' is not a positive number", v);
		} else if (!strcmp(key, "watch")) {
			return parse_watch(p, section, key, v);
		} else if (!strcmp(key, "max_connections")) {
			if (parse_u32(v, &c->max_connections) || !c->max_connections ||
			    c->max_connections > CFG_MAX_CONNECTIONS)
				return fail(p, section, key, "'%s' is not a number from 1 to 65536",
					    v);
		} else if (!strcmp(key, "max_connections_per_client")) {
			if (parse_u32(v, &c->max_per_client) || !c->max_per_client ||
			    c->max_per_client > CFG_MAX_CONNECTIONS)
				return fail(p, section, key, "'%s' is not a number from 1 to 65536",
					    v);
		} else if (!strcmp(key, "timeout")) {
			if (parse_u32(v, &c->timeout_s) || !c->timeout_s || c->timeout_s > 3600)
				return fail(p, section, key,
					    "'%s' is not a number of seconds from 1 to 3600", v);
		} else {
			return fail(p, section, NULL,
				    "unknown key \"%s\" (known: listen, top_n, watch, "
				    "max_connections, max_connections_per_client, timeout)",
				    key);
		}
		return 1;
	}
	if (!strcmp(section, "daemon")) {
		if (!strcmp(key, "pin_dir")) {
			if (*v != '/' || strlen(v) >= sizeof(c->pin_dir))
				return fail(p, section, key, "'%s' is not an absolute path", v);
			strcpy(c->pin_dir, v);
		} else if (!strcmp(key, "mode")) {
			if (!strcmp(v, "native"))
				c->mode = ATTACH_NATIVE;
			else if (!strcmp(v, "skb"))
				c->mode = ATTACH_SKB;
			else
				return fail(p, section, key, "'%s' is not native or skb", v);
		} else if (!strcmp(key, "tc_hook")) {
			if (!strcmp(v, "auto"))
				c->tc_hook = TC_HOOK_AUTO;
			else if (!strcmp(v, "tcx"))
				c->tc_hook = TC_HOOK_TCX;
			else if (!strcmp(v, "clsact"))
				c->tc_hook = TC_HOOK_CLSACT;
			else
				return fail(p, section, key, "'%s' is not auto, tcx or clsact", v);
		} else if (!strcmp(key, "counters")) {
			if (parse_u32(v, &c->counters) || c->counters < COUNTERS_MIN ||
			    c->counters > COUNTERS_MAX)
				return fail(p, section, key,
					    "'%s' is not a number of counter keys from 1024 to "
					    "16777216",
					    v);
		} else {
			return fail(p, section, NULL,
				    "unknown key \"%s\" (known: pin_dir, mode, tc_hook, counters)",
				    key);
		}
		return 1;
	}
	return fail(
		p, section, NULL,
		"unknown section (known: [link NAME], [routes], [metrics], [daemon]): key \"%s\"",
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
	c->lookup = ASC_LOOKUP_FAST;
	snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", ASC_PIN_DIR_DEFAULT);
}

/* The whole of f, then the checks that need the whole file. */
static int parse_stream(FILE *f, const char *path, struct asc_config *c)
{
	struct parse p = { .c = c, .path = path, .f = f };
	int rc = ini_parse_stream(reader, &p, handler, &p);

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
	if (!p.failed && (rc < 0 || ferror(f))) {
		log_err("%s: read error", path);
		p.failed = 1;
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
