/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/common/log.h - leveled logging to stderr.  Data goes to stdout, never here. */
#ifndef ASC_LOG_H
#define ASC_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG, LOG_LVL_TRACE };

/* Current level; -v raises it to DEBUG, -vv to TRACE (libbpf debug output). */
extern enum log_level log_level;

void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/* Prefix every line with a timestamp and "asclass[pid]:" (daemon mode).
 * Under journald neither is written: the journal records both. */
void log_set_daemon(int on);

/* True when stderr is the journald stream $JOURNAL_STREAM names (sd-daemon(3)). */
bool log_stderr_is_journal(void);

/* Chooses the output form: "<N>" syslog priorities and no timestamp when
 * stderr goes to journald, the plain form otherwise.  The first message
 * calls it; call it again after redirecting stderr. */
void log_init(void);

/* Route libbpf's and libxdp's own messages through log_msg, demoted one level. */
void log_setup_libbpf(void);

/* Text for a negative errno or LIBBPF_ERRNO__* value, as libbpf returns them. */
const char *errstr(int err);

#endif
