#!/usr/bin/env bash
# Import benchmark: builds a release binary, generates a synthetic CloudTrail corpus (once per
# size), imports it into a fresh case database and times an item-key lookup.
#
#   Tools/benchmark.sh [RECORDS]          RECORDS defaults to 1000000
#   BENCH_DIR=/path Tools/benchmark.sh    work directory, default /tmp/ddbtrail-bench
#   SKIP_CHANGES=1                        skip the change-record part
#   FLOOR=1                               also time SQLite alone storing the same rows (Tools/sqlite-floor.c)
#   ROUNDS=2                              interleaved rounds of ddbtrail and the DuckDB anchor (best of each)
#   BIG=1                                 also import the whole corpus as one gzip file and time reading records in it
#
# The anchor is DuckDB (Tools/duckdb-anchor.py: read_json materialising the audit fields and the
# record), installed from the Python package index into $BENCH_DIR/duckdb-venv when missing. The
# import target is a ratio measured in the same run (this machine's speed drifts by 1.5x).
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

VENV="$BENCH_DIR/duckdb-venv"
if ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
    echo "== installing DuckDB into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet duckdb
fi
echo "== importing: ddbtrail and the DuckDB anchor, ${ROUNDS:-2} interleaved rounds"
BEST_OURS=""; BEST_DUCK=""
for ROUND in $(seq "${ROUNDS:-2}"); do
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
    STATUS=0
    /usr/bin/time -v -o "$BENCH_DIR/import.time" "$BIN" import --db "$DB" "$CORPUS" > "$BENCH_DIR/import.out" || STATUS=$?
    if [ "$STATUS" -ne 0 ]; then
        echo "warning: import exited with status $STATUS (full report in $BENCH_DIR/import.out)" >&2
    fi
    SECONDS_IMPORT="$(elapsed_seconds "$BENCH_DIR/import.time")"
    echo "round $ROUND ddbtrail: $RECORDS records in $SECONDS_IMPORT s = $(awk -v n="$RECORDS" -v s="$SECONDS_IMPORT" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') records/s," \
         "peak RSS $(peak_rss_mib "$BENCH_DIR/import.time") MiB"
    BEST_OURS="$(awk -v a="$BEST_OURS" -v b="$SECONDS_IMPORT" 'BEGIN { print (a == "" || b < a) ? b : a }')"
    rm -f "$BENCH_DIR/anchor.duckdb"
    /usr/bin/time -v -o "$BENCH_DIR/duckdb.time" "$VENV/bin/python" Tools/duckdb-anchor.py "$CORPUS" "$BENCH_DIR/anchor.duckdb" > "$BENCH_DIR/duckdb.out"
    SECONDS_DUCK="$(elapsed_seconds "$BENCH_DIR/duckdb.time")"
    echo "round $ROUND DuckDB:   $(cut -d' ' -f1 "$BENCH_DIR/duckdb.out") records in $SECONDS_DUCK s = $(awk -v n="$RECORDS" -v s="$SECONDS_DUCK" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') records/s," \
         "peak RSS $(peak_rss_mib "$BENCH_DIR/duckdb.time") MiB, database $(du -h "$BENCH_DIR/anchor.duckdb" | cut -f1)"
    BEST_DUCK="$(awk -v a="$BEST_DUCK" -v b="$SECONDS_DUCK" 'BEGIN { print (a == "" || b < a) ? b : a }')"
done
tail -n 3 "$BENCH_DIR/import.out"
IMPORTED="$("$BIN" sql --db "$DB" --format csv --no-headers "SELECT count(*) FROM events" | tr -d '\r')"
CASE_BYTES="$(stat -c %s "$DB")"
echo "import: best $BEST_OURS s against DuckDB's best $BEST_DUCK s: $(awk -v a="$BEST_OURS" -v b="$BEST_DUCK" 'BEGIN { printf "%.2f", b / a }')x DuckDB (target 4.5x)"
echo "case: $CASE_BYTES bytes for $IMPORTED imported records = $(awk -v b="$CASE_BYTES" -v n="$IMPORTED" 'BEGIN { printf "%.2f", b / n / 1000 }') KB per record (target 1.2)"

# One record's bytes, read from the stored evidence file: 20 random events, in-process time each.
echo "== event_record: 20 random events, in-process"
RECORD_MS=()
for ID in $("$BIN" sql --db "$DB" --format csv --no-headers "SELECT id FROM events ORDER BY random() LIMIT 20" | tr -d '\r'); do
    RECORD_MS+=("$("$BIN" sql --db "$DB" --timer "SELECT length(event_record($ID))" 2>&1 >/dev/null | sed -n 's/^run time: \([0-9.]*\) ms.*/\1/p')")
done
printf '%s\n' "${RECORD_MS[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "event_record median %.2f ms, max %.2f ms (target 5)\n", v[int((NR + 1) / 2)], v[NR] }'

if [ "${BIG:-0}" = "1" ]; then
    BIG_DIR="$BENCH_DIR/big"
    if [ ! -f "$BIG_DIR/all.json.gz" ]; then
        echo "== concatenating the corpus into one gzip file"
        mkdir -p "$BIG_DIR"
        find "$CORPUS" -name '*.json.gz' | sort | xargs zcat | gzip -6 > "$BIG_DIR/all.json.gz"
    fi
    BIG_DB="$BENCH_DIR/big.db"
    rm -f "$BIG_DB" "$BIG_DB-journal"
    "$BIN" import --quiet --db "$BIG_DB" "$BIG_DIR/all.json.gz" | tail -n 2
    echo "== event_record in one $(du -h "$BIG_DIR/all.json.gz" | cut -f1) gzip file: 20 random events, in-process"
    RECORD_MS=()
    for ID in $("$BIN" sql --db "$BIG_DB" --format csv --no-headers "SELECT id FROM events ORDER BY random() LIMIT 20" | tr -d '\r'); do
        RECORD_MS+=("$("$BIN" sql --db "$BIG_DB" --timer "SELECT length(event_record($ID))" 2>&1 >/dev/null | sed -n 's/^run time: \([0-9.]*\) ms.*/\1/p')")
    done
    printf '%s\n' "${RECORD_MS[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "event_record median %.2f ms, max %.2f ms (target 5)\n", v[int((NR + 1) / 2)], v[NR] }'
fi

# A typical key as well as the hottest one: the 1000th distinct Orders key in key order.
TYPICAL_KEY="$("$BIN" sql --db "$DB" --format csv --no-headers --no-formula-guard \
    "SELECT DISTINCT a.item_key FROM item_accesses a JOIN ddb_tables t ON t.id = a.table_id
      WHERE t.name = :table AND a.item_key IS NOT NULL ORDER BY a.item_key LIMIT 1 OFFSET 1000" --param "table=$TABLE" |
    sed -e 's/^"//' -e 's/"\r\?$//' -e 's/""/"/g')"

# For each key: the query's own time inside ddbtrail (--timer: running it and writing every row),
# median of 20 runs, and the whole process (start-up, open, query, output) averaged over 20 runs.
for K in "$KEY" "$TYPICAL_KEY"; do
    echo "== item lookup: table $TABLE, key $K"
    "$BIN" sql --db "$DB" "$SQL" --param "table=$TABLE" --param "key=$K" > "$BENCH_DIR/lookup.out"
    echo "rows: $(($(wc -l < "$BENCH_DIR/lookup.out") - 2))"
    QUERY_MS=()
    PROCESS_US=()
    for _ in $(seq 20); do
        START=$(date +%s%N)
        QUERY_MS+=("$("$BIN" sql --db "$DB" --timer "$SQL" --param "table=$TABLE" --param "key=$K" 2>&1 >/dev/null |
            sed -n 's/^run time: \([0-9.]*\) ms.*/\1/p')")
        END=$(date +%s%N)
        PROCESS_US+=($(( (END - START) / 1000 )))
    done
    printf '%s\n' "${QUERY_MS[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "query (in-process) median %.2f ms, max %.2f ms\n", v[int((NR + 1) / 2)], v[NR] }'
    printf '%s\n' "${PROCESS_US[@]}" | awk '{ sum += $1 } END { printf "whole process mean %.1f ms\n", sum / NR / 1000 }'
done

# The rule pack over the whole case, and one principal report, as whole processes.
echo "== detect (every detection, whole process)"
/usr/bin/time -f "detect: %e s, peak RSS %M KiB" "$BIN" detect --db "$DB" --format jsonl > "$BENCH_DIR/detect.out"
echo "findings: $(wc -l < "$BENCH_DIR/detect.out")"
for D in mass-deletes control-plane-tampering exfiltration denied-and-failed error-alarms new-sources cross-partition-access; do
    /usr/bin/time -f "  $D: %e s" "$BIN" detect --db "$DB" --only "$D" --format jsonl > /dev/null
done
WHO="$("$BIN" sql --db "$DB" --format csv --no-headers "SELECT access_key_id FROM principals WHERE access_key_id LIKE 'ASIA%' ORDER BY id LIMIT 1" | tr -d '\r')"
/usr/bin/time -f "principal $WHO: %e s" "$BIN" principal --db "$DB" "$WHO" --format json > /dev/null

# Change records: CHANGE_STEPS (default 1,150,000 steps ≈ 1,000,000 stream records) generated with
# `ddbtrail generate --changes`, CloudTrail imported first, then the streams timed (import plus
# attribution), then `ddbtrail item` on one changed item, as a whole process.
if [ "${SKIP_CHANGES:-0}" != "1" ]; then
    STEPS="${CHANGE_STEPS:-1150000}"
    CHANGES_DIR="$BENCH_DIR/changes"
    CDB="$BENCH_DIR/changes.db"
    if [ "$(cat "$BENCH_DIR/changes.generated" 2>/dev/null)" != "steps=$STEPS seed=$SEED" ]; then
        echo "== generating a change workload of $STEPS steps into $CHANGES_DIR"
        rm -rf "$CHANGES_DIR"
        "$BIN" generate --changes "$STEPS" --seed "$SEED" "$CHANGES_DIR"
        echo "steps=$STEPS seed=$SEED" > "$BENCH_DIR/changes.generated"
    fi
    rm -f "$CDB" "$CDB-journal" "$CDB-wal" "$CDB-shm"
    echo "== importing the CloudTrail side"
    "$BIN" import --quiet --db "$CDB" "$CHANGES_DIR/cloudtrail" | tail -n 3
    echo "== importing the change records (with attribution)"
    /usr/bin/time -v -o "$BENCH_DIR/changes.time" "$BIN" import --quiet --db "$CDB" "$CHANGES_DIR/streams" | tail -n 4
    CHANGE_COUNT="$("$BIN" sql --db "$CDB" --format csv --no-headers "SELECT count(*) FROM changes" | tr -d '\r')"
    SECONDS_CHANGES="$(elapsed_seconds "$BENCH_DIR/changes.time")"
    echo "changes: $CHANGE_COUNT records in $SECONDS_CHANGES s = $(awk -v n="$CHANGE_COUNT" -v s="$SECONDS_CHANGES" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') changes/s," \
         "peak RSS $(peak_rss_mib "$BENCH_DIR/changes.time") MiB"
    ITEM_KEY="$("$BIN" sql --db "$CDB" --format csv --no-headers --no-formula-guard \
        "SELECT item_key FROM changes WHERE change_type = 'MODIFY' ORDER BY id LIMIT 1 OFFSET 5000" | sed -e 's/^"//' -e 's/"\r\?$//' -e 's/""/"/g')"
    CUSTOMER="$(printf '%s' "$ITEM_KEY" | sed -n 's/.*"customerId":"\([^"]*\)".*/\1/p')"
    ORDER="$(printf '%s' "$ITEM_KEY" | sed -n 's/.*"orderId":"\([^"]*\)".*/\1/p')"
    echo "== ddbtrail item --table Orders --key customerId=$CUSTOMER --key orderId=$ORDER"
    ITEM_US=()
    for _ in $(seq 20); do
        START=$(date +%s%N)
        "$BIN" item --db "$CDB" --table Orders --key "customerId=$CUSTOMER" --key "orderId=$ORDER" --format jsonl > /dev/null
        END=$(date +%s%N)
        ITEM_US+=($(( (END - START) / 1000 )))
    done
    printf '%s\n' "${ITEM_US[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "item (whole process) median %.1f ms, max %.1f ms\n", v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
fi

# SQLite's own share (FLOOR=1): the same rows stored again by Tools/sqlite-floor.c, without
# ddbtrail, one bound INSERT per row and through a row feed (see that file). Needs a C compiler.
if [ "${FLOOR:-0}" = "1" ]; then
    echo "== SQLite alone storing the same rows (Tools/sqlite-floor.c)"
    cat schema/*.sql > "$BENCH_DIR/schema.sql"
    cc -O2 -o "$BENCH_DIR/sqlite-floor" Tools/sqlite-floor.c -lsqlite3
    for MODE in bind feed; do
        "$BENCH_DIR/sqlite-floor" "$BENCH_DIR/schema.sql" "$DB" "$MODE" events item_accesses
        if [ "${SKIP_CHANGES:-0}" != "1" ]; then
            "$BENCH_DIR/sqlite-floor" "$BENCH_DIR/schema.sql" "$CDB" "$MODE" changes change_attributions
        fi
    done
fi
