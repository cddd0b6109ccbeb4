#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/bgp_raw_speaker.py - a scripted BGP speaker for fault tests
# (daemon_bgp_fault.sh): connects to asclass's feed, opens an iBGP session
# (4-octet AS, IPv4 unicast), announces 175.45.176.0/22 with a good UPDATE,
# then, when the file GO exists, sends the same prefix in a malformed UPDATE
# (an ORIGIN attribute of length 2: RFC 7606 treat-as-withdraw), and keeps the
# session up with keepalives until the file STOP exists (at most 60 s).  A
# NOTIFICATION from asclass ends it with status 1.  BULK=N in the environment:
# N more UPDATEs right after the good one, 5 ms apart, one /24 of
# 198.18.0.0/15 each (path 174 64496+i: a new origin each), to see them go
# into few table loads.  GR=1: the OPEN has the graceful restart capability
# (a promise of End-of-RIB), and End-of-RIB for IPv4 follows the UPDATEs only
# once the file named by EOR exists (daemon_eor_wait.sh).  Standard library
# only; rfc7606_speaker.py imports its message framing (msg, open_msg).
import os
import select
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4


def msg(kind, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def open_msg(asn, router_id, hold, gr=False):
    caps = bytes([1, 4, 0, 1, 0, 1])  # Multiprotocol IPv4 unicast
    caps += bytes([65, 4]) + struct.pack("!I", asn)  # 4-octet AS
    if gr:  # graceful restart: restart time 120 s, IPv4 unicast, no forwarding state
        caps += bytes([64, 6]) + struct.pack("!HHBB", 120, 1, 1, 0)
    param = bytes([2, len(caps)]) + caps
    return msg(OPEN, struct.pack("!BHH4sB", 4, asn if asn < 65536 else 23456, hold,
                                 socket.inet_aton(router_id), len(param)) + param)


def attr(flags, kind, value):
    return bytes([flags, kind, len(value)]) + value


def update(origin_attr, path, next_hop, prefix, plen):
    seg = bytes([2, len(path)]) + b"".join(struct.pack("!I", a) for a in path)
    attrs = origin_attr + attr(0x40, 2, seg) + attr(0x40, 3, socket.inet_aton(next_hop))
    attrs += attr(0x40, 5, struct.pack("!I", 100))  # LOCAL_PREF (iBGP)
    nlri = bytes([plen]) + socket.inet_aton(prefix)[: (plen + 7) // 8]
    return msg(UPDATE, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + nlri)


def read_msgs(sock, buf):
    """Appends what the socket has; returns (messages, rest)."""
    data = sock.recv(65536)
    if not data:
        raise SystemExit("asclass closed the session")
    buf += data
    out = []
    while len(buf) >= 19:
        length, kind = struct.unpack("!HB", buf[16:19])
        if len(buf) < length:
            break
        out.append((kind, buf[19:length]))
        buf = buf[length:]
    return out, buf


def main():
    host, asn, router_id, go, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    sock = socket.create_connection((host, 179), timeout=10)
    gr, eor = os.environ.get("GR") == "1", os.environ.get("EOR", "")
    sock.sendall(open_msg(asn, router_id, 30, gr))
    buf, opened, established, sent_bad, sent_eor = b"", False, False, False, not eor
    good = update(attr(0x40, 1, b"\x00"), [20485, 131279], router_id, "175.45.176.0", 22)
    bad = update(attr(0x40, 1, b"\x00\x00"), [20485, 131279], router_id, "175.45.176.0", 22)
    deadline, last_ka = time.time() + 60, 0.0
    while time.time() < deadline and not os.path.exists(stop):
        if select.select([sock], [], [], 0.2)[0]:
            msgs, buf = read_msgs(sock, buf)
            for kind, body in msgs:
                if kind == NOTIFICATION:
                    print("NOTIFICATION %d/%d" % (body[0], body[1]), flush=True)
                    return 1
                if kind == OPEN:
                    opened = True
                    sock.sendall(msg(KEEPALIVE))
                elif kind == KEEPALIVE and not established:
                    established = True
                    sock.sendall(good)
                    start = time.time()
                    for i in range(int(os.environ.get("BULK", "0"))):
                        pfx = "198.%d.%d.0" % (18 + i // 256, i % 256)
                        sock.sendall(update(attr(0x40, 1, b"\x00"), [174, 64496 + i], router_id, pfx, 24))
                        time.sleep(0.005)
                    print("established; good UPDATE sent; burst took %d s" % (time.time() - start + 1),
                          flush=True)
        if established and not sent_eor and os.path.exists(eor):
            sock.sendall(msg(UPDATE, struct.pack("!HH", 0, 0)))  # End-of-RIB, IPv4
            sent_eor = True
            print("End-of-RIB sent", flush=True)
        if established and not sent_bad and os.path.exists(go):
            sock.sendall(bad)
            sent_bad = True
            print("malformed UPDATE sent", flush=True)
        if opened and time.time() - last_ka >= 1:
            sock.sendall(msg(KEEPALIVE))
            last_ka = time.time()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
