#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/netns/daemon_http_starve.py PORT SECONDS HEADER_TIMEOUT - used by
# daemon_http.sh, inside a namespace it made (every 127.0.0.0/8 address is
# the namespace's own loopback).  For SECONDS, from addresses other than the
# scraper's, each holding as many connections as the server allows one
# address (PER_ADDRESS):
#   idle     127.0.1.1-40: connect and send nothing
#   slow     127.0.2.1-40: send a request one byte every half second, so the
#            server's idle timeout (5 s) never fires
#   halfcl   127.0.3.1-8:  send part of a request and shut down the sending
#            side, a few every second
# Every attacking connection is opened again when the server closes it.
# Meanwhile a scrape of /metrics from 127.0.0.1 runs every quarter second.
# Checks, each printed with its measurement:
#   - every scrape answers 200 within SCRAPE_MAX_S;
#   - the server held at least HELD_MIN attacking connections at once
#     (`ss`, server side), so the load was real;
#   - idle and slow connections are closed at the header deadline: between
#     HEADER_TIMEOUT - EARLY_S and HEADER_TIMEOUT + LATE_S after they opened;
#   - half-closed connections are closed within HALFCLOSE_MAX_S, well before
#     the deadline (it is not the deadline that closes them);
# and then, on one kept-alive connection from 127.0.4.1: two requests are
# both answered, and a third trickled after the second answer is closed at
# the deadline counted from that answer.
# Exits 1 if a check fails.
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import time

PORT, SECONDS, DEADLINE = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
PER_ADDRESS = 8  # the server's max_connections_per_client (daemon_http.sh)
GROUPS = {  # kind: (addresses, connections per address)
    "idle": (["127.0.1.%d" % i for i in range(1, 41)], PER_ADDRESS),
    "slow": (["127.0.2.%d" % i for i in range(1, 41)], PER_ADDRESS),
}
HALFCL_ADDRS = ["127.0.3.%d" % i for i in range(1, 9)]
REQUEST = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
SCRAPE_MAX_S = 1.0
HELD_MIN = 500  # of the 640 idle and slow connections
EARLY_S, LATE_S = 0.2, 1.0
HALFCLOSE_MAX_S = 1.0  # half the deadline: the test blocks while it scrapes and runs ss
REOPEN_S = 0.1  # the server frees an address's place just after it closes
REFUSED_S = 0.1  # a connection closed sooner was refused (the address is full)
REFUSED_MAX = 0.05  # of those closed


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
    """(ok, seconds)"""
    t0 = time.monotonic()
    buf = b""
    try:
        s = socket.create_connection(("127.0.0.1", PORT), timeout=SCRAPE_MAX_S * 2,
                                     source_address=("127.0.0.1", 0))
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
        s.close()
    except OSError:
        pass
    took = time.monotonic() - t0
    ok = buf.startswith(b"HTTP/1.1 200") and b"asclass_build_info" in buf
    return ok and took < SCRAPE_MAX_S, took


def held_by_server():
    """Connections the daemon has accepted (not those in the listen backlog) from
    the attacking addresses (not 127.0.0.1)."""
    out = subprocess.run(["ss", "-Htnp", "state", "established", "( sport = :%d )" % PORT],
                         capture_output=True, text=True).stdout
    return sum(1 for l in out.splitlines()
               if '"asclass"' in l and l.split()[3].rsplit(":", 1)[0] != "127.0.0.1")


class Load:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.conns = {}  # socket -> [kind, source, opened at, bytes sent]
        self.lifetimes = {"idle": [], "slow": [], "halfcl": []}
        self.reopen = []  # (when, kind, source)

    def add(self, kind, src):
        s = open_from(src)
        self.conns[s] = [kind, src, time.monotonic(), 0]
        self.sel.register(s, selectors.EVENT_READ)
        return s

    def closed(self, s):
        kind, src, opened, _ = self.conns.pop(s)
        self.sel.unregister(s)
        s.close()
        self.lifetimes[kind].append(time.monotonic() - opened)
        if kind != "halfcl":  # once the server has freed the address's place
            self.reopen.append((time.monotonic() + REOPEN_S, kind, src))

    def reopen_due(self):
        now = time.monotonic()
        while self.reopen and self.reopen[0][0] <= now:
            _, kind, src = self.reopen.pop(0)
            self.add(kind, src)

    def poll(self, timeout):
        for key, _ in self.sel.select(timeout=timeout):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:  # the server closed it (anything else would be an answer)
                self.closed(key.fileobj)

    def trickle(self):
        for s, c in self.conns.items():
            if c[0] == "slow" and c[3] < len(REQUEST):
                try:
                    s.send(REQUEST[c[3]:c[3] + 1])
                    c[3] += 1
                except OSError:
                    pass

    def half_close(self):
        for src in HALFCL_ADDRS:
            s = self.add("halfcl", src)
            try:  # loopback: the connection is up before the next line
                time.sleep(0.001)
                s.send(b"GET /metrics HTTP/1.1\r\nHo")
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def read_answer(s):
    """Status line of one answer read off s (Content-Length framed), or None."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        if not b:
            return None
        buf += b
    head, body = buf.split(b"\r\n\r\n", 1)
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
              if l.lower().startswith(b"content-length:")]
    while length and len(body) < length[0]:
        b = s.recv(65536)
        if not b:
            return None
        body += b
    return head.split(b"\r\n")[0].decode()


def keepalive():
    """(two answers, seconds from the second answer to the server's close of a trickled third)"""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=DEADLINE + LATE_S + 2,
                                 source_address=("127.0.4.1", 0))
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    answers = []
    for _ in range(2):
        s.sendall(req)
        answers.append(read_answer(s))
    t0 = time.monotonic()
    for i in range(len(req)):
        try:
            s.send(req[i:i + 1])
            ready = selectors.DefaultSelector()
            ready.register(s, selectors.EVENT_READ)
            if ready.select(timeout=0.25) and not s.recv(4096):
                break
        except OSError:
            break
    took = time.monotonic() - t0
    s.close()
    return answers, took


def report(name, ok, text):
    print("%s: %s: %s" % ("ok" if ok else "FAIL", name, text))
    return ok


def main():
    resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
    load = Load()
    for kind, (addrs, n) in GROUPS.items():
        for src in addrs:
            for _ in range(n):
                load.add(kind, src)
    end = time.monotonic() + SECONDS
    next_byte = next_scrape = next_half = next_count = time.monotonic()
    scrapes, bad, held = [], 0, 0
    while time.monotonic() < end:
        load.poll(0.02)
        load.reopen_due()
        now = time.monotonic()
        if now >= next_byte:
            next_byte = now + 0.5
            load.trickle()
        if now >= next_half:
            next_half = now + 1
            load.half_close()
        if now >= next_count:
            next_count = now + 1
            held = max(held, held_by_server())
        if now >= next_scrape:
            next_scrape = now + 0.25
            ok, took = scrape()
            scrapes.append(took)
            bad += not ok
    load.poll(0.1)
    good = True
    good &= report("scrapes", bad == 0 and len(scrapes) >= SECONDS * 2,
                   "%d from 127.0.0.1, %d failed or slower than %.1f s; latency median %.3f s, "
                   "max %.3f s" % (len(scrapes), bad, SCRAPE_MAX_S, statistics.median(scrapes),
                                   max(scrapes)))
    good &= report("held", held >= HELD_MIN,
                   "the server held up to %d attacking connections at once (want >= %d)"
                   % (held, HELD_MIN))
    for kind in ("idle", "slow"):
        lt = [t for t in load.lifetimes[kind] if t >= REFUSED_S]
        refused = len(load.lifetimes[kind]) - len(lt)
        ok = (len(lt) >= HELD_MIN and min(lt) >= DEADLINE - EARLY_S
              and max(lt) <= DEADLINE + LATE_S and refused <= REFUSED_MAX * len(lt))
        good &= report(kind, ok, "%d closed by the server after %.2f-%.2f s (median %.2f), %d "
                       "refused at once; the deadline is %.1f s"
                       % (len(lt), min(lt, default=0), max(lt, default=0),
                          statistics.median(lt) if lt else 0, refused, DEADLINE))
    lt = load.lifetimes["halfcl"]
    want = len(HALFCL_ADDRS) * int(SECONDS - 1)
    ok = len(lt) >= want and max(lt, default=99) <= HALFCLOSE_MAX_S
    good &= report("half-closed", ok, "%d closed by the server (want >= %d), after at most %.3f s "
                   "(want <= %.1f)" % (len(lt), want, max(lt, default=0), HALFCLOSE_MAX_S))
    answers, took = keepalive()
    ok = answers == ["HTTP/1.1 200 OK"] * 2 and DEADLINE - EARLY_S <= took <= DEADLINE + LATE_S
    good &= report("keep-alive", ok, "answers %s, then a trickled request closed after %.2f s"
                   % (answers, took))
    sys.exit(0 if good else 1)


main()
