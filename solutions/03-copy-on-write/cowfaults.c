/* cowfaults - what copy-on-write costs: the page faults of reading and of
 * writing memory that fork() left shared, in the child and in the parent.
 *
 * usage: cowfaults PAGES private|shared
 *
 * Maps PAGES pages of anonymous memory, private or shared, and fills them
 * with 'P'. Then it forks, and the two processes take turns (through pipes):
 *   1. the child reads every page, then writes 'C' into every page, and
 *      prints the minor faults each loop took;
 *   2. the parent counts the pages in which it sees the child's 'C', then
 *      writes 'Q' into every page and prints the faults that took;
 *   3. the child counts the pages in which it sees the parent's 'Q'.
 */
#include "cow.h"
#include "wb.h"

/* How many of the PAGES pages of MAP start with BYTE? */
static size_t pages_with(const char *map, size_t pages, char byte)
{
    size_t n = 0;
    for (size_t i = 0; i < pages; i++)
        n += map[i * page_size()] == byte;
    return n;
}

/* Read bytes go here (sink += map[...]): a volatile variable, so that the
 * compiler keeps the reads. (Global: nothing to silence when it is not used.) */
volatile char sink;

static void child(char *map, size_t pages, struct channel *ch)
{
    size_t ps = page_size();
    long read_faults = 0, write_faults = 0;

    /* TODO 2.1: count the minor faults (minor_faults()) of reading one byte of
     * every page, then of writing 'C' into every page. */
    //@solution
    long f0 = minor_faults();
    for (size_t i = 0; i < pages; i++)
        sink += map[i * ps];
    long f1 = minor_faults();
    for (size_t i = 0; i < pages; i++)
        map[i * ps] = 'C';
    long f2 = minor_faults();
    read_faults = f1 - f0;
    write_faults = f2 - f1;
    //@starter
    // (void)ps;
    //@end

    printf("child: faults reading %zu pages: %ld\n", pages, read_faults);
    printf("child: faults writing %zu pages: %ld\n", pages, write_faults);
    channel_tell(ch);
    channel_wait(ch);
    size_t n = pages_with(map, pages, 'Q');
    printf("child: sees the parent's writes in %zu of %zu pages\n", n, pages);
    fflush(stdout);
}

static void parent(char *map, size_t pages, struct channel *ch)
{
    size_t ps = page_size();
    long write_faults = 0;

    channel_wait(ch); /* the child's turn first */
    size_t n = pages_with(map, pages, 'C');
    printf("parent: sees the child's writes in %zu of %zu pages\n", n, pages);

    /* TODO 2.2: count the minor faults of writing 'Q' into every page. */
    //@solution
    long f0 = minor_faults();
    for (size_t i = 0; i < pages; i++)
        map[i * ps] = 'Q';
    write_faults = minor_faults() - f0;
    //@starter
    // (void)ps;
    //@end

    printf("parent: faults writing %zu pages: %ld\n", pages, write_faults);
    channel_tell(ch);
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage("PAGES private|shared");
    size_t pages = (size_t)parse_num(argv[1], "PAGES");
    if (pages == 0 || pages > 100000)
        fail("PAGES must be between 1 and 100000");
    bool shared = strcmp(argv[2], "shared") == 0;
    if (!shared && strcmp(argv[2], "private") != 0)
        fail("the mode must be 'private' or 'shared', not '%s'", argv[2]);

    char *map = map_anon(pages, shared);
    memset(map, 'P', pages * page_size()); /* every page present before fork() */

    struct channel ch;
    pid_t pid = channel_fork(&ch);
    if (pid == 0) {
        child(map, pages, &ch);
        channel_close(&ch);
        _exit(0);
    }
    parent(map, pages, &ch);
    channel_join(&ch, pid);
    if (munmap(map, pages * page_size()) < 0)
        die("munmap");
    return 0;
}
