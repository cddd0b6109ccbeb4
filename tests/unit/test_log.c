// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_log.c - the two forms of log lines: under journald
 * ($JOURNAL_STREAM names stderr) a "<N>" syslog priority on every line and
 * no timestamp; otherwise "asclass: " or, for the daemon, a UTC timestamp
 * and "asclass[pid]: ".  stderr is a temporary file for each case. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "common/log.h"

struct capture {
	int fd, saved;
	char text[4096];
};

/* journal: set $JOURNAL_STREAM to the dev:inode of the new stderr (as
 * systemd does), else leave it naming another file. */
static void capture_start(struct capture *c, bool journal)
{
	char tmp[] = "/tmp/asclass-test-log-XXXXXX", env[64];
	struct stat st;

	c->fd = mkstemp(tmp);
	assert_true(c->fd >= 0);
	unlink(tmp);
	assert_int_equal(fstat(c->fd, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + (journal ? 0 : 1));
	setenv("JOURNAL_STREAM", env, 1);
	fflush(stderr);
	c->saved = dup(2);
	dup2(c->fd, 2);
	log_init();
}

static const char *capture_end(struct capture *c)
{
	ssize_t n;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	lseek(c->fd, 0, SEEK_SET);
	n = read(c->fd, c->text, sizeof(c->text) - 1);
	c->text[n > 0 ? n : 0] = 0;
	close(c->fd);
	unsetenv("JOURNAL_STREAM");
	log_init();
	return c->text;
}

static int reset(void **state)
{
	(void)state;
	log_level = LOG_LVL_INFO;
	log_set_daemon(0);
	return 0;
}

static void test_log_journal_has_priorities_and_no_timestamp(void **state)
{
	struct capture c;

	log_set_daemon(1);
	capture_start(&c, true);
	assert_true(log_stderr_is_journal());
	log_err("link %s (%s) not attached", "cu", "eth1");
	log_warn("cannot watch %s", "/var/lib/asclass");
	log_info("serving metrics on %s:%u", "127.0.0.1", 9742);
	log_debug("not shown at the default level");
	assert_string_equal(capture_end(&c), "<3>error: link cu (eth1) not attached\n"
					     "<4>warning: cannot watch /var/lib/asclass\n"
					     "<6>serving metrics on 127.0.0.1:9742\n");
}

static void test_log_journal_prefixes_every_line(void **state)
{
	struct capture c;

	log_level = LOG_LVL_DEBUG;
	capture_start(&c, true);
	log_err("verifier log:\nR1 invalid mem access\n\nprocessed 12 insns\n");
	log_debug("%s", "");
	assert_string_equal(capture_end(&c), "<3>error: verifier log:\n"
					     "<3>R1 invalid mem access\n"
					     "<3>\n"
					     "<3>processed 12 insns\n"
					     "<7>debug: \n");
}

/* libbpf's own warnings (ours DEBUG) keep their text and get <7>. */
static void test_log_journal_libbpf_lines(void **state)
{
	struct capture c;

	log_level = LOG_LVL_DEBUG;
	log_setup_libbpf();
	capture_start(&c, true);
	assert_null(bpf_object__open_file("/nonexistent/asclass.bpf.o", NULL));
	capture_end(&c);
	assert_non_null(strstr(c.text, "<7>libbpf: "));
	assert_non_null(strstr(c.text, "/nonexistent/asclass.bpf.o"));
	for (const char *l = c.text; *l; l = strchr(l, '\n') + 1)
		assert_memory_equal(l, "<7>", 3);
}

static void assert_matches(const char *text, const char *pattern)
{
	regex_t re;
	int rc;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	if (rc)
		fail_msg("\"%s\" does not match /%s/", text, pattern);
}

static void test_log_plain_daemon_has_timestamp_and_pid(void **state)
{
	struct capture c;
	char want[256];

	log_set_daemon(1);
	capture_start(&c, false); /* $JOURNAL_STREAM names another file */
	assert_false(log_stderr_is_journal());
	log_err("routing reload failed");
	log_info("SIGHUP: reloading");
	capture_end(&c);
	snprintf(want, sizeof(want),
		 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
		 "asclass\\[%d\\]: "
		 "error: routing reload failed\n"
		 "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
		 "asclass\\[%d\\]: "
		 "SIGHUP: reloading\n$",
		 (int)getpid(), (int)getpid());
	assert_matches(c.text, want);
}

static void test_log_plain_command(void **state)
{
	struct capture c;

	capture_start(&c, false);
	unsetenv("JOURNAL_STREAM");
	log_init();
	log_warn("%d links", 2);
	log_err("no newline added twice\n");
	assert_string_equal(capture_end(&c),
			    "asclass: warning: 2 links\nasclass: error: no newline added twice\n");
}

/* A malformed $JOURNAL_STREAM is not a journal, whatever fd 2 is. */
static void test_log_journal_stream_must_parse(void **state)
{
	struct capture c;
	char env[64];

	capture_start(&c, true);
	snprintf(env, sizeof(env), "%s", getenv("JOURNAL_STREAM"));
	strcat(env, "x");
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(log_stderr_is_journal());
	setenv("JOURNAL_STREAM", "", 1);
	assert_false(log_stderr_is_journal());
	capture_end(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_log_journal_has_priorities_and_no_timestamp, reset),
		cmocka_unit_test_setup(test_log_journal_prefixes_every_line, reset),
		cmocka_unit_test_setup(test_log_journal_libbpf_lines, reset),
		cmocka_unit_test_setup(test_log_plain_daemon_has_timestamp_and_pid, reset),
		cmocka_unit_test_setup(test_log_plain_command, reset),
		cmocka_unit_test_setup(test_log_journal_stream_must_parse, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
