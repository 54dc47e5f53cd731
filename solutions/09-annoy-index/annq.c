/* annq - query an annoy index through a mapping, as annoy's load() and
 * get_nns_by_vector() do.
 *
 * usage: annq [-p] [-r] [-c] INDEX METRIC F COMMAND [ARGS]
 *   METRIC angular or euclidean, F the dimension (the index does not say:
 *   annoy's user must know both, and so must we)
 *   info                       items, trees, nodes, node size, K, load time
 *   item ID                    the vector of item ID (get_item_vector)
 *   distance I J               annoy's distance between items I and J
 *   vector N SEARCH_K X1..XF   the N nearest items to the vector, one a line:
 *                              ITEM DISTANCE (SEARCH_K -1: annoy's default)
 *   nns-item ID N SEARCH_K     the same for item ID's own vector
 *   batch                      queries from standard input, one a line:
 *                              N SEARCH_K X1..XF; each answer after a line
 *                              "query K" (K = 1, 2, ...)
 *   touch                      read every page of the mapping: the pages
 *                              resident before and after, and the faults
 *   serve                      touch every page, print "ready PID", then wait
 *                              for the end of standard input
 *   -p  prefault: MAP_POPULATE (annoy's load(prefault=true))
 *   -r  madvise(MADV_RANDOM) on the mapping
 *   -c  cold: drop the file's pages from the page cache before mapping it
 *   -v  at the end, on standard error: the faults and the bytes read from the
 *       disk (/proc/self/io read_bytes) of the whole run
 */
#include "annoy.h"
#include <sys/resource.h>
#include <time.h>

static const char *synopsis = "[-p] [-r] [-c] INDEX angular|euclidean F\n"
                              "       info | item ID | distance I J | vector N SEARCH_K X1..XF |\n"
                              "       nns-item ID N SEARCH_K | batch | touch | serve";

/* A query's SEARCH_K: -1 (annoy's default) or a number >= 0. */
static long long parse_search_k(const char *s)
{
    return strcmp(s, "-1") == 0 ? -1 : parse_num(s, "SEARCH_K");
}

/* A coordinate: a float, and nothing else. */
static float parse_coord(const char *s)
{
    char *end;
    errno = 0;
    float v = strtof(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v))
        fail("a coordinate must be a finite number, not '%s'", s);
    return v;
}

static void print_nearest(const struct index *ix, const float *w, size_t n, long long search_k)
{
    struct hit *h;
    size_t m = nearest(ix, w, n, search_k, &h);
    for (size_t k = 0; k < m; k++)
        printf("%d %.9g\n", h[k].item, reported(h[k].dist));
    free(h);
}

/* Parse the coordinates of a query: exactly F of them. */
static void parse_query(const struct index *ix, char **words, int nwords, float *w)
{
    if (nwords != ix->f)
        fail("the query has %d coordinates; this index's vectors have %d", nwords, ix->f);
    for (int z = 0; z < ix->f; z++)
        w[z] = parse_coord(words[z]);
}

/* batch: one query a line on standard input, N SEARCH_K X1..XF. */
static void batch(const struct index *ix, float *w)
{
    char *line = NULL, *words[4096], *save;
    size_t cap = 0;
    for (int k = 1; getline(&line, &cap, stdin) > 0; k++) {
        int nwords = 0;
        for (char *t = strtok_r(line, " \t\n", &save); t && nwords < 4096;
             t = strtok_r(NULL, " \t\n", &save))
            words[nwords++] = t;
        if (nwords < 2)
            fail("query %d: expected N SEARCH_K X1..X%d", k, ix->f);
        size_t n = (size_t)parse_num(words[0], "N");
        long long search_k = parse_search_k(words[1]);
        parse_query(ix, words + 2, nwords - 2, w);
        printf("query %d\n", k);
        print_nearest(ix, w, n, search_k);
    }
    if (ferror(stdin))
        die("read standard input");
    free(line);
}

/* Read one byte of each page of the mapping, so that every page is mapped in
 * this process's page table. PS is the page size. Returns the number of pages. */
static size_t touch_pages(const struct index *ix, size_t ps)
{
    size_t pages = 0;
    /* TODO 3.2: read one byte of every page of the mapping (ix->map,
     * ix->size bytes, pages of PS bytes), through a volatile pointer so that
     * the compiler keeps the reads; count the pages. */
    //@solution
    for (size_t off = 0; off < ix->size; off += ps, pages++)
        (void)*(volatile const char *)(ix->map + off);
    //@starter
    // (void)ix;
    // (void)ps;
    //@end
    return pages;
}

/* How many pages of the mapping that starts at ADDR are in this process's
 * page table: its Rss in /proc/self/smaps, in pages. */
static long resident_pages(const void *addr, size_t ps)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        die("open /proc/self/smaps");
    char line[512];
    bool ours = false;
    long kb = -1;
    while (kb < 0 && fgets(line, sizeof line, f)) {
        unsigned long start;
        char dash;
        if (sscanf(line, "%lx%c", &start, &dash) == 2 && dash == '-')
            ours = start == (unsigned long)addr;
        else if (ours)
            sscanf(line, "Rss: %ld kB", &kb);
    }
    fclose(f);
    if (kb < 0)
        fail("no mapping at %p in /proc/self/smaps (is the index mapped?)", addr);
    return kb * 1024 / (long)ps;
}

static struct rusage usage_now(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        die("getrusage");
    return ru;
}

/* The bytes this process has had read from the disk for it (or -1). */
static long long read_bytes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    long long v = -1;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "read_bytes: %lld", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static double now_us(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char *argv[])
{
    struct load_options opt = {0};
    bool verbose = false;
    int c;
    while ((c = getopt(argc, argv, "+prcv")) != -1) {
        switch (c) {
        case 'p':
            opt.prefault = true;
            break;
        case 'r':
            opt.random = true;
            break;
        case 'c':
            opt.cold = true;
            break;
        case 'v':
            verbose = true;
            break;
        default:
            usage(synopsis);
        }
    }
    argv += optind;
    argc -= optind;
    if (argc < 4)
        usage(synopsis);
    const char *path = argv[0], *cmd = argv[3];
    enum metric metric;
    if (strcmp(argv[1], "angular") == 0)
        metric = ANGULAR;
    else if (strcmp(argv[1], "euclidean") == 0)
        metric = EUCLIDEAN;
    else
        fail("METRIC must be angular or euclidean, not '%s'", argv[1]);
    long long f = parse_num(argv[2], "F");
    if (f < 1 || f > 100000)
        fail("F must be between 1 and 100000, not %lld", f);
    char **args = argv + 4;
    int nargs = argc - 4;

    long long io0 = verbose ? read_bytes() : 0;
    struct rusage ru0 = usage_now();
    double t0 = now_us();
    struct index ix = index_open(path, metric, (int)f, opt);
    double t1 = now_us();
    struct rusage ru1 = usage_now();

    if (strcmp(cmd, "info") == 0 && nargs == 0) {
        printf("items: %d\ntrees: %d\nnodes: %d\nnode size: %zu\nK: %d\n", ix.n_items, ix.n_roots,
               ix.n_nodes, ix.node_size, ix.K);
        printf("load: %.1f us, %ld minor and %ld major faults\n", t1 - t0,
               ru1.ru_minflt - ru0.ru_minflt, ru1.ru_majflt - ru0.ru_majflt);
    } else if (strcmp(cmd, "item") == 0 && nargs == 1) {
        const float *v = item_vector(&ix, parse_num(args[0], "ID"));
        for (int z = 0; z < ix.f; z++)
            printf("%s%.9g", z ? " " : "", v[z]);
        printf("\n");
    } else if (strcmp(cmd, "distance") == 0 && nargs == 2) {
        const float *x = item_vector(&ix, parse_num(args[0], "I"));
        const float *y = item_vector(&ix, parse_num(args[1], "J"));
        printf("%.9g\n", reported(distance(&ix, x, y)));
    } else if (strcmp(cmd, "vector") == 0 && nargs >= 2) {
        size_t n = (size_t)parse_num(args[0], "N");
        long long search_k = parse_search_k(args[1]);
        float *w = malloc((size_t)ix.f * sizeof *w);
        if (!w)
            die("malloc");
        parse_query(&ix, args + 2, nargs - 2, w);
        print_nearest(&ix, w, n, search_k);
        free(w);
    } else if (strcmp(cmd, "batch") == 0 && nargs == 0) {
        float *w = malloc((size_t)ix.f * sizeof *w);
        if (!w)
            die("malloc");
        batch(&ix, w);
        free(w);
    } else if (strcmp(cmd, "nns-item") == 0 && nargs == 3) {
        const float *v = item_vector(&ix, parse_num(args[0], "ID"));
        print_nearest(&ix, v, (size_t)parse_num(args[1], "N"), parse_search_k(args[2]));
    } else if (strcmp(cmd, "touch") == 0 && nargs == 0) {
        size_t ps = page_size();
        long before = resident_pages(ix.map, ps);
        struct rusage a = usage_now();
        size_t pages = touch_pages(&ix, ps);
        struct rusage b = usage_now();
        printf("pages touched: %zu of %zu\n", pages, (ix.size + ps - 1) / ps);
        printf("resident after load: %ld pages\n", before);
        printf("resident after touch: %ld pages\n", resident_pages(ix.map, ps));
        printf("faults in load: %ld minor, %ld major\n", ru1.ru_minflt - ru0.ru_minflt,
               ru1.ru_majflt - ru0.ru_majflt);
        printf("faults in touch: %ld minor, %ld major\n", b.ru_minflt - a.ru_minflt,
               b.ru_majflt - a.ru_majflt);
    } else if (strcmp(cmd, "serve") == 0 && nargs == 0) {
        size_t pages = touch_pages(&ix, page_size());
        char line[64];
        int len = snprintf(line, sizeof line, "ready %d %zu\n", (int)getpid(), pages);
        write_all(STDOUT_FILENO, line, (size_t)len); /* one write: lines never mix */
        char buf[256];
        ssize_t got;
        while ((got = read(STDIN_FILENO, buf, sizeof buf)) != 0) /* until EOF */
            if (got < 0 && errno != EINTR)
                die("read standard input");
    } else {
        usage(synopsis);
    }
    index_close(&ix);
    if (verbose) {
        struct rusage ru = usage_now();
        fflush(stdout);
        fprintf(stderr, "annq: %ld minor and %ld major faults, %lld kB read from the disk\n",
                ru.ru_minflt - ru0.ru_minflt, ru.ru_majflt - ru0.ru_majflt,
                (read_bytes() - io0) / 1024);
    }
    return 0;
}
