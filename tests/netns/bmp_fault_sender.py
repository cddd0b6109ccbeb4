#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/bmp_fault_sender.py - a scripted BMP router (RFC 7854) for
# daemon_bmp_fault.sh: connects from SRC to the station, sends Initiation,
# a Peer Up for two peers (cu NET.1 AS4837, ttk NET.5 AS20485; NET is
# 198.51.100 unless given)
# and one Route Monitoring message per prefix: 198.18.(BASE+i).0/24, i < N,
# from cu (path 4837 131279) for even i and from ttk (path 20485 64496) for
# odd i; prints "dump sent: B bytes".  Then, by MODE:
#   full  stays connected until the file STOP exists, then closes
#   half  when STOP exists: sends the first half of one more Route
#         Monitoring message and closes (FIN)
#   rst   when STOP exists: sends the first half of one more Route
#         Monitoring message and stalls (connected, sending nothing) until
#         STOP.rst exists, then resets the connection (RST, SO_LINGER 0)
# Before a cut it prints "cut at byte E: H of the L bytes of the Route
# Monitoring message at byte M".  It stops by itself after 120 s.
#
#   bmp_fault_sender.py STATION SRC SYSNAME BASE N MODE STOP [NET]
import os
import socket
import struct
import sys
import time

BMP_RM, BMP_PEER_UP, BMP_INIT = 0, 3, 4
PEERS = {}


def set_peers(net):
    PEERS["cu"] = (net + ".1", 4837, [4837, 131279])
    PEERS["ttk"] = (net + ".5", 20485, [20485, 64496])


def bmp(kind, body):
    return struct.pack("!BIB", 3, 6 + len(body), kind) + body


def per_peer(addr, asn):
    """Per-peer header: global instance peer, IPv4, 4-octet AS paths."""
    return struct.pack("!BBQ", 0, 0, 0) + b"\x00" * 12 + socket.inet_aton(addr) + \
        struct.pack("!I", asn) + socket.inet_aton(addr) + struct.pack("!II", int(time.time()), 0)


def bgp(kind, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), kind) + body


def bgp_open(asn, router_id):
    caps = bytes([1, 4, 0, 1, 0, 1]) + bytes([65, 4]) + struct.pack("!I", asn)
    param = bytes([2, len(caps)]) + caps
    return bgp(1, struct.pack("!BHH4sB", 4, asn if asn < 65536 else 23456, 90,
                              socket.inet_aton(router_id), len(param)) + param)


def peer_up(addr, asn):
    body = per_peer(addr, asn) + b"\x00" * 12 + socket.inet_aton("203.0.113.1")
    body += struct.pack("!HH", 179, 40000)
    return bmp(BMP_PEER_UP, body + bgp_open(64500, "203.0.113.1") + bgp_open(asn, addr))


def route_monitoring(peer, prefix):
    addr, asn, path = PEERS[peer]
    seg = bytes([2, len(path)]) + b"".join(struct.pack("!I", a) for a in path)
    attrs = bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, len(seg)]) + seg
    attrs += bytes([0x40, 3, 4]) + socket.inet_aton(addr)
    nlri = bytes([24]) + socket.inet_aton(prefix)[:3]
    upd = bgp(2, struct.pack("!HH", 0, len(attrs)) + attrs + nlri)
    return bmp(BMP_RM, per_peer(addr, asn) + upd)


def initiation(sysname):
    tlv = lambda t, v: struct.pack("!HH", t, len(v)) + v  # noqa: E731
    return bmp(BMP_INIT, tlv(2, sysname.encode()) + tlv(1, b"bmp_fault_sender.py"))


def wait_file(path, deadline):
    while not os.path.exists(path):
        if time.time() > deadline:
            raise SystemExit("gave up waiting for " + path)
        time.sleep(0.05)


def main():
    station, src, sysname, base, n, mode, stop = sys.argv[1:8]
    base, n = int(base), int(n)
    set_peers(sys.argv[8] if len(sys.argv) > 8 else "198.51.100")
    deadline = time.time() + 120
    sock = socket.create_connection((station, 1790), 10, (src, 0))
    dump = initiation(sysname) + peer_up(*PEERS["cu"][:2]) + peer_up(*PEERS["ttk"][:2])
    for i in range(n):
        dump += route_monitoring("cu" if i % 2 == 0 else "ttk", "198.18.%d.0" % (base + i))
    sock.sendall(dump)
    print("dump sent: %d bytes" % len(dump), flush=True)
    wait_file(stop, deadline)
    if mode == "full":
        sock.close()
        return 0
    last = route_monitoring("cu", "198.18.%d.0" % (base + n))
    half = len(last) // 2
    sock.sendall(last[:half])
    print("cut at byte %d: %d of the %d bytes of the Route Monitoring message at byte %d"
          % (len(dump) + half, half, len(last), len(dump)), flush=True)
    if mode == "rst":
        wait_file(stop + ".rst", deadline)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
