#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/soak/sender.py - a paced raw-frame sender for the soak test.
#
# Sends UDP frames of fixed sizes (IPv4: 100 bytes, IPv6: 120 bytes on the
# wire) on one interface through an AF_PACKET socket, at a steady rate in
# small bursts (a veth with XDP behind it queues 256 frames; bursts of at most
# BURST never fill that), cycling through the given addresses as source
# (--dir in: the receiver classifies by source) or destination (--dir out: the
# router's own egress, classified by destination).  It stops on SIGTERM or
# SIGINT, or when --max-packets or --max-seconds is reached, whichever comes
# first, and then writes what it sent as JSON to --out:
#   {"packets": N, "bytes": B, "v4": N4, "v6": N6, "errors": E}
# Only frames the kernel accepted are counted.  The destination MAC is a
# locally administered address nobody owns, so the receiving stack drops the
# frames before IP (PACKET_OTHERHOST): no replies, no ARP, no ICMP.
#
# --bad 1 (used to show that the soak check can fail) sends one extra IPv4
# frame with version 5 and counts it as sent: the classifier passes it
# without counting it, which is what a lost count looks like.
import argparse
import ipaddress
import json
import os
import signal
import socket
import struct
import sys
import time

BURST = 16
FRAME_V4 = 100
FRAME_V6 = 120
DST_MAC = bytes.fromhex("02aa5c000001")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame_v4(src, dst, smac, version=4):
    payload = b"s" * (FRAME_V4 - 14 - 20 - 8)
    udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | 5, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      src.packed, dst.packed)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return DST_MAC + smac + b"\x08\x00" + hdr + udp


def frame_v6(src, dst, smac):
    payload = b"s" * (FRAME_V6 - 14 - 40 - 8)
    ulen = 8 + len(payload)
    pseudo = src.packed + dst.packed + struct.pack("!I3xB", ulen, 17)
    udp = struct.pack("!HHHH", 40000, 9, ulen, 0) + payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    hdr = struct.pack("!IHBB16s16s", 6 << 28, ulen, 17, 64, src.packed, dst.packed)
    return DST_MAC + smac + b"\x86\xdd" + hdr + udp


def build_frames(args, smac):
    """One frame per address; the far end is a fixed address of the same family."""
    frames = []
    for a in args.addrs:
        addr = ipaddress.ip_address(a)
        if addr.version == 4:
            far = ipaddress.ip_address("198.51.100.250")
            pair = (addr, far) if args.dir == "in" else (far, addr)
            frames.append((4, frame_v4(pair[0], pair[1], smac)))
        else:
            far = ipaddress.ip_address("2001:db8:ffff::250")
            pair = (addr, far) if args.dir == "in" else (far, addr)
            frames.append((6, frame_v6(pair[0], pair[1], smac)))
    return frames


def main():
    p = argparse.ArgumentParser(description="paced raw-frame sender for the asclass soak")
    p.add_argument("--iface", required=True)
    p.add_argument("--dir", choices=("in", "out"), required=True)
    p.add_argument("--pps", type=float, default=500)
    p.add_argument("--max-packets", type=int, default=10_000_000)
    p.add_argument("--max-seconds", type=float, default=3600)
    p.add_argument("--out", required=True)
    p.add_argument("--bad", type=int, default=0)
    p.add_argument("addrs", nargs="+")
    args = p.parse_args()

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.iface, 0))
    smac = s.getsockname()[4]
    frames = build_frames(args, smac)
    tally = {"packets": 0, "bytes": 0, "v4": 0, "v6": 0, "errors": 0}

    def send(fam, frame):
        try:
            s.send(frame)
        except OSError:
            tally["errors"] += 1
            return
        tally["packets"] += 1
        tally["bytes"] += len(frame)
        tally["v%d" % fam] += 1

    start = time.monotonic()
    i = 0
    while not stop and tally["packets"] < args.max_packets:
        now = time.monotonic()
        if now - start >= args.max_seconds:
            break
        due = min(int((now - start) * args.pps) - i, BURST, args.max_packets - tally["packets"])
        for _ in range(max(due, 0)):
            send(*frames[i % len(frames)])
            i += 1
        time.sleep(BURST / args.pps / 4)
    for _ in range(args.bad):
        addr = ipaddress.ip_address(args.addrs[0])
        send(4, frame_v4(addr, ipaddress.ip_address("198.51.100.250"), smac, version=5))
    with open(args.out + ".tmp", "w") as f:
        json.dump(tally, f)
    # the soak waits for this name: the tally is complete when it appears
    os.rename(args.out + ".tmp", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
