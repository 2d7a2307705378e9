#!/usr/bin/env python3
"""Load and fault test for `palisade serve` (stdlib only; a second process on loopback).

    python3 bench/serve/load.py --palisade target/release/palisade --store postgres://... \
        (or --bench-server target/release/examples/bench_server) \
        --uploaders 50 --uploads 4 --findings 1000 [--restart] [--pg-kill]

Starts the server, creates one project and upload token per uploader, then runs
`--uploaders` threads, each sending `--uploads` palisade JSON scans of `--findings`
findings (each with an Idempotency-Key), while `--viewers` threads load the findings page.
Retries on connection errors, 429 and 503 with the same key (so nothing is duplicated).
With --restart the server is killed (SIGKILL) and started again mid-load; with --pg-kill
every PostgreSQL backend of the database is terminated mid-load.

Afterwards every acknowledged upload (201/200) is sent again: it must come back as a
replay (200, `idempotent-replayed`) — nothing acknowledged was lost — and the number of
stored uploads must equal the number of distinct keys sent (nothing duplicated).
Prints p50/p95/p99 of upload and page latencies (client side) and the page's
Server-Timing (server side).
"""
import argparse, json, os, random, signal, socket, subprocess, sys, threading, time, urllib.request, urllib.error

ADMIN = "bench-admin-token-0123456789abcdef"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(args, port):
    env = dict(os.environ, PALISADE_ADMIN_TOKEN=ADMIN, PALISADE_UPLOAD_RATE="0", PALISADE_POOL_SIZE=str(args.pool))
    if args.bench_server:
        cmd = [args.bench_server, "serve", args.store, f"127.0.0.1:{port}"]
    else:
        cmd = [args.palisade, "serve", "--store", args.store, "--bind", f"127.0.0.1:{port}",
               "--pool-size", str(args.pool), "--max-upload", "256MiB"]
    p = subprocess.Popen(cmd,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if "palisade serve:" not in line:
        sys.exit(f"server did not start: {line!r}")
    return p

def req(method, url, body=None, headers=None, timeout=120):
    r = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def report(uploader, n, seq):
    # Each scan keeps 90% of the previous findings and adds new ones: new/open/fixed all move.
    fs = []
    for i in range(n):
        k = i if i < n * 0.9 else i + seq * n
        fs.append({"rule": f"sast/rule-{k % 40}", "severity": ["info", "low", "medium", "high", "critical"][k % 5],
                   "confidence": "high", "message": f"finding {k} of uploader {uploader}",
                   "fingerprint": f"{uploader:04d}{k:012d}", "cwe": ["CWE-89"],
                   "locations": [{"kind": "file", "path": f"src/m{k % 97}.py", "start_line": k % 500 + 1}]})
    return json.dumps({"version": 1, "tool": {"name": "palisade", "version": "0.1.0"}, "findings": fs,
                       "diagnostics": [], "summary": {"findings": n, "files_scanned": 1, "bytes_scanned": 1,
                       "files_skipped": 0, "errors": 0, "suppressed": 0, "baselined": 0}}).encode()

PAGES = ["/findings", "/findings?severity=critical", "/findings?project=seed%2Fp0042",
         "/findings?owner=%40team7", "/findings?rule=sast%2Frule-7", "/findings?state=open&severity=high",
         "/findings?overdue=1", "/findings?age=30", "/findings?engine=sast&page=3"]

def login(base):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None
    r = urllib.request.Request(f"{base}/login", data=f"token={ADMIN}".encode(), method="POST",
                               headers={"content-type": "application/x-www-form-urlencoded", "origin": base})
    try:
        urllib.request.build_opener(NoRedirect).open(r, timeout=30)
    except urllib.error.HTTPError as e:
        return e.headers.get("set-cookie", "").split(";")[0]
    raise SystemExit("login did not redirect")

def pages(args, base):
    cookie = login(base)
    out = {}
    for path in PAGES:
        server, client = [], []
        for _ in range(args.pages_only):
            t0 = time.time()
            s, h, body = req("GET", base + path, headers={"cookie": cookie})
            client.append((time.time() - t0) * 1000)
            assert s == 200, (path, s)
            st = h.get("server-timing") or h.get("Server-Timing") or ""
            if "dur=" in st: server.append(float(st.split("dur=")[1]))
        total = body.decode().split(" findings;")[0].rsplit(">", 1)[-1]
        out[path] = {"matches": total, "server_ms_p50": round(pct(server, 50), 1), "server_ms_p95": round(pct(server, 95), 1),
                     "client_ms_p95": round(pct(client, 95), 1)}
    print(json.dumps(out, indent=1))

def pct(xs, p):
    if not xs: return float("nan")
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p / 100))]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--palisade", help="the palisade binary (runs `palisade serve`)")
    ap.add_argument("--bench-server", help="or crates/palisade-serve's bench_server example (same server)")
    ap.add_argument("--store", required=True)
    ap.add_argument("--uploaders", type=int, default=50)
    ap.add_argument("--uploads", type=int, default=4)
    ap.add_argument("--findings", type=int, default=1000)
    ap.add_argument("--viewers", type=int, default=4)
    ap.add_argument("--pool", type=int, default=16)
    ap.add_argument("--pages-only", type=int, default=0,
                    help="no uploads: load each findings-list URL this many times (an existing store) and print server-time percentiles")
    ap.add_argument("--restart", action="store_true")
    ap.add_argument("--pg-kill", action="store_true")
    args = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = [start(args, port)]
    if args.pages_only:
        pages(args, base)
        server[0].send_signal(signal.SIGTERM); server[0].wait()
        return
    tokens = []
    for u in range(args.uploaders):
        s, _, b = req("POST", f"{base}/api/v1/tokens", json.dumps({"project": f"bench/p{u}"}).encode(),
                      {"authorization": f"Bearer {ADMIN}", "content-type": "application/json"})
        assert s == 201, (s, b)
        tokens.append(json.loads(b)["token"])
    lat_up, lat_page, server_ms, acked, statuses = [], [], [], [], {}
    lock = threading.Lock()
    done = threading.Event()

    def uploader(u):
        for seq in range(args.uploads):
            body = report(u, args.findings, seq)
            key = f"bench-{u}-{seq}"
            while True:
                t0 = time.time()
                try:
                    s, h, b = req("POST", f"{base}/api/v1/uploads?branch=main", body,
                                  {"authorization": f"Bearer {tokens[u]}", "idempotency-key": key,
                                   "content-type": "application/json"})
                except Exception:
                    s = "conn"
                dt = time.time() - t0
                with lock:
                    statuses[s] = statuses.get(s, 0) + 1
                if s in (200, 201):
                    with lock:
                        lat_up.append(dt); acked.append((u, key, body))
                    break
                time.sleep(0.5)

    def viewer():
        # The page as the dashboard serves it, logged in with the admin token.
        cookie = None
        while not done.is_set():
            try:
                if cookie is None:
                    opener = urllib.request.build_opener(NoRedirect)
                    r = urllib.request.Request(f"{base}/login", data=f"token={ADMIN}".encode(), method="POST",
                                               headers={"content-type": "application/x-www-form-urlencoded", "origin": base})
                    try:
                        opener.open(r, timeout=30)
                    except urllib.error.HTTPError as e:
                        sc = e.headers.get("set-cookie", "")
                        cookie = sc.split(";")[0] if sc else None
                    if cookie is None:
                        time.sleep(0.5); continue
                t0 = time.time()
                s, h, _ = req("GET", f"{base}/findings?severity=high", headers={"cookie": cookie}, timeout=30)
                dt = time.time() - t0
                if s == 200:
                    with lock:
                        lat_page.append(dt)
                        st = h.get("server-timing", "")
                        if "dur=" in st: server_ms.append(float(st.split("dur=")[1]))
                elif s in (302, 303):
                    cookie = None
            except Exception:
                cookie = None; time.sleep(0.5)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None

    t_start = time.time()
    threads = [threading.Thread(target=uploader, args=(u,)) for u in range(args.uploaders)]
    viewers = [threading.Thread(target=viewer) for _ in range(args.viewers)]
    for t in threads + viewers: t.start()
    if args.restart or args.pg_kill:
        time.sleep(5)
        if args.restart:
            server[0].send_signal(signal.SIGKILL); server[0].wait()
            print(f"killed the server with {len(acked)} uploads acknowledged", flush=True)
            server[0] = start(args, port)
        if args.pg_kill:
            db = args.store.rsplit("/", 1)[1]
            subprocess.run(["psql", args.store.rsplit("/", 1)[0] + "/postgres", "-qAtc",
                            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"], check=False)
            print("terminated every PostgreSQL backend of the store", flush=True)
    for t in threads: t.join()
    wall = time.time() - t_start
    done.set()
    for t in viewers: t.join()
    # Nothing acknowledged lost: every acknowledged key replays.
    lost = 0
    for u, key, body in acked:
        s, h, _ = req("POST", f"{base}/api/v1/uploads?branch=main", body,
                      {"authorization": f"Bearer {tokens[u]}", "idempotency-key": key, "content-type": "application/json"})
        if s != 200: lost += 1
    s, _, b = req("GET", f"{base}/api/v1/projects", headers={"authorization": f"Bearer {ADMIN}"})
    server[0].send_signal(signal.SIGTERM); server[0].wait()
    expected = args.uploaders * args.uploads
    print(json.dumps({
        "uploads_sent": expected, "acknowledged": len(acked), "lost_after_ack": lost,
        "statuses": {str(k): v for k, v in statuses.items()},
        "wall_s": round(wall, 1),
        "upload_s": {"p50": round(pct(lat_up, 50), 3), "p95": round(pct(lat_up, 95), 3), "p99": round(pct(lat_up, 99), 3)},
        "page_s": {"n": len(lat_page), "p50": round(pct(lat_page, 50), 3), "p95": round(pct(lat_page, 95), 3)},
        "page_server_ms": {"p50": round(pct(server_ms, 50), 1), "p95": round(pct(server_ms, 95), 1)},
    }, indent=1))
    sys.exit(0 if lost == 0 and len(acked) == expected else 1)

if __name__ == "__main__":
    main()
