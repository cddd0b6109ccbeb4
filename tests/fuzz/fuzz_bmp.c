// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/fuzz/fuzz_bmp.c - libFuzzer target over the BMP station's input
 * (user/feed/bmp_router.c, bmp_msg.c and the UPDATE decoding behind them):
 * the input is a router's byte stream, framed and handled message by
 * message as the station's loop does, with a small queue so that reading
 * pauses and resumes.  Any input must give route changes, skipped messages
 * or a closed connection, never a crash, an out-of-bounds read, undefined
 * behaviour or a leak.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "feed/bmp_router.h"

#define QUEUE_BYTES 4096 /* a few batches: reading pauses often */

static struct bmp_router r;
static struct queue q;

static void init_once(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	log_level = LOG_LVL_ERR; /* the faults are logged at warning level */
	if (bmp_router_init(&r, 0, "203.0.113.1") || queue_init(&q, QUEUE_BYTES, -1))
		abort();
}

static void drain(void)
{
	struct feed_batch *b;

	while ((b = queue_pop(&q)))
		free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmp_env e = { .q = &q, .view = BMP_VIEW_AUTO, .now = 1506848880 };
	int fd;

	init_once();
	if (size > BMP_IN_BYTES)
		return 0;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort();
	e.view = size ? data[0] % 3 : BMP_VIEW_AUTO;
	bmp_router_attach(&r, fd, &e);
	memcpy(r.in, data, size);
	r.in_len = size;
	bmp_router_process(&r, &e);
	while (r.paused) {
		drain();
		bmp_router_resume(&r, &e);
	}
	if (r.fd >= 0)
		bmp_router_close(&r, &e, "end of input");
	drain();
	return 0;
}
