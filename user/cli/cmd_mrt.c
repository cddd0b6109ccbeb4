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
	  "end a prefix list at a prefix longer than 32/128 bits instead of printing it "
	  "as bgpdump's buffer overflow mangles it" },
	{ "fix-bzip2-streams", 0, NULL, NULL,
	  "read every stream of a multi-stream bzip2 file (pbzip2); bgpdump stops after the "
	  "first" },
	{ NULL },
};

static const struct cmd_spec mrt_spec = {
	.name = "asclass mrt",
	.synopsis = "FILE... [--keep-going] [--fix-as4-merge] [--fix-nlri] [--fix-bzip2-streams]",
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

int cmd_mrt(int argc, char **argv)
{
	struct mrt_opts o = { .bgpdump_compat = true, .bzip2_first_stream_only = true };
	struct bgpdump_opts bo = { 0 };
	struct bgpdump_fmt *f;
	const char *arg;
	int i, rc = ASC_EXIT_OK;

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
	}
	if (optind >= argc)
		return usage_error(&mrt_spec, "expected at least one MRT file");
	f = bgpdump_fmt_new(stdout, &bo);
	if (!f) {
		log_err("out of memory");
		return ASC_EXIT_FAIL;
	}
	for (i = optind; i < argc && rc == ASC_EXIT_OK; i++) {
		struct mrt_reader *r = mrt_open(argv[i], &o);
		const struct mrt_record *rec;

		if (!r) {
			rc = exit_code(EXIT_READ, -errno);
			log_err("%s: %s", argv[i], strerror(errno));
			break;
		}
		while ((rec = mrt_next(r))) {
			if (bgpdump_fmt_record(f, rec)) {
				log_err("writing output: %s", strerror(EIO));
				rc = ASC_EXIT_FAIL;
				break;
			}
		}
		if (mrt_error(r)) {
			bgpdump_fmt_flush(f);
			log_err("%s", mrt_error(r)->text);
			rc = exit_code(EXIT_READ, mrt_error(r)->err);
		}
		if (mrt_stats(r)->bad_records && o.keep_going && mrt_last_skipped(r)) {
			bgpdump_fmt_flush(f);
			log_warn("%s: skipped %llu malformed record(s); last: %s", argv[i],
				 (unsigned long long)mrt_stats(r)->bad_records,
				 mrt_last_skipped(r)->text);
		}
		mrt_close(r);
	}
	if (bgpdump_fmt_free(f) && rc == ASC_EXIT_OK) {
		log_err("writing output: %s", strerror(EIO));
		rc = ASC_EXIT_FAIL;
	}
	return rc;
}
