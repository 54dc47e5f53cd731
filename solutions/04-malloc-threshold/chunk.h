/* chunk.h - what glibc's malloc() keeps in front of each block, and how to
 * measure, without disturbing it, whether a request would get its own mmap().
 *
 * malloc() hands out "chunks". The word right in front of the pointer you
 * get is the chunk's size field (8 bytes on a 64-bit machine); the word before
 * that is the previous chunk's, or in a chunk of its own mapping, the gap to
 * the mapping's start (0). A chunk's size is a multiple of 16, so the three low
 * bits of the field are free, and they hold flags:
 *
 *        mapping start (mmapped chunk)    p = malloc(n)
 *        v                                v
 *        +---------------+---------------+---------------------------------+
 *        |  prev_size    | size  |A|M|P| | your n bytes ...                |
 *        +---------------+---------------+---------------------------------+
 *        <---- 8 -------><----- 8 ------>
 *                         M = IS_MMAPPED (2): this chunk is a mapping of its own
 *
 * This is glibc's layout (malloc/malloc.c), not a promise of the C standard:
 * the programs of this lab read it to see what malloc() did, never to change it.
 */
#ifndef CHUNK_H
#define CHUNK_H

#include "wb.h"
#include <stdint.h>
#include <sys/wait.h>

#define PREV_INUSE 0x1     /* the chunk in front of this one is in use */
#define IS_MMAPPED 0x2     /* this chunk was mmap()ed on its own */
#define NON_MAIN_ARENA 0x4 /* this chunk belongs to another thread's arena */
#define SIZE_FLAGS (PREV_INUSE | IS_MMAPPED | NON_MAIN_ARENA)

/* The largest request the threshold search tries: 64 MiB, twice the largest
 * threshold glibc accepts on a 64-bit machine (32 MiB). Nothing is touched, so
 * asking for it costs address space only. */
#define SEARCH_LIMIT ((size_t)64 << 20)

/* The size field of the chunk that holds P, a pointer malloc() returned. */
static inline size_t size_field(const void *p)
{
    /* TODO 1.1: return the word (a size_t) right in front of P. Compute its
     * address as an integer (uintptr_t): the compiler would warn about a read
     * before the start of the block (p[-1]), which is exactly what this is. */
    //@solution
    const size_t *field = (const size_t *)((uintptr_t)p - sizeof(size_t));
    return *field;
    //@starter
    // (void)p;
    // return 0;
    //@end
}

/* Did malloc() give P a mapping of its own? */
static inline bool is_mmapped(const void *p)
{
    /* TODO 1.1: test the IS_MMAPPED bit of the size field. */
    //@solution
    return (size_field(p) & IS_MMAPPED) != 0;
    //@starter
    // (void)p;
    // return false;
    //@end
}

/* The size of P's chunk in bytes: the size field without its flag bits. */
static inline size_t chunk_size(const void *p)
{
    /* TODO 1.1: clear the three flag bits (SIZE_FLAGS) of the size field. */
    //@solution
    return size_field(p) & ~(size_t)SIZE_FLAGS;
    //@starter
    // (void)p;
    // return 0; /* not written yet */
    //@end
}

/* Would malloc(N), called now, get its memory from mmap()? Asked so that this
 * process's malloc state stays exactly as it was: freeing an mmapped chunk
 * raises the threshold, and even a block from the heap moves the top. */
static inline bool served_by_mmap(size_t n)
{
    /* TODO 2.1: fork(). The child, which has a copy of every malloc() state,
     * calls malloc(N) and reports is_mmapped() as its exit status (_exit(),
     * not exit(): a child must not flush the parent's stdout buffer a second
     * time). The parent waits and returns what the child said; a child that
     * ended any other way (malloc() failed) is an error. */
    //@solution
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        void *p = malloc(n);
        _exit(p == NULL ? 2 : is_mmapped(p) ? 1 : 0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
        fail("the child that tried malloc(%zu) failed (wait status %#x)", n, status);
    return WEXITSTATUS(status) == 1;
    //@starter
    // (void)n;
    // return false;
    //@end
}

/* The smallest request, from 1 to LIMIT bytes, that malloc() would serve with
 * mmap() now; 0 if even LIMIT would come from the heap. */
static inline size_t smallest_mmapped(size_t limit)
{
    /* TODO 2.2: a binary search with served_by_mmap(). Every request below
     * the answer comes from the heap, every one from it on gets a mapping. */
    //@solution
    if (!served_by_mmap(limit))
        return 0;
    size_t lo = 1, hi = limit; /* hi is served by mmap(); everything below lo is not */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (served_by_mmap(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
    //@starter
    // (void)limit;
    // return 0;
    //@end
}

#endif
