// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_http.c - libFuzzer target over the /metrics HTTP endpoint
 * (user/output/httpd.c on libmicrohttpd, as `asclass run` starts it): the input
 * is what a client sends on one connection.  The server gets one end of a
 * socketpair (no listening socket, no root, no maps: the exposition is
 * rendered from a fixed snapshot), the harness writes the input, closes its
 * sending side and reads until the server closes.  Then:
 *   - the server answered with HTTP/1.x status lines or said nothing, and
 *     closed the connection within FUZZ_HTTP_WAIT_S seconds;
 *   - no answer is a 500 (rendering cannot fail here);
 *   - a fresh connection still gets a 200 with the whole exposition.
 * libmicrohttpd itself is Debian's build, not instrumented: coverage counts
 * our handlers; crashes and sanitizer reports in its thread still count.
 * FUZZ_HTTP_STATS=1 prints a histogram of status codes at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "output/httpd.h"
#include "output/metrics.h"
#include "output/snapshot.h"

#define FUZZ_HTTP_WAIT_S 5 /* the server's idle limit is 10 s: it must not need it */
#define RESP_KEEP 4096	   /* bytes of the answer kept for the checks */

static struct httpd *srv;
static FILE *report; /* the real stderr */
static struct metrics_state *sticky;
static unsigned long codes[600];

/* Two links, both directions and families; names with bytes a label must
 * escape. */
static const struct counter_row rows[] = {
	{ { 64500, 3356, 1, ASC_DIR_RX, 4 }, { 10, 1000 } },
	{ { 131279, 4837, 1, ASC_DIR_RX, 4 }, { 50, 50000 } },
	{ { 131279, 20485, 1, ASC_DIR_TX, 4 }, { 5, 500 } },
	{ { 0, 0, 2, ASC_DIR_TX, 6 }, { 1, 90 } },
	{ { 4200000000U, 0, 2, ASC_DIR_RX, 6 }, { 7, 700 } },
};
static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
static uint64_t stats[ASC_STAT_MAX] = { 1, 2, 3, 4, 5 };
static struct asc_state state = { .routes_v4 = 7,
				  .routes_v6 = 2,
				  .swaps = 3,
				  .load_time_ns = 1506848880123456789ULL,
				  .lookup = ASC_LOOKUP_FAST };

static int render(FILE *f, void *arg)
{
	static struct snapshot s; /* 'static': it holds every upstream's entry */
	struct metrics_opts o = {
		.top_n = 2, .watch = (const uint32_t[]){ 131279 }, .n_watch = 1, .state = sticky
	};

	(void)arg;
	memcpy(s.ups, ups, sizeof(ups));
	memcpy(s.ovf, ovf, sizeof(ovf));
	memcpy(s.stats, stats, sizeof(stats));
	s.state = state;
	s.rows = (struct counter_row *)rows;
	s.n_rows = s.n_slots = sizeof(rows) / sizeof(rows[0]);
	s.counts_max = 131072;
	return metrics_write(f, &s, &o);
}

static void die(const char *what, const uint8_t *resp, size_t n)
{
	fprintf(report, "fuzz_http: %s; the answer began:\n%.*s\n", what, (int)(n > 512 ? 512 : n),
		resp ? (const char *)resp : "");
	abort();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sends req on a new connection, half-closes, reads until the server
 * closes.  Keeps the first RESP_KEEP bytes in resp; returns the total. */
static size_t exchange(const uint8_t *req, size_t len, uint8_t *resp)
{
	double deadline = now() + FUZZ_HTTP_WAIT_S;
	size_t sent = 0, got = 0;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv))
		die("socketpair failed", NULL, 0);
	err = httpd_add_connection(srv, sv[1]);
	if (err) {
		fprintf(report, "fuzz_http: the server refused a connection: %s\n", strerror(-err));
		abort();
	}
	if (!len)
		shutdown(sv[0], SHUT_WR);
	for (;;) {
		struct pollfd pf = { .fd = sv[0], .events = POLLIN | (sent < len ? POLLOUT : 0) };
		uint8_t buf[16384];
		ssize_t n;

		if (now() > deadline)
			die("the server neither answered nor closed in time", resp,
			    got < RESP_KEEP ? got : RESP_KEEP);
		if (poll(&pf, 1, 100) <= 0)
			continue;
		if (sent < len && (pf.revents & POLLOUT)) {
			n = send(sv[0], req + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0 && (sent += (size_t)n) == len)
				shutdown(sv[0], SHUT_WR);
			if (n < 0 && errno != EAGAIN)
				sent = len; /* the server closed: stop sending */
		}
		if (!(pf.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(sv[0], buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break; /* closed (ECONNRESET when it closed with input unread) */
		if (n > 0 && got < RESP_KEEP)
			memcpy(resp + got, buf, got + n > RESP_KEEP ? RESP_KEEP - got : (size_t)n);
		if (n > 0)
			got += (size_t)n;
	}
	close(sv[0]);
	return got;
}

/* Every status line in the kept answer: HTTP/1.x, a code, never 500. */
static void check_answer(const uint8_t *resp, size_t got)
{
	size_t keep = got < RESP_KEEP ? got : RESP_KEEP;

	if (!got)
		return;
	if (keep < 12 || (memcmp(resp, "HTTP/1.1 ", 9) && memcmp(resp, "HTTP/1.0 ", 9)))
		die("the answer is not HTTP/1.x", resp, keep);
	for (const uint8_t *p = resp; (p = memmem(p, keep - (size_t)(p - resp), "HTTP/1.", 7));
	     p++) {
		int code = 0;

		if (p + 12 > resp + keep)
			break;
		if (sscanf((const char *)p + 9, "%3d", &code) != 1 || code < 100 || code > 599)
			continue;
		codes[code]++;
		if (code == 500)
			die("a 500: rendering cannot fail here", resp, keep);
	}
}

static void check_alive(void)
{
	static const char req[] =
		"GET /metrics HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
	uint8_t resp[RESP_KEEP];
	size_t got = exchange((const uint8_t *)req, sizeof(req) - 1, resp);

	if (got < 17 || memcmp(resp, "HTTP/1.1 200 OK\r\n", 17))
		die("a fresh GET /metrics did not get a 200", resp,
		    got < RESP_KEEP ? got : RESP_KEEP);
	if (!memmem(resp, got < RESP_KEEP ? got : RESP_KEEP, "asclass_packets_total{", 22))
		die("a fresh GET /metrics got no exposition", resp,
		    got < RESP_KEEP ? got : RESP_KEEP);
}

static void print_codes(void)
{
	for (int i = 0; i < 600; i++)
		if (codes[i])
			fprintf(report, "fuzz_http: status %d: %lu\n", i, codes[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct httpd_route routes[] = { { "/metrics", "Metrics", httpd_exposition },
						     { NULL } };
	struct httpd_opts o = {
		.max_connections = 32,
		.timeout_s = 10,
		.header_timeout_s = 10, /* not the deadline: the end of input closes */
		.routes = routes,
		.render = render,
	};

	(void)argc, (void)argv;
	report = quiet_logs(); /* libmicrohttpd's error log too */
	strcpy(ups[1].name, "cu");
	strcpy(ups[2].name, "t\"t\\k\n");
	sticky = metrics_state_new();
	srv = httpd_start(&o);
	if (!srv || !sticky)
		abort();
	if (getenv("FUZZ_HTTP_STATS"))
		atexit(print_codes);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t resp[RESP_KEEP];

	check_answer(resp, exchange(data, size, resp));
	check_alive();
	return 0;
}
