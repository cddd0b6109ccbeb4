// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_mrt.c - asclass mrt FILE...: print MRT records as `bgpdump -m`
 * does, line for line, so scripts written for bgpdump can switch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgpdump_fmt.h"
#include "bgp/mrt.h"
#include "cli/cmd.h"
#include "common/log.h"

static const struct opt mrt_opts[] = {
	{ "keep-going", 'k', NULL, NULL,
	  "skip malformed records (counted and reported at the end) instead of stopping" },
	{ "fix-as4-merge", 0, NULL, NULL,
	  "merge AS4_PATH as RFC 6793 says instead of repeating bgpdump's error "
	  "(see docs/bgpdump-differences.md)" },
	{ "fix-nlri", 0, NULL, NULL,
	  "a malformed prefix (longer than 32/128 bits, or cut by the end of its list) is an "
	  "error naming the record; bgpdump prints an over-long one as its buffer overflow "
	  "mangles it and ends the list at a cut one" },
	{ "fix-bzip2-streams", 0, NULL, NULL,
	  "read every stream of a multi-stream bzip2 file (pbzip2); bgpdump stops after the "
	  "first" },
	{ "fix-limits", 0, NULL, NULL,
	  "print every prefix of a list, the whole AS path and every community; bgpdump "
	  "prints 8192 prefixes per list, 7900 characters of path and 8191 bytes of "
	  "communities (each cut is reported on stderr)" },
	{ NULL },
};

/* Records whose cuts are reported one by one; the rest of a file's are
 * counted in one line at its end, so a file of them cannot flood stderr. */
#define CUT_WARNINGS 10

static const struct cmd_spec mrt_spec = {
	.name = "asclass mrt",
	.synopsis = "FILE... [--keep-going] [--fix-as4-merge] [--fix-nlri] [--fix-bzip2-streams] "
		    "[--fix-limits]",
	.desc = "Print the records of MRT files (RFC 6396: TABLE_DUMP, TABLE_DUMP_V2 with "
		"ADD-PATH, "
		"BGP4MP, BGP4MP_ET; plain, gzip or bzip2; '-' for standard input) one line per "
		"route, byte for byte as 'bgpdump -m' prints them.  A malformed record stops the "
		"command with an error naming the file, record number and byte offset, unless "
		"--keep-going is given.",
	.opts = mrt_opts,
	.examples = "    asclass mrt rib.20171001.0800.mrt.bz2 | grep '|131279|'\n"
		    "    asclass mrt --keep-going updates.20171001.0905.gz\n",
};

/* Says on stderr what the output of a record left out, as bgpdump does:
 * what bgpdump_fmt cut, and prefix lists the reader ended at a malformed
 * prefix (`lists_cut`); *n counts such records. */
static void warn_cuts(const char *file, const struct mrt_record *rec, const struct bgpdump_cuts *c,
		      uint64_t lists_cut, uint64_t *n)
{
	char what[384]; /* the four parts at their longest: about 330 bytes */
	int k = 0;

	if (!c->prefixes && !c->aspath_asns && !c->communities && !lists_cut)
		return;
	if (++*n > CUT_WARNINGS)
		return;
	what[0] = 0;
	if (lists_cut)
		k += snprintf(what, sizeof(what),
			      ", a prefix list ends at a malformed prefix (--fix-nlri makes that "
			      "an error)");
	if (c->prefixes)
		k += snprintf(what + k, sizeof(what) - (size_t)k,
			      ", a list of %u prefixes (8192 printed; --fix-limits prints all)",
			      c->prefixes);
	if (c->aspath_asns)
		k += snprintf(what + k, sizeof(what) - (size_t)k,
			      ", an AS path of %u ASNs (7900 characters printed; --fix-limits "
			      "prints it)",
			      c->aspath_asns);
	if (c->communities)
		snprintf(what + k, sizeof(what) - (size_t)k,
			 ", %u communities (8191 bytes printed; --fix-limits prints all)",
			 c->communities);
	log_warn("%s: record %llu (offset %llu): cut as bgpdump cuts it: %s", file,
		 (unsigned long long)rec->record_no, (unsigned long long)rec->offset, what + 2);
}

/* bgpdump stops after a file's first bzip2 stream; so does asclass mrt by
 * default, but not silently. */
static void warn_unread(const char *file, struct mrt_reader *r)
{
	uint64_t streams, bytes = mrt_unread(r, &streams);

	if (!bytes)
		return;
	if (streams)
		log_warn("%s: stopped after the first bzip2 stream, as bgpdump does: %llu more "
			 "bzip2 stream(s) in %llu bytes left unread (--fix-bzip2-streams reads "
			 "them)",
			 file, (unsigned long long)streams, (unsigned long long)bytes);
	else
		log_warn("%s: stopped after the first bzip2 stream, as bgpdump does: %llu bytes "
			 "after it left unread, not bzip2 data",
			 file, (unsigned long long)bytes);
}

/* Prints one file's records; says what it cut, left or skipped.  Returns
 * an exit status. */
static int print_file(struct bgpdump_fmt *f, const char *path, const struct mrt_opts *o)
{
	struct mrt_reader *r = mrt_open(path, o);
	const struct mrt_record *rec;
	uint64_t cut = 0, lists_cut = 0;
	int err, rc = ASC_EXIT_OK;

	if (!r) {
		err = -errno;
		log_err("%s: %s", path, strerror(-err));
		return exit_code(EXIT_READ, err);
	}
	while ((rec = mrt_next(r))) {
		err = bgpdump_fmt_record(f, rec);
		if (err) {
			log_err("writing output: %s", strerror(-err));
			rc = ASC_EXIT_FAIL;
			break;
		}
		warn_cuts(path, rec, bgpdump_fmt_cuts(f), mrt_stats(r)->nlri_cut - lists_cut, &cut);
		lists_cut = mrt_stats(r)->nlri_cut;
	}
	if (cut > CUT_WARNINGS)
		log_warn("%s: %llu records in all cut as bgpdump cuts them", path,
			 (unsigned long long)cut);
	if (!mrt_error(r))
		warn_unread(path, r);
	if (mrt_error(r)) {
		bgpdump_fmt_flush(f);
		log_err("%s", mrt_error(r)->text);
		/* bad input (exit 3) or the system failing (a read error) */
		rc = exit_code(EXIT_READ, mrt_error(r)->err);
	}
	if (mrt_stats(r)->bad_records && o->keep_going && mrt_last_skipped(r)) {
		bgpdump_fmt_flush(f);
		log_warn("%s: skipped %llu malformed record(s); last: %s", path,
			 (unsigned long long)mrt_stats(r)->bad_records, mrt_last_skipped(r)->text);
	}
	mrt_close(r);
	return rc;
}

int cmd_mrt(int argc, char **argv)
{
	struct mrt_opts o = { .bgpdump_compat = true, .bzip2_first_stream_only = true };
	struct bgpdump_opts bo = { 0 };
	struct bgpdump_fmt *f;
	const char *arg;
	int i, err, rc = ASC_EXIT_OK;

	while ((i = opt_next(&mrt_spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		if (!strcmp(mrt_opts[i].name, "keep-going"))
			o.keep_going = true;
		else if (!strcmp(mrt_opts[i].name, "fix-as4-merge"))
			bo.fix_as4_merge = true;
		else if (!strcmp(mrt_opts[i].name, "fix-nlri"))
			o.bgpdump_compat = false;
		else if (!strcmp(mrt_opts[i].name, "fix-bzip2-streams"))
			o.bzip2_first_stream_only = false;
		else if (!strcmp(mrt_opts[i].name, "fix-limits"))
			bo.full = true;
	}
	if (optind >= argc)
		return usage_error(&mrt_spec, "expected at least one MRT file");
	f = bgpdump_fmt_new(stdout, &bo);
	if (!f) {
		log_err("out of memory");
		return ASC_EXIT_FAIL;
	}
	for (i = optind; i < argc && rc == ASC_EXIT_OK; i++)
		rc = print_file(f, argv[i], &o);
	err = bgpdump_fmt_free(f);
	if (err && rc == ASC_EXIT_OK) {
		log_err("writing output: %s", strerror(-err));
		rc = ASC_EXIT_FAIL;
	}
	return rc;
}
