#!/usr/bin/env python3
"""Helpers for benches/stub_load.sh (standard library only).

  stub_load.py payload EXAMPLE OUT
      The pack's example request without its comment and the indentation between elements
      (the same message, as a client would send it on one line).
  stub_load.py start --log LOG --pidfile PIDFILE --cpus CPUS --body BODY --path PATH
                     --action ACTION --expect MODE [--vary] -- CMD...
      Start CMD pinned to CPUS (taskset), stdout to LOG.out, stderr to LOG; read the URL it
      prints first (`oir stub` prints http://127.0.0.1:PORT when it listens), then POST BODY to
      URL+PATH every millisecond until the first valid answer. Prints one line:
        pid=… url=… startup_ms=… listen_ms=… rss_kb=…
      startup_ms = launch -> first valid answer; listen_ms = launch -> URL line seen.
      Valid answer: MODE=pack: HTTP 200, x-oir-outcome accepted (or resend), the body holds
      ACCEPTERET; MODE=peers: HTTP 200, <…Kvittering> with <…Status>MODTAGET (the peers' check).
      With --vary the BeskedUUID is made unique (so a restart against --state is not a resend).
  stub_load.py journal URL BODY PATH ACTION [LAST]
      Outcomes of the last LAST (200) exchanges in the stub's journal, e.g. accepted=200, and
      the number of finansbilag booked (vouchers, from /__admin/tenants).
  stub_load.py summary FILE...
      Medians per (mode, path, conns) of the key=value lines the script wrote, as a table, and
      PASS/FAIL per target; exit 1 when a target is missed.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid


def payload(example, out):
    s = open(example, encoding="utf-8").read()
    s = re.sub(r"<!--.*?-->", "", s, flags=re.S)
    s = re.sub(r">\s+<", "><", s).strip()
    with open(out, "w", encoding="utf-8") as f:
        f.write(s)
    print(len(s.encode("utf-8")))


def valid(mode, status, headers, body):
    if status != 200:
        return False
    if mode == "pack":
        return headers.get("x-oir-outcome") in ("accepted", "resend") and b"ACCEPTERET" in body
    return b"Kvittering" in body and re.search(rb"<([A-Za-z0-9_.-]+:)?Status>MODTAGET</", body) is not None


def post(url, body, action, timeout=5.0):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        c.request("POST", u.path, body=body,
                  headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def start(argv):
    opts, cmd = {}, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            cmd = argv[i + 1:]
            break
        if a == "--vary":
            opts["vary"] = True
            i += 1
            continue
        opts[a.lstrip("-")] = argv[i + 1]
        i += 2
    body = open(opts["body"], "rb").read()
    path = opts["path"]
    log = opts["log"]
    out_file = log + ".out"
    if os.path.exists(out_file):
        os.unlink(out_file)
    t0 = time.monotonic()
    proc = subprocess.Popen(["taskset", "-c", opts["cpus"], *cmd], stdin=subprocess.DEVNULL,
                            stdout=open(out_file, "wb"), stderr=open(log, "wb"),
                            start_new_session=True)
    with open(opts["pidfile"], "w") as f:
        f.write(f"{proc.pid}\n")
    deadline = t0 + float(opts.get("timeout", "60"))
    url, listen_ms = None, None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"stub exited with {proc.returncode} before answering (see {log})")
        if url is None:
            try:
                first = open(out_file, "rb").readline().decode().strip()
            except OSError:
                first = ""
            if first.startswith("http://") and first.endswith(tuple("0123456789")):
                url = first
                listen_ms = (time.monotonic() - t0) * 1000
            else:
                time.sleep(0.0005)
                continue
        b = body
        if opts.get("vary"):
            b = body.replace(b"ae000000-0000-4000-8000-000000000001", str(uuid.uuid4()).encode(), 1)
        try:
            st, hd, data = post(url + path, b, opts["action"])
            if valid(opts["expect"], st, hd, data):
                ms = (time.monotonic() - t0) * 1000
                print(f"pid={proc.pid} url={url} startup_ms={ms:.1f} listen_ms={listen_ms:.1f} "
                      f"rss_kb={rss_kb(proc.pid)}")
                return
        except OSError:
            pass
        time.sleep(0.001)
    proc.terminate()
    sys.exit(f"no valid answer within {opts.get('timeout', '60')} s (see {log})")


def journal(url, body_file, path, action, last="200"):
    """Outcomes of the last LAST exchanges before a probe (a resend of BODY: it tells the
    journal's current sequence number without fetching the whole journal, which would
    raise the stub's peak RSS)."""
    st, hd, _ = post(url + path, open(body_file, "rb").read(), action)
    seq = int(hd.get("x-oir-journal", "0"))
    since = max(0, seq - 1 - int(last))
    with urllib.request.urlopen(f"{url}/__admin/journal?since={since}&limit={last}", timeout=30) as r:
        d = json.load(r)
    counts = {}
    for e in d.get("entries", []):
        if e.get("seq", 0) < seq:
            counts[e.get("outcome")] = counts.get(e.get("outcome"), 0) + 1
    with urllib.request.urlopen(f"{url}/__admin/tenants", timeout=30) as r:
        t = json.load(r)
    bilag = sum(x.get("bilag", 0) for x in t.get("tenants", []))
    print(",".join(f"{k}={v}" for k, v in sorted(counts.items())) or "empty", bilag)


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def med(vals):
    vals = [float(v) for v in vals if v not in (None, "", "-")]
    return statistics.median(vals) if vals else None


def summary(files):
    rows = []
    for fn in files:
        for line in open(fn):
            if line.startswith("#") or "=" not in line:
                continue
            rows.append(kv(line))
    targets = {"rps16": 40000.0, "p99_64": 2.0, "rss": 60.0, "start": 50.0}

    def fmt(v, nd=0):
        if v is None:
            return "-"
        return f"{v:,.{nd}f}"

    starts = [r for r in rows if r.get("phase") == "startup"]
    print("\nstartup (launch -> first valid answer; median of the starts), idle RSS")
    print("| mode | starts | startup ms (median) | min | max | listen ms | idle RSS MB | load avg |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for mode in sorted({r["mode"] for r in starts}):
        s = [r for r in starts if r["mode"] == mode]
        ms = [float(r["startup_ms"]) for r in s]
        print(f"| {mode} | {len(s)} | {fmt(med(ms), 1)} | {min(ms):.1f} | {max(ms):.1f} | "
              f"{fmt(med(r['listen_ms'] for r in s), 1)} | {fmt(med(float(r['rss_kb']) / 1024 for r in s), 1)} | "
              f"{s[-1].get('load', '-')} |")

    load = [r for r in rows if r.get("phase") == "steady"]
    print("\nload: medians of the reps (wrk -t1, keep-alive; stub pinned to core "
          f"{load[0].get('stub_cpus', '?') if load else '?'}, wrk to core {load[0].get('load_cpus', '?') if load else '?'})")
    print("| mode | path | body B | conns | reps | rps | p50 ms | p90 ms | p99 ms | max ms | errors+non2xx | "
          "stub CPU % | rps per stub CPU-second | core busy % | RSS MB after | peak RSS MB | load avg (1 min) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    keys = []
    for r in load:
        k = (r["mode"], r["path"], int(r["conns"]))
        if k not in keys:
            keys.append(k)
    cells = {}
    for k in keys:
        s = [r for r in load if (r["mode"], r["path"], int(r["conns"])) == k]
        c = {
            "rps": med(r["rps"] for r in s), "p50": med(r["p50_ms"] for r in s),
            "p90": med(r["p90_ms"] for r in s), "p99": med(r["p99_ms"] for r in s),
            "max": med(r["max_ms"] for r in s),
            "err": sum(int(r.get("errors", 0)) + int(r.get("non2xx", 0)) for r in s),
            "cpu": med(r.get("stub_cpu_pct") for r in s), "busy": med(r.get("stubcore_busy_pct") for r in s),
            "rss": max(float(r["rss_mb"]) for r in s), "hwm": max(float(r["hwm_mb"]) for r in s),
            "load": ", ".join(r.get("load1", "-") for r in s), "body": s[0].get("body_bytes", "-"),
        }
        cells[k] = c
        print(f"| {k[0]} | {k[1]} | {c['body']} | {k[2]} | {len(s)} | {fmt(c['rps'])} | {fmt(c['p50'], 3)} | "
              f"{fmt(c['p90'], 3)} | {fmt(c['p99'], 3)} | {fmt(c['max'], 1)} | {c['err']} | {fmt(c['cpu'])} | "
              f"{fmt(c['rps'] * 100 / c['cpu']) if c['cpu'] else '-'} | "
              f"{fmt(c['busy'])} | {c['rss']:.1f} | {c['hwm']:.1f} | {c['load']} |")

    retained = [r for r in rows if r.get("phase") == "state"]
    for r in retained:
        print(f"\nstate after the {r['mode']}/{r.get('path')} runs: last 200 journal outcomes "
              f"{r.get('journal', '')}; finansbilag booked (kept in state): {r.get('bilag', '?')}; "
              f"RSS {r.get('rss_mb')} MB, peak {r.get('hwm_mb')} MB")

    # Targets (issue 4): the pack request, full path (every request a new message), is the gate.
    verdicts = []

    def gate(name, value, ok, note):
        verdicts.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {note}")

    print("\ntargets (issue 4), gated on the pack's ModtagFinansbilag request, full path "
          "(every request a new message, validated, rules, booked, answered):")
    full16 = cells.get(("pack", "full", 16))
    full64 = cells.get(("pack", "full", 64))
    dup16 = cells.get(("pack", "duplicate", 16))
    dup64 = cells.get(("pack", "duplicate", 64))
    if full16:
        gate("rps at 16 connections >= 40,000", full16["rps"], full16["rps"] >= targets["rps16"],
             f"{fmt(full16['rps'])} rps (duplicate path: {fmt(dup16['rps']) if dup16 else '-'})")
    if full64:
        gate("p99 at 64 connections <= 2 ms", full64["p99"], full64["p99"] <= targets["p99_64"],
             f"{fmt(full64['p99'], 3)} ms (duplicate path: {fmt(dup64['p99'], 3) if dup64 else '-'} ms)")
    pack = [c for k, c in cells.items() if k[0] == "pack"]
    if pack:
        peak = max(c["hwm"] for c in pack)
        dup_peak = max((c["hwm"] for k, c in cells.items() if k[:2] == ("pack", "duplicate")), default=None)
        gate("RSS <= 60 MB", peak, peak <= targets["rss"],
             f"peak {peak:.1f} MB over all pack runs (after the duplicate-path runs alone: "
             f"{fmt(dup_peak, 1) if dup_peak is not None else '-'} MB; the full path keeps the newest "
             "state_window messages: answers, IDs, vouchers, postings)")
    ps = [float(r["startup_ms"]) for r in starts if r["mode"] == "pack"]
    if ps:
        m = statistics.median(ps)
        gate("start <= 50 ms", m, m <= targets["start"], f"median {m:.1f} ms over {len(ps)} starts "
             "(launch -> first valid ModtagFinansbilag answer)")
    if not verdicts:
        print("result: no pack runs, nothing gated")
        return 0
    ok = all(verdicts)
    print(f"result: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "payload":
        payload(*args)
    elif cmd == "start":
        start(args)
    elif cmd == "journal":
        journal(*args)
    elif cmd == "summary":
        sys.exit(summary(args))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
