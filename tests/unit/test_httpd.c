// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_httpd.c - the exporter's HTTP server answering /metrics
 * over a socketpair (httpd_add_connection, no listening socket): a reply
 * written into the buffer of a larger one before it holds only its own
 * bytes, a render that fails part way answers 500 with the message alone,
 * and OpenMetrics is converted. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "common/log.h"
#include "output/httpd.h"

#define BIG_LINES 100000 /* 1.6 MB: a buffer far larger than the small reply */

/* What the next render writes: lines of one letter, and whether it fails
 * after writing them. */
static struct {
	char letter;
	size_t lines;
	bool fail;
} next;

static int render(FILE *f, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < next.lines; i++)
		fprintf(f, "asclass_%c_total %15zu\n", next.letter, i); /* 16 + 16 bytes */
	return next.fail ? -EIO : 0;
}

static const struct httpd_route routes[] = {
	{ "/metrics", "Metrics", httpd_exposition },
	{ NULL },
};

/* GET /metrics over HTTP/1.0 (the server closes after the answer), with an
 * Accept header if accept is not NULL.  Returns the whole answer (malloc'd). */
static char *get(struct httpd *h, const char *accept)
{
	char req[256], *resp = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&resp, &len);
	int sv[2];

	assert_non_null(out);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(httpd_add_connection(h, sv[1]), 0);
	snprintf(req, sizeof(req), "GET /metrics HTTP/1.0\r\n%s%s%s\r\n", accept ? "Accept: " : "",
		 accept ? accept : "", accept ? "\r\n" : "");
	assert_int_equal(write(sv[0], req, strlen(req)), (ssize_t)strlen(req));
	for (;;) {
		struct pollfd pf = { .fd = sv[0], .events = POLLIN };
		char buf[65536];
		ssize_t n;

		assert_int_equal(poll(&pf, 1, 10000), 1); /* an answer within 10 s */
		n = read(sv[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
	}
	close(sv[0]);
	fclose(out);
	return resp;
}

/* The body of an answer, after checking its status line and length. */
static const char *body_of(const char *resp, const char *status)
{
	const char *b = strstr(resp, "\r\n\r\n");
	const char *cl = strstr(resp, "Content-Length: ");

	assert_non_null(b);
	assert_non_null(cl);
	assert_memory_equal(resp + 9, status, strlen(status)); /* after "HTTP/1.0 " */
	b += 4;
	assert_int_equal(strtoul(cl + 16, NULL, 10), strlen(b));
	return b;
}

static struct httpd *start(void)
{
	struct httpd_opts o = { .max_connections = 8,
				.max_per_client = 8,
				.timeout_s = 10,
				.header_timeout_s = 10,
				.routes = routes,
				.render = render };
	struct httpd *h;

	log_level = LOG_LVL_ERR; /* libmicrohttpd warns of TCP options on a socketpair */
	h = httpd_start(&o);
	assert_non_null(h);
	return h;
}

static void test_httpd_reply_after_a_larger_one_is_its_own(void **state)
{
	struct httpd *h = start();
	char *r;

	(void)state;
	next = (typeof(next)){ 'a', BIG_LINES, false };
	r = get(h, NULL);
	assert_int_equal(strlen(body_of(r, "200")), (size_t)BIG_LINES * 32);
	free(r);
	/* the next reply is written into the buffer the first was sent from */
	next = (typeof(next)){ 'b', 1, false };
	r = get(h, NULL);
	assert_string_equal(body_of(r, "200"), "asclass_b_total               0\n");
	assert_non_null(strstr(r, "Content-Type: text/plain; version=0.0.4"));
	free(r);
	next = (typeof(next)){ 'c', 3, false };
	r = get(h, NULL);
	assert_string_equal(body_of(r, "200"), "asclass_c_total               0\n"
					       "asclass_c_total               1\n"
					       "asclass_c_total               2\n");
	free(r);
	httpd_stop(h);
}

static void test_httpd_failed_render_is_500_alone(void **state)
{
	struct httpd *h = start();
	char *r;

	(void)state;
	next = (typeof(next)){ 'd', BIG_LINES, true }; /* fails after 3.2 MB */
	r = get(h, NULL);
	assert_string_equal(body_of(r, "500"), "cannot read the asclass maps\n");
	free(r);
	next = (typeof(next)){ 'e', 2, true };
	r = get(h, "application/openmetrics-text; version=1.0.0");
	assert_string_equal(body_of(r, "500"), "cannot read the asclass maps\n");
	free(r);
	httpd_stop(h);
}

static void test_httpd_openmetrics(void **state)
{
	struct httpd *h = start();
	char *r;

	(void)state;
	next = (typeof(next)){ 'f', 2, false };
	r = get(h, "application/openmetrics-text; version=1.0.0");
	assert_string_equal(body_of(r, "200"), "asclass_f_total               0\n"
					       "asclass_f_total               1\n"
					       "# EOF\n");
	assert_non_null(strstr(r, "Content-Type: application/openmetrics-text; version=1.0.0"));
	free(r);
	httpd_stop(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_httpd_reply_after_a_larger_one_is_its_own),
		cmocka_unit_test(test_httpd_failed_render_is_500_alone),
		cmocka_unit_test(test_httpd_openmetrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
