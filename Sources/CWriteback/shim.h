// Linux's sync_file_range(2), declared here because the Glibc module is built without
// _GNU_SOURCE. Large outputs use it to start writing dirty pages back while more are produced,
// so the fsync before the atomic rename finds little left to do.
#ifndef CWRITEBACK_SHIM_H
#define CWRITEBACK_SHIM_H

#ifdef __linux__
extern int sync_file_range(int fd, long long offset, long long nbytes, unsigned int flags);

/// Starts writeback of [offset, offset + count) of fd without waiting for it; 0 or -1 (errno).
static inline int cwriteback_start(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */);
}
#else
static inline int cwriteback_start(int fd, long long offset, long long count) {
    (void)fd; (void)offset; (void)count;
    return 0;
}
#endif

#endif
