#!/usr/bin/env python3
"""palisade iac vs checkov / zizmor / hadolint: CPU time, start-up, peak RSS (from
/usr/bin/time -v, runs alternating) and verdict agreement on the checks both sides have
(the peer's failed results that palisade also reports, same file, nearby line)."""
import argparse, collections, json, os, re, statistics, subprocess, sys, tempfile

import yaml  # installed with checkov in the venv


def timed(cmd, cwd=None):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        p = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        info = t.read()
    def field(name):
        m = re.search(re.escape(name) + r":\s*([\d.:]+)", info)
        return m.group(1) if m else "0"
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return p.stdout, cpu, rss


def median_run(cmd, runs, cwd=None):
    outs, cpus, rsss = None, [], []
    for _ in range(runs):
        out, cpu, rss = timed(cmd, cwd)
        outs = out
        cpus.append(cpu)
        rsss.append(rss)
    return outs, statistics.median(cpus), (min(cpus), max(cpus)), max(rsss)


def equivalents(policies):
    eq = collections.defaultdict(set)  # (tool, peer id) -> {palisade ids}
    for f in os.listdir(policies):
        doc = yaml.safe_load(open(os.path.join(policies, f)))
        for c in doc.get("checks", []):
            for tool, ids in (c.get("equivalents") or {}).items():
                for i in ids if isinstance(ids, list) else [ids]:
                    eq[(tool, str(i))].add(c["id"])
    return eq


def palisade_findings(out):
    d = json.loads(out)
    res = []
    for f in d["findings"]:
        for loc in f["locations"]:
            if loc.get("start_line"):
                res.append((f["rule"], os.path.normpath(loc["path"]), loc["start_line"]))
    return res


def agreement(peer, mine, eq, tool, window):
    """peer: [(peer id, file, line_from, line_to)]. Returns per-id found/total and misses."""
    by = collections.defaultdict(lambda: [0, 0])
    misses = []
    for pid, f, lo, hi in peer:
        ours = eq.get((tool, pid))
        if not ours:
            continue
        by[pid][1] += 1
        if any(r in ours and p == f and lo - window <= l <= hi + window for r, p, l in mine):
            by[pid][0] += 1
        else:
            misses.append((pid, f, lo))
    return by, misses


def main():
    a = argparse.ArgumentParser()
    for k in ["palisade", "venv", "corpus", "shared", "dockerfiles", "policies"]:
        a.add_argument("--" + k, required=True)
    a.add_argument("--runs", type=int, default=3)
    args = a.parse_args()
    pal, venv = args.palisade, args.venv
    eq = equivalents(args.policies)
    wf = os.path.join(args.corpus, "workflows")
    md = os.path.join(args.shared, "microservices-demo")
    rows, agree = [], []

    def pal_cmd(path):
        return [pal, "iac", "--no-config", "-f", "json", "--fail-on", "never", path]

    # Start-up.
    _, p_cpu, _, p_rss = median_run([pal, "--version"], args.runs)
    _, c_cpu, _, c_rss = median_run([f"{venv}/bin/checkov", "--version"], args.runs)
    rows.append(("start-up (--version)", "checkov", p_cpu, c_cpu, p_rss, c_rss))

    # Kubernetes + Kustomize (microservices-demo) vs checkov.
    mine_out, p_cpu, p_spread, p_rss = median_run(pal_cmd("."), args.runs, cwd=md)
    ck_out, c_cpu, c_spread, c_rss = median_run(
        [f"{venv}/bin/checkov", "-d", ".", "--framework", "kubernetes", "-o", "json", "--quiet", "--compact",
         "--skip-download"], args.runs, cwd=md)
    rows.append(("microservices-demo (k8s manifests + kustomize)", "checkov", p_cpu, c_cpu, p_rss, c_rss))
    peer = []
    ck = json.loads(ck_out or "[]")
    for rep in ck if isinstance(ck, list) else [ck]:
        for r in rep.get("results", {}).get("failed_checks", []):
            lo, hi = r.get("file_line_range", [0, 0])
            peer.append((r["check_id"], os.path.normpath(r["file_path"].lstrip("/")), lo, hi))
    agree.append(("checkov", "kubernetes") + agreement(peer, palisade_findings(mine_out), eq, "checkov", 0))
    # The same, on deployable objects only: a file with a `$patch:` directive is a Kustomize
    # strategic-merge fragment (never applied as is; absent from `kustomize build` output).
    def is_fragment(f):
        try:
            return "$patch:" in open(os.path.join(md, f)).read()
        except OSError:
            return False
    deployable = [p for p in peer if not is_fragment(p[1])]
    agree.append(("checkov (deployable objects only)", "kubernetes")
                 + agreement(deployable, palisade_findings(mine_out), eq, "checkov", 0))

    # Dockerfiles vs checkov and hadolint.
    df = args.dockerfiles
    mine_out, p_cpu, _, p_rss = median_run(pal_cmd("."), args.runs, cwd=df)
    ck_out, c_cpu, _, c_rss = median_run(
        [f"{venv}/bin/checkov", "-d", ".", "--framework", "dockerfile", "-o", "json", "--quiet", "--compact",
         "--skip-download"], args.runs, cwd=df)
    rows.append(("8 Dockerfiles", "checkov", p_cpu, c_cpu, p_rss, c_rss))
    peer = []
    ck = json.loads(ck_out or "[]")
    for rep in ck if isinstance(ck, list) else [ck]:
        for r in rep.get("results", {}).get("failed_checks", []):
            lo, hi = r.get("file_line_range", [0, 0])
            peer.append((r["check_id"], os.path.normpath(r["file_path"].lstrip("/")), lo, hi))
    mine = palisade_findings(mine_out)
    # File-level checks (no USER, no HEALTHCHECK) point at different lines on each side.
    agree.append(("checkov", "dockerfile") + agreement(peer, mine, eq, "checkov", 1000))
    files = sorted(f for f in os.listdir(df) if f.endswith("Dockerfile"))
    hl_out, h_cpu, _, h_rss = median_run([f"{venv}/bin/hadolint", "-f", "json"] + files, args.runs, cwd=df)
    rows.append(("8 Dockerfiles", "hadolint", p_cpu, h_cpu, p_rss, h_rss))
    peer = [(x["code"], os.path.normpath(x["file"]), x["line"], x["line"]) for x in json.loads(hl_out or "[]")]
    agree.append(("hadolint", "dockerfile") + agreement(peer, mine, eq, "hadolint", 0))

    # GitHub workflows vs checkov and zizmor.
    mine_out, p_cpu, _, p_rss = median_run(pal_cmd("."), args.runs, cwd=wf)
    mine = palisade_findings(mine_out)
    ck_out, c_cpu, _, c_rss = median_run(
        [f"{venv}/bin/checkov", "-d", ".", "--framework", "github_actions", "-o", "json", "--quiet", "--compact",
         "--skip-download"], args.runs, cwd=wf)
    rows.append(("179 GitHub workflows", "checkov", p_cpu, c_cpu, p_rss, c_rss))
    peer = []
    ck = json.loads(ck_out or "[]")
    for rep in ck if isinstance(ck, list) else [ck]:
        for r in rep.get("results", {}).get("failed_checks", []):
            lo, hi = r.get("file_line_range", [0, 0])
            peer.append((r["check_id"], os.path.normpath(r["file_path"].lstrip("/")), lo, hi))
    agree.append(("checkov", "github-actions") + agreement(peer, mine, eq, "checkov", 1000))
    # CKV2_GHA_1 fails every workflow without a top-level `permissions:`; when every job sets
    # its own (or calls a reusable workflow), no job runs with the default token.
    def every_job_restricted(f):
        try:
            d = yaml.safe_load(open(os.path.join(wf, f)))
        except Exception:
            return False
        jobs = (d or {}).get("jobs") or {}
        return "permissions" not in d and bool(jobs) and all(
            isinstance(j, dict) and ("permissions" in j or "uses" in j) for j in jobs.values())
    default_token = [p for p in peer if not (p[0] == "CKV2_GHA_1" and every_job_restricted(p[1]))]
    agree.append(("checkov (workflows where a job runs with the default token)", "github-actions")
                 + agreement(default_token, mine, eq, "checkov", 1000))
    zz_out, z_cpu, _, z_rss = median_run(
        [f"{venv}/bin/zizmor", "--offline", "--format", "json", "--no-exit-codes", "."], args.runs, cwd=wf)
    rows.append(("179 GitHub workflows", "zizmor", p_cpu, z_cpu, p_rss, z_rss))
    peer = []
    for f in json.loads(zz_out or "[]"):
        loc = f["locations"][0]
        line = loc["concrete"]["location"]["start_point"]["row"] + 1
        end = loc["concrete"]["location"]["end_point"]["row"] + 1
        peer.append((f["ident"], os.path.normpath(loc["symbolic"]["key"]["Local"]["verbatim_path"]), line, end))
    agree.append(("zizmor", "github-actions") + agreement(peer, mine, eq, "zizmor", 3))
    # zizmor reports workflow-level problems at the top of the file: also count per file.
    by_file = collections.defaultdict(lambda: [0, 0])
    for pid, f, lo, hi in peer:
        ours = eq.get(("zizmor", pid))
        if not ours:
            continue
        by_file[pid][1] += 1
        if any(r in ours and p == f for r, p, _ in mine):
            by_file[pid][0] += 1
    agree.append(("zizmor (same file)", "github-actions", by_file, []))

    print("| input | peer | palisade CPU s | peer CPU s | ratio | palisade RSS MB | peer RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, peer_name, pc, oc, pr, orr in rows:
        ratio = oc / pc if pc > 0 else float("inf")
        print(f"| {name} | {peer_name} | {pc:.3f} | {oc:.2f} | {ratio:.0f}x | {pr:.1f} | {orr:.0f} |")
    print()
    for tool, fmt, by, misses in agree:
        found = sum(v[0] for v in by.values())
        total = sum(v[1] for v in by.values())
        pct = 100.0 * found / total if total else 100.0
        print(f"**{tool}, {fmt}**: {found}/{total} of the peer's failed results on shared checks found ({pct:.1f}%)")
        for pid, (f_, t_) in sorted(by.items()):
            print(f"  - {pid}: {f_}/{t_}")
        for m in misses[:40]:
            print(f"    miss: {m}")
        print()


if __name__ == "__main__":
    main()
