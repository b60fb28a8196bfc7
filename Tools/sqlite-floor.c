/*
 * sqlite-floor: how long SQLite alone takes to store rows an import stored, without ddbtrail.
 *
 *   cc -O2 -o sqlite-floor Tools/sqlite-floor.c -lsqlite3
 *   sqlite-floor SCHEMA.sql SOURCE.db MODE TABLE...
 *
 * Creates a fresh database beside SOURCE (SOURCE-floor.db) with the case schema and the pragmas
 * an import uses, then stores every row of each TABLE of SOURCE (an imported case) into it again,
 * in row-id order, 100,000 rows per transaction. Rows are loaded into memory 10,000 at a time
 * and only the storing is timed, so the figures are what SQLite needs for the same rows, the
 * same indexes and the same page writes, with no reading, parsing or Swift in them:
 *
 *   bind  one INSERT per row through bound parameters (text copied by SQLite, as ddbtrail binds)
 *   feed  one INSERT ... SELECT per 1,000 rows from a virtual table that hands SQLite the values
 *         in place: the cheapest way to give SQLite rows through its C API
 *
 * Prints CPU seconds (user + system) and wall seconds per table. Benchmark use only.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct { int type; sqlite3_int64 i; double d; char *p; int n; } Value;

static Value *rows;         /* loaded rows, `columns` values each */
static int columns;
static long batchStart, batchEnd;  /* the feed's rows, indexes into `rows` */

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite-floor: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static double cpuSeconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static double wallSeconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* The virtual table "feed": rows batchStart..<batchEnd of `rows`, columns c0, c1, … */
typedef struct { sqlite3_vtab_cursor base; long row; } FeedCursor;

static int feedConnect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **vtab, char **error) {
    char sql[8192] = "CREATE TABLE x(";
    for (int c = 0; c < columns; c++) {
        char name[16];
        snprintf(name, sizeof name, "%sc%d", c ? "," : "", c);
        strcat(sql, name);
    }
    strcat(sql, ")");
    int rc = sqlite3_declare_vtab(db, sql);
    if (rc != SQLITE_OK) return rc;
    *vtab = sqlite3_malloc(sizeof(sqlite3_vtab));
    memset(*vtab, 0, sizeof(sqlite3_vtab));
    return SQLITE_OK;
}
static int feedDisconnect(sqlite3_vtab *vtab) { sqlite3_free(vtab); return SQLITE_OK; }
static int feedBestIndex(sqlite3_vtab *vtab, sqlite3_index_info *info) { info->estimatedRows = 1000; return SQLITE_OK; }
static int feedOpen(sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor) {
    FeedCursor *c = sqlite3_malloc(sizeof(FeedCursor));
    memset(c, 0, sizeof(FeedCursor));
    *cursor = &c->base;
    return SQLITE_OK;
}
static int feedClose(sqlite3_vtab_cursor *cursor) { sqlite3_free(cursor); return SQLITE_OK; }
static int feedFilter(sqlite3_vtab_cursor *cursor, int plan, const char *planText, int argc, sqlite3_value **argv) {
    ((FeedCursor *)cursor)->row = batchStart;
    return SQLITE_OK;
}
static int feedNext(sqlite3_vtab_cursor *cursor) { ((FeedCursor *)cursor)->row++; return SQLITE_OK; }
static int feedEof(sqlite3_vtab_cursor *cursor) { return ((FeedCursor *)cursor)->row >= batchEnd; }
static int feedColumn(sqlite3_vtab_cursor *cursor, sqlite3_context *context, int column) {
    Value *v = &rows[((FeedCursor *)cursor)->row * columns + column];
    switch (v->type) {
    case SQLITE_INTEGER: sqlite3_result_int64(context, v->i); break;
    case SQLITE_FLOAT: sqlite3_result_double(context, v->d); break;
    case SQLITE_TEXT: sqlite3_result_text(context, v->p, v->n, SQLITE_STATIC); break;
    case SQLITE_BLOB: sqlite3_result_blob(context, v->p, v->n, SQLITE_STATIC); break;
    default: sqlite3_result_null(context);
    }
    return SQLITE_OK;
}
static int feedRowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid) { *rowid = ((FeedCursor *)cursor)->row; return SQLITE_OK; }
static sqlite3_module feedModule = {
    0, feedConnect, feedConnect, feedBestIndex, feedDisconnect, feedDisconnect, feedOpen, feedClose,
    feedFilter, feedNext, feedEof, feedColumn, feedRowid,
};

static void freeRows(long count) {
    for (long i = 0; i < count * columns; i++) free(rows[i].p);
    memset(rows, 0, sizeof(Value) * count * columns);
}

/* Stores every row of src.TABLE into main.TABLE; returns the row count. */
static long storeTable(sqlite3 *db, const char *table, int feed, double *cpu, double *wall) {
    enum { LOAD = 10000, FEED = 1000, COMMIT = 100000 };
    char sql[8192];
    snprintf(sql, sizeof sql, "SELECT * FROM src.\"%s\" ORDER BY rowid", table);
    sqlite3_stmt *select, *insert;
    check(sqlite3_prepare_v2(db, sql, -1, &select, 0), db, sql);
    columns = sqlite3_column_count(select);
    rows = calloc((size_t)LOAD * columns, sizeof(Value));
    if (feed) {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO main.\"%s\" SELECT * FROM temp.feed_%s", table, table);
    } else {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO main.\"%s\" VALUES (", table);
        for (int c = 0; c < columns; c++) strcat(sql, c ? ",?" : "?");
        strcat(sql, ")");
    }
    if (feed) {
        char create[256];
        snprintf(create, sizeof create, "CREATE VIRTUAL TABLE temp.feed_%s USING floor_feed", table);
        check(sqlite3_exec(db, create, 0, 0, 0), db, create);
    }
    check(sqlite3_prepare_v2(db, sql, -1, &insert, 0), db, sql);
    long total = 0, sinceCommit = 0;
    int exhausted = 0; /* stepping a finished SELECT again would start it over */
    *cpu = *wall = 0;
    check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "BEGIN");
    for (;;) {
        long loaded = 0;
        while (loaded < LOAD && !exhausted) {
            if (sqlite3_step(select) != SQLITE_ROW) { exhausted = 1; break; }
            for (int c = 0; c < columns; c++) {
                Value *v = &rows[loaded * columns + c];
                v->type = sqlite3_column_type(select, c);
                if (v->type == SQLITE_INTEGER) v->i = sqlite3_column_int64(select, c);
                else if (v->type == SQLITE_FLOAT) v->d = sqlite3_column_double(select, c);
                else if (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB) {
                    const void *p = v->type == SQLITE_TEXT ? (const void *)sqlite3_column_text(select, c)
                                                           : sqlite3_column_blob(select, c);
                    v->n = sqlite3_column_bytes(select, c);
                    v->p = malloc(v->n + 1);
                    if (v->n) memcpy(v->p, p, v->n);
                }
            }
            loaded++;
        }
        if (loaded == 0) break;
        double c0 = cpuSeconds(), w0 = wallSeconds();
        if (feed) {
            for (long start = 0; start < loaded; start += FEED) {
                batchStart = start;
                batchEnd = start + FEED < loaded ? start + FEED : loaded;
                sqlite3_reset(insert);
                check(sqlite3_step(insert), db, "feed insert");
            }
        } else {
            for (long r = 0; r < loaded; r++) {
                sqlite3_reset(insert);
                sqlite3_clear_bindings(insert);
                for (int c = 0; c < columns; c++) {
                    Value *v = &rows[r * columns + c];
                    switch (v->type) {
                    case SQLITE_INTEGER: sqlite3_bind_int64(insert, c + 1, v->i); break;
                    case SQLITE_FLOAT: sqlite3_bind_double(insert, c + 1, v->d); break;
                    case SQLITE_TEXT: sqlite3_bind_text(insert, c + 1, v->p, v->n, SQLITE_TRANSIENT); break;
                    case SQLITE_BLOB: sqlite3_bind_blob(insert, c + 1, v->p, v->n, SQLITE_TRANSIENT); break;
                    default: sqlite3_bind_null(insert, c + 1);
                    }
                }
                check(sqlite3_step(insert), db, "insert");
            }
        }
        sinceCommit += loaded;
        total += loaded;
        if (sinceCommit >= COMMIT) {
            check(sqlite3_exec(db, "COMMIT; BEGIN IMMEDIATE", 0, 0, 0), db, "COMMIT");
            sinceCommit = 0;
        }
        *cpu += cpuSeconds() - c0;
        *wall += wallSeconds() - w0;
        freeRows(loaded);
    }
    double c0 = cpuSeconds(), w0 = wallSeconds();
    check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "COMMIT");
    *cpu += cpuSeconds() - c0;
    *wall += wallSeconds() - w0;
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    free(rows);
    return total;
}

int main(int argc, char **argv) {
    if (argc < 5 || (strcmp(argv[3], "bind") && strcmp(argv[3], "feed"))) {
        fprintf(stderr, "usage: %s SCHEMA.sql SOURCE.db bind|feed TABLE...\n", argv[0]);
        return 64;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *schema = malloc(size + 1);
    if (fread(schema, 1, size, f) != (size_t)size) { perror(argv[1]); return 1; }
    schema[size] = 0;
    fclose(f);

    char path[4096];
    snprintf(path, sizeof path, "%s-floor.db", argv[2]);
    for (const char *suffix = ""; ; suffix = "-journal") {
        char file[4200];
        snprintf(file, sizeof file, "%s%s", path, suffix);
        remove(file);
        if (*suffix) break;
    }
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    /* As CaseDatabase sets them for an import. */
    check(sqlite3_exec(db, "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
                           "PRAGMA cache_size = -98304; PRAGMA temp_store = FILE;", 0, 0, 0), db, "pragmas");
    check(sqlite3_exec(db, schema, 0, 0, 0), db, "schema");
    char attach[4200];
    snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS src", argv[2]);
    sqlite3_close(db);
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, 0), db, "reopen");
    check(sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = -98304;"
                           "PRAGMA temp_store = FILE;", 0, 0, 0), db, "pragmas");
    check(sqlite3_exec(db, attach, 0, 0, 0), db, attach);
    check(sqlite3_create_module(db, "floor_feed", &feedModule, 0), db, "module");
    /* Rows the stored tables refer to, copied untimed (SQLite copies these page by page). */
    const char *referenced[] = { "source_files", "principals", "ddb_tables", 0 };
    for (int i = 0; referenced[i]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO main.%s SELECT * FROM src.%s", referenced[i], referenced[i]);
        check(sqlite3_exec(db, sql, 0, 0, 0), db, sql);
    }
    double allCPU = 0, allWall = 0;
    for (int t = 4; t < argc; t++) {
        double cpu, wall;
        long count = storeTable(db, argv[t], !strcmp(argv[3], "feed"), &cpu, &wall);
        printf("%-20s %s: %9ld rows, %6.2f s CPU, %6.2f s wall, %8.0f rows per CPU second\n",
               argv[t], argv[3], count, cpu, wall, cpu > 0 ? count / cpu : 0);
        allCPU += cpu;
        allWall += wall;
    }
    printf("%-20s %s: %6.2f s CPU, %6.2f s wall\n", "all", argv[3], allCPU, allWall);
    sqlite3_close(db);
    remove(path);
    return 0;
}
