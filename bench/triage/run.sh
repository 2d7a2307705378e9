#!/usr/bin/env bash
# Findings-store benchmarks (docs/benchmarks.md, "Triage: the findings store"):
#  1. recording a scan of 100,000 findings in SQLite (target < 5 s);
#  2. `palisade triage list` over 1,000,000 stored findings (target < 200 ms).
# Usage: bench/triage/run.sh            (RUNS=5 by default; data in bench/.corpus/triage)
#        STORE=postgres://… bench/triage/run.sh   also times PostgreSQL (an empty database)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
WORK=${WORK:-bench/.corpus/triage}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p palisade
P=$CARGO_TARGET_DIR/release/palisade
mkdir -p "$WORK"
export PALISADE_USER=bench@example.com
unset PALISADE_STORE

[ -d "$WORK/tree" ] || python3 bench/triage/gen.py tree "$WORK/tree" 100000
for i in 0 1 2 3 4 5 6 7 8 9; do
    [ -f "$WORK/big-$i.sarif" ] || python3 bench/triage/gen.py sarif "$WORK/big-$i.sarif" 100000 "$i"
done

now() { date +%s.%N; }
# time_one CMD...: seconds of one run (exit 0 or 1 accepted).
time_one() {
    local s e
    s=$(now)
    "$@" >/dev/null 2>"$WORK/last.err" || [ $? -eq 1 ] || { cat "$WORK/last.err" >&2; exit 1; }
    e=$(now)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}
# report NAME FILE: median (min–max) of the times in FILE.
report() {
    sort -n "$2" | awk -v name="$1" '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "| %s | %.3f s | %.3f–%.3f s |\n", name, m, v[1], v[NR] }'
}

echo "| what | median | min–max |"
echo "|---|---|---|"

SCAN=("$P" scan --engines secrets --no-progress -f json -o /dev/null --fail-on never)
: > "$WORK/t"; for _ in $(seq "$RUNS"); do time_one "${SCAN[@]}" "$WORK/tree" >> "$WORK/t"; done
report "scan of 100,000 findings, no store" "$WORK/t"

DB="$WORK/record.db"
: > "$WORK/t"
for _ in $(seq "$RUNS"); do
    rm -f "$DB" "$DB-wal" "$DB-shm"
    time_one "${SCAN[@]}" --repo bench/tree --branch main --store "$DB" "$WORK/tree" >> "$WORK/t"
done
report "scan + record 100,000 new findings (new SQLite store)" "$WORK/t"
: > "$WORK/t"
for _ in $(seq "$RUNS"); do
    time_one "${SCAN[@]}" --repo bench/tree --branch main --store "$DB" "$WORK/tree" >> "$WORK/t"
done
report "scan + record 100,000 findings again (all still open)" "$WORK/t"

: > "$WORK/t"
for _ in $(seq "$RUNS"); do
    rm -f "$WORK/import.db" "$WORK/import.db-wal" "$WORK/import.db-shm"
    time_one "$P" import "$WORK/big-0.sarif" --repo org/repo-0 --branch main --store "$WORK/import.db" >> "$WORK/t"
done
report "import of a 100,000-result SARIF file (new SQLite store)" "$WORK/t"

bench_million() { # STORE-URL LABEL
    local store=$1 label=$2
    : > "$WORK/t"
    for i in 0 1 2 3 4 5 6 7 8 9; do
        time_one "$P" import "$WORK/big-$i.sarif" --repo "org/repo-$i" --branch main --store "$store" >> "$WORK/t"
    done
    report "$label: import 10 × 100,000 (each)" "$WORK/t"
    local -a cases=(
        "list (default: worst first, 100 shown)|"
        "list --repo org/repo-3 --severity critical|--repo org/repo-3 --severity critical"
        "list --overdue|--overdue"
        "list --owner nobody@example.com|--owner nobody@example.com"
        "list --rule bench.rule-07 --format json|--rule bench.rule-07 --format json"
        "list --state open --limit 1000|--state open --limit 1000"
    )
    for c in "${cases[@]}"; do
        local name=${c%%|*} args=${c#*|}
        : > "$WORK/t"
        # shellcheck disable=SC2086
        for _ in $(seq "$RUNS"); do time_one "$P" triage list $args --store "$store" >> "$WORK/t"; done
        report "$label, 1,000,000 stored: triage $name" "$WORK/t"
    done
}

rm -f "$WORK/million.db" "$WORK/million.db-wal" "$WORK/million.db-shm"
bench_million "$WORK/million.db" "SQLite"
# The rows of the million store; the file size.
echo
echo "SQLite store: $(du -h "$WORK/million.db" | cut -f1) for $("$P" triage list --store "$WORK/million.db" --limit 1 | tail -n1)"

if [ -n "${STORE:-}" ]; then
    bench_million "$STORE" "PostgreSQL"
fi
