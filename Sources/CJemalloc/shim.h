// jemalloc replaces the C library's malloc for the whole ddbtrail process once linked; nothing
// needs its header. See Package.swift for why the executable links it.
