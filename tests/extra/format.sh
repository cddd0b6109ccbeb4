#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/format.sh - every tracked C source and header is as `make format`
# (clang-format-19 with .clang-format) leaves it.  Lists the files that are
# not, and shows the first lines clang-format would change.
set -u
cd "$(dirname "$0")/../.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-19}
command -v "$CLANG_FORMAT" >/dev/null || { echo "FAIL: $CLANG_FORMAT missing (make deps)"; exit 1; }
files=$(git ls-files '*.c' '*.h')
[ -n "$files" ] || { echo "FAIL: git ls-files found no C sources"; exit 1; }
bad=0 n=0
for f in $files; do
	n=$((n + 1))
	if ! "$CLANG_FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "not formatted: $f"
		"$CLANG_FORMAT" "$f" | diff -u "$f" - | head -20
	fi
done
echo "$n files checked, $bad not formatted"
[ $bad -eq 0 ] || { echo "FAIL: run 'make format'"; exit 1; }
