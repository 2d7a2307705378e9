#!/usr/bin/env python3
"""Check the built-in SAST ruleset layout/metadata and print its language x CWE coverage table.

Usage:
    python3 coverage.py            # validate, then print the Markdown coverage table
    python3 coverage.py --check    # validate only (exit status 1 on any problem)

Needs PyYAML (`python3 -m pip install pyyaml`); reads only files under this directory.
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = {  # directory: (semgrep language name, test-file extension, line-comment prefix)
    "python": ("python", "py", "#"),
    "javascript": ("javascript", "js", "//"),
    "typescript": ("typescript", "ts", "//"),
    "java": ("java", "java", "//"),
    "go": ("go", "go", "//"),
    "ruby": ("ruby", "rb", "#"),
    "php": ("php", "php", "//"),
    "csharp": ("csharp", "cs", "//"),
    "kotlin": ("kotlin", "kt", "//"),
}
# Required vulnerability classes (issue 4): label -> CWE numbers that count for it.
CLASSES = [
    ("SQL injection", {89}), ("OS command injection", {78}), ("Code injection / eval", {94, 95, 917, 98, 470}),
    ("Path traversal", {22}), ("XSS", {79}), ("SSRF", {918}), ("Open redirect", {601}), ("XXE", {611}),
    ("Insecure deserialization", {502}), ("LDAP injection", {90}), ("XPath injection", {643}),
    ("Trust boundary violation", {501}), ("Weak hash", {328}), ("Weak cipher / mode", {327}),
    ("Weak randomness", {330}), ("Cookie without Secure", {614}), ("Cookie without HttpOnly", {1004}),
    ("TLS verification disabled", {295}), ("JWT not verified / none", {347}), ("CSRF disabled", {352}),
    ("Template injection", {1336}), ("Regex DoS", {1333}), ("Log injection", {117}),
    ("Hard-coded credentials", {798, 259, 321}), ("Debug mode", {489}), ("Permissive CORS", {942}),
    ("Mass assignment", {915}),
]
FORBIDDEN = ("pattern-sources", "pattern-sinks", "pattern-propagators", "pattern-sanitizers", "metavariable-analysis",
             "pattern-where-python", "fix-regex", "options")
ALLOWED_KEYS = {"id", "languages", "severity", "message", "metadata", "pattern", "patterns", "pattern-either",
                "pattern-regex", "paths", "fix"}


def walk_keys(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            found.add(k)
            walk_keys(v, found)
    elif isinstance(node, list):
        for v in node:
            walk_keys(v, found)


def load_rules():
    problems, rules, seen = [], [], {}
    for lang in sorted(os.listdir(HERE)):
        d = os.path.join(HERE, lang)
        if not os.path.isdir(d) or lang == "starter":
            continue
        if lang not in LANGS:
            problems.append("%s: unknown language directory" % lang)
            continue
        sg_lang, ext, cm = LANGS[lang]
        for f in sorted(os.listdir(d)):
            if not f.endswith(".yaml"):
                continue
            path = os.path.join(lang, f)
            stem = f[:-5]
            try:
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    doc = yaml.safe_load(fh)
            except yaml.YAMLError as e:
                problems.append("%s: invalid YAML: %s" % (path, e))
                continue
            rs = (doc or {}).get("rules") or []
            if len(rs) != 1:
                problems.append("%s: expected exactly one rule, found %d" % (path, len(rs)))
                continue
            r = rs[0]
            rid = r.get("id", "")
            p = lambda msg: problems.append("%s: %s" % (path, msg))
            if rid != stem:
                p("id %r does not match file name" % rid)
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rid) or not rid.startswith(lang + "-") or rid.startswith("no-"):
                p("id %r must be kebab-case, start with %r and not with 'no-'" % (rid, lang + "-"))
            if rid in seen:
                p("id %r also used in %s" % (rid, seen[rid]))
            seen[rid] = path
            if r.get("languages") != [sg_lang]:
                p("languages must be [%s]" % sg_lang)
            if r.get("severity") not in ("ERROR", "WARNING", "INFO"):
                p("severity must be ERROR|WARNING|INFO")
            if not r.get("message"):
                p("message missing")
            extra = set(r) - ALLOWED_KEYS
            if extra:
                p("unsupported top-level keys %s" % sorted(extra))
            keys = set()
            walk_keys({k: v for k, v in r.items() if k != "metadata"}, keys)
            bad = keys & set(FORBIDDEN)
            if bad or r.get("mode"):
                p("unsupported operators %s" % sorted(bad | ({"mode"} if r.get("mode") else set())))
            m = r.get("metadata") or {}
            cwe = m.get("cwe")
            if not isinstance(cwe, str) or not re.match(r"^CWE-\d+: \S", cwe):
                p("metadata.cwe must be ONE string 'CWE-N: Title'")
            if not isinstance(m.get("owasp"), str) or not re.match(r"^A\d\d:2021 - \S", m.get("owasp", "")):
                p("metadata.owasp must look like 'A03:2021 - Injection'")
            if m.get("confidence") not in ("HIGH", "MEDIUM", "LOW"):
                p("metadata.confidence must be HIGH|MEDIUM|LOW")
            refs = m.get("references")
            if not isinstance(refs, list) or not refs or not all(isinstance(u, str) and u.startswith("http") for u in refs):
                p("metadata.references must be a non-empty list of URLs")
            desc = m.get("description", "")
            for sec in ("### What", "### Why", "### How to fix"):
                if sec not in desc:
                    p("metadata.description lacks a '%s' section" % sec)
            test = os.path.join(d, stem + "." + ext)
            if not os.path.exists(test):
                p("test file %s.%s missing" % (stem, ext))
            else:
                with open(test, encoding="utf-8") as fh:
                    t = fh.read()
                if "%s ruleid: %s" % (cm, rid) not in t:
                    p("test file has no '%s ruleid: %s' annotation" % (cm, rid))
                if "%s ok: %s" % (cm, rid) not in t:
                    p("test file has no '%s ok: %s' annotation" % (cm, rid))
            num = int(cwe.split(":")[0][4:]) if isinstance(cwe, str) and re.match(r"^CWE-\d+", cwe) else None
            rules.append((lang, rid, num))
    return problems, rules


def table(rules):
    langs = list(LANGS)
    out = ["| Class (CWE) | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for label, cwes in CLASSES:
        cells = []
        for lang in langs:
            n = sum(1 for l, _, c in rules if l == lang and c in cwes)
            cells.append(str(n) if n else "-")
        out.append("| %s (%s) | %s |" % (label, "/".join("CWE-%d" % c for c in sorted(cwes)), " | ".join(cells)))
    out.append("| **Total rules** | " + " | ".join(str(sum(1 for l, _, _ in rules if l == lang)) for lang in langs) + " |")
    return "\n".join(out)


def main():
    problems, rules = load_rules()
    for pr in problems:
        print("error: " + pr, file=sys.stderr)
    if "--check" not in sys.argv:
        print(table(rules))
        print("\n%d rules" % len(rules))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
