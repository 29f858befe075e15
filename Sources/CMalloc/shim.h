// glibc's allocator tuning (malloc.h). mallopt is not exported by Swift's Glibc module.
#if defined(__linux__)
#include <features.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>

// Serves every allocation of at least `bytes` with its own mmap, so freeing a large column
// array returns its memory to the system at once. glibc otherwise raises this threshold
// dynamically (up to 32 MiB) and keeps freed batch buffers in its heap, which makes peak RSS
// grow batch after batch. Returns 1 on success.
static inline int millrace_map_large_allocations(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
#else
static inline int millrace_map_large_allocations(int bytes) {
    (void)bytes;
    return 1;
}
#endif
