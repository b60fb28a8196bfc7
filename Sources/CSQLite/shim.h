#include <sqlite3.h>

/* Swift cannot call C variadic functions; these wrap the few we need. */
static inline int ddbtrail_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import. */
static inline sqlite3_destructor_type ddbtrail_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
