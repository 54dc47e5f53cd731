/* tests/lib/07-read-vs-mmap-short.c - lab 07's tests preload this into fcopy
 * (LD_PRELOAD): copy_file_range() and sendfile() then copy at most SHORT bytes
 * a call, as the kernel may (a short count is not an error, and a copy that
 * stops after one call is incomplete). Built with the labs' flags as a shared
 * object: make TEST_BIN=DIR DIR/07-read-vs-mmap-short.so. */
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define SHORT 1000

ssize_t copy_file_range(int in, off_t *off_in, int out, off_t *off_out, size_t len,
                        unsigned int flags)
{
    return syscall(SYS_copy_file_range, in, off_in, out, off_out, len < SHORT ? len : SHORT,
                   flags);
}

ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
    return syscall(SYS_sendfile, out, in, off, count < SHORT ? count : SHORT);
}

/* (the name a program built with _FILE_OFFSET_BITS=64 calls) */
ssize_t sendfile64(int out, int in, off_t *off, size_t count)
{
    return sendfile(out, in, off, count);
}
