/* guard - a buffer with a PROT_NONE guard page right after (or before) it, so
 * that the first byte of an overflow (or underflow) faults at once.
 *
 * usage: guard SIZE after|before OP...
 *
 * Allocates SIZE bytes with guard_alloc(), fills them with 'B', then makes
 * each access of the command line relative to the buffer: r:INDEX reads
 * buf[INDEX], w:INDEX stores 'W' into it (INDEX may be negative, or past the
 * end). A fault is reported with the exact index (probe.h); then guard_free().
 *
 *   after:   | page | page |...| page with the last bytes | GUARD |
 *                  unused ^ buf                     buf + SIZE ^
 *   before:  | GUARD | page with buf[0] |...| last page |
 *                    ^ buf          buf + SIZE ^  unused
 */
#include "probe.h"

enum where { GUARD_AFTER, GUARD_BEFORE };

/* The bytes to map for SIZE bytes of buffer: whole pages, plus the guard. */
static size_t map_length(size_t size)
{
    size_t ps = page_size();
    return (size + ps - 1) / ps * ps + ps;
}

/* SIZE bytes of fresh memory with a guard page right after the last byte
 * (GUARD_AFTER) or right before the first one (GUARD_BEFORE). */
static void *guard_alloc(size_t size, enum where where)
{
    size_t ps = page_size(), len = map_length(size);
    /* TODO 4.1: GUARD_AFTER: map LEN bytes, make the last page PROT_NONE,
     * and return the address that puts the buffer's last byte just before it.
     * TODO 4.2: GUARD_BEFORE: make the first page the guard, and return the
     * address just after it. */
    //@solution
    char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    char *guard = where == GUARD_AFTER ? base + len - ps : base;
    if (mprotect(guard, ps, PROT_NONE) < 0)
        die("mprotect");
    return where == GUARD_AFTER ? guard - size : base + ps;
    //@starter
    // (void)size, (void)where, (void)ps, (void)len;
    // return NULL;
    //@end
}

/* Give back everything guard_alloc(SIZE, WHERE) mapped for the buffer at P. */
static void guard_free(void *p, size_t size, enum where where)
{
    /* TODO 4.3: find the start of the mapping from P, and unmap all of it. */
    //@solution
    size_t ps = page_size(), len = map_length(size);
    char *base = where == GUARD_AFTER ? (char *)p + size - (len - ps) : (char *)p - ps;
    if (munmap(base, len) < 0)
        die("munmap");
    //@starter
    // (void)p, (void)size, (void)where;
    //@end
}

int main(int argc, char *argv[])
{
    if (argc < 3)
        usage("SIZE after|before [r:INDEX|w:INDEX]...");
    long long size = parse_num(argv[1], "SIZE");
    if (size == 0 || size > 1 << 30)
        fail("SIZE must be between 1 and %d", 1 << 30);
    enum where where;
    if (strcmp(argv[2], "after") == 0)
        where = GUARD_AFTER;
    else if (strcmp(argv[2], "before") == 0)
        where = GUARD_BEFORE;
    else
        fail("the guard goes 'after' or 'before' the buffer, not '%s'", argv[2]);
    for (int i = 3; i < argc; i++)
        if (!probe_is_op(argv[i]))
            fail("'%s' is not an access: r:INDEX or w:INDEX, INDEX a number", argv[i]);

    char *buf = guard_alloc((size_t)size, where);
    if (!buf)
        fail("guard_alloc() returned NULL (task %s is not done yet)",
             where == GUARD_AFTER ? "4.1" : "4.2");
    memset(buf, 'B', (size_t)size);
    printf("buf: %lld bytes, guard page %s, buf %% %zu = %zu\n", size, argv[2], page_size(),
           (size_t)((uintptr_t)buf % page_size()));

    probe_base = buf;
    probe_install();
    for (int i = 3; i < argc; i++)
        probe_op(argv[i]);

    guard_free(buf, (size_t)size, where);
    return 0;
}
