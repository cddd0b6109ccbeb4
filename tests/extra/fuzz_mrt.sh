#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/fuzz_mrt.sh - a short libFuzzer run (FUZZ_SECONDS, default 40)
# of the MRT reader and bgpdump printer from tests/fuzz/corpus-mrt/.  Any crash, sanitizer
# report, leak or timeout fails the test; tests/fuzz/run.sh prints the report
# and keeps the reproducer under $O/tests/fuzz/findings/.
exec "$(dirname "$0")/../fuzz/run.sh" mrt "${FUZZ_SECONDS:-40}"
