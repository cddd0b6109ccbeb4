#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/fuzz_bmp.sh - a short libFuzzer run (FUZZ_SECONDS, default 25)
# of the BMP station's input handling (user/feed/bmp*: framing, per-peer
# header, Peer Up and its OPENs, Statistics, Initiation/Termination, Route
# Monitoring's UPDATE with RFC 7606 handling) from tests/fuzz/corpus-bmp/.
# Any crash, sanitizer report, leak or timeout fails the test;
# tests/fuzz/run.sh prints the report and keeps the reproducer under
# $O/tests/fuzz/findings/.
exec "$(dirname "$0")/../fuzz/run.sh" bmp "${FUZZ_SECONDS:-25}"
