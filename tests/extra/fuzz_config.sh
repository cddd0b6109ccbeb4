#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/fuzz_config.sh - a short libFuzzer run (FUZZ_SECONDS, default 25)
# of the asclass.conf parser from tests/fuzz/corpus-config/.  Any crash, sanitizer
# report, leak or timeout fails the test; tests/fuzz/run.sh prints the report
# and keeps the reproducer under $O/tests/fuzz/findings/.
exec "$(dirname "$0")/../fuzz/run.sh" config "${FUZZ_SECONDS:-25}"
