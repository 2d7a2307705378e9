#!/usr/bin/env python3
"""Runs palisade and the peers on the labelled secrets corpus and scores them.

Called by bench/secrets/run.sh (which installs the peers, builds palisade and makes the
corpus); it can be re-run alone:

    bench/.venv/bin/python bench/secrets/run.py --palisade target/release/palisade \
        [--runs 3] [--slow-runs 1] [--tools palisade,kingfisher,...] [--no-precommit]

Per tool: recall on the injected secrets, precision against the decoys, precision against
every hit (decoys plus hits on lines of the original trees), wall time, CPU-seconds
(user+sys from /usr/bin/time -v), MB per CPU-second and peak RSS; each tool runs --runs
times, the rounds interleaved (round 1: all tools, round 2: all tools, ... with the order
rotated each round); medians and min-max are reported. Then the pre-commit case (one file)
and start-up, timed with hyperfine.

Scoring, on (file, line) hits:
  - a hit anywhere in an injected secret's line range is a true positive; each secret
    counts once however many hits it gets; a secret without a hit is a false negative;
  - a hit in a decoy's range is a false positive (each decoy once);
  - any other hit line is an "other" hit: a line of Django's or ansible-core's own tree
    (their test data has real-looking keys) or a filler line of an injected file. These
    are reported separately and in "precision (all hits)", so a reader can judge them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
CORPUS = BENCH / ".corpus" / "secrets"
VENV = BENCH / ".venv" / "bin"
NODE_BIN = BENCH / ".node" / "node_modules" / ".bin"
TOOLS_BIN = BENCH / ".tools" / "bin"
PRECOMMIT_FILE = "django-5.2.19/django/db/models/query.py"
SECRETLINT_BATCH = 300

SECRETLINT_RC = {"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}


# ----------------------------------------------------------------------- tools


@dataclass
class Tool:
    name: str
    exe: Path
    version_cmd: list[str]
    # scan command for a target (a directory or file, relative to the tree) and an output file
    cmd: callable
    parse: callable
    stdout_is_output: bool = False
    ok_rc: tuple = (0,)
    env: dict = field(default_factory=dict)
    slow: bool = False
    note: str = ""
    # Extra rows scored from the same output: (row name, parser, note).
    views: list = field(default_factory=list)


def parse_palisade(out: Path) -> list[tuple[str, int]]:
    hits = []
    for f in json.loads(out.read_text())["findings"]:
        for loc in f["locations"]:
            if loc.get("kind") == "file" and loc.get("start_line"):
                hits.append((loc["path"], loc["start_line"]))
    return hits


def parse_kingfisher(out: Path) -> list[tuple[str, int]]:
    doc = json.loads(out.read_text())
    return [(f["finding"]["path"], int(f["finding"]["line"])) for f in doc.get("findings", [])]


def parse_detect_secrets(out: Path) -> list[tuple[str, int]]:
    doc = json.loads(out.read_text())
    return [(s["filename"], s["line_number"]) for items in doc["results"].values() for s in items]


def parse_credsweeper(out: Path, skip_info: bool = False) -> list[tuple[str, int]]:
    hits = []
    for cand in json.loads(out.read_text()):
        if skip_info and cand.get("severity") == "info":
            continue
        for ld in cand.get("line_data_list", []):
            hits.append((ld["path"], int(ld["line_num"])))
    return hits


RIP_LINE = re.compile(r"^(.+?):(\d+):")
SECRETLINT_LINE = re.compile(r"^(.+?):(\d+):\d+: \[")


def parse_secretlint(out: Path) -> list[tuple[str, int]]:
    """secretlint's `unix` format: path:line:column: [Rule] message [Error/rule-id]."""
    hits = []
    for line in out.read_text(errors="replace").splitlines():
        m = SECRETLINT_LINE.match(line)
        if m:
            hits.append((m.group(1), int(m.group(2))))
    return hits


def parse_ripsecrets(out: Path) -> list[tuple[str, int]]:
    hits = []
    for line in out.read_text(errors="replace").splitlines():
        m = RIP_LINE.match(line)
        if m:
            hits.append((m.group(1), int(m.group(2))))
    return hits


def make_tools(palisade: Path, results: Path, jobs: int, tree: Path) -> list[Tool]:
    rc = results / "secretlintrc.json"
    rc.write_text(json.dumps(SECRETLINT_RC))
    kf_cache = BENCH / ".tools" / "kingfisher-rule-cache"
    sl = [str(NODE_BIN / "secretlint"), "--no-glob", "--secretlintrc", str(rc), "--format", "unix", "--no-color"]

    def secretlint(t: str, o: Path) -> list[str]:
        if (tree / t).is_file():
            return [*sl, t]
        return ["sh", "-c", f"find {shquote(t)} -type f -print0 | xargs -0 -n {SECRETLINT_BATCH} " + " ".join(map(shquote, sl))]

    def kingfisher(*extra: str):
        return lambda t, o: [str(VENV / "kingfisher"), "scan", t, "--no-update-check", "--no-validate",
                             "--git-history", "none", "--no-dedup", *extra, "--format", "json", "-q", "-o", str(o)]

    return [
        Tool(
            "palisade", palisade, [str(palisade), "--version"],
            lambda t, o: [str(palisade), "secrets", t, "--format", "json", "--fail-on", "never",
                          "--no-ignore", "--no-progress", "-o", str(o)],
            parse_palisade,
        ),
        Tool(
            "kingfisher", VENV / "kingfisher", [str(VENV / "kingfisher"), "--version"],
            kingfisher(), parse_kingfisher, ok_rc=(0, 200, 205), env={"KF_RULE_CACHE_DIR": str(kf_cache)},
            note="--no-validate (offline), --git-history none, --no-dedup (one hit per location); "
                 "its compiled-rule cache is warmed before timing",
        ),
        Tool(
            "kingfisher-c-low", VENV / "kingfisher", [str(VENV / "kingfisher"), "--version"],
            kingfisher("--confidence", "low"), parse_kingfisher, ok_rc=(0, 200, 205),
            env={"KF_RULE_CACHE_DIR": str(kf_cache)},
            note="the same with --confidence low (its default, medium, drops most credential-URL findings)",
        ),
        Tool(
            "ripsecrets", TOOLS_BIN / "ripsecrets", [str(TOOLS_BIN / "ripsecrets"), "--version"],
            lambda t, o: [str(TOOLS_BIN / "ripsecrets"), t],
            parse_ripsecrets, stdout_is_output=True, ok_rc=(0, 1),
        ),
        Tool(
            "detect-secrets", VENV / "detect-secrets", [str(VENV / "detect-secrets"), "--version"],
            lambda t, o: [str(VENV / "detect-secrets"), "scan", "--all-files", "-n", t],
            parse_detect_secrets, stdout_is_output=True, slow=True,
            note="--all-files (no git), -n (no network verification)",
        ),
        Tool(
            "secretlint", NODE_BIN / "secretlint", [str(NODE_BIN / "secretlint"), "--version"],
            secretlint, parse_secretlint, stdout_is_output=True, ok_rc=(0, 1, 123), slow=True,
            note=f"preset-recommend; the tree is passed as file lists of {SECRETLINT_BATCH} (find | xargs, --no-glob): "
                 "one invocation on the whole tree is superlinear in the file count (2,801 files took 110 CPU-s "
                 "against 15 CPU-s in batches) and did not finish in 19 minutes",
        ),
        Tool(
            "credsweeper", VENV / "credsweeper", [str(VENV / "credsweeper"), "--version"],
            lambda t, o: [str(VENV / "credsweeper"), "--path", t, "--save-json", str(o), "--no-stdout",
                          "--jobs", str(jobs), "--log", "error"],
            parse_credsweeper, slow=True,
            note=f"--jobs {jobs}; default ML threshold and severity (info and up)",
            views=[("credsweeper-no-info", lambda o: parse_credsweeper(o, skip_info=True),
                    "the same run without its info-severity findings (UUIDs and the like)")],
        ),
    ]


# ----------------------------------------------------------------------- running


def gnu_time(path: Path) -> dict:
    t = path.read_text()

    def num(label: str) -> float:
        m = re.search(re.escape(label) + r":\s*([0-9.]+)", t)
        return float(m.group(1)) if m else float("nan")

    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*([0-9:.]+)", t)
    wall = 0.0
    for part in m.group(1).split(":"):
        wall = wall * 60 + float(part)
    return {
        "wall": wall,
        "cpu": num("User time (seconds)") + num("System time (seconds)"),
        "rss_mb": num("Maximum resident set size (kbytes)") / 1024,
        "rc": int(num("Exit status")),
    }


def run_tool(tool: Tool, target: str, tree: Path, out: Path, timef: Path) -> dict:
    env = dict(os.environ, **tool.env, NO_COLOR="1")
    cmd = ["/usr/bin/time", "-v", "-o", str(timef), *tool.cmd(target, out)]
    stdout = open(out, "wb") if tool.stdout_is_output else subprocess.DEVNULL
    with open(str(out) + ".stderr", "wb") as err:
        subprocess.run(cmd, cwd=tree, stdout=stdout, stderr=err, env=env)
    if tool.stdout_is_output:
        stdout.close()
    r = gnu_time(timef)
    if r["rc"] not in tool.ok_rc:
        tail = Path(str(out) + ".stderr").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{tool.name} exited {r['rc']}: {' '.join(cmd)}\n{tail}")
    return r


def version(tool: Tool) -> str:
    p = subprocess.run(tool.version_cmd, capture_output=True, text=True)
    v = (p.stdout or p.stderr).strip().splitlines()
    v = v[0] if v else "?"
    return re.sub(r"^(palisade|kingfisher|ripsecrets|credsweeper)\s+", "", v, flags=re.I)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ----------------------------------------------------------------------- scoring


def norm(path: str, tree: Path) -> str:
    p = str(path)
    t = str(tree)
    if p.startswith(t + os.sep):
        p = p[len(t) + 1:]
    return os.path.normpath(p)


def score(hits: list[tuple[str, int]], labels: list[dict], tree: Path) -> dict:
    by_file: dict[str, list[dict]] = {}
    for lab in labels:
        by_file.setdefault(lab["file"], []).append(lab)
    hit_ids: set[int] = set()
    other: set[tuple[str, int]] = set()
    for path, line in hits:
        f = norm(path, tree)
        found = False
        for lab in by_file.get(f, ()):
            if lab["line"] <= line <= lab["end_line"]:
                hit_ids.add(lab["id"])
                found = True
        if not found:
            other.add((f, line))
    secrets = [l for l in labels if l["class"] == "secret"]
    decoys = [l for l in labels if l["class"] == "decoy"]
    tp = sum(1 for l in secrets if l["id"] in hit_ids)
    fp = sum(1 for l in decoys if l["id"] in hit_ids)
    injected_files = {l["file"] for l in labels if l["where"] == "new"}
    other_new = sum(1 for f, _ in other if f in injected_files)
    return {
        "tp": tp,
        "fn": len(secrets) - tp,
        "fp_decoys": fp,
        "other": len(other),
        "other_in_new_files": other_new,
        "recall": tp / len(secrets),
        "precision_decoys": tp / (tp + fp) if tp + fp else float("nan"),
        "precision_all": tp / (tp + fp + len(other)) if tp + fp + len(other) else float("nan"),
        "hit_ids": sorted(hit_ids),
        "other_lines": sorted(other),
    }


# ----------------------------------------------------------------------- output


def med(xs):
    return statistics.median(xs)


def fmt_range(xs, f="{:.2f}"):
    return f"{f.format(med(xs))} ({f.format(min(xs))}–{f.format(max(xs))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--palisade", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--slow-runs", type=int, default=1,
                    help="timed runs for the slow tools: detect-secrets, secretlint, CredSweeper (default 1)")
    ap.add_argument("--tools", default="palisade,kingfisher,kingfisher-c-low,ripsecrets,detect-secrets,secretlint,credsweeper")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker count for tools that take one")
    ap.add_argument("--no-precommit", action="store_true")
    a = ap.parse_args()

    tree = (a.corpus / "tree").resolve()
    meta = json.loads((a.corpus / "labels.json").read_text())
    labels = meta["labels"]
    mb = meta["bytes"] / 1e6
    results = a.corpus / "results" / time.strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    latest = a.corpus / "results" / "latest"
    if latest.is_symlink():
        latest.unlink()
    latest.symlink_to(results.name)

    wanted = a.tools.split(",")
    tools = [t for t in make_tools(a.palisade.resolve(), results, a.jobs, tree) if t.name in wanted]
    for t in tools:
        if not t.exe.exists():
            raise SystemExit(f"{t.name}: {t.exe} is missing (run bench/secrets/run.sh to install the peers)")
    versions = {t.name: version(t) for t in tools}

    started = time.strftime("%Y-%m-%d %H:%M %Z")
    t0 = time.monotonic()
    load_before = loadavg()
    print(f"# secrets benchmark, {started}; nproc {os.cpu_count()}; load average {load_before}", flush=True)
    print(f"# corpus: {tree} — {meta['files']} files, {mb:.1f} MB, {meta['secrets']} secrets, {meta['decoys']} decoys, "
          f"sources {', '.join(s['name'] + ' ' + s['version'] for s in meta['sources'])}, seed {meta['seed']}", flush=True)

    # Warm-up (untimed): the page cache for the whole tree, and each tool once on a small
    # directory (Python imports, node modules, Kingfisher's compiled-rule cache).
    subprocess.run(["bash", "-c", "find . -type f -print0 | xargs -0 cat > /dev/null"], cwd=tree)
    warm_dir = "django-5.2.19/django/conf"
    for t in tools:
        run_tool(t, warm_dir, tree, results / f"{t.name}.warmup.out", results / f"{t.name}.warmup.time")

    runs: dict[str, list[dict]] = {t.name: [] for t in tools}
    rounds = max(a.runs, a.slow_runs)
    for rnd in range(rounds):
        order = tools[rnd % len(tools):] + tools[: rnd % len(tools)]
        for t in order:
            if rnd >= (a.slow_runs if t.slow else a.runs):
                continue
            out = results / f"{t.name}.{rnd}.out"
            r = run_tool(t, ".", tree, out, results / f"{t.name}.{rnd}.time")
            runs[t.name].append(r)
            print(f"  round {rnd + 1}: {t.name:15s} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  rss {r['rss_mb']:7.1f} MB", flush=True)
    load_after = loadavg()

    summary = {}
    for t in tools:
        rs = runs[t.name]
        cpu = [r["cpu"] for r in rs]
        for name, parse, note in [(t.name, t.parse, t.note), *t.views]:
            hits = parse(results / f"{t.name}.0.out")
            summary[name] = {
                "version": versions[t.name],
                "note": note,
                "hits": len(hits),
                **score(hits, labels, tree),
                "runs": rs,
                "wall_median": med([r["wall"] for r in rs]),
                "cpu_median": med(cpu),
                "mb_per_cpu_s": mb / med(cpu),
                "rss_median_mb": med([r["rss_mb"] for r in rs]),
            }

    # The "other" hits, with their text, for a reader to judge.
    for name, s in summary.items():
        with open(results / f"other-hits-{name}.txt", "w") as fh:
            for f, line in s["other_lines"]:
                try:
                    text = (tree / f).read_text(errors="replace").split("\n")[line - 1].strip()[:160]
                except (OSError, IndexError):
                    text = "?"
                fh.write(f"{f}:{line}: {text}\n")
        del s["other_lines"]

    # Main table.
    print()
    print(f"Corpus: {mb:.1f} MB, {meta['files']} files; {meta['secrets']} secrets, {meta['decoys']} decoys. "
          f"nproc {os.cpu_count()}, load average {load_before} before, {load_after} after.")
    print()
    print("| tool | version | recall | precision (decoys) | precision (all hits) | decoys hit | other hits | wall s, median (min–max) | CPU-s, median (min–max) | MB per CPU-s | peak RSS MB | runs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        rs = s["runs"]
        print(f"| {name} | {s['version']} | {s['recall']:.3f} ({s['tp']}/{s['tp'] + s['fn']}) | {s['precision_decoys']:.3f} | "
              f"{s['precision_all']:.3f} | {s['fp_decoys']} | {s['other']} | {fmt_range([r['wall'] for r in rs])} | "
              f"{fmt_range([r['cpu'] for r in rs])} | {s['mb_per_cpu_s']:.1f} | {fmt_range([r['rss_mb'] for r in rs], '{:.0f}')} | {len(rs)} |")

    # Recall per secret type, decoys hit per decoy type.
    names = list(summary)
    for klass, title in (("secret", "Secrets found per type"), ("decoy", "Decoys reported per type (lower is better)")):
        print()
        print(f"{title}:")
        print()
        print("| type | n | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
        types = sorted({l["type"] for l in labels if l["class"] == klass})
        for ty in types:
            ids = {l["id"] for l in labels if l["class"] == klass and l["type"] == ty}
            cells = [str(len(ids & set(summary[n]["hit_ids"]))) for n in names]
            print(f"| {ty} | {len(ids)} | " + " | ".join(cells) + " |")

    print()
    print("Secrets found per carrier (where the secret was put):")
    print()
    print("| carrier | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for car in sorted({l["carrier"] for l in labels if l["class"] == "secret"}):
        ids = {l["id"] for l in labels if l["class"] == "secret" and l["carrier"] == car}
        cells = [str(len(ids & set(summary[n]["hit_ids"]))) for n in names]
        print(f"| {car} | {len(ids)} | " + " | ".join(cells) + " |")

    notes = [f"- {n}: {s['note']}" for n, s in summary.items() if s["note"]]
    if notes:
        print()
        print("Flags beyond the defaults:")
        print("\n".join(notes))

    # Pre-commit (one file) and start-up.
    pre = {}
    if not a.no_precommit:
        pre = precommit(tools, tree, results)

    # Targets (palisade).
    if "palisade" in summary:
        p = summary["palisade"]
        peers = [s["mb_per_cpu_s"] for n, s in summary.items() if n != "palisade" and n != "credsweeper-no-info"]
        fastest = max(peers) if peers else float("nan")
        print()
        print("Targets for palisade:")
        checks = [
            ("recall >= 0.98", p["recall"] >= 0.98, f"{p['recall']:.3f}"),
            ("precision (decoys) >= 0.98", p["precision_decoys"] >= 0.98, f"{p['precision_decoys']:.3f}"),
            (">= 50 MB per CPU-second", p["mb_per_cpu_s"] >= 50, f"{p['mb_per_cpu_s']:.1f}"),
            (">= 3x the fastest peer (MB per CPU-s)", p["mb_per_cpu_s"] >= 3 * fastest, f"{p['mb_per_cpu_s'] / fastest:.1f}x" if peers else "n/a"),
            ("peak RSS < 100 MB", max(r["rss_mb"] for r in p["runs"]) < 100, f"{max(r['rss_mb'] for r in p['runs']):.0f} MB"),
        ]
        if "palisade-precommit" in pre:
            checks.append(("pre-commit scan of one file < 50 ms", pre["palisade-precommit"]["median_ms"] < 50, f"{pre['palisade-precommit']['median_ms']:.1f} ms"))
            checks.append(("start-up (--version) < 20 ms", pre["palisade-startup"]["median_ms"] < 20, f"{pre['palisade-startup']['median_ms']:.1f} ms"))
        for what, ok, val in checks:
            print(f"- {'PASS' if ok else 'FAIL'}  {what}: {val}")

    (results / "summary.json").write_text(json.dumps(
        {"started": started, "nproc": os.cpu_count(), "load_before": load_before, "load_after": load_after,
         "corpus": {k: v for k, v in meta.items() if k != "labels"}, "tools": summary, "precommit": pre}, indent=1))
    print(f"\n(raw outputs, summary.json and other-hits-TOOL.txt in {latest} -> {results.name}; "
          f"the whole benchmark took {(time.monotonic() - t0) / 60:.1f} minutes)")


def precommit(tools: list[Tool], tree: Path, results: Path) -> dict:
    """One file, as a pre-commit hook would pass it; and palisade's start-up."""
    if not shutil.which("hyperfine"):
        print("\nhyperfine not found: skipping the pre-commit and start-up timings (apt-get install hyperfine)")
        return {}
    size = (tree / PRECOMMIT_FILE).stat().st_size
    cmds: list[tuple[str, list[str], int]] = []
    for t in tools:
        if t.name == "kingfisher-c-low":
            continue  # the same binary and start-up as kingfisher
        c = t.cmd(PRECOMMIT_FILE, results / f"{t.name}.precommit.out")
        runs = 30 if t.name in ("palisade", "ripsecrets", "kingfisher") else 5
        cmds.append((f"{t.name}-precommit", c, runs))
        if t.name == "palisade":
            cmds.append(("palisade-startup", t.version_cmd, 50))
    out = {}
    for name, c, runs in cmds:
        env_prefix = []
        for t in tools:
            if name.startswith(t.name) and t.env:
                env_prefix = ["env"] + [f"{k}={v}" for k, v in t.env.items()]
        j = results / f"{name}.hyperfine.json"
        shell_cmd = " ".join(shquote(x) for x in env_prefix + c)
        subprocess.run(["hyperfine", "-N", "-i", "--style", "none", "--warmup", "2", "--runs", str(runs),
                        "--export-json", str(j), shell_cmd], cwd=tree, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        r = json.loads(j.read_text())["results"][0]
        out[name] = {"median_ms": r["median"] * 1000, "min_ms": r["min"] * 1000, "max_ms": r["max"] * 1000,
                     "user_ms": r["user"] * 1000, "system_ms": r["system"] * 1000, "runs": runs}
    print()
    print(f"Pre-commit case: one file ({PRECOMMIT_FILE}, {size / 1000:.0f} kB), and start-up; hyperfine, wall time:")
    print()
    print("| command | median ms | min–max ms | runs |")
    print("|---|---|---|---|")
    for name, r in out.items():
        label = "palisade --version (start-up)" if name == "palisade-startup" else f"{name.removesuffix('-precommit')} on one file"
        print(f"| {label} | {r['median_ms']:.1f} | {r['min_ms']:.1f}–{r['max_ms']:.1f} | {r['runs']} |")
    return out


def shquote(s: str) -> str:
    return s if re.fullmatch(r"[A-Za-z0-9_./=:@%+,-]+", s) else "'" + s.replace("'", "'\"'\"'") + "'"


if __name__ == "__main__":
    main()
