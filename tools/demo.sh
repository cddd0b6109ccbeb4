#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tools/demo.sh - the AS131279 scenario (shared/SCENARIO.md) on a border
# router made of network namespaces: two upstream links, cu (China Unicom,
# AS4837) and ttk (TransTeleCom, AS20485).  Routing before and after
# 2017-10-01 09:08 UTC, traffic from Star JV's 175.45.176.0/22 and from other
# origins over both links, and the per-upstream x origin x transit table.
# Run by `sudo make demo`.  Everything it creates is removed on exit.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
ASCLASS=${ASCLASS:-$PWD/$O/asclass}
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (BPF, network namespaces): sudo make demo" >&2; exit 1; }
[ -x "$ASCLASS" ] || { echo "demo: $ASCLASS not built: make" >&2; exit 1; }

id=$$
R=asc-demo-$id-router CU=asc-demo-$id-cu TTK=asc-demo-$id-ttk
PIN=/sys/fs/bpf/asclass-demo-$id
work=$(mktemp -d)
. tests/lib/netns.sh
cleanup() {
	ns_del_all
	rm -rf "$PIN" "$work"
}
trap cleanup EXIT

asc() { in_ns $R "$ASCLASS" --pin-dir "$PIN" "$@"; }
say() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }

say "Building the border router: namespaces $R, $CU, $TTK"
ns_add $R $CU $TTK
veth $R cu0 $CU up0
veth $R ttk0 $TTK up0
ip -n $R addr add 198.51.100.1/30 dev cu0
ip -n $CU addr add 198.51.100.2/30 dev up0
ip -n $R addr add 198.51.100.5/30 dev ttk0
ip -n $TTK addr add 198.51.100.6/30 dev up0
# The router reaches Star JV's block through both links.
ip -n $R route add 175.45.176.0/23 via 198.51.100.2
ip -n $R route add 175.45.178.0/23 via 198.51.100.6

asc attach cu0 --upstream cu --asn 4837
asc attach ttk0 --upstream ttk --asn 20485

# Routing data in MRT form, as a route collector would publish it: a RIB dump
# at 08:00 UTC (every path to AS131279 ends "... 4837 131279") and BGP4MP
# updates from 09:05 on, in which paths "... 20485 131279" appear at 09:08.
MRTGEN=${MRTGEN:-$PWD/$O/tests/gen/mrtgen}
[ -x "$MRTGEN" ] || { echo "demo: $MRTGEN not built: make" >&2; exit 1; }
"$MRTGEN" scenario "$work" >/dev/null
RIB=$work/rib.20171001.0800.mrt
UPD=$work/updates.20171001.0905.mrt

send() { # ns count src [family]
	in_ns "$1" $PY - "$2" "$3" "${4:-4}" <<'PYEOF'
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp
count, src, fam = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if fam == "6":
    f = Ether() / IPv6(src=src, dst="2001:db8:ffff::1") / UDP(dport=9) / Raw(b"d" * 400)
else:
    f = Ether() / IP(src=src, dst="198.51.100.250") / UDP(dport=9) / Raw(b"d" * 400)
sendp(f, iface="up0", count=count, verbose=False)
PYEOF
}
traffic() {
	send $CU 40 175.45.176.20      # Star JV over cu
	send $CU 30 175.45.178.20
	send $TTK 25 175.45.179.30     # Star JV over ttk
	send $CU 10 198.51.100.200     # AS64500
	send $TTK 12 203.0.113.40      # AS64501
	send $CU 8 2001:db8:100::7 6   # AS64502, IPv6
	send $TTK 3 198.51.100.99      # AS64500 again, over the other link
	in_ns $R ping -q -c 5 -i 0.2 -W 1 -I 198.51.100.1 175.45.177.1 >/dev/null 2>&1 || true  # out over cu
	in_ns $R ping -q -c 5 -i 0.2 -W 1 -I 198.51.100.5 175.45.179.1 >/dev/null 2>&1 || true  # out over ttk
}

say "The routing data (bgpdump -m compatible): asclass mrt $(basename "$UPD") | grep 131279"
"$ASCLASS" mrt "$UPD" | grep '|131279|\| 131279|' | head -4

say "Before 09:08 UTC: the RIB dump shows only AS4837 in front of AS131279"
asc routes load "$RIB"
"$ASCLASS" rib "$RIB" | awk -F'\t' 'NR == 1 || $2 == 131279' | head -3
asc lookup 175.45.178.20 175.45.179.30
traffic

say "After the updates: paths through AS20485 appeared; asclass swaps its tables atomically"
asc routes load "$RIB" "$UPD"
asc lookup 175.45.178.20 175.45.179.30
traffic

say "When did AS131279's transit change? (asclass rib --transits --origin 131279)"
"$ASCLASS" rib --transits --origin 131279 "$RIB" "$UPD"

# The collector's dumps above hold no session of cu's or ttk's, so every
# link counts under the vote of all paths ("consensus").  The router's own
# view has one session per upstream: each link is counted under the path its
# own upstream announces (what 'asclass run' gets live with [bgp] or [bmp]).
PEERS=$work/router-peers.bgpdump
cat >"$PEERS" <<'LINES'
TABLE_DUMP2|1506849000|B|198.51.100.2|4837|175.45.176.0/22|4837 131279|IGP|198.51.100.2|0|0||NAG||
TABLE_DUMP2|1506849000|B|198.51.100.6|20485|175.45.176.0/22|20485 131279|IGP|198.51.100.6|0|0||NAG||
TABLE_DUMP2|1506849000|B|198.51.100.2|4837|198.51.100.0/24|4837 3356 64500|IGP|198.51.100.2|0|0||NAG||
TABLE_DUMP2|1506849000|B|198.51.100.6|20485|198.51.100.0/24|20485 1299 64500|IGP|198.51.100.6|0|0||NAG||
TABLE_DUMP2|1506849000|B|198.51.100.6|20485|203.0.113.0/24|20485 64510 64501|IGP|198.51.100.6|0|0||NAG||
TABLE_DUMP2|1506849000|B|198.51.100.2|4837|2001:db8:100::/48|4837 3356 64502|IGP|198.51.100.2|0|0||NAG||
LINES
say "The router's own view, one path per upstream: each link under its own upstream's path"
asc routes load "$PEERS"
asc lookup 175.45.178.20 --upstream cu
asc lookup 175.45.179.30 --upstream ttk
traffic

say "asclass status"
asc status
say "asclass stats: packets and bytes per upstream x direction x family x origin AS x transit AS"
asc stats

cat <<'EOT'

What the table shows:
- Rows with origin_as 131279 are Star JV's traffic.  In the collector's
  view (path 'consensus': no session of cu's or ttk's in it, so the vote of
  all paths decides) traffic over cu counted under AS4837 and, after 09:08,
  under transit 20485.
- Rows with path 'own' come from the router's own view: each link under the
  path its own upstream announces, cu's traffic under 4837 and ttk's under
  20485.  A link whose upstream does not announce the source is counted
  under the consensus: traffic arriving where routing does not send it.
- Over link ttk, AS131279's traffic appears as soon as it is sent there; the
  transit column says which AS routing put in front of the origin when each
  packet was counted.
- Direction 'out' rows are the router's own pings towards 175.45.177.1 (cu)
  and 175.45.179.1 (ttk), classified by destination.
- Traffic from an address no prefix covers would show as origin_as 0.
The same numbers: bpftool map dump pinned <pin dir>/asc_counts, asclass stats --json.
EOT
