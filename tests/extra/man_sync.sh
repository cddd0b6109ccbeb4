#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/man_sync.sh - docs/asclass.8 and the --help of every command
# name the same commands and the same long options, both ways (--help lists
# the options the tables define, settings of cli/settings.h among them), and
# docs/asclass.conf.5 names the keys of config.c's settings tables, both ways.
set -eu
cd "$(dirname "$0")/../.."
ASCLASS=${ASCLASS:-build/asclass}
MAN=docs/asclass.8
[ -x "$ASCLASS" ] || { echo "FAIL: $ASCLASS not built"; exit 1; }

help_opts=$(mktemp) man_opts=$(mktemp)
trap 'rm -f "$help_opts" "$man_opts"' EXIT

# Commands listed by a --help text: the indented words under "Commands:".
commands_of() { "$@" --help | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{if (seen) exit} on{seen=1}'; }

fail=0
cmds=$(commands_of "$ASCLASS")
[ -n "$cmds" ] || { echo "FAIL: no commands in 'asclass --help'"; exit 1; }
"$ASCLASS" --help | grep -o -- '--[a-z][a-z0-9-]*' >>"$help_opts"
for c in $cmds; do
	out=$("$ASCLASS" "$c" --help)
	if echo "$out" | grep -q '^Commands:'; then
		for s in $(commands_of "$ASCLASS" "$c"); do
			"$ASCLASS" "$c" "$s" --help | grep -o -- '--[a-z][a-z0-9-]*' >>"$help_opts"
			grep -q "^\.SS.*\\b$c $s\\b" "$MAN" || { echo "FAIL: '$c $s' has no .SS section in $MAN"; fail=1; }
		done
	else
		echo "$out" | grep -o -- '--[a-z][a-z0-9-]*' >>"$help_opts"
		grep -q "^\.SS.*\\b$c\\b" "$MAN" || { echo "FAIL: command '$c' has no .SS section in $MAN"; fail=1; }
	fi
done
sort -u -o "$help_opts" "$help_opts"
sed 's/\\-/-/g' "$MAN" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$man_opts"

missing=$(comm -23 "$help_opts" "$man_opts")
extra=$(comm -13 "$help_opts" "$man_opts")
[ -z "$missing" ] || { echo "FAIL: options in --help but not in $MAN:" $missing; fail=1; }
[ -z "$extra" ] || { echo "FAIL: options in $MAN but in no --help:" $extra; fail=1; }
# asclass.conf(5) documents every key the config parser knows, and no other.
# The keys are the settings user/daemon/config.c binds in its key tables
# (KEY, LINK_KEY, BGP_KEY, NB_KEY, BMP_KEY, SETTING_BIND_LIST), named as their definitions (in
# config.c or user/cli/settings.c) name them, '-' spelled '_'.
setting_name() {
	awk -v v="$1" '$0 ~ "struct setting " v " = [{]" { on = 1 }
		on && /\.name = "/ { match($0, /"[^"]*"/); print substr($0, RSTART + 1, RLENGTH - 2); exit }' \
		user/daemon/config.c user/cli/settings.c
}
conf_keys=
for v in $(grep -oE '\<(KEY|LINK_KEY|BGP_KEY|NB_KEY|BMP_KEY|SETTING_BIND_LIST)\(set_[a-z_]+' user/daemon/config.c | sed 's/.*(//' | sort -u); do
	name=$(setting_name "$v")
	[ -n "$name" ] || { echo "FAIL: config.c binds $v, whose definition names no setting"; fail=1; }
	conf_keys+="${name//-/_}"$'\n'
done
conf_keys=$(printf '%s' "$conf_keys" | sort -u)
[ -n "$conf_keys" ] || { echo "FAIL: no config keys found in user/daemon/config.c"; exit 1; }
man_keys=$(grep -o '^\.BI [a-z_]* " = ' docs/asclass.conf.5 | awk '{print $2}' | sort -u)
[ "$conf_keys" = "$man_keys" ] || { echo "FAIL: config keys and asclass.conf(5) differ:"; diff <(echo "$conf_keys") <(echo "$man_keys"); fail=1; }
echo "$(wc -l <"$help_opts") long options, $(echo $cmds | wc -w) commands and $(echo $conf_keys | wc -w) config keys checked"
exit $fail
