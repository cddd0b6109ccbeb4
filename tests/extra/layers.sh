#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/extra/layers.sh - user/ is built in layers, each using only the ones
# below it (README.md, "Architecture"):
#
#   common  <  bgp  <  routes  <  feed  <  dataplane  <  output  <  cli  <  daemon  <  asclass.c
#
# bgp/ (the routing-data library) uses nothing else of the project, not even
# common/.  Every '#include "layer/..."' in user/ is checked against that
# order; an include of a higher layer, of an unknown folder, or of a bare
# header name (which would hide where it comes from) fails the test.
set -u
cd "$(dirname "$0")/../.."
order=(common bgp routes feed dataplane output cli daemon)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
# Layers a layer may not use although they are below it.
forbidden() { [ "$1" = bgp ] && [ "$2" = common ]; }

bad=0 n=0
while IFS= read -r f; do
	layer=${f#user/}
	layer=${layer%%/*}
	case $f in user/asclass.c) layer=main ;; esac
	while IFS= read -r inc; do
		n=$((n + 1))
		case $inc in
		asclass.h | asclass.skel.h) continue ;;
		*/*) used=${inc%%/*} ;;
		*) echo "$f: #include \"$inc\": name the layer (\"layer/$inc\")"; bad=$((bad + 1)); continue ;;
		esac
		ru=$(rank "$used")
		if [ "$ru" -lt 0 ]; then
			echo "$f: #include \"$inc\": unknown layer '$used'"
			bad=$((bad + 1))
		elif [ "$layer" != main ] && { [ "$ru" -gt "$(rank "$layer")" ] || forbidden "$layer" "$used"; }; then
			echo "$f: #include \"$inc\": layer '$layer' must not use '$used'"
			bad=$((bad + 1))
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done < <(git ls-files 'user/*.c' 'user/*.h'; git ls-files --others --exclude-standard 'user/*.c' 'user/*.h')
echo "$n includes checked, $bad out of order"
[ "$n" -gt 0 ] || { echo "FAIL: no includes found"; exit 1; }
[ $bad -eq 0 ]
