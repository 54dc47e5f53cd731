/* evict - make files cold: their pages leave the page cache, so that the
 * next reader must fetch them from the disk. No root needed (writing to
 * /proc/sys/vm/drop_caches does it to every file of the machine, as root).
 *
 * usage: evict FILE...
 *
 * Check with incore FILE before and after. On tmpfs nothing leaves: its pages
 * have no disk to come back from. Run it on a disk file system.
 */
#include "wb.h"

static void evict(const char *path)
{
    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    /* TODO 2.3: drop FD's pages from the page cache: first have its dirty
     * pages written to the disk and wait (a dirty page cannot be dropped),
     * then tell the kernel that the whole file will not be needed. */
    //@solution
    if (fdatasync(fd) < 0)
        die("fdatasync %s", path);
    int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (err) {
        errno = err; /* posix_fadvise returns the error, errno untouched */
        die("posix_fadvise %s", path);
    }
    //@starter
    //@end
    printf("%s: %lld bytes, evicted\n", path, (long long)size);
    if (close(fd) < 0)
        die("close %s", path);
}

int main(int argc, char *argv[])
{
    if (argc < 2)
        usage("FILE...");
    for (int i = 1; i < argc; i++)
        evict(argv[i]);
    return 0;
}
