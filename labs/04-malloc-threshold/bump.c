/* bump - malloc()'s mmap threshold moves: watch it after each free().
 *
 * usage: bump [-t THRESHOLD] [-m MAX] SIZE...
 *
 *   -t THRESHOLD  mallopt(M_MMAP_THRESHOLD, THRESHOLD) first
 *   -m MAX        mallopt(M_MMAP_MAX, MAX) first (0: map no block)
 *
 * From a known start (one small block allocated), it measures the smallest
 * request served by mmap(), then for each SIZE in turn: malloc(SIZE), where the
 * block came from and its chunk size, free() it, and measure again.
 */
#include "chunk.h"
#include <malloc.h>

/* Print a measured threshold ("none" for 0). */
static void print_threshold(const char *label, size_t t)
{
    if (t == 0)
        printf("%s none up to %zu\n", label, SEARCH_LIMIT);
    else
        printf("%s %zu\n", label, t);
}

/* mallopt() returns 1 on success and 0 when it refuses (it sets no errno). */
static void set_option(int param, const char *name, long long value)
{
    /* TODO 3.2: call mallopt(PARAM, VALUE); if it refuses, fail() with a
     * message that names the option (NAME) and the value. */
    (void)param;
    (void)name;
    (void)value;
}

int main(int argc, char *argv[])
{
    static const char synopsis[] = "[-t THRESHOLD] [-m MAX] SIZE...";
    long long threshold = -1, max = -1;
    int opt;
    while ((opt = getopt(argc, argv, "t:m:")) != -1) {
        if (opt == 't')
            threshold = parse_num(optarg, "THRESHOLD");
        else if (opt == 'm')
            max = parse_num(optarg, "MAX");
        else
            usage(synopsis);
    }
    if (optind == argc)
        usage(synopsis);
    for (int i = optind; i < argc; i++) {
        long long s = parse_num(argv[i], "SIZE");
        if (s == 0 || (unsigned long long)s > SEARCH_LIMIT)
            fail("SIZE must be between 1 and %zu, not %lld", SEARCH_LIMIT, s);
    }

    /* stdio's own buffer, so that printf() does not malloc() one in between. */
    static char outbuf[BUFSIZ];
    if (setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf) != 0)
        fail("setvbuf failed");

    if (threshold >= 0)
        set_option(M_MMAP_THRESHOLD, "M_MMAP_THRESHOLD", threshold);
    if (max >= 0)
        set_option(M_MMAP_MAX, "M_MMAP_MAX", max);

    void *volatile first = malloc(1); /* the known start: the heap exists */
    if (!first)
        die("malloc(1)");
    print_threshold("threshold at start:", smallest_mmapped(SEARCH_LIMIT));

    for (int i = optind; i < argc; i++) {
        size_t size = (size_t)parse_num(argv[i], "SIZE");
        /* TODO 3.1: malloc(SIZE); print "malloc(SIZE): mmap, chunk N" (or
         * heap); free() the block; then print the threshold measured after
         * the free, with print_threshold("after free:", ...). */
        (void)size;
    }
    free(first);
    return 0;
}
