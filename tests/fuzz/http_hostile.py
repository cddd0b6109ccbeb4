#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/fuzz/http_hostile.py HOST PORT [MAX_CONNECTIONS] - what a hostile
# client can do to the /metrics endpoint: huge headers, long URLs, bad
# methods and paths, bodies, pipelining, idle and slowloris connections,
# a connection flood.  A manual probe (not run by make check): it prints one
# line per case with what the server answered and how long it took, and
# whether a well-behaved scrape still works while the attack holds.
import socket
import sys
import time

HOST, PORT = sys.argv[1], int(sys.argv[2])
MAXC = int(sys.argv[3]) if len(sys.argv) > 3 else 32


def conn(timeout=15):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    return s


def exchange(data, timeout=15, half_close=True):
    """Sends data, reads until close or timeout: (status lines, bytes, seconds, how it ended)."""
    t0 = time.monotonic()
    s = conn(timeout)
    ended = "closed"
    try:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
    except OSError as e:
        ended = "send: %s" % e.strerror
    buf = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
    except socket.timeout:
        ended = "timeout"
    except OSError as e:
        ended = "recv: %s" % e.strerror
    s.close()
    codes = [l.split(b" ")[1].decode() for l in buf.split(b"\r\n") if l.startswith(b"HTTP/1.")]
    return codes, len(buf), time.monotonic() - t0, ended


def scrape(timeout=5):
    try:
        codes, n, t, ended = exchange(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                      timeout)
        return "scrape %s in %.2fs (%s)" % (",".join(codes) or "no answer", t, ended)
    except OSError as e:
        return "scrape failed: %s" % e


def case(name, data, **kw):
    try:
        codes, n, t, ended = exchange(data, **kw)
        print("%-34s -> %-22s %7d bytes %6.2fs %s" % (name, ",".join(codes) or "(none)", n, t, ended))
    except OSError as e:
        print("%-34s -> connect/send failed: %s" % (name, e))


R = b"\r\nHost: x\r\n\r\n"
print("baseline", scrape())
case("huge header (100 KiB)", b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 102400 + b"\r\n\r\n")
case("2000 small headers", b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 2000 + b"\r\n")
case("40 KiB URL", b"GET /" + b"a" * 40960 + b" HTTP/1.1" + R)
case("method FOO", b"FOO /metrics HTTP/1.1" + R)
case("method get (lower case)", b"get /metrics HTTP/1.1" + R)
case("method DELETE", b"DELETE /metrics HTTP/1.1" + R)
case("HTTP/2.0", b"GET /metrics HTTP/2.0" + R)
case("HTTP/0.9", b"GET /metrics\r\n")
case("garbage line", b"\x00\xff\x01garbage\r\n\r\n")
case("no Host (HTTP/1.1)", b"GET /metrics HTTP/1.1\r\n\r\n")
for p in [b"/metrics/", b"//metrics", b"/metrics?x=1", b"/%6detrics", b"/metrics%00x", b"*",
          b"/../metrics", b"http://x/metrics"]:
    case("path " + p.decode(), b"GET " + p + b" HTTP/1.1" + R)
case("POST, 5-byte body", b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
case("GET, 5-byte body", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
case("GET, Content-Length 1e15", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\nxx")
case("GET, Content-Length 2^64", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n")
case("GET, chunked body", b"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
case("chunk size 2^64", b"POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nx\r\n")
case("two Content-Length", b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello")
case("Expect: 100-continue", b"GET /metrics HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc")
n = 200
t0 = time.monotonic()
case("%d pipelined GET /metrics" % n, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * n)
case("%d pipelined GET /" % n, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * n)
print("after the cases:", scrape())


def hold(label, first, drip, seconds, n=MAXC):
    """n connections that send `first`, then one byte of `drip` every 3 s."""
    socks = []
    for _ in range(n):
        try:
            s = conn()
            s.sendall(first)
            socks.append(s)
        except OSError as e:
            print("  connection %d refused: %s" % (len(socks), e))
            break
    print("%s: %d connections open" % (label, len(socks)))
    t0 = time.monotonic()
    i = 0
    while time.monotonic() - t0 < seconds:
        time.sleep(3)
        alive = 0
        for s in socks:
            try:
                if drip:
                    s.send(drip[i % len(drip):i % len(drip) + 1])
                alive += 1
            except OSError:
                pass
        i += 1
        print("  t=%4.1fs %2d held; %s" % (time.monotonic() - t0, alive, scrape(timeout=2)))
    for s in socks:
        s.close()
    time.sleep(0.5)
    print("  released;", scrape())


hold("idle connections (nothing sent)", b"", b"", 15)
hold("slowloris (a header byte every 3 s)", b"GET /metrics HTTP/1.1\r\nHost: x\r\n", b"X-a: b\r\n", 30)
flood = []
for i in range(1000):
    try:
        flood.append(conn(timeout=2))
    except OSError as e:
        print("flood: connect %d failed: %s" % (i, e))
        break
print("flood: %d connections made;" % len(flood), scrape())
for s in flood:
    s.close()
time.sleep(0.5)
print("flood released;", scrape())
