#!/usr/bin/env bash
# The official OSV and CSAF 2.0 JSON schemas for the palisade-advisory tests, into
# .ci/schemas/advisory/ (git-ignored; never committed):
# - OSV: validation/schema.json of the osv-schema project, shipped in the PyPI package
#   `osv` (osv.dev's library) 0.0.22 under osv/osv-schema/;
# - CSAF 2.0: csaf_json_schema.json and the FIRST CVSS v2.0/v3.0/v3.1 schemas it
#   references, shipped in the PyPI package `csaf` 2026.10.25 under csaf/csaf/v20/schema/.
# Fetched with `pip download` (wheels only, no install). Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.ci/schemas/advisory
mkdir -p "$out"
have() { [ -s "$out/osv-schema.json" ] && [ -s "$out/csaf_json_schema.json" ] && [ -s "$out/cvss-v3.1.json" ]; }
have && exit 0

if ! python3 -m pip --version >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  else
    echo "setup-advisory: python3 -m pip is missing; install python3-pip" >&2
    exit 1
  fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary :all: -d "$tmp" osv==0.0.22 csaf==2026.10.25 >/dev/null
python3 - "$tmp" "$out" <<'PY'
import glob, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wanted = {
    "osv/osv-schema/validation/schema.json": "osv-schema.json",
    "csaf/csaf/v20/schema/csaf.json": "csaf_json_schema.json",
    "csaf/csaf/v20/schema/referenced/cvss-v2.0.json": "cvss-v2.0.json",
    "csaf/csaf/v20/schema/referenced/cvss-v3.0.json": "cvss-v3.0.json",
    "csaf/csaf/v20/schema/referenced/cvss-v3.1.json": "cvss-v3.1.json",
}
found = set()
for whl in glob.glob(tmp + "/*.whl"):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name in wanted:
                with open(f"{out}/{wanted[name]}", "wb") as f:
                    f.write(z.read(name))
                found.add(name)
missing = set(wanted) - found
if missing:
    sys.exit("setup-advisory: not found in the wheels: " + ", ".join(sorted(missing)))
PY
