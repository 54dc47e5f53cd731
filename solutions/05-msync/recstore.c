/* recstore - a file of fixed-size records, updated in place through a mapping.
 *
 * usage: recstore create FILE N           a new FILE of N empty records
 *        recstore get FILE K              print record K
 *        recstore set FILE K TEXT [K TEXT]...
 *                                         store each TEXT as record K, then commit
 *
 * A record is REC_SIZE (100) bytes: its text, then zero bytes up to the end.
 * Record K starts at byte K * 100, so some records straddle two pages (record
 * 40 is bytes 4000 to 4099: pages 0 and 1). `set` checks all its updates
 * before it makes any, stores them through a shared mapping, and commits:
 * msync(MS_SYNC) on exactly the pages that hold the changed records. It prints
 * "committed N records" only after every msync() has returned 0; then, and not
 * before, the records would survive a crash of the machine.
 */
#include "wb.h"

#define REC_SIZE 100

struct store {
    const char *path;
    char *map;      /* the whole file, mapped shared */
    size_t size;    /* its size in bytes */
    long long nrec; /* its number of records */
};

/* create FILE N: a new file of N records, every byte 0. */
static void create(const char *path, long long n)
{
    if (n == 0 || n > (1LL << 40) / REC_SIZE)
        fail("N must be between 1 and %lld, not %lld", (1LL << 40) / REC_SIZE, n);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644); /* never overwrite a store */
    if (fd < 0)
        die("create %s", path);
    /* TODO 2.1: make the file N records long, every byte 0, with one call:
     * ftruncate(). (No lseek() to the end and write() of a byte: that is two
     * calls for one job, and a byte that is not 0 if you get it wrong.) */
    //@solution
    if (ftruncate(fd, (off_t)(n * REC_SIZE)) < 0)
        die("ftruncate %s", path);
    //@starter
    // (void)n;
    //@end
    if (close(fd) < 0)
        die("close %s", path);
    printf("created %s: %lld records of %d bytes\n", path, n, REC_SIZE);
}

/* Open and map the store: read-only for get, read-write for set. */
static struct store open_store(const char *path, bool writable)
{
    /* TODO 2.2: `get` only reads. Open the file read-only and map it PROT_READ
     * when WRITABLE is false, so that `get` works on a file you may not write;
     * `set` needs O_RDWR and PROT_READ | PROT_WRITE. */
    //@solution
    int oflags = writable ? O_RDWR : O_RDONLY;
    int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
    //@starter
    // (void)writable;
    // int oflags = O_RDWR;
    // int prot = PROT_READ | PROT_WRITE;
    //@end
    int fd = open(path, oflags);
    if (fd < 0)
        die("open %s%s", path, writable ? " for writing" : "");
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", path);
    if (!S_ISREG(st.st_mode))
        fail("%s is not a regular file", path);

    /* TODO 2.3: refuse a file that is empty or not a whole number of records
     * (someone else's file, or a store cut short), before mapping it. Say its
     * size in bytes:
     * "data is 250 bytes: not a whole number of 100-byte records". */
    //@solution
    if (st.st_size == 0 || st.st_size % REC_SIZE != 0)
        fail("%s is %lld bytes: not a whole number of %d-byte records", path, (long long)st.st_size,
             REC_SIZE);
    //@starter
    //@end

    struct store s = {.path = path, .size = (size_t)st.st_size, .nrec = st.st_size / REC_SIZE};
    s.map = mmap(NULL, s.size, prot, MAP_SHARED, fd, 0);
    if (s.map == MAP_FAILED)
        die("mmap %s", path);
    if (close(fd) < 0)
        die("close %s", path);
    return s;
}

static void close_store(struct store *s)
{
    if (munmap(s->map, s->size) < 0)
        die("munmap %s", s->path);
}

/* Refuse record index K unless the store has it, and TEXT (unless NULL)
 * unless it fits in a record. */
static void check(const struct store *s, long long k, const char *text)
{
    /* TODO 2.4: fail, with a message that says "out of range", unless K is
     * one of the store's records (0 to nrec - 1); and fail if TEXT is longer
     * than a record (REC_SIZE bytes). */
    //@solution
    if (k >= s->nrec)
        fail("record %lld is out of range: %s holds %lld records (0 to %lld)", k, s->path, s->nrec,
             s->nrec - 1);
    if (text && strlen(text) > REC_SIZE)
        fail("the text for record %lld is %zu bytes; a record holds at most %d", k, strlen(text),
             REC_SIZE);
    //@starter
    // (void)s;
    // (void)k;
    // (void)text;
    //@end
}

/* Store TEXT as record K, in place, through the mapping. */
static void put(const struct store *s, long long k, const char *text)
{
    /* TODO 2.5: copy TEXT into record K (byte K * REC_SIZE of the mapping), and
     * fill the rest of the record with zero bytes: no tail of an older, longer
     * text may remain. */
    //@solution
    char *rec = s->map + k * REC_SIZE;
    size_t n = strlen(text);
    memcpy(rec, text, n);
    memset(rec + n, 0, REC_SIZE - n);
    //@starter
    // (void)s;
    // (void)k;
    // (void)text;
    //@end
}

/* Make the N records KS durable: msync(MS_SYNC) the pages that hold them, and
 * no other page. Returns only if every msync() returned 0. */
static void commit(const struct store *s, const long long *ks, int n)
{
    /* TODO 2.6: find the pages that hold the changed records (a record may
     * straddle two), and msync() each run of such pages with MS_SYNC. msync()
     * wants a page-aligned address: round a record's offset down to its page
     * (off / ps * ps). Pages with no changed record must not be synced. */
    //@solution
    size_t ps = page_size(), npages = (s->size + ps - 1) / ps;
    bool *changed = calloc(npages, sizeof *changed);
    if (!changed)
        die("calloc");
    for (int i = 0; i < n; i++) {
        size_t first = (size_t)ks[i] * REC_SIZE, last = first + REC_SIZE - 1;
        for (size_t p = first / ps; p <= last / ps; p++)
            changed[p] = true;
    }
    for (size_t p = 0; p < npages;) {
        if (!changed[p]) {
            p++;
            continue;
        }
        size_t end = p; /* pages p to end - 1 are one run of changed pages */
        while (end < npages && changed[end])
            end++;
        if (msync(s->map + p * ps, (end - p) * ps, MS_SYNC) < 0)
            die("msync pages %zu to %zu of %s", p, end - 1, s->path);
        p = end;
    }
    free(changed);
    //@starter
    // (void)s;
    // (void)ks;
    // (void)n;
    //@end
}

/* set FILE K TEXT [K TEXT]...: N updates, given as 2N arguments. */
static void set(const char *path, int n, char *const args[])
{
    struct store s = open_store(path, true);
    long long *ks = malloc((size_t)n * sizeof *ks);
    if (!ks)
        die("malloc");
    /* Check every update before making any: a bad one leaves the file as it was. */
    for (int i = 0; i < n; i++) {
        ks[i] = parse_num(args[2 * i], "K");
        check(&s, ks[i], args[2 * i + 1]);
    }
    for (int i = 0; i < n; i++)
        put(&s, ks[i], args[2 * i + 1]);
    commit(&s, ks, n);
    printf("committed %d record%s\n", n, n == 1 ? "" : "s");
    fflush(stdout); /* now: the promise is made when the words go out */
    free(ks);
    close_store(&s);
}

static void get(const char *path, long long k)
{
    struct store s = open_store(path, false);
    check(&s, k, NULL);
    const char *rec = s.map + k * REC_SIZE;
    printf("%.*s\n", (int)strnlen(rec, REC_SIZE), rec);
    close_store(&s);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "create FILE N | get FILE K | set FILE K TEXT [K TEXT]...";
    if (argc < 4)
        usage(synopsis);
    const char *cmd = argv[1], *path = argv[2];
    if (strcmp(cmd, "create") == 0 && argc == 4)
        create(path, parse_num(argv[3], "N"));
    else if (strcmp(cmd, "get") == 0 && argc == 4)
        get(path, parse_num(argv[3], "K"));
    else if (strcmp(cmd, "set") == 0 && argc % 2 == 1)
        set(path, (argc - 3) / 2, argv + 3);
    else
        usage(synopsis);
    return 0;
}
