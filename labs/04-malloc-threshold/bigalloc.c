/* bigalloc - a small allocator for big blocks, on mmap() alone, and a driver
 * that checks it.
 *
 * usage: bigalloc alloc SIZE...   big_malloc() each SIZE, fill it, check it, big_free() it
 *        bigalloc grow SIZE...    big_malloc() the first SIZE, then big_realloc() the block
 *                                 to each next SIZE in turn, checking at each step that
 *                                 the bytes it held are still there; big_free() at the end
 *
 * Each block is a private anonymous mapping of its own, as malloc() does above
 * its threshold: a 16-byte header that records the size, then the caller's
 * bytes, the whole rounded up to whole pages.
 *
 *   mapping start                            mapping end
 *   v                                        v
 *   +--------+---------------------------+-----+
 *   | header | SIZE bytes for the caller | 0.. |   length = SIZE + 16,
 *   +--------+---------------------------+-----+   rounded up to pages
 *            ^ the pointer big_malloc() returns (16-byte aligned, like malloc)
 *
 * Sizes: 0 to 64 MiB (a block of size 0 still has a page of its own).
 */
#include "wb.h"
#include <stdint.h>

#define BIG_LIMIT ((size_t)64 << 20)
#define BIG_MAGIC 0xb16b10c5b16b10c5u /* marks a header that big_malloc() wrote */

struct big_header {
    size_t size;  /* the size asked for */
    size_t magic; /* BIG_MAGIC, also pads the header to 16 bytes */
};

/* The length of the mapping for a block of SIZE bytes: header included,
 * rounded up to whole pages. */
static size_t map_length(size_t size)
{
    size_t ps = page_size();
    return (size + sizeof(struct big_header) + ps - 1) & ~(ps - 1);
}

/* The header of a block that big_malloc() or big_realloc() returned. */
static struct big_header *header_of(void *p)
{
    struct big_header *h = (struct big_header *)p - 1;
    if (h->magic != BIG_MAGIC)
        fail("%p is not a block from big_malloc() (freed twice?)", p);
    return h;
}

/* A block of SIZE bytes, or NULL (errno set) if there is no memory for it. */
static void *big_malloc(size_t size)
{
    if (size > BIG_LIMIT) {
        errno = ENOMEM;
        return NULL;
    }
    /* TODO 4.1: map map_length(SIZE) bytes of private anonymous memory,
     * readable and writable; return NULL if mmap() fails. Record SIZE and
     * BIG_MAGIC in the header at the start of the mapping, and return the
     * address just after the header. */
    return NULL; /* not written yet (task 4.1) */
}

/* Give a block back to the kernel. big_free(NULL) does nothing. */
static void big_free(void *p)
{
    if (!p)
        return;
    struct big_header *h = header_of(p);
    /* TODO 4.2: unmap the whole mapping of the block (it starts at the
     * header), and die() if munmap() fails. */
    (void)h;
}

/* Resize a block to SIZE bytes, keeping its first bytes (as many as both sizes
 * hold); it may move. NULL (errno set) if that fails, and then P is still
 * valid and unchanged. big_realloc(NULL, SIZE) is big_malloc(SIZE). */
static void *big_realloc(void *p, size_t size)
{
    if (!p)
        return big_malloc(size);
    if (size > BIG_LIMIT) {
        errno = ENOMEM;
        return NULL;
    }
    struct big_header *h = header_of(p);
    /* TODO 4.3: if the new size needs as many pages as the old one, only
     * record it. Otherwise let the kernel resize the mapping with
     * mremap(MREMAP_MAYMOVE): it moves the pages themselves, never copies the
     * bytes. Return NULL if mremap() fails. */
    (void)h;
    return NULL; /* not written yet (task 4.3) */
}

/* How many bytes the block can really hold: up to the end of its last page. */
static size_t big_usable(void *p)
{
    return map_length(header_of(p)->size) - sizeof(struct big_header);
}

/* ---- the driver: fill blocks with a pattern and check it ---------------- */

/* The pattern: byte I of a block is byte I % 8 of the word PATTERN(I / 8). */
static uint64_t pattern(size_t word)
{
    return (word + 1) * 0x9e3779b97f4a7c15u;
}

/* Store the pattern into bytes FROM to TO - 1 of block B. */
static void fill(unsigned char *b, size_t from, size_t to)
{
    size_t i = from;
    for (; i < to && i % 8; i++)
        b[i] = (unsigned char)(pattern(i / 8) >> (i % 8 * 8));
    for (; i + 8 <= to; i += 8) {
        uint64_t w = pattern(i / 8);
        memcpy(b + i, &w, 8);
    }
    for (; i < to; i++)
        b[i] = (unsigned char)(pattern(i / 8) >> (i % 8 * 8));
}

/* Check bytes 0 to LEN - 1 of block B against the pattern; exit if one differs. */
static void check(const unsigned char *b, size_t len, const char *when)
{
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0 && i + 8 <= len) {
            uint64_t w = pattern(i / 8);
            if (memcmp(b + i, &w, 8) == 0) {
                i += 7;
                continue;
            }
        }
        if (b[i] != (unsigned char)(pattern(i / 8) >> (i % 8 * 8)))
            fail("%s: byte %zu of %zu changed", when, i, len);
    }
}

static size_t parse_size(const char *s)
{
    long long n = parse_num(s, "SIZE");
    if ((unsigned long long)n > BIG_LIMIT)
        fail("SIZE must be at most %zu (64 MiB), not %lld", BIG_LIMIT, n);
    return (size_t)n;
}

int main(int argc, char *argv[])
{
    static const char synopsis[] = "alloc|grow SIZE...";
    if (argc < 3)
        usage(synopsis);
    bool grow = strcmp(argv[1], "grow") == 0;
    if (!grow && strcmp(argv[1], "alloc") != 0)
        usage(synopsis);
    for (int i = 2; i < argc; i++)
        parse_size(argv[i]); /* every SIZE checked before anything happens */

    if (!grow) {
        for (int i = 2; i < argc; i++) {
            size_t size = parse_size(argv[i]);
            unsigned char *b = big_malloc(size);
            if (!b)
                die("big_malloc(%zu) returned NULL (task 4.1)", size);
            printf("big_malloc(%zu) = %p, usable %zu\n", size, (void *)b, big_usable(b));
            fill(b, 0, size);
            check(b, size, "after filling the block");
            big_free(b);
        }
        return 0;
    }

    size_t size = parse_size(argv[2]);
    unsigned char *b = big_malloc(size);
    if (!b)
        die("big_malloc(%zu) returned NULL (task 4.1)", size);
    printf("big_malloc(%zu) = %p\n", size, (void *)b);
    fill(b, 0, size);
    for (int i = 3; i < argc; i++) {
        size_t new_size = parse_size(argv[i]);
        unsigned char *nb = big_realloc(b, new_size);
        if (!nb)
            die("big_realloc(%p, %zu) returned NULL (task 4.3)", (void *)b, new_size);
        printf("big_realloc(%zu -> %zu) = %p, %s\n", size, new_size, (void *)nb,
               nb == b ? "in place" : "moved");
        check(nb, size < new_size ? size : new_size, "after big_realloc");
        if (new_size > size)
            fill(nb, size, new_size);
        b = nb;
        size = new_size;
    }
    check(b, size, "at the end");
    big_free(b);
    printf("ok: every byte kept\n");
    return 0;
}
