#include <zlib.h>

/* inflateInit2 is a macro around inflateInit2_; Swift needs a function. */
static inline int ddbtrail_inflateInit2(z_stream *strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

/* deflateInit2 is a macro around deflateInit2_ too. */
static inline int ddbtrail_deflateInit2(z_stream *strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
