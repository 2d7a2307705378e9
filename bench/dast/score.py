#!/usr/bin/env python3
"""Scores a DAST report against the planted flaws of the test application.

usage: score.py palisade REPORT.json | score.py wapiti REPORT.json
Prints: true findings (planted class found at its endpoint), twins reported, other findings.
"""
import json
import sys
from urllib.parse import urlparse

# (class, path) of every active planted flaw of crates/palisade-dast/tests/dast/vulnapp.rs.
PLANTED = {
    ("xss", "/xss"), ("xss", "/xss-attr"), ("xss-stored", "/guestbook"),
    ("sqli", "/sqli-error"), ("sqli", "/sqli-bool"), ("sqli", "/sqli-time"), ("sqli", "/api/search"),
    ("cmd", "/cmd"), ("cmd", "/cmd-time"), ("file", "/file"), ("redirect", "/redirect"),
    ("ssrf", "/fetch"), ("ssti", "/hello"), ("ssti", "/api/preview"), ("crlf", "/lang"),
    ("xxe", "/api/import"), ("jwt", "/jwt/none"), ("jwt", "/jwt/noverify"), ("jwt", "/jwt/expired"),
    ("jwt-secret", "/"), ("graphql", "/graphql"), ("bola", "/api/orders/1"),
    ("files", "/.git/HEAD"), ("files", "/.env"), ("cors", "/api/cors"),
}
TWINS = {
    "/xss-safe", "/xss-attr-safe", "/sqli-error-safe", "/sqli-bool-safe", "/sqli-time-safe",
    "/api/search-safe", "/cmd-safe", "/cmd-time-safe", "/file-safe", "/redirect-safe", "/fetch-safe",
    "/hello-safe", "/api/preview-safe", "/lang-safe", "/api/import-safe", "/jwt/strict",
    "/jwt/strong-me", "/graphql-safe", "/api/secure-orders/1", "/api/cors-safe", "/guestbook-safe",
}

PALISADE = {
    "xss-reflected": "xss", "xss-stored": "xss-stored", "sql-injection": "sqli", "command-injection": "cmd",
    "path-traversal": "file", "open-redirect": "redirect", "ssrf": "ssrf", "ssti": "ssti",
    "crlf-injection": "crlf", "xxe": "xxe", "jwt-alg-none": "jwt", "jwt-signature-not-verified": "jwt",
    "jwt-expired-accepted": "jwt", "jwt-weak-secret": "jwt-secret", "graphql-introspection": "graphql",
    "graphql-field-suggestions": "graphql", "graphql-batching": "graphql",
    "graphql-depth-unlimited": "graphql", "bola": "bola", "sensitive-file-exposed": "files",
    "cors-reflected-origin": "cors", "cors-null-origin": "cors",
}
WAPITI = {
    "Cross Site Scripting": "xss", "Stored Cross Site Scripting": "xss-stored", "Reflected Cross Site Scripting": "xss",
    "SQL Injection": "sqli", "Blind SQL Injection": "sqli", "Command execution": "cmd",
    "Path Traversal": "file", "Open Redirect": "redirect", "Server Side Request Forgery": "ssrf",
    "CRLF Injection": "crlf", "XML External Entity": "xxe", "Backup file": "files",
    "Potentially dangerous file": "files", "Server Side Template Injection": "ssti",
}


def found(kind, report):
    out = []
    if kind == "palisade":
        for f in report["findings"]:
            cls = PALISADE.get(f["rule"].split("/", 1)[1])
            url = next((l.get("url") for l in f["locations"] if l.get("url")), "")
            out.append((cls, urlparse(url).path))
    else:
        for cat, items in report.get("vulnerabilities", {}).items():
            for v in items:
                out.append((WAPITI.get(cat), urlparse(v.get("path", "")).path or v.get("path", "")))
    return out


def main():
    kind, path = sys.argv[1], sys.argv[2]
    pairs = found(kind, json.load(open(path)))
    true = {p for p in pairs if p in PLANTED}
    twins = sorted({p for p in pairs if p[1] in TWINS and p[0]})
    print(f"{kind}: {len(true)}/{len(PLANTED)} planted flaws found, {len(twins)} safe twin(s) reported")
    for p in sorted(PLANTED - true):
        print(f"  missed {p[0]} {p[1]}")
    for t in twins:
        print(f"  TWIN   {t[0]} {t[1]}")


main()
