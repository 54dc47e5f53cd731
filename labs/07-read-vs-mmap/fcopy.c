/* fcopy - copy a file four ways, and count what each way copied.
 *
 * usage: fcopy SRC DST rw BUFSIZE | mmap | cfr | sendfile
 *
 *   rw        read() into a buffer, write() from it (task 4.1)
 *   mmap      map SRC, write() straight from the mapping (task 4.2)
 *   cfr       copy_file_range(): the kernel copies, no buffer (task 4.3)
 *   sendfile  sendfile(): the same, the older call (task 4.4)
 *
 * DST is created or truncated. It prints what the kernel counted during the
 * copy (iocount.h): rchar and wchar, the calls, the page faults.
 */
#include "iocount.h"
#include <sys/sendfile.h>

static void copy_rw(int in, int out, size_t bufsize)
{
    /* TODO 4.1: read() IN into a buffer of BUFSIZE bytes and write() each
     * chunk to OUT (write_all() from wb.h), until the end of IN. */
    (void)in, (void)out, (void)bufsize;
}

static void copy_mmap(int in, int out, size_t size)
{
    /* TODO 4.2: map IN (SIZE bytes, not 0) and write() the mapping to OUT. */
    (void)in, (void)out, (void)size;
}

static void copy_cfr(int in, int out, size_t size)
{
    /* TODO 4.3: copy SIZE bytes from IN to OUT with copy_file_range(),
     * which may copy fewer bytes than asked: call it until all are done. */
    (void)in, (void)out, (void)size;
}

static void copy_sendfile(int in, int out, size_t size)
{
    /* TODO 4.4: the same with sendfile(). */
    (void)in, (void)out, (void)size;
}

int main(int argc, char *argv[])
{
    const char *synopsis = "SRC DST rw BUFSIZE | mmap | cfr | sendfile";
    if (argc < 4)
        usage(synopsis);
    const char *src = argv[1], *dst = argv[2], *how = argv[3];
    bool rw = strcmp(how, "rw") == 0;
    if (argc != (rw ? 5 : 4))
        usage(synopsis);
    if (!rw && strcmp(how, "mmap") != 0 && strcmp(how, "cfr") != 0 && strcmp(how, "sendfile") != 0)
        usage(synopsis);
    long long bufsize = rw ? parse_num(argv[4], "BUFSIZE") : 0;
    if (rw && (bufsize == 0 || (unsigned long long)bufsize > SSIZE_MAX))
        fail("BUFSIZE must be between 1 and %zd bytes, not %lld", (ssize_t)SSIZE_MAX, bufsize);

    off_t size;
    int in = open_file(src, O_RDONLY, &size);
    int out = open(dst, O_WRONLY | O_CREAT, 0644);
    if (out < 0)
        die("open %s", dst);
    struct stat si, so;
    if (fstat(in, &si) < 0 || fstat(out, &so) < 0)
        die("fstat");
    if (!S_ISREG(so.st_mode))
        fail("%s is not a regular file", dst);
    if (si.st_dev == so.st_dev && si.st_ino == so.st_ino)
        fail("%s and %s are the same file", src, dst);
    if (ftruncate(out, 0) < 0)
        die("ftruncate %s", dst);

    struct iocount before = io_now();
    if (size == 0)
        ; /* nothing to copy (and a mapping of 0 bytes is EINVAL) */
    else if (rw)
        copy_rw(in, out, (size_t)bufsize);
    else if (strcmp(how, "mmap") == 0)
        copy_mmap(in, out, (size_t)size);
    else if (strcmp(how, "cfr") == 0)
        copy_cfr(in, out, (size_t)size);
    else
        copy_sendfile(in, out, (size_t)size);
    struct iocount after = io_now();

    if (close(out) < 0)
        die("close %s", dst);
    if (close(in) < 0)
        die("close %s", src);
    printf("copied:      %s -> %s, %lld bytes, %s\n", src, dst, (long long)size, how);
    io_print(io_diff(before, after));
    return 0;
}
