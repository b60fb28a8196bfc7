#include <sqlite3.h>
#include <string.h>

/* Swift cannot call C variadic functions; these wrap the few we need. */
static inline int ddbtrail_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import. */
static inline sqlite3_destructor_type ddbtrail_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/* Per-allocation memory statistics take a global mutex on every SQLite malloc and free; nothing
   here reads them. Must run before SQLite initialises (the first open); later it returns
   SQLITE_MISUSE and changes nothing. */
static inline int ddbtrail_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#ifdef __linux__
#include <stdint.h>
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
/* Starts writing a file's dirty pages to disk and returns without waiting for them
   (SYNC_FILE_RANGE_WRITE); -1 with errno on failure. */
static inline int ddbtrail_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, 2 /* SYNC_FILE_RANGE_WRITE */);
}
#else
static inline int ddbtrail_start_writeback(int fd) { (void)fd; return 0; }
#endif

/* A row feed: an eponymous virtual table whose rows are cells in the caller's memory, so that
   one INSERT ... SELECT stores a whole batch of rows, SQLite taking each value in place.
   Columns are named c0, c1, …; a cell is NULL, an integer, a real (its IEEE 754 bits in
   `value`), or text or a blob at an offset in `arena`. The caller sets `cells`, `arena` and
   `rows` only for as long as a statement that reads the feed runs, and keeps that memory
   unchanged meanwhile. */
typedef struct {
    int type;            /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_BLOB */
    int length;          /* bytes of text or blob */
    sqlite3_int64 value; /* the integer, or where the text or blob starts in the arena */
} ddbtrail_feed_cell;

typedef struct {
    int columns;
    sqlite3_int64 rows;
    const ddbtrail_feed_cell *cells;
    const unsigned char *arena;
} ddbtrail_feed;

typedef struct { sqlite3_vtab base; ddbtrail_feed *feed; } ddbtrail_feed_vtab;
typedef struct { sqlite3_vtab_cursor base; sqlite3_int64 row; } ddbtrail_feed_cursor;

static int ddbtrail_feed_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                                 sqlite3_vtab **out, char **error) {
    ddbtrail_feed *feed = (ddbtrail_feed *)aux;
    sqlite3_str *sql = sqlite3_str_new(db);
    sqlite3_str_appendall(sql, "CREATE TABLE x(");
    for (int c = 0; c < feed->columns; c++) sqlite3_str_appendf(sql, c ? ",c%d" : "c%d", c);
    sqlite3_str_appendall(sql, ")");
    char *text = sqlite3_str_finish(sql);
    if (!text) return SQLITE_NOMEM;
    int rc = sqlite3_declare_vtab(db, text);
    sqlite3_free(text);
    if (rc != SQLITE_OK) return rc;
    ddbtrail_feed_vtab *vtab = (ddbtrail_feed_vtab *)sqlite3_malloc(sizeof(ddbtrail_feed_vtab));
    if (!vtab) return SQLITE_NOMEM;
    memset(vtab, 0, sizeof(*vtab));
    vtab->feed = feed;
    *out = &vtab->base;
    return SQLITE_OK;
}

static int ddbtrail_feed_disconnect(sqlite3_vtab *vtab) { sqlite3_free(vtab); return SQLITE_OK; }

static int ddbtrail_feed_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
    info->estimatedCost = 1000;
    info->estimatedRows = 1000;
    return SQLITE_OK;
}

static int ddbtrail_feed_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
    ddbtrail_feed_cursor *cursor = (ddbtrail_feed_cursor *)sqlite3_malloc(sizeof(ddbtrail_feed_cursor));
    if (!cursor) return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    *out = &cursor->base;
    return SQLITE_OK;
}

static int ddbtrail_feed_close(sqlite3_vtab_cursor *cursor) { sqlite3_free(cursor); return SQLITE_OK; }

static int ddbtrail_feed_filter(sqlite3_vtab_cursor *cursor, int plan, const char *planText,
                                int argc, sqlite3_value **argv) {
    ((ddbtrail_feed_cursor *)cursor)->row = 0;
    return SQLITE_OK;
}

static int ddbtrail_feed_next(sqlite3_vtab_cursor *cursor) {
    ((ddbtrail_feed_cursor *)cursor)->row++;
    return SQLITE_OK;
}

static int ddbtrail_feed_eof(sqlite3_vtab_cursor *cursor) {
    ddbtrail_feed *feed = ((ddbtrail_feed_vtab *)cursor->pVtab)->feed;
    return ((ddbtrail_feed_cursor *)cursor)->row >= feed->rows;
}

static int ddbtrail_feed_column(sqlite3_vtab_cursor *cursor, sqlite3_context *context, int column) {
    ddbtrail_feed *feed = ((ddbtrail_feed_vtab *)cursor->pVtab)->feed;
    const ddbtrail_feed_cell *cell = &feed->cells[((ddbtrail_feed_cursor *)cursor)->row * feed->columns + column];
    /* Empty text is still text (''), so it needs a pointer even when the arena is empty. */
    const unsigned char *bytes = feed->arena ? feed->arena + cell->value : (const unsigned char *)"";
    switch (cell->type) {
    case SQLITE_INTEGER: sqlite3_result_int64(context, cell->value); break;
    case SQLITE_FLOAT: {
        double real;
        memcpy(&real, &cell->value, sizeof real);
        sqlite3_result_double(context, real);
        break;
    }
    case SQLITE_TEXT: sqlite3_result_text(context, (const char *)bytes, cell->length, SQLITE_STATIC); break;
    case SQLITE_BLOB: sqlite3_result_blob(context, bytes, cell->length, SQLITE_STATIC); break;
    default: sqlite3_result_null(context);
    }
    return SQLITE_OK;
}

static int ddbtrail_feed_rowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid) {
    *rowid = ((ddbtrail_feed_cursor *)cursor)->row;
    return SQLITE_OK;
}

/* Eponymous only (no xCreate): the table exists on the connection under the module's name. */
static sqlite3_module ddbtrail_feed_module = {
    0, 0, ddbtrail_feed_connect, ddbtrail_feed_best_index, ddbtrail_feed_disconnect, 0,
    ddbtrail_feed_open, ddbtrail_feed_close, ddbtrail_feed_filter, ddbtrail_feed_next,
    ddbtrail_feed_eof, ddbtrail_feed_column, ddbtrail_feed_rowid,
};

/* Registers `feed` as the table `name` on this connection; the caller keeps `feed` alive until
   ddbtrail_drop_feed. */
static inline int ddbtrail_create_feed(sqlite3 *db, const char *name, ddbtrail_feed *feed) {
    return sqlite3_create_module_v2(db, name, &ddbtrail_feed_module, feed, 0);
}

static inline int ddbtrail_drop_feed(sqlite3 *db, const char *name) {
    return sqlite3_create_module_v2(db, name, 0, 0, 0);
}
