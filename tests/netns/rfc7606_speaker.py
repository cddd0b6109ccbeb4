#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/rfc7606_speaker.py - a scripted iBGP speaker that sends one
# malformed UPDATE per RFC 7606 case (daemon_rfc7606.sh).  The attributes are
# built with scapy.contrib.bgp; a malformation scapy cannot express (a wrong
# length, flag or value) is made by editing the bytes scapy built.
#
#   rfc7606_speaker.py HOST ASN ROUTER_ID CMD_FIFO
#
# Commands, one a line on CMD_FIFO:
#   announce CASE N   (re)connects if needed, waits for Established, sends a
#                     good UPDATE for 198.18.N.0/24 (path 20485 131279),
#                     prints "announced CASE"
#   bad CASE N        sends CASE's malformed UPDATE for 198.18.N.0/24 (its
#                     path, where it has one that counts: 4837 131279),
#                     prints "sent CASE"
#   quit
# A NOTIFICATION from asclass is printed ("NOTIFICATION CODE/SUBCODE") and
# the connection closed; the next announce opens a new one.  Keepalives
# every second keep the session up; the speaker stops by itself after 300 s.
# `rfc7606_speaker.py --cases` lists the cases.
import os
import select
import socket
import struct
import sys
import time

from scapy.all import raw
from scapy.contrib import bgp as B

B.bgp_module_conf.use_2_bytes_asn = False
from scapy.contrib.bgp import (  # noqa: E402
    BGPNLRI_IPv4, BGPPAAS4Aggregator, BGPPAAS4BytesPath, BGPPALocalPref,
    BGPPAMPReachNLRI, BGPPAMultiExitDisc, BGPPANextHop, BGPPAOrigin,
    BGPPathAttr)

from bgp_raw_speaker import KEEPALIVE, NOTIFICATION, OPEN, UPDATE, msg, open_msg  # noqa: E402

GOOD_PATH = [20485, 131279]
NEW_PATH = [4837, 131279]
NEXT_HOP = "203.0.113.1"


# ---- attributes, built by scapy ----

def a_origin(v=0):
    return raw(BGPPathAttr(type_flags=0x40, type_code="ORIGIN", attribute=BGPPAOrigin(origin=v)))


def a_path(path, code="AS_PATH", flags=0x40):
    seg = BGPPAAS4BytesPath.ASPathSegment(segment_type=2, segment_value=path)
    return raw(BGPPathAttr(type_flags=flags, type_code=code,
                           attribute=BGPPAAS4BytesPath(segments=[seg])))


def a_nexthop():
    return raw(BGPPathAttr(type_flags=0x40, type_code="NEXT_HOP",
                           attribute=BGPPANextHop(next_hop=NEXT_HOP)))


def a_localpref():
    return raw(BGPPathAttr(type_flags=0x40, type_code="LOCAL_PREF",
                           attribute=BGPPALocalPref(local_pref=100)))


def a_med():
    return raw(BGPPathAttr(type_flags=0x80, type_code="MULTI_EXIT_DISC",
                           attribute=BGPPAMultiExitDisc(med=10)))


def a_aggregator():
    return raw(BGPPathAttr(type_flags=0xC0, type_code="AGGREGATOR",
                           attribute=BGPPAAS4Aggregator(aggregator_asn=131279,
                                                        speaker_address="198.51.100.9")))


def a_atomic():
    return bytes([0x40, 6, 0])  # scapy has no value class for an empty one


def a_mp_reach(prefix):
    return raw(BGPPathAttr(type_flags=0x80, type_code="MP_REACH_NLRI",
                           attribute=BGPPAMPReachNLRI(afi=1, safi=1, nh_addr_len=4,
                                                      nh_v4_addr=NEXT_HOP,
                                                      nlri=[BGPNLRI_IPv4(prefix=prefix)])))


def nlri(prefix):
    return raw(BGPNLRI_IPv4(prefix=prefix))


# ---- edits of scapy's bytes ----

def with_value(attr, value):
    """attr (short length form) with another value and its true length."""
    return attr[:2] + bytes([len(value)]) + value


def with_flags(attr, flags):
    return bytes([flags]) + attr[1:]


def update(attrs, nlri_bytes, attr_len=None):
    """An UPDATE; attr_len overrides the Total Path Attribute Length."""
    al = len(attrs) if attr_len is None else attr_len
    return msg(UPDATE, struct.pack("!HH", 0, al) + attrs + nlri_bytes)


def base(path=NEW_PATH):
    return a_origin() + a_path(path) + a_nexthop() + a_localpref()


# CASE -> function(prefix) -> the malformed UPDATE
CASES = {
    "origin_length": lambda p: update(
        with_value(a_origin(), b"\x00\x00") + a_path(NEW_PATH) + a_nexthop() + a_localpref(),
        nlri(p)),
    "origin_value": lambda p: update(
        a_origin(3) + a_path(NEW_PATH) + a_nexthop() + a_localpref(), nlri(p)),
    # segment type 7 does not exist (RFC 7606 7.2)
    "as_path_segment": lambda p: update(
        a_origin() + with_value(a_path(NEW_PATH), b"\x07" + a_path(NEW_PATH)[4:])
        + a_nexthop() + a_localpref(), nlri(p)),
    # a segment that claims 5 ASNs and holds 2 (RFC 6793 6: discard)
    "as4_path_malformed": lambda p: update(
        base() + with_value(a_path([64496, 131279], "AS4_PATH", 0xC0),
                            b"\x02\x05" + a_path([64496, 131279])[5:]), nlri(p)),
    "next_hop_length": lambda p: update(
        a_origin() + a_path(NEW_PATH) + with_value(a_nexthop(), b"\xcb\x00\x71\x01\x00")
        + a_localpref(), nlri(p)),
    "med_length": lambda p: update(base() + with_value(a_med(), b"\x00\x00\x0a"), nlri(p)),
    "local_pref_length": lambda p: update(
        a_origin() + a_path(NEW_PATH) + a_nexthop()
        + with_value(a_localpref(), b"\x00\x00\x00\x64\x00"), nlri(p)),
    "atomic_aggregate_length": lambda p: update(base() + with_value(a_atomic(), b"\x01"),
                                                nlri(p)),
    "aggregator_length": lambda p: update(
        base() + with_value(a_aggregator(), a_aggregator()[3:10]), nlri(p)),
    "missing_origin": lambda p: update(a_path(NEW_PATH) + a_nexthop() + a_localpref(),
                                       nlri(p)),
    # the first AS_PATH counts: NEW_PATH, not the second one's
    "attr_repeated": lambda p: update(base() + a_path([3356, 64999]), nlri(p)),
    "mp_reach_repeated": lambda p: update(
        base() + a_mp_reach("198.19.250.0/24") + a_mp_reach("198.19.251.0/24"), nlri(p)),
    # AFI, SAFI, next hop and SNPA count kept, then a prefix of length 33
    "mp_reach_malformed": lambda p: update(
        base() + with_value(a_mp_reach(p), a_mp_reach(p)[3:12] + b"\x21\xc6\x12\x00\x00\x00"),
        b""),
    "attr_flags": lambda p: update(
        with_flags(a_origin(), 0xC0) + a_path(NEW_PATH) + a_nexthop() + a_localpref(), nlri(p)),
    # Total Path Attribute Length 200 in a message that has far less
    "attr_length_overrun": lambda p: update(base(), nlri(p), attr_len=200),
    # the last attribute runs past the block: the NLRI field is still found
    "attr_overrun_nlri": lambda p: update(
        base() + with_value(a_med(), b"\x00\x00\x00\x0a")[:3], nlri(p),
        attr_len=len(base()) + 3),
    "nlri_length_33": lambda p: update(base(), b"\x21\xc6\x12\x00\x00\x00"),
    # type 99, optional transitive: not known, kept; no error
    "unknown_optional": lambda p: update(base() + bytes([0xC0, 99, 3, 1, 2, 3]), nlri(p)),
}


def good_update(prefix):
    return update(base(GOOD_PATH), nlri(prefix))


class Speaker:
    def __init__(self, host, asn, router_id):
        self.host, self.asn, self.router_id = host, asn, router_id
        self.sock, self.buf, self.up, self.last_ka = None, b"", False, 0.0

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock, self.buf, self.up = None, b"", False

    def connect(self):
        self.close()
        self.sock = socket.create_connection((self.host, 179), timeout=10)
        self.sock.sendall(open_msg(self.asn, self.router_id, 30))

    def poll(self, timeout):
        """Reads what is there; keepalives; returns False once closed."""
        if not self.sock:
            return False
        if select.select([self.sock], [], [], timeout)[0]:
            data = self.sock.recv(65536)
            if not data:
                print("closed by asclass", flush=True)
                self.close()
                return False
            self.buf += data
            self.handle()
        if self.sock and time.time() - self.last_ka >= 1:
            self.sock.sendall(msg(KEEPALIVE))
            self.last_ka = time.time()
        return self.sock is not None

    def handle(self):
        while len(self.buf) >= 19:
            length, kind = struct.unpack("!HB", self.buf[16:19])
            if len(self.buf) < length:
                return
            body, self.buf = self.buf[19:length], self.buf[length:]
            if kind == NOTIFICATION:
                print("NOTIFICATION %d/%d" % (body[0], body[1]), flush=True)
                self.close()
                return
            if kind == OPEN:
                self.sock.sendall(msg(KEEPALIVE))
            elif kind == KEEPALIVE and not self.up:
                self.up = True
                print("established", flush=True)

    def establish(self):
        if not self.sock:
            self.connect()
        deadline = time.time() + 15
        while not self.up and time.time() < deadline:
            if not self.poll(0.2):
                self.connect()
        if not self.up:
            raise SystemExit("no session with asclass")


def command(sp, line):
    words = line.split()
    if not words:
        return True
    if words[0] == "quit":
        return False
    case, n = words[1], int(words[2])
    prefix = "198.18.%d.0/24" % n
    if words[0] == "announce":
        sp.establish()
        sp.sock.sendall(good_update(prefix))
        print("announced %s" % case, flush=True)
    elif words[0] == "bad":
        sp.sock.sendall(CASES[case](prefix))
        print("sent %s" % case, flush=True)
    return True


def main():
    if sys.argv[1:] == ["--cases"]:
        print("\n".join(CASES))
        return 0
    host, asn, router_id, fifo = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sp = Speaker(host, asn, router_id)
    cmd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    pending, deadline = "", time.time() + 300
    while time.time() < deadline:
        if sp.sock:
            sp.poll(0)
        if not select.select([cmd], [], [], 0.1)[0]:
            continue
        pending += os.read(cmd, 4096).decode()
        while "\n" in pending:
            line, pending = pending.split("\n", 1)
            if not command(sp, line):
                sp.close()
                print("done", flush=True)
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
