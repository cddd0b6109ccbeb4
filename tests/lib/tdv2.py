# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/lib/tdv2.py - writes a small MRT TABLE_DUMP_V2 RIB (RFC 6396) from
# `bgpdump -m` style lines, for tests that need the same routes as MRT and
# as text: one PEER_INDEX_TABLE of the lines' peers, then one RIB_IPV4_UNICAST
# or RIB_IPV6_UNICAST record per prefix with an entry per line.
#
#   /usr/bin/python3 tests/lib/tdv2.py OUT.mrt < lines
#
# A line is TABLE_DUMP2|TIME|B|PEER_IP|PEER_AS|PREFIX|AS PATH|... (the fields
# after the AS path are ignored: every entry gets ORIGIN IGP, and NEXT_HOP
# (IPv4) or an abbreviated MP_REACH_NLRI (IPv6) of the peer's address).
# Standard library only; every field is packed big-endian as the RFC says.
import ipaddress
import struct
import sys

TABLE_DUMP_V2, PEER_INDEX_TABLE, RIB_IPV4_UNICAST, RIB_IPV6_UNICAST = 13, 1, 2, 4


def mrt(when, subtype, body):
    return struct.pack(">IHHI", when, TABLE_DUMP_V2, subtype, len(body)) + body


def attr(flags, code, value):
    return struct.pack(">BBB", flags, code, len(value)) + value


def attrs(peer_ip, path):
    a = attr(0x40, 1, b"\x00")  # ORIGIN IGP
    a += attr(0x40, 2, struct.pack(">BB", 2, len(path)) + b"".join(struct.pack(">I", x) for x in path))
    if peer_ip.version == 4:
        a += attr(0x40, 3, peer_ip.packed)  # NEXT_HOP
    else:  # RFC 6396 4.3.4: MP_REACH_NLRI holds only the next hop's length and address
        a += attr(0x80, 14, bytes([16]) + peer_ip.packed)
    return a


def main():
    peers, ribs, when = [], {}, 0
    for line in sys.stdin:
        f = line.rstrip("\n").split("|")
        if len(f) < 7 or f[2] != "B":
            continue
        when = int(f[1])
        peer = (ipaddress.ip_address(f[3]), int(f[4]))
        if peer not in peers:
            peers.append(peer)
        net = ipaddress.ip_network(f[5])
        ribs.setdefault(net, []).append((peers.index(peer), [int(x) for x in f[6].split()]))
    body = struct.pack(">4sH", bytes(4), 0) + struct.pack(">H", len(peers))
    for ip, asn in peers:  # type: bit 0 IPv6 address, bit 1 4-byte AS
        body += struct.pack(">B4s", 2 | (ip.version == 6), bytes(4)) + ip.packed + struct.pack(">I", asn)
    out = mrt(when, PEER_INDEX_TABLE, body)
    for seq, (net, entries) in enumerate(ribs.items()):
        plen = net.prefixlen
        body = struct.pack(">IB", seq, plen) + net.network_address.packed[: (plen + 7) // 8]
        body += struct.pack(">H", len(entries))
        for idx, path in entries:
            a = attrs(peers[idx][0], path)
            body += struct.pack(">HIH", idx, when, len(a)) + a
        out += mrt(when, RIB_IPV4_UNICAST if net.version == 4 else RIB_IPV6_UNICAST, body)
    with open(sys.argv[1], "wb") as fh:
        fh.write(out)


main()
