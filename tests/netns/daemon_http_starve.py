#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_http_starve.py PORT SECONDS - used by daemon_http.sh,
# inside a namespace it made: for SECONDS, hundreds of idle connections and
# slow clients (one header byte per second) from 127.0.0.2..127.0.0.5, kept
# open (re-opened when the server closes them), while a scrape of /metrics
# from 127.0.0.1 runs every half second.  Every scrape must answer 200
# within 2 seconds; prints how many did and exits 1 if one did not.
import selectors
import socket
import sys
import time

PORT, SECONDS = int(sys.argv[1]), float(sys.argv[2])
ATTACKERS = ["127.0.0.%d" % i for i in range(2, 6)]
IDLE, SLOW = 75, 10  # per attacking address: 300 idle, 40 slow in all
REQUEST = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"


def open_from(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((src, 0))
    try:
        s.connect(("127.0.0.1", PORT))
    except BlockingIOError:
        pass
    return s


def scrape():
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", PORT), timeout=2, source_address=("127.0.0.1", 0))
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        buf = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
        s.close()
    except OSError as e:
        return False, "%s after %.2f s" % (e, time.monotonic() - t0)
    ok = buf.startswith(b"HTTP/1.0 200") or buf.startswith(b"HTTP/1.1 200")
    return ok and time.monotonic() - t0 < 2, "%r after %.2f s" % (buf[:20], time.monotonic() - t0)


def main():
    conns = {}  # socket -> [kind, source, bytes sent]
    sel = selectors.DefaultSelector()

    def add(kind, src):
        s = open_from(src)
        conns[s] = [kind, src, 0]
        sel.register(s, selectors.EVENT_READ)

    for src in ATTACKERS:
        for _ in range(IDLE):
            add("idle", src)
        for _ in range(SLOW):
            add("slow", src)
    end = time.monotonic() + SECONDS
    next_byte = next_scrape = time.monotonic()
    done = bad = 0
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:  # closed by the server: come back
                kind, src, _ = conns.pop(s)
                sel.unregister(s)
                s.close()
                add(kind, src)
        now = time.monotonic()
        if now >= next_byte:
            next_byte = now + 1
            for s, c in conns.items():
                if c[0] == "slow" and c[2] < len(REQUEST):
                    try:
                        s.send(REQUEST[c[2] : c[2] + 1])
                        c[2] += 1
                    except OSError:
                        pass
        if now >= next_scrape:
            next_scrape = now + 0.5
            ok, how = scrape()
            done += 1
            if not ok:
                bad += 1
                print("scrape failed: %s" % how)
    print("%d scrapes, %d failed, %d attacking connections open at the end" % (done, bad, len(conns)))
    sys.exit(1 if bad or done < SECONDS else 0)


main()
