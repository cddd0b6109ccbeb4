#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/rules.sh - dist/asclass-rules.yml is valid (promtool check
# rules) and its unit tests pass (promtool test rules
# dist/asclass-rules.test.yml: recording rule values, every alert firing and
# not firing), and dist/prometheus-asclass.yml passes promtool check config.  Control: the same tests over a copy of the rules with the
# counter map threshold moved (0.9 -> 0.99) must fail, so a test that cannot
# fail is noticed.
set -u
cd "$(dirname "$0")/../.."
command -v promtool >/dev/null || { echo "FAIL: promtool missing (make deps)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

promtool check rules dist/asclass-rules.yml >"$work/check" 2>&1 || { cat "$work/check"; fail "promtool check rules"; }
(cd dist && promtool test rules asclass-rules.test.yml) >"$work/test" 2>&1 || { cat "$work/test"; fail "promtool test rules"; }

# The example prometheus.yml, its rule file taken from the tree.
sed 's|/usr/share/asclass/asclass-rules.yml|'"$PWD"'/dist/asclass-rules.yml|' dist/prometheus-asclass.yml >"$work/prometheus.yml"
promtool check config "$work/prometheus.yml" >"$work/config" 2>&1 || { cat "$work/config"; fail "promtool check config dist/prometheus-asclass.yml"; }

cp dist/asclass-rules.test.yml "$work/"
sed 's|asclass_count_map_entries / asclass_count_map_capacity > 0.9$|asclass_count_map_entries / asclass_count_map_capacity > 0.99|' \
	dist/asclass-rules.yml >"$work/asclass-rules.yml"
cmp -s dist/asclass-rules.yml "$work/asclass-rules.yml" && fail "control: the threshold to move is not in the rules"
if (cd "$work" && promtool test rules asclass-rules.test.yml) >"$work/control" 2>&1; then
	fail "control: the rule tests pass with the counter map threshold at 0.99"
fi
grep -q "AsclassCounterMapNearlyFull" "$work/control" || { cat "$work/control"; fail "control failed for another reason"; }
echo "rules: $(grep -o '[0-9]* rules found' "$work/check"); promtool test rules passes; a moved threshold fails it; the example prometheus.yml is valid"
