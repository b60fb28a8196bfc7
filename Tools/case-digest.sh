#!/usr/bin/env bash
# Prints one line per table of a case database: the table's name, its row count and the md5 of
# every row in rowid order (sqlite3's quote mode, so types and NULLs count). Two imports of the
# same evidence must print the same lines; the import's own start and finish times are left out.
#
#   Tools/case-digest.sh CASE.db
set -euo pipefail
DB="$1"
for T in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
    COLS="$(sqlite3 "$DB" "SELECT group_concat(quote(name), ',') FROM pragma_table_info('$T')
                           WHERE name NOT IN ('import_started_at', 'import_finished_at')" | tr -d "'")"
    COUNT="$(sqlite3 "$DB" "SELECT count(*) FROM \"$T\"")"
    # Tables WITHOUT ROWID are ordered by every column, the others by rowid.
    ORDER=rowid
    sqlite3 "$DB" "SELECT rowid FROM \"$T\" LIMIT 0" >/dev/null 2>&1 ||
        ORDER="$(sqlite3 "$DB" "SELECT group_concat(cid + 1, ',') FROM pragma_table_info('$T')")"
    SUM="$(sqlite3 -quote "$DB" "SELECT $COLS FROM \"$T\" ORDER BY $ORDER" | md5sum | cut -c1-32)"
    printf '%-24s %10s  %s\n' "$T" "$COUNT" "$SUM"
done
