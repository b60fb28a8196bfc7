#include <sqlite3.h>

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
