/* share.h - what lab 08's programs share: passing a descriptor to another
 * process over a Unix socket (SCM_RIGHTS), the line of /proc/self/maps that
 * holds an address, and the process's resident pages by kind, from
 * /proc/self/status. Header-only, like wb.h.
 */
#ifndef SHARE_H
#define SHARE_H

#include "wb.h"
#include <sys/socket.h>
#include <sys/uio.h>

/* Send descriptor FD over the connected Unix socket SOCK, with one byte of
 * ordinary data (a message must carry at least one byte). The receiver gets
 * a new descriptor of its own for the same open file. */
static inline void send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align; /* the buffer must be aligned for a cmsghdr */
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(sock, &msg, 0) < 0)
        die("sendmsg (SCM_RIGHTS)");
}

/* Receive a descriptor that send_fd() sent over SOCK and return it. */
static inline int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        die("recvmsg");
    if (n == 0)
        fail("the sender closed the socket without sending a descriptor");
    if (msg.msg_flags & MSG_CTRUNC)
        fail("the control data was cut short: no room for the descriptor");
    /* TODO 1.2: the descriptor travels in the message's control data: find
     * the SCM_RIGHTS control message (level SOL_SOCKET) and return the
     * descriptor in it; fail() with a clear message if there is none. */
    return -1;
}

/* Copy into LINE (at most SIZE bytes, no newline) the line of /proc/self/maps
 * whose range holds ADDR. Exit with a message if there is none. */
static inline void maps_line(const void *addr, char *line, size_t size)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL)
        die("fopen /proc/self/maps");
    unsigned long a = (unsigned long)addr, start, end;
    while (fgets(line, (int)size, f)) {
        if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start <= a && a < end) {
            line[strcspn(line, "\n")] = '\0';
            fclose(f);
            return;
        }
    }
    fclose(f);
    fail("no line of /proc/self/maps holds the address %p", addr);
}

/* The resident pages of this process by kind, from /proc/self/status. */
struct rss {
    long anon;  /* RssAnon: private anonymous memory (heap, stack, COW copies) */
    long file;  /* RssFile: page cache pages of files on disk file systems */
    long shmem; /* RssShmem: shared memory: tmpfs, shm_open, memfd, SysV, shared anonymous */
};

/* TODO 1.6: read RssAnon, RssFile and RssShmem from /proc/self/status (they
 * are given in kB) and return them in pages. */
static inline struct rss rss_now(void)
{
    struct rss r = {-1, -1, -1};
    return r;
}

#endif
