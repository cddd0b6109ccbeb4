#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/perlink.sh - per-link attribution end to end (issue 14): two
# upstream links, cu (AS4837) and ttk (AS20485), whose upstreams announce
# different paths to the same prefixes.  Each link's traffic, received and
# sent, must be counted under its own upstream's path, and under the
# consensus where its upstream announces no path; first with per-peer
# `bgpdump -m` text, then with an MRT TABLE_DUMP_V2 RIB (peer index) of
# other paths.  Counts are checked exactly through `asclass stats --json`.
# Everything lives in namespaces this test creates and removes.
set -eu
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3
TDV2=$(dirname "$0")/../lib/tdv2.py
$PY -c 'import scapy' 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no scapy (apt install python3-scapy)"; exit 77; }

ns_test_init
R=asc-$id-r U1=asc-$id-cu U2=asc-$id-ttk

# cu: router 198.51.100.1 -- 198.51.100.2 upstream; ttk: 203.0.113.1 -- .2.
ns_add $R $U1 $U2
veth $R r-cu $U1 u-cu
veth $R r-ttk $U2 u-ttk
ip -n $R addr add 198.51.100.1/24 dev r-cu
ip -n $U1 addr add 198.51.100.2/24 dev u-cu
ip -n $R addr add 203.0.113.1/24 dev r-ttk
ip -n $U2 addr add 203.0.113.2/24 dev u-ttk
mac() { ip -n "$1" -j link show "$2" | jq -r '.[0].address'; }
mac_r1=$(mac $R r-cu) mac_r2=$(mac $R r-ttk)
# Static neighbours: no ARP in the counted traffic.
ip -n $R neigh add 198.51.100.2 lladdr "$(mac $U1 u-cu)" dev r-cu nud permanent
ip -n $R neigh add 203.0.113.2 lladdr "$(mac $U2 u-ttk)" dev r-ttk nud permanent
# The router's choice for the transmit side: 198.18.0.0/24 over cu,
# 175.45.176.0/22 over ttk.
ip -n $R route add 198.18.0.0/24 via 198.51.100.2 dev r-cu
ip -n $R route add 175.45.176.0/22 via 203.0.113.2 dev r-ttk

asc attach r-cu --upstream cu --asn 4837 --mode native
asc attach r-ttk --upstream ttk --asn 20485 --mode native

# Frames: IPv4 100 bytes, IPv6 120 bytes on the wire, to an address nobody
# owns (the router does not forward them): no replies, no ARP.
send() { # ns iface dstmac count src
	in_ns "$1" $PY - "$2" "$3" "$4" "$5" <<'PYEOF'
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp
iface, dmac, count, src = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if ":" in src:
    f = Ether(dst=dmac) / IPv6(src=src, dst="2001:db8:1::1") / UDP(sport=40000, dport=9) / Raw(b"x" * (120 - 14 - 40 - 8))
else:
    f = Ether(dst=dmac) / IP(src=src, dst="203.0.113.200") / UDP(sport=40000, dport=9) / Raw(b"x" * (100 - 14 - 20 - 8))
sendp(f, iface=iface, count=count, verbose=False)
PYEOF
}
# Echo requests leave the router (98 bytes each); nobody answers.
ping_out() { in_ns $R ping -c "$2" -i 0.2 -W 1 -q "$1" >/dev/null 2>&1 || true; }

stats_line() { # upstream dir family origin transit -> "packets bytes path"
	asc stats --json | jq -r --arg u "$1" --arg d "$2" --arg f "$3" --argjson o "$4" --argjson t "$5" \
		'[.counters[] | select(.upstream == $u and .direction == $d and .family == $f and .origin_as == $o and .transit_as == $t)]
		| if length == 0 then "0 0 -" else "\(.[0].packets) \(.[0].bytes) \(.[0].path // "-")" end'
}
# Whether the last key of check's list has its count yet (bounded wait).
last_counted() { [ "$(stats_line ${last%|*} | cut -d' ' -f1-2)" = "$(echo "${last#*|}" | cut -d' ' -f1-2)" ]; }
# check WANT...: each "upstream dir family origin transit|packets bytes path"
# exactly, and no other counter row.  A path of "-" is not checked (an
# output without the field); otherwise "own" or "consensus".
check() {
	local w got
	last=${!#}
	wait_for 5 last_counted || true # the exact checks below say what is missing
	for w in "$@"; do
		got=$(stats_line ${w%|*})
		[ "${got% *}" = "$(echo "${w#*|}" | cut -d' ' -f1-2)" ] || fail "$phase: ${w%|*}: got '$got', want '${w#*|}'"
		[ "${got##* }" = - ] || [ "${got##* }" = "${w##* }" ] || fail "$phase: ${w%|*}: path '${got##* }', want '${w##* }'"
	done
	rows=$(asc stats --json | jq '.counters | length')
	[ "$rows" -eq $# ] || fail "$phase: $rows counter rows, want $#: $(asc stats)"
}

# ---- per-peer bgpdump -m text: the issue's prefix, one each ----
phase="bgpdump text"
cat >"$work/routes.bgpdump" <<'LINES'
TABLE_DUMP2|1506848400|B|198.51.100.2|4837|175.45.176.0/22|4837 131279|IGP|198.51.100.2|0|0||NAG||
TABLE_DUMP2|1506848400|B|203.0.113.2|20485|175.45.176.0/22|20485 131279|IGP|203.0.113.2|0|0||NAG||
TABLE_DUMP2|1506848400|B|198.51.100.2|4837|198.18.0.0/24|4837 3356 64500|IGP|198.51.100.2|0|0||NAG||
TABLE_DUMP2|1506848400|B|198.51.100.2|4837|2001:db8:100::/48|4837 64501|IGP|198.51.100.2|0|0||NAG||
TABLE_DUMP2|1506848400|B|203.0.113.2|20485|2001:db8:100::/48|20485 6939 64501|IGP|203.0.113.2|0|0||NAG||
LINES
asc routes load "$work/routes.bgpdump"
send $U1 u-cu "$mac_r1" 5 175.45.176.10       # cu's own path: transit 4837
send $U2 u-ttk "$mac_r2" 6 175.45.176.11      # ttk's own path: transit 20485
send $U2 u-ttk "$mac_r2" 3 198.18.0.9         # ttk announces none: consensus
send $U2 u-ttk "$mac_r2" 4 2001:db8:100::5    # ttk's own: 6939
ping_out 198.18.0.9 3                         # out over cu: its own path
ping_out 175.45.176.1 2                       # out over ttk: its own path
check "cu in ipv4 131279 4837|5 500 own" \
	"ttk in ipv4 64500 3356|3 300 consensus" \
	"ttk in ipv6 64501 6939|4 480 own" \
	"cu out ipv4 64500 3356|3 294 own" \
	"ttk out ipv4 131279 20485|2 196 own" \
	"ttk in ipv4 131279 20485|6 600 own"

# ---- MRT TABLE_DUMP_V2 (peer index): cu now reaches 131279 via 9929 ----
phase="MRT"
sed -e 's/|4837 131279|/|4837 9929 131279|/' "$work/routes.bgpdump" >"$work/routes2.bgpdump"
$PY "$TDV2" "$work/rib.mrt" <"$work/routes2.bgpdump"
"$ASCLASS" mrt "$work/rib.mrt" | cmp -s - "$work/routes2.bgpdump" || fail "tdv2.py wrote an MRT file that is not the lines given"
asc routes load "$work/rib.mrt"
send $U1 u-cu "$mac_r1" 7 175.45.176.10       # cu's own path now: transit 9929
send $U2 u-ttk "$mac_r2" 2 198.18.0.9         # still the consensus
send $U1 u-cu "$mac_r1" 1 2001:db8:100::9     # cu's own v6 path: no transit in front
check "cu in ipv4 131279 4837|5 500 own" \
	"ttk in ipv4 64500 3356|5 500 consensus" \
	"ttk in ipv6 64501 6939|4 480 own" \
	"cu out ipv4 64500 3356|3 294 own" \
	"ttk out ipv4 131279 20485|2 196 own" \
	"cu in ipv6 64501 4837|1 120 own" \
	"ttk in ipv4 131279 20485|6 600 own" \
	"cu in ipv4 131279 9929|7 700 own"
echo "PASS: per-link counts exact for bgpdump text and MRT input, both directions"
