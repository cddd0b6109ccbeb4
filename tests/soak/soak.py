#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/soak/soak.py - drives and checks the soak run that tests/soak/soak.sh
# sets up (namespaces, veth links): `asclass run` under steady traffic on two
# links while its routing file changes (reloads), the daemon is killed with
# kill -9 and restarted, its binary is replaced by another build (upgrade),
# and it runs under ASan/LSan with clean SIGTERM stops.
#
# A sampler reads `asclass stats --json` and the daemon's RSS every 100 ms.
# The run fails when:
#  - a counter (any key, an overflow bucket, a packet-reason count) goes down
#    or disappears between two samples;
#  - a key grows whose (origin, transit) belongs to no route set that was
#    active, or being loaded, between those two samples (route sets cycle
#    A -> B -> C, each mapping every sent prefix to its own pair), or whose
#    origin is 0, or whose upstream is not cu or ttk;
#  - at the end, per link and direction, counters + overflow (packets, and
#    bytes) differ from what the senders sent, or the interfaces' own
#    counters differ from either, or an interface dropped a frame;
#  - the daemon's RSS after warm-up exceeds the warm-up peak by more than the
#    tolerance, or an ASan run reports an error or a leak, or exits non-zero;
#  - a reload is not swapped in within its time limit, or the tables hold
#    something other than the set just written, or the whole run overruns.
# It stops its own processes on any exit; soak.sh removes namespaces and pins.
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

SETS = {"A": (64501, 4837), "B": (64502, 20485), "C": (64503, 3356)}
STRAY = (64599, 4837)  # --break key: a table nobody wrote to the routing file
TRAFFIC_PREFIXES = ["198.18.0.0/24", "198.18.1.0/24", "2001:db8:a::/48", "2001:db8:b::/48"]
TRAFFIC_ADDRS = ["198.18.0.10", "198.18.1.20", "2001:db8:a::10", "2001:db8:b::20"]
FILLER_V4, FILLER_V6 = 2000, 500  # other routes, so that a reload has real work
SAMPLE_S = 0.1
ETH_HLEN = 14
SWAP_TIMEOUT_S = 30
START_TIMEOUT_S = 60
SANITIZER_MARKS = ("Sanitizer", "runtime error", "LeakSanitizer")


class Fail(Exception):
    pass


def now():
    return time.monotonic()


def wait_until(seconds, pred, what):
    end = now() + seconds
    while now() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise Fail("timed out after %g s waiting for %s" % (seconds, what))


class Timeline:
    """Which route sets may be counted when: 'write X' adds X to the
    current set, 'active X' leaves only X."""

    def __init__(self):
        self.events = []  # (t, kind, set)
        self.lock = threading.Lock()

    def add(self, kind, name):
        with self.lock:
            self.events.append((now(), kind, name))

    def allowed_between(self, a, b):
        """Every set that may have counted at some time in [a, b]."""
        allowed, out = set(), None
        with self.lock:
            events = list(self.events)
        for t, kind, name in events:
            if t > b:
                break
            if t > a and out is None:
                out = set(allowed)  # what was allowed at a
            allowed = allowed | {name} if kind == "write" else {name}
            if out is not None:
                out |= allowed
        return out if out is not None else allowed


class Soak:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        self.fails = []
        self.timeline = Timeline()
        self.samples = []  # (t0, t1, snapshot)
        self.rss = []  # every 100 ms: (t, instance, reloads in instance, kB)
        self.idle = []  # just before each reload, the same
        self.latency = []  # seconds from a rename to seeing its set active
        self.procs = []
        self.daemon = None
        self.instance = 0
        self.instance_reloads = 0
        self.asan = False
        self.stop_sampling = threading.Event()
        self.counts = {"reloads": 0, "sighup": 0, "bursts": 0, "failed_reloads": 0,
                       "kill9_restarts": 0, "kill9_mid_reload": 0,
                       "kill9_mid_start": 0, "upgrades": 0, "asan_runs": 0,
                       "scrapes": 0}
        self.steady_instance = 1
        self.asan_instances = set()
        self.set_idx = 0
        self.current = "A"
        self.t_start = now()

    # ---- processes ---------------------------------------------------------

    def spawn(self, ns, argv, log, env=None):
        f = open(log, "ab")
        p = subprocess.Popen(["nsenter", "--net=/run/netns/" + ns] + argv, stdout=f,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        f.close()
        self.procs.append(p)
        return p

    def run(self, argv):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode:
            raise Fail("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr.strip()))
        return r.stdout

    def asc(self, *args):
        return self.run([self.a.asclass, "--pin-dir", self.a.pin_dir] + list(args))

    def kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    # ---- routing files -----------------------------------------------------

    def routes_text(self, pair):
        origin, transit = pair
        lines = ["%s %d %d %d" % (p, origin, transit, transit) for p in TRAFFIC_PREFIXES]
        rnd = random.Random(origin)
        for i in range(FILLER_V4):
            lines.append("10.%d.%d.0/%d %d 174 174" % (i >> 6, (i & 63) << 2, rnd.choice((22, 23, 24)),
                                                         65000 + rnd.randrange(500)))
        for i in range(FILLER_V6):
            lines.append("2001:db8:%x::/48 %d 1299 1299" % (0x1000 + i, 65000 + rnd.randrange(500)))
        return "\n".join(lines) + "\n"

    def write_routes(self, pair, path=None, tail=""):
        path = path or self.a.routes
        tmp = os.path.join(os.path.dirname(path), ".routes.tmp")
        with open(tmp, "w") as f:
            f.write(self.routes_text(pair) + tail)
        os.rename(tmp, path)  # one IN_MOVED_TO, and the daemon never reads half a file

    def swaps(self):
        out = self.run(["bpftool", "-j", "map", "lookup", "pinned",
                        self.a.pin_dir + "/asc_state", "key", "0", "0", "0", "0"])
        return json.loads(out)["formatted"]["value"]["swaps"]

    def lookups(self):
        return [(row["address"], (row["origin_as"], row["transit_as"]))
                for row in json.loads(self.asc("lookup", "--json", *TRAFFIC_ADDRS))]

    def tables_are(self, name):
        return all(got == SETS[name] for _, got in self.lookups())

    def verify_tables(self, name):
        for addr, got in self.lookups():
            if got != SETS[name]:
                raise Fail("after loading set %s %s, %s looks up to %s" %
                           (name, SETS[name], addr, got))

    def wait_active(self, name, before, what):
        """Until a swap after `before` has made `name` the active set."""
        wait_until(SWAP_TIMEOUT_S, lambda: self.check_alive() or (
            self.swaps() > before and self.tables_are(name)), what)
        self.timeline.add("active", name)
        self.current = name

    def next_set(self):
        self.set_idx += 1
        return "ABC"[self.set_idx % 3]

    def reload(self):
        """One routing change; every fifth also sends SIGHUP, so the daemon
        gets two requests at once and must queue the second."""
        self.deadline_check()
        self.sample_idle_rss()
        name = self.next_set()
        before = self.swaps()
        self.timeline.add("write", name)
        t_write = now()
        self.write_routes(SETS[name])
        if self.counts["reloads"] % 5 == 4:
            self.daemon.send_signal(signal.SIGHUP)
            self.counts["sighup"] += 1
        self.wait_active(name, before, "reload %d (set %s) to be swapped in" %
                         (self.counts["reloads"] + 1, name))
        self.latency.append(now() - t_write)
        self.counts["reloads"] += 1
        self.instance_reloads += 1
        time.sleep(self.a.interval)

    def bad_reload(self):
        """A routing file with the next set's routes and a bad last line: the
        reload must fail as a whole and leave the active tables counting."""
        failed = self.daemon_log().count("reload failed")
        self.write_routes(SETS["ABC"[(self.set_idx + 1) % 3]], tail="198.18.0.0/33 1 1 1\n")
        wait_until(SWAP_TIMEOUT_S, lambda: self.check_alive() or
                   self.daemon_log().count("reload failed") > failed, "a bad file to be refused")
        where = "%s:%d: " % (os.path.basename(self.a.routes), 4 + FILLER_V4 + FILLER_V6 + 1)
        if where not in self.daemon_log():
            raise Fail("the refused file's error does not name '%s':\n%s" %
                       (where, self.daemon_log()[-1000:]))
        self.verify_tables(self.current)
        before = self.swaps()  # a good file again, before anything restarts
        self.write_routes(SETS[self.current])
        self.wait_active(self.current, before, "the routing file to be good again")
        self.counts["failed_reloads"] += 1

    def burst(self):
        """Three routing files in a row, faster than a reload: the daemon
        coalesces them and must end on the last one."""
        before = self.swaps()
        for _ in range(3):
            name = self.next_set()
            self.timeline.add("write", name)
            self.write_routes(SETS[name])
        self.wait_active(name, before, "the last file of a burst (set %s) to be active" % name)
        self.counts["bursts"] += 1

    def sample_idle_rss(self):
        """The daemon's RSS once no reload thread runs (main, libmicrohttpd's
        epoll thread and the exporter's header-deadline guard are left):
        what it keeps, without a reload's transient buffers and mmap'ed
        fast-table maps."""
        if self.asan:
            return
        wait_until(SWAP_TIMEOUT_S, lambda: self.daemon_threads() <= 3, "the daemon to go idle")
        kb = self.daemon_rss_kb()
        if kb is not None:
            self.idle.append((now(), self.instance, self.instance_reloads, kb))

    def daemon_threads(self):
        return int(self.proc_status("Threads") or 0)

    # ---- the daemon --------------------------------------------------------

    def log_path(self, instance=None):
        return os.path.join(self.work, "daemon-%02d.log" % (instance or self.instance))

    def spawn_daemon(self, binary, asan=False):
        self.instance += 1
        self.instance_reloads = 0
        env = dict(os.environ)
        if asan:
            env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
            env["UBSAN_OPTIONS"] = "print_stacktrace=1"
        self.asan = asan
        if asan:
            self.asan_instances.add(self.instance)
        self.daemon = self.spawn(self.a.router_ns, [binary, "run", "--config", self.a.config],
                                 self.log_path(), env)

    def start_daemon(self, binary, asan=False):
        self.spawn_daemon(binary, asan)
        wait_until(START_TIMEOUT_S, lambda: any(m in self.daemon_log() for m in (
            "routing loaded", "reload failed")) or self.daemon.poll() is not None,
                   "daemon %d to load its routes" % self.instance)
        self.check_alive()
        if "routing loaded" not in self.daemon_log():
            raise Fail("daemon %d failed to load its routes:\n%s" % (self.instance,
                                                                      self.daemon_log()[-2000:]))
        self.timeline.add("active", self.current)
        self.verify_tables(self.current)

    def daemon_log(self, instance=None):
        with open(self.log_path(instance), errors="replace") as f:
            return f.read()

    def check_alive(self):
        if self.daemon.poll() is not None:
            raise Fail("daemon %d exited (%d):\n%s" % (self.instance, self.daemon.returncode,
                                                      self.daemon_log()[-2000:]))

    def kill9(self):
        self.daemon.kill()
        self.daemon.wait()

    def stop_daemon(self):
        """SIGTERM; the daemon must exit 0 and, under ASan, report nothing."""
        self.daemon.send_signal(signal.SIGTERM)
        try:
            rc = self.daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Fail("daemon %d did not exit within 30 s of SIGTERM" % self.instance)
        log = self.daemon_log()
        if rc != 0:
            self.fails.append("daemon %d exited %d on SIGTERM:\n%s" % (self.instance, rc, log[-3000:]))
        if self.asan and any(m in log for m in SANITIZER_MARKS):
            self.fails.append("ASan/LSan report from daemon %d (%s):\n%s" %
                              (self.instance, self.log_path(), log[-4000:]))

    def restart_kill9(self, when):
        """kill -9 while idle, in the middle of a reload, or (the restarted
        daemon again) while it starts: creating maps, replacing programs."""
        if when == "reload":
            # kill while the daemon reads or swaps in a new file: the restarted
            # daemon loads it; until then either table may count
            name = self.next_set()
            self.timeline.add("write", name)
            self.write_routes(SETS[name])
            time.sleep(random.uniform(0, 0.03))
            self.current = name
            self.counts["kill9_mid_reload"] += 1
        self.kill9()
        time.sleep(random.uniform(0.1, 0.5))  # traffic goes on with no daemon
        if when == "start":
            self.spawn_daemon(self.a.install)
            time.sleep(random.uniform(0.05, 0.5))
            self.kill9()
            self.counts["kill9_mid_start"] += 1
        self.start_daemon(self.a.install)
        self.counts["kill9_restarts"] += 1

    def upgrade(self):
        tmp = self.a.install + ".new"
        subprocess.run(["cp", self.a.asclass_v2, tmp], check=True)
        os.rename(tmp, self.a.install)  # the running daemon keeps its old inode
        self.stop_daemon()
        self.start_daemon(self.a.install)
        version = self.run([self.a.install, "--version"]).split()[1]
        wait_until(10, lambda: 'asclass_build_info{version="%s"' % version in self.scrape(),
                   "/metrics to show the new version %s" % version)
        self.counts["upgrades"] += 1

    def asan_run(self, reloads):
        self.stop_daemon()
        self.start_daemon(self.a.asclass_asan, asan=True)
        for _ in range(reloads):
            self.reload()
        self.scrape()
        self.stop_daemon()
        self.counts["asan_runs"] += 1
        self.start_daemon(self.a.install)

    def scrape(self):
        r = subprocess.run(["nsenter", "--net=/run/netns/" + self.a.router_ns, "curl", "-sf",
                            "-m", "5", "http://127.0.0.1:9742/metrics"],
                           capture_output=True, text=True)
        self.counts["scrapes"] += 1
        return r.stdout

    # ---- sampling ----------------------------------------------------------

    def snapshot(self):
        d = json.loads(self.asc("stats", "--json"))
        c = {}
        for r in d["counters"]:
            k = (r["upstream"], r["direction"], r["family"], r["origin_as"], r["transit_as"])
            c[k] = (r["packets"], r["bytes"])
        for r in d["overflow"]:
            c[(r["upstream"], r["direction"], "overflow", None, None)] = (r["packets"], r["bytes"])
        for k, v in d["packets"].items():
            c[("stat", k, None, None, None)] = (v, 0)
        return c

    def proc_status(self, field):
        p = self.daemon
        if p is None or p.poll() is not None:
            return None
        try:
            with open("/proc/%d/status" % p.pid) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return line.split()[1]
        except OSError:
            return None
        return None

    def daemon_rss_kb(self):
        kb = None if self.asan else self.proc_status("VmRSS")
        return int(kb) if kb else None

    def scraper(self):
        """/metrics once a second, as Prometheus would, whichever daemon runs."""
        while not self.stop_sampling.wait(1):
            self.scrape()

    def sampler(self):
        while not self.stop_sampling.is_set():
            t0 = now()
            try:
                snap = self.snapshot()
                self.samples.append((t0, now(), snap))
            except (Fail, ValueError) as e:
                self.fails.append("sample at %.1f s: %s" % (t0 - self.t_start, e))
            kb = self.daemon_rss_kb()
            if kb is not None:
                self.rss.append((now(), self.instance, self.instance_reloads, kb))
            self.stop_sampling.wait(max(0, SAMPLE_S - (now() - t0)))

    # ---- traffic -----------------------------------------------------------

    def start_traffic(self):
        self.senders = []
        for link in self.a.links:  # name:router_if:upstream_ns:upstream_if
            name, rif, uns, uif = link.split(":")
            for d, ns, ifc in (("in", uns, uif), ("out", self.a.router_ns, rif)):
                out = os.path.join(self.work, "sent-%s-%s.json" % (name, d))
                bad = ["--bad", "1"] if self.a.brk == "lost" and (name, d) == ("cu", "in") else []
                p = self.spawn(ns, ["/usr/bin/python3", self.a.sender, "--iface", ifc, "--dir", d,
                                    "--pps", str(self.a.pps), "--max-seconds", str(self.a.deadline),
                                    "--out", out] + bad + TRAFFIC_ADDRS,
                               os.path.join(self.work, "sender-%s-%s.log" % (name, d)))
                self.senders.append((name, d, ns, ifc, p, out))

    def stop_traffic(self):
        sent = {}
        for name, d, ns, ifc, p, out in self.senders:
            p.send_signal(signal.SIGTERM)
        for name, d, ns, ifc, p, out in self.senders:
            if p.wait(timeout=30) != 0:
                raise Fail("sender %s %s exited %d" % (name, d, p.returncode))
            with open(out) as f:
                sent[(name, d)] = json.load(f)
        return sent

    def link_stats(self):
        s = {}
        for name, d, ns, ifc, p, out in self.senders:
            j = json.loads(self.run(["ip", "-n", ns, "-s", "-j", "link", "show", "dev", ifc]))
            s[(ns, ifc)] = j[0]["stats64"]
        return s

    # ---- checks ------------------------------------------------------------

    def check_monotonic(self):
        bad = 0
        for (a0, a1, x), (b0, b1, y) in zip(self.samples, self.samples[1:]):
            for k, (p, b) in x.items():
                q, c = y.get(k, (0, 0))
                if q < p or c < b:
                    bad += 1
                    if bad <= 10:
                        self.fails.append("counter went backwards at %.1f s: %s: %d/%d -> %d/%d "
                                          "packets/bytes" % (b1 - self.t_start, k, p, b, q, c))

    def check_keys(self):
        pairs = {v: n for n, v in SETS.items()}
        bad = 0
        prev = (self.samples[0][0], self.samples[0][1], {})
        for (a0, a1, x), (b0, b1, y) in zip([prev] + self.samples, self.samples):
            allowed = None
            for k, (q, c) in y.items():
                if k[0] == "stat" or k[2] == "overflow" or q <= x.get(k, (0, 0))[0]:
                    continue
                up, d, fam, origin, transit = k
                if allowed is None:
                    allowed = self.timeline.allowed_between(a0, b1)
                why = None
                if up not in self.a.link_names:
                    why = "counted on upstream %r (not a configured link)" % up
                elif origin == 0:
                    why = "origin 0 while a table was loaded"
                elif (origin, transit) not in pairs:
                    why = "(origin %d, transit %d) is in no route set" % (origin, transit)
                elif pairs[(origin, transit)] not in allowed:
                    why = "set %s counted while only %s could be active" % (
                        pairs[(origin, transit)], "/".join(sorted(allowed)))
                if why:
                    bad += 1
                    if bad <= 10:
                        self.fails.append("key %s grew by %d between %.2f and %.2f s: %s" % (
                            k, q - x.get(k, (0, 0))[0], a0 - self.t_start, b1 - self.t_start, why))

    def totals(self, snap):
        t = {}
        for (up, d, fam, origin, transit), (p, b) in snap.items():
            if up == "stat":
                continue
            t.setdefault((up, d), [0, 0, 0])
            t[(up, d)][0] += p
            t[(up, d)][1] += b
            if fam == "overflow":
                t[(up, d)][2] += p
        return t

    def check_totals(self, sent, snap, links0, links1):
        tot = self.totals(snap)
        for (name, d), s in sorted(sent.items()):
            p, b, ovf = tot.get((name, d), [0, 0, 0])
            if s["errors"]:
                self.fails.append("sender %s %s: %d send errors" % (name, d, s["errors"]))
            if (p, b) != (s["packets"], s["bytes"]):
                self.fails.append("%s %s: sent %d packets / %d bytes, asclass counted %d / %d "
                                  "(incl. %d overflow): %+d packets" %
                                  (name, d, s["packets"], s["bytes"], p, b, ovf, p - s["packets"]))
        for (name, d, ns, ifc, _, _) in self.senders:
            s = sent[(name, d)]
            peer = [x for x in self.senders if x[0] == name and x[1] != d][0]
            # A veth pair whose receiving end runs XDP counts frames at both
            # ends as the stack sees them, without the 14-byte Ethernet header.
            want = (s["packets"], s["bytes"] - (ETH_HLEN * s["packets"] if d == "in" else 0))
            for (ns_, if_), dirn in (((ns, ifc), "tx"), ((peer[2], peer[3]), "rx")):
                a, z = links0[(ns_, if_)][dirn], links1[(ns_, if_)][dirn]
                got = (z["packets"] - a["packets"], z["bytes"] - a["bytes"])
                if got != want:
                    self.fails.append("%s %s: sent %d packets / %d bytes, interface %s %s counted "
                                      "%d / %d (want %d / %d)" % (name, d, s["packets"], s["bytes"],
                                                                  if_, dirn, *got, *want))
                drops = z["dropped"] - a["dropped"] + z["errors"] - a["errors"]
                if drops:
                    self.fails.append("interface %s %s: %d dropped or errors" % (if_, dirn, drops))
        return tot

    def check_rss(self):
        """Flat: the idle RSS (sampled just before each reload, when the last
        one has freed what it built) of every regular daemon stays within the
        tolerance of the first daemon's peak over its warm-up reloads.  The
        100 ms samples also see the transient peaks while a reload builds
        the fast tables (their maps are mmap'ed into the daemon)."""
        first = self.steady_instance
        warm = [kb for t, inst, n, kb in self.idle if inst == first and n <= self.a.warmup]
        after = [r for r in self.idle if not (r[1] == first and r[2] <= self.a.warmup)]
        if not warm or not after:
            self.fails.append("RSS: too few samples (%d in warm-up, %d after)" % (len(warm), len(after)))
            return None
        base = max(warm)
        worst = max(after, key=lambda r: r[3])
        if worst[3] > base + self.a.rss_tol_kb:
            self.fails.append("RSS not flat: %d kB idle at %.1f s (daemon %d after %d reloads), "
                              "warm-up peak %d kB, tolerance %d kB" % (
                                  worst[3], worst[0] - self.t_start, worst[1], worst[2], base,
                                  self.a.rss_tol_kb))
        return base

    # ---- the run -----------------------------------------------------------

    def plan(self):
        """The middle part: reloads, kill -9 restarts and the upgrade, spread evenly."""
        a = self.a
        middle = a.reloads - a.steady - a.asan_runs * a.asan_reloads
        if middle < 0:
            raise Fail("--reloads %d is less than --steady + --asan-runs x --asan-reloads" % a.reloads)
        acts = ["kill9"] * a.restarts
        acts[len(acts) // 2:len(acts) // 2] = ["upgrade"] * a.upgrades
        for i in range(a.bursts + a.bad_reloads):  # every other gap
            acts.insert(min(2 * i + 1, len(acts)), "burst" if i < a.bursts else "bad")
        steps = []
        for i, act in enumerate(acts):
            n = middle * (i + 1) // (len(acts) + 1) - middle * i // (len(acts) + 1)
            steps += ["reload"] * n + [act]
        steps += ["reload"] * (middle - steps.count("reload"))
        return steps

    def inject(self):
        """--break: one fault in the middle of the steady phase, to see the checks fail."""
        brk = self.a.brk
        if brk in ("none", "lost"):
            return  # lost: the cu-in sender sends one frame that is not counted
        print("soak: injecting fault '%s' at %.1f s" % (brk, now() - self.t_start), flush=True)
        if brk == "backwards":
            self.delete_counter_key()
        else:
            # key: a table nobody wrote; stale: the set loaded two reloads ago
            pair = STRAY if brk == "key" else SETS["ABC"[(self.set_idx + 1) % 3]]
            path = os.path.join(self.work, "stray.txt")
            self.write_routes(pair, path)
            self.asc("routes", "load", path)  # behind the daemon's back
            time.sleep(0.5)

    def delete_counter_key(self):
        """Deletes the first counter key (struct asc_count_key, little endian)."""
        up = json.loads(self.asc("stats", "--json"))["counters"][0]
        key = (up["origin_as"].to_bytes(4, "little") + up["transit_as"].to_bytes(4, "little") +
               up["upstream_id"].to_bytes(2, "little") +
               bytes([0 if up["direction"] == "in" else 1, 4 if up["family"] == "ipv4" else 6]))
        self.run(["bpftool", "map", "delete", "pinned", self.a.pin_dir + "/asc_counts", "key",
                  "hex"] + ["%02x" % x for x in key])

    def drive(self):
        a = self.a
        self.write_routes(SETS[self.current])
        self.timeline.add("write", self.current)
        # The first start (new maps, first attach) under LSan too, then the
        # daemon whose RSS is watched over the steady reloads.
        self.start_daemon(a.asclass_asan, asan=True)
        self.stop_daemon()
        self.counts["asan_runs"] += 1
        self.start_daemon(a.install)
        self.steady_instance = self.instance
        t0 = now()
        self.samples.append((t0, now(), self.snapshot()))
        threads = [threading.Thread(target=f, daemon=True) for f in (self.sampler, self.scraper)]
        for t in threads:
            t.start()
        try:
            self.start_traffic()
            links0 = self.link_stats()
            for i in range(a.steady):
                if i == a.steady // 2:
                    self.inject()
                self.reload()
            for step in self.plan():
                {"reload": self.reload, "kill9": lambda: self.restart_kill9(
                    ("idle", "reload", "start")[self.counts["kill9_restarts"] % 3]),
                 "upgrade": self.upgrade,
                 "burst": self.burst, "bad": self.bad_reload}[step]()
            for _ in range(a.asan_runs):
                self.asan_run(a.asan_reloads)
            time.sleep(1)
            sent = self.stop_traffic()
        finally:
            self.stop_sampling.set()
            for t in threads:
                t.join()
        # the sampler has stopped: these samples come strictly after its own
        snap = wait_until(10, self.settled, "the counters to settle")
        return sent, snap, links0

    def settled(self):
        """The totals once two reads 0.2 s apart agree (frames still in a queue get counted)."""
        t1 = self.totals(self.snapshot())
        time.sleep(0.2)
        t0 = now()
        snap = self.snapshot()
        self.samples.append((t0, now(), snap))
        return snap if self.totals(snap) == t1 else None

    def deadline_check(self):
        if now() - self.t_start > self.a.deadline:
            raise Fail("the soak overran its %d s limit" % self.a.deadline)

    def main(self):
        try:
            sent, snap, links0 = self.drive()
            links1 = self.link_stats()
            self.stop_daemon()
        except Fail as e:
            self.fails.append(str(e))
            self.kill_all()
            return self.report(None, None)
        finally:
            self.kill_all()
        tot = self.check_totals(sent, snap, links0, links1)
        self.check_monotonic()
        self.check_keys()
        base = self.check_rss()
        return self.report(sent, tot, base)

    def load_times(self, asan):
        """What the daemons logged: "routing loaded: ... in 0.123 s"."""
        out = []
        for i in range(1, self.instance + 1):
            if (i in self.asan_instances) != asan:
                continue
            log = self.daemon_log(i)
            out += [float(x) for x in re.findall(r"routing loaded: .* in ([0-9.]+) s", log)]
        return out

    def report(self, sent, tot, base=None):
        a = self.a
        dur = now() - self.t_start
        gaps = [b[0] - a_[0] for a_, b in zip(self.samples, self.samples[1:])]
        rss = [r[3] for r in self.rss]
        idle = [r[3] for r in self.idle]
        summary = {"duration_s": round(dur, 1), **self.counts, "samples": len(self.samples),
                   "pps_per_sender": a.pps}
        for name, v in (("reload_seen", self.latency), ("daemon_load", self.load_times(False)),
                        ("asan_daemon_load", self.load_times(True)), ("sample_gap", gaps)):
            if v:
                v = sorted(v)
                summary[name + "_median_s"] = round(v[len(v) // 2], 3)
                summary[name + "_max_s"] = round(v[-1], 3)
        if rss and idle:
            summary.update(rss_idle_start_kb=idle[0], rss_idle_end_kb=idle[-1],
                           rss_idle_max_kb=max(idle), rss_warmup_peak_kb=base,
                           rss_tolerance_kb=a.rss_tol_kb, rss_max_kb=max(rss))
        print("soak summary (%s):" % a.name)
        for k, v in summary.items():
            print("  %-22s %s" % (k, v))
        if sent:
            print("  %-10s %-4s %12s %12s %10s" % ("link", "dir", "sent", "counted", "overflow"))
            for (name, d), s in sorted(sent.items()):
                p, b, ovf = tot.get((name, d), [0, 0, 0])
                print("  %-10s %-4s %12d %12d %10d" % (name, d, s["packets"], p, ovf))
            summary["links"] = {"%s %s" % k: {"sent": s["packets"], "counted": tot.get(k, [0])[0],
                                              "overflow": tot.get(k, [0, 0, 0])[2]}
                                for k, s in sorted(sent.items())}
        with open(os.path.join(self.work, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
        with open(os.path.join(self.work, "trace.json"), "w") as f:
            json.dump({"rss": [(round(t - self.t_start, 2), i, n, kb) for t, i, n, kb in self.rss],
                       "idle": [(round(t - self.t_start, 2), i, n, kb) for t, i, n, kb in self.idle],
                       "events": [(round(t - self.t_start, 3), k, n)
                                  for t, k, n in self.timeline.events]}, f)
        for f in self.fails[:30]:
            print("FAIL: " + f)
        if len(self.fails) > 30:
            print("FAIL: ... and %d more" % (len(self.fails) - 30))
        return 1 if self.fails else 0


def parse():
    p = argparse.ArgumentParser(description="asclass soak driver (run by tests/soak/soak.sh)")
    p.add_argument("--name", default="soak")
    p.add_argument("--asclass", required=True, help="the build's binary: stats, lookup")
    p.add_argument("--install", required=True, help="the binary the daemon runs (replaced on upgrade)")
    p.add_argument("--asclass-v2", required=True)
    p.add_argument("--asclass-asan", required=True)
    p.add_argument("--sender", required=True)
    p.add_argument("--pin-dir", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--routes", required=True)
    p.add_argument("--router-ns", required=True)
    p.add_argument("--link", action="append", dest="links", required=True,
                   help="NAME:ROUTER_IF:UPSTREAM_NS:UPSTREAM_IF")
    p.add_argument("--reloads", type=int, default=100)
    p.add_argument("--steady", type=int, default=40, help="reloads of the first daemon (RSS)")
    p.add_argument("--warmup", type=int, default=10, help="reloads before RSS must stay flat")
    p.add_argument("--restarts", type=int, default=10)
    p.add_argument("--upgrades", type=int, default=1)
    p.add_argument("--bursts", type=int, default=3, help="three files in a row, coalesced")
    p.add_argument("--bad-reloads", type=int, default=3, help="files that fail to load")
    p.add_argument("--asan-runs", type=int, default=2)
    p.add_argument("--asan-reloads", type=int, default=10)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between reloads")
    p.add_argument("--pps", type=float, default=500)
    p.add_argument("--rss-tol-kb", type=int, default=1024)
    p.add_argument("--deadline", type=int, default=900)
    p.add_argument("--break", dest="brk", default="none",
                   choices=("none", "lost", "backwards", "key", "stale"))
    a = p.parse_args()
    a.link_names = {x.split(":")[0] for x in a.links}
    return a


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(Soak(parse()).main())
