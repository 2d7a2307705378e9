#!/usr/bin/env python3
"""Generates an equivalent threat model for palisade (YAML) and pytm (Python) with N elements.

Elements = technical assets + actors + data assets + links + boundaries (counted as pytm
counts them: every Element it knows). Usage: gen.py N OUTDIR
"""
import os
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
out = sys.argv[2] if len(sys.argv) > 2 else "."
# per group of 10 elements: 1 boundary, 1 data asset, 4 assets (web, api, db, ext), 4 links
groups = n // 10
kinds = [("web", "web-app", "Server"), ("api", "api", "Process"), ("db", "database", "Datastore"), ("ext", "external-service", "ExternalEntity")]

y = ["title: generated benchmark model", "data_assets:"]
for g in range(groups):
    y += [f"  - id: d{g}", "    classification: confidential", "    personal: true"]
y.append("technical_assets:")
for g in range(groups):
    for short, kind, _ in kinds:
        y += [f"  - id: {short}{g}", f"    type: {kind}", f"    processes: [d{g}]"]
        if short == "web":
            y += ["    internet_facing: true", "    authentication: session", "    tags: [renders-html, sql]"]
        if short == "db":
            y += ["    stores: []", "    authentication: password"]
y.append("trust_boundaries:")
for g in range(groups):
    y += [f"  - id: b{g}", f"    assets: [web{g}, api{g}, db{g}]"]
y.append("links:")
for g in range(groups):
    y += [f"  - {{id: l{g}a, from: ext{g}, to: web{g}, protocol: https, sends: [d{g}]}}",
          f"  - {{id: l{g}b, from: web{g}, to: api{g}, protocol: http, authentication: token, sends: [d{g}]}}",
          f"  - {{id: l{g}c, from: api{g}, to: db{g}, protocol: jdbc, authentication: password, sends: [d{g}]}}",
          f"  - {{id: l{g}d, from: api{g}, to: ext{g}, protocol: https, sends: [d{g}]}}"]
with open(os.path.join(out, f"model-{n}.yaml"), "w") as f:
    f.write("\n".join(y) + "\n")

p = ["from pytm import TM, Server, Process, Datastore, ExternalEntity, Dataflow, Boundary, Data, Classification",
     "tm = TM('generated benchmark model')", "tm.description = 'bench'", "tm.isOrdered = True", "e = {}"]
for g in range(groups):
    p.append(f"b{g} = Boundary('b{g}')")
    p.append(f"d{g} = Data('d{g}', classification=Classification.SECRET)")
    for short, _, cls in kinds:
        extra = f", inBoundary=b{g}" if short != "ext" else ""
        p.append(f"e['{short}{g}'] = {cls}('{short}{g}'{extra})")
for g in range(groups):
    p += [f"Dataflow(e['ext{g}'], e['web{g}'], 'l{g}a', protocol='HTTPS', isEncrypted=True, data=d{g})",
          f"Dataflow(e['web{g}'], e['api{g}'], 'l{g}b', protocol='HTTP', data=d{g})",
          f"Dataflow(e['api{g}'], e['db{g}'], 'l{g}c', protocol='JDBC', data=d{g})",
          f"Dataflow(e['api{g}'], e['ext{g}'], 'l{g}d', protocol='HTTPS', isEncrypted=True, data=d{g})"]
p.append("tm.process()")
with open(os.path.join(out, f"pytm-{n}.py"), "w") as f:
    f.write("\n".join(p) + "\n")
