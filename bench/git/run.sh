#!/usr/bin/env bash
# Measures `palisade secrets --git` on the history that make-history.sh builds:
# CPU seconds (user + sys) and peak RSS from /usr/bin/time -v, three runs, then one run
# under rss-sample.sh to split the peak into anonymous memory and mapped pack files.
#
#   cargo build --release && bench/git/run.sh [REPO]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
corpus="$here/../.corpus"
repo="${1:-$corpus/git-history.git}"
bin="${PALISADE:-${CARGO_TARGET_DIR:-$root/target}/release/palisade}"
[ -d "$repo" ] || { echo "no $repo: run bench/git/make-history.sh first" >&2; exit 2; }
echo "$(date -u +%FT%TZ) $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
git -C "$repo" count-objects -vH | grep -E 'size-pack|in-pack'
for i in 1 2 3; do
  code=0
  /usr/bin/time -v "$bin" secrets --git -v --no-progress --format json \
    -o "$corpus/git-history.json" "$repo" 2>"$corpus/run.err" || code=$?
  [ "$code" -le 1 ] || { cat "$corpus/run.err" >&2; exit "$code"; }
  grep '^git history' "$corpus/run.err"
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {m=$2}
              /Elapsed/ {w=$2}
              END {printf "run: %.2f CPU-s (user %s + sys %s), peak RSS %.0f MiB, wall %s\n", u+s, u, s, m/1024, w}' \
    "$corpus/run.err"
done
"$here/rss-sample.sh" "$bin" secrets --git --no-progress --format json \
  -o "$corpus/git-history.json" "$repo" || true
python3 -c "
import json, sys
v = json.load(open(sys.argv[1]))
print('summary:', v['summary'])
" "$corpus/git-history.json"
