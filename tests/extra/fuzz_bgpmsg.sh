#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/fuzz_bgpmsg.sh - a short libFuzzer run (FUZZ_SECONDS, default 25)
# of the live feed's BGP message decoders (user/feed/: framing, OPEN and
# capabilities, UPDATE with RFC 7606 handling) from tests/fuzz/corpus-bgpmsg/.
# Any crash, sanitizer report, leak or timeout fails the test;
# tests/fuzz/run.sh prints the report and keeps the reproducer under
# $O/tests/fuzz/findings/.
exec "$(dirname "$0")/../fuzz/run.sh" bgpmsg "${FUZZ_SECONDS:-25}"
