// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/common/log.c - leveled logging to stderr and libbpf/libxdp message routing.
 *
 * Two forms.  When stderr is a journald stream (sd-daemon(3): $JOURNAL_STREAM
 * names the device and inode of fd 2, as systemd sets it for a service with
 * StandardError=journal), every line starts with its syslog priority ("<3>",
 * SD_ERR from sd-daemon.h) and carries no timestamp or pid: journald records
 * both, and `journalctl -p err` then finds the errors.  Otherwise lines go to
 * stderr as before: "asclass: " for commands, a UTC timestamp and
 * "asclass[pid]: " for the daemon.  Nothing here writes to stdout.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include <xdp/libxdp.h>

#include "common/log.h"

enum log_level log_level = LOG_LVL_INFO;
static int log_daemon;
static enum { LOG_SINK_UNSET, LOG_SINK_STDERR, LOG_SINK_JOURNAL } log_sink;

static const char *const lvl_name[] = {
	[LOG_LVL_ERR] = "error: ",   [LOG_LVL_WARN] = "warning: ", [LOG_LVL_INFO] = "",
	[LOG_LVL_DEBUG] = "debug: ", [LOG_LVL_TRACE] = "trace: ",
};

/* Syslog priority of each level, as journald reads it from a line's start. */
static const char *const lvl_prio[] = {
	[LOG_LVL_ERR] = SD_ERR,	    [LOG_LVL_WARN] = SD_WARNING, [LOG_LVL_INFO] = SD_INFO,
	[LOG_LVL_DEBUG] = SD_DEBUG, [LOG_LVL_TRACE] = SD_DEBUG,
};

void log_set_daemon(int on)
{
	log_daemon = on;
}

bool log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &end) != 2 || fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_init(void)
{
	log_sink = log_stderr_is_journal() ? LOG_SINK_JOURNAL : LOG_SINK_STDERR;
}

static bool to_journal(void)
{
	if (log_sink == LOG_SINK_UNSET)
		log_init();
	return log_sink == LOG_SINK_JOURNAL;
}

/* Journal form: each line of msg gets the priority, the first also the
 * level word ("error: "), so a multi-line message (a verifier log) keeps
 * its priority on every line. */
static void journal_write(enum log_level lvl, const char *word, const char *msg)
{
	const char *p = msg;

	do {
		const char *nl = strchrnul(p, '\n');

		fprintf(stderr, "%s%s%.*s\n", lvl_prio[lvl], p == msg ? word : "", (int)(nl - p),
			p);
		p = *nl ? nl + 1 : nl;
	} while (*p);
}

/* Plain form: one header (timestamp and pid in daemon mode), then msg. */
static void stderr_write(const char *word, const char *msg)
{
	size_t len = strlen(msg);

	if (log_daemon) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ asclass[%d]: ", when, ts.tv_nsec / 1000000,
			(int)getpid());
	} else {
		fputs("asclass: ", stderr);
	}
	fprintf(stderr, "%s%s%s", word, msg, len && msg[len - 1] == '\n' ? "" : "\n");
}

/* raw: a library's own line ("libbpf: ..."), passed on without our header
 * or level word; in the journal form it still gets its priority. */
static void log_emit(enum log_level lvl, bool raw, const char *fmt, va_list ap)
{
	char *msg;

	if (lvl > log_level)
		return;
	if (raw && !to_journal()) {
		vfprintf(stderr, fmt, ap);
		return;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	flockfile(stderr); /* the reload and HTTP threads log too */
	if (to_journal())
		journal_write(lvl, raw ? "" : lvl_name[lvl], msg);
	else
		stderr_write(lvl_name[lvl], msg);
	funlockfile(stderr);
	free(msg);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(lvl, false, fmt, ap);
	va_end(ap);
}

/* libbpf's WARN is ours DEBUG unless -v: it warns about things we handle
 * (a missing pinned map on first load, a probe that fails by design). */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	log_emit(level == LIBBPF_WARN ? LOG_LVL_DEBUG : LOG_LVL_TRACE, true, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	log_emit(level == LIBXDP_WARN ? LOG_LVL_DEBUG : LOG_LVL_TRACE, true, fmt, ap);
	return 0;
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

const char *errstr(int err)
{
	static __thread char buf[128];

	if (err > 0)
		err = -err;
	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(-err));
	return buf;
}
