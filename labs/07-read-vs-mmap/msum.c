/* msum - sum a file's 64-bit words through a mapping of the file.
 *
 * usage: msum FILE [random|populate|sequential|willneed|hugepage]
 *
 * Maps FILE read-only and sums it in place (wsum.h: rsum prints the same sum
 * for the same file), with no read() at all: the loads of the loop are the
 * only way the bytes arrive, through page faults. It prints the checksum and
 * what the kernel counted meanwhile (iocount.h). An option asks for one kind
 * of help from the kernel:
 *   random      madvise(MADV_RANDOM): no readahead (task 2.2)
 *   populate    MAP_POPULATE: every page mapped inside mmap() (task 3.1)
 *   sequential, willneed, hugepage   madvise(MADV_...) (task 3.2)
 */
#include "iocount.h"
#include "wsum.h"

static const char *const options[] = {"random", "populate", "sequential", "willneed", "hugepage"};

/* Task 3.2: give the advice HOW names for the LEN bytes at MAP. */
static void advise(char *map, size_t len, const char *how)
{
    /* TODO 3.2: for "sequential", "willneed" and "hugepage", madvise() the
     * whole mapping with MADV_SEQUENTIAL, MADV_WILLNEED or MADV_HUGEPAGE. */
    (void)map, (void)len, (void)how;
}

int main(int argc, char *argv[])
{
    const char *synopsis = "FILE [random|populate|sequential|willneed|hugepage]";
    if (argc < 2 || argc > 3)
        usage(synopsis);
    const char *path = argv[1], *how = argc == 3 ? argv[2] : "";
    bool known = argc == 2;
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        known |= strcmp(how, options[i]) == 0;
    if (!known)
        usage(synopsis);
    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    size_t len = (size_t)size;

    int flags = 0;
    /* TODO 3.1: with "populate", have mmap() map every page at once: put
     * that flag in FLAGS. */

    struct iocount before = io_now();
    /* TODO 1.2: map the whole file read-only and private, with FLAGS added
     * (an empty file cannot be mapped: refuse it with a clear message). */
    const unsigned char *map = NULL;
    (void)flags;
    struct iocount mapped = io_now();

    /* TODO 2.2: with "random", tell the kernel that the mapping will be
     * touched in random order, before the first access. */
    if (*how)
        advise((char *)map, len, how);

    struct wsum s = {0};
    struct iocount start = io_now();
    if (map) /* NULL until task 1.2 is done */
        wsum_update(&s, map, len);
    struct iocount done = io_now();

    printf("file:        %s, %lld bytes\n", path, (long long)size);
    printf("sum:         %016llx\n", (unsigned long long)wsum_final(&s));
    struct iocount in_mmap = io_diff(before, mapped), in_loop = io_diff(start, done);
    printf("faults in mmap():   %lld major, %lld minor\n", in_mmap.majflt, in_mmap.minflt);
    printf("faults in the loop: %lld major, %lld minor\n", in_loop.majflt, in_loop.minflt);
    /* Everything from mmap() to the end of the loop: three intervals, so
     * that no snapshot's own read() is counted. */
    io_print(io_add(io_add(in_mmap, io_diff(mapped, start)), in_loop));
    if (map && munmap((void *)map, len) < 0)
        die("munmap");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
