#!/usr/bin/env bash
# Import benchmark: builds a release binary, generates a synthetic CloudTrail corpus (once per
# size), imports it into a fresh case database and times an item-key lookup.
#
#   Tools/benchmark.sh [RECORDS]          RECORDS defaults to 1000000
#   BENCH_DIR=/path Tools/benchmark.sh    work directory, default /tmp/ddbtrail-bench
#
# Needs GNU time (/usr/bin/time, package "time"); uses hyperfine when installed.
set -euo pipefail

RECORDS="${1:-1000000}"
BENCH_DIR="${BENCH_DIR:-/tmp/ddbtrail-bench}"
CORPUS="$BENCH_DIR/corpus"
DB="$BENCH_DIR/case.db"
SEED=1
# The generator guarantees this item exists and is the hottest key of table Orders.
TABLE="Orders"
KEY='{"customerId":"C-1001","orderId":"O-77"}'
SQL='SELECT e.event_time, e.event_name, p.arn, e.source_ip FROM item_accesses a JOIN events e ON e.id = a.event_id LEFT JOIN principals p ON p.id = e.principal_id JOIN ddb_tables t ON t.id = a.table_id WHERE t.name = :table AND a.item_key = :key ORDER BY e.event_time'

case "$RECORDS" in
    ''|*[!0-9]*) echo "usage: $0 [RECORDS]" >&2; exit 64 ;;
esac
if [ ! -x /usr/bin/time ]; then
    echo "benchmark.sh: GNU time is required at /usr/bin/time (apt-get install time)" >&2
    exit 1
fi

cd "$(dirname "$0")/.."
echo "== building release"
swift build -c release
BIN="$PWD/.build/release/ddbtrail"

# Seconds from GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss)" line.
elapsed_seconds() {
    sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
peak_rss_mib() {
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.1f", $1 / 1024 }'
}

mkdir -p "$BENCH_DIR"
# Outside the corpus, so the importer never sees it.
MARKER="$BENCH_DIR/corpus.generated"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "records=$RECORDS seed=$SEED" ]; then
    echo "== reusing corpus of $RECORDS records in $CORPUS"
else
    echo "== generating $RECORDS records into $CORPUS"
    rm -rf "$CORPUS" "$MARKER"
    /usr/bin/time -v -o "$BENCH_DIR/generate.time" "$BIN" generate --records "$RECORDS" --seed "$SEED" "$CORPUS"
    echo "generated in $(elapsed_seconds "$BENCH_DIR/generate.time") s"
    echo "records=$RECORDS seed=$SEED" > "$MARKER"
fi
echo "corpus: $(find "$CORPUS" -name '*.json.gz' | wc -l) files, $(du -sh "$CORPUS" | cut -f1)"

echo "== importing"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
STATUS=0
/usr/bin/time -v -o "$BENCH_DIR/import.time" "$BIN" import --db "$DB" "$CORPUS" > "$BENCH_DIR/import.out" || STATUS=$?
tail -n 3 "$BENCH_DIR/import.out"
if [ "$STATUS" -ne 0 ]; then
    echo "warning: import exited with status $STATUS (full report in $BENCH_DIR/import.out)" >&2
fi
SECONDS_IMPORT="$(elapsed_seconds "$BENCH_DIR/import.time")"
echo "import: $RECORDS records in $SECONDS_IMPORT s = $(awk -v n="$RECORDS" -v s="$SECONDS_IMPORT" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') records/s," \
     "peak RSS $(peak_rss_mib "$BENCH_DIR/import.time") MiB, database $(du -h "$DB" | cut -f1)"

echo "== item lookup: table $TABLE, key $KEY"
lookup() { "$BIN" sql --db "$DB" "$SQL" --param "table=$TABLE" --param "key=$KEY"; }
lookup > "$BENCH_DIR/lookup.out"
echo "first run printed $(wc -l < "$BENCH_DIR/lookup.out") lines; head:"
head -n 5 "$BENCH_DIR/lookup.out"

if command -v hyperfine > /dev/null; then
    COMMAND="$(printf '%q ' "$BIN" sql --db "$DB" "$SQL" --param "table=$TABLE" --param "key=$KEY")"
    hyperfine --warmup 2 --runs 20 --output=null "$COMMAND"
else
    RUNS=20
    TIMES=()
    for _ in $(seq "$RUNS"); do
        START=$(date +%s%N)
        lookup > /dev/null
        END=$(date +%s%N)
        TIMES+=($(( (END - START) / 1000 )))
    done
    printf '%s\n' "${TIMES[@]}" | awk -v runs="$RUNS" '
        NR == 1 || $1 < min { min = $1 }
        NR == 1 || $1 > max { max = $1 }
        { sum += $1 }
        END { printf "lookup over %d runs: mean %.1f ms, min %.1f ms, max %.1f ms\n", runs, sum / runs / 1000, min / 1000, max / 1000 }'
fi
