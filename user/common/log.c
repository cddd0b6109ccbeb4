// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/common/log.c - leveled logging to stderr and libbpf/libxdp message routing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "common/log.h"

enum log_level log_level = LOG_LVL_INFO;
static int log_daemon;

static const char *const lvl_name[] = {
	[LOG_LVL_ERR] = "error: ",   [LOG_LVL_WARN] = "warning: ", [LOG_LVL_INFO] = "",
	[LOG_LVL_DEBUG] = "debug: ", [LOG_LVL_TRACE] = "trace: ",
};

void log_set_daemon(int on)
{
	log_daemon = on;
}

static void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	if (lvl > log_level)
		return;
	if (log_daemon) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s asclass[%d]: ", when, (int)getpid());
	} else {
		fputs("asclass: ", stderr);
	}
	fputs(lvl_name[lvl], stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

/* libbpf's WARN is ours DEBUG unless -v: it warns about things we handle
 * (a missing pinned map on first load, a probe that fails by design). */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum log_level lvl = level == LIBBPF_WARN ? LOG_LVL_DEBUG : LOG_LVL_TRACE;

	if (lvl <= log_level)
		vfprintf(stderr, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	enum log_level lvl = level == LIBXDP_WARN ? LOG_LVL_DEBUG : LOG_LVL_TRACE;

	if (lvl <= log_level)
		vfprintf(stderr, fmt, ap);
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
