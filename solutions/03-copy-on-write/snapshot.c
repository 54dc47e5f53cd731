/* snapshot - a consistent snapshot by fork(), as Redis makes its background
 * saves: the child writes the table as it was at the moment of the fork,
 * while the parent goes on changing it.
 *
 * usage: snapshot FILE PAGES UPDATES SEED
 *
 * The table is PAGES pages of 32-byte records, each a line
 * "rec NNNNNN ver NNNNNN .........", all at version 0. The program forks; the
 * child saves the table into FILE while the parent makes UPDATES updates: a
 * record picked at random (from SEED) gets the update's number as its
 * version. The child writes the first half of the table, waits until the
 * parent's updates are done (so that they surely happen in the middle of
 * the save), then writes the second half. The parent waits for the child
 * only after its updates, and prints how many pages they modified and how
 * many page faults they cost it.
 */
#include "cow.h"
#include "wb.h"
#include <stdint.h>

#define RECORD 32 /* bytes per record, a line: 128 records to a page */

/* The updates' random numbers: the classic rand() of C's standard, seeded. */
static uint32_t next_random(uint32_t *x)
{
    *x = (uint32_t)(((uint64_t)*x * 1103515245u + 12345u) & 0x7fffffff);
    return *x >> 8;
}

static void put_record(char *table, size_t r, size_t version)
{
    char rec[64]; /* R and VERSION have at most 6 digits: the line is RECORD bytes */
    snprintf(rec, sizeof rec, "rec %06zu ver %06zu .........\n", r, version);
    memcpy(table + r * RECORD, rec, RECORD);
}

/* Store into the 64 KiB of stack below the caller's frame, far deeper than
 * update(), snprintf() and getrusage() reach. */
static __attribute__((noinline)) void warm_stack(void)
{
    char pad[64 * 1024];
    explicit_bzero(pad, sizeof pad);
}

/* The parent's work during the save: UPDATES updates of random records. */
static void update(char *table, size_t records, size_t updates, uint32_t seed)
{
    uint32_t x = seed;
    for (size_t u = 1; u <= updates; u++)
        put_record(table, next_random(&x) % records, u);
}

/* The child's work: write the table, as this process sees it, into PATH. */
static void save(const char *table, size_t len, const char *path, struct channel *ch)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", path);
    size_t half = len / 2;
    write_all(fd, table, half);
    channel_wait(ch); /* the parent's updates are done */
    write_all(fd, table + half, len - half);
    if (close(fd) < 0)
        die("close %s", path);
}

int main(int argc, char *argv[])
{
    if (argc != 5)
        usage("FILE PAGES UPDATES SEED");
    const char *path = argv[1];
    size_t pages = (size_t)parse_num(argv[2], "PAGES");
    size_t updates = (size_t)parse_num(argv[3], "UPDATES");
    long long seed = parse_num(argv[4], "SEED");
    if (pages == 0 || pages > 4096)
        fail("PAGES must be between 1 and 4096");
    if (updates > 999999)
        fail("UPDATES must be at most 999999");
    if (seed > UINT32_MAX)
        fail("SEED must be at most %u", UINT32_MAX);

    size_t ps = page_size(), len = pages * ps, records = len / RECORD;
    char *table = map_anon(pages, false);
    for (size_t r = 0; r < records; r++)
        put_record(table, r, 0);

    struct channel ch;
    channel_open(&ch);
    fflush(stdout);

    /* TODO 5.1: start the background save: fork(); the child calls save(),
     * then channel_close() and _exit(0); each side calls channel_side() first.
     * The parent goes straight on to its updates. */
    //@solution
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        channel_side(&ch, true);
        save(table, len, path, &ch);
        channel_close(&ch);
        _exit(0);
    }
    channel_side(&ch, false);
    //@starter
    // pid_t pid = -1;
    // (void)save;
    // errno = ENOSYS; /* not written yet */
    // if (pid < 0)
    //     die("fork");
    //@end

    long faults = 0;
    size_t modified = 0;
    /* fork() write-protected our stack too: the first store to each stack
     * page costs a fault. Store into the stack first, and run the code of one
     * update on a scratch record, so that only the table's pages are counted. */
    warm_stack();
    char scratch[RECORD];
    put_record(scratch, 0, 0);
    (void)minor_faults(); /* and getrusage() writes its answer onto the stack */

    /* TODO 5.2: count the minor faults of the updates (only of update()),
     * then count the distinct pages of the table they modified. update()
     * touches no other memory; replay its random numbers to find its pages. */
    //@solution
    long f0 = minor_faults();
    update(table, records, updates, (uint32_t)seed);
    faults = minor_faults() - f0;
    bool *hit = calloc(pages, sizeof *hit);
    if (!hit)
        die("calloc");
    uint32_t x = (uint32_t)seed;
    for (size_t u = 1; u <= updates; u++) {
        size_t page = next_random(&x) % records * RECORD / ps;
        modified += !hit[page];
        hit[page] = true;
    }
    free(hit);
    //@starter
    // update(table, records, updates, (uint32_t)seed);
    //@end

    channel_tell(&ch); /* updates done: the child may finish the save */
    channel_join(&ch, pid);

    printf("table:          %zu pages, %zu records of %d bytes\n", pages, records, RECORD);
    printf("updates:        %zu, during the save\n", updates);
    printf("pages modified: %zu\n", modified);
    printf("parent faults:  %ld\n", faults);
    printf("snapshot:       %s, %zu bytes\n", path, len);
    if (munmap(table, len) < 0)
        die("munmap");
    return 0;
}
