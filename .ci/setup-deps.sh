#!/usr/bin/env bash
# The official SBOM JSON schemas for the palisade-sbom tests, into .ci/schemas/ (git-ignored):
# - CycloneDX 1.6 (+ the SPDX license-id and JSF schemas it references) from the npm
#   package @cyclonedx/cyclonedx-library (res/schema/), fetched with `npm pack`;
# - SPDX 2.3 from the serde-spdx crate's source (schemas/spdx_2_3.json), via `cargo fetch`.
# Idempotent and quiet; needs npm (Debian: apt-get install npm) and cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.ci/schemas
mkdir -p "$out"

if [ ! -s "$out/bom-1.6.SNAPSHOT.schema.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null && apt-get install -y -qq npm >/dev/null
    else
      echo "setup-deps: npm is missing; install it" >&2
      exit 1
    fi
  fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent @cyclonedx/cyclonedx-library@10.3.0 >/dev/null)
  tar -xzf "$tmp"/cyclonedx-cyclonedx-library-10.3.0.tgz -C "$tmp"
  for f in bom-1.6.SNAPSHOT.schema.json spdx.SNAPSHOT.schema.json jsf-0.82.SNAPSHOT.schema.json; do
    cp "$tmp/package/res/schema/$f" "$out/$f"
  done
  rm -rf "$tmp"
fi

if [ ! -s "$out/spdx_2_3.json" ]; then
  cargo fetch --quiet --manifest-path .ci/sbom-schemas/Cargo.toml
  src=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -path '*/serde-spdx-0.10.0/schemas/spdx_2_3.json' | head -n 1)
  [ -n "$src" ] || { echo "setup-deps: serde-spdx 0.10.0 source not found after cargo fetch" >&2; exit 1; }
  cp "$src" "$out/spdx_2_3.json"
fi
