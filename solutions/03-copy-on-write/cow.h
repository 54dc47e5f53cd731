/* cow.h - what the programs of lab 03 share: a way for a parent and its
 * child to take turns, and small pages for sure. (The fault counter,
 * minor_faults(), is in wb.h: lab 01 wrote it, task 6.1.)
 *
 * Nothing to write in here: the tasks are in the programs.
 */
#ifndef COW_H
#define COW_H

#include "wb.h"
#include <signal.h>
#include <sys/wait.h>

/* Anonymous memory of PAGES pages, shared or private, in 4 KiB pages only.
 * MADV_NOHUGEPAGE keeps transparent huge pages out even on a machine where
 * they are always on: one page, one fault (huge pages: see the chapter). */
static inline char *map_anon(size_t pages, bool shared)
{
    size_t len = pages * page_size();
    int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        die("mmap %zu pages", pages);
    if (madvise(p, len, MADV_NOHUGEPAGE) < 0)
        die("madvise MADV_NOHUGEPAGE");
    return p;
}

/* A parent and its child take turns through two pipes, one each way: no
 * sleep, no race. Open the channel before fork(), then each process calls
 * channel_side() once, and channel_tell() / channel_wait() to pass the turn. */
struct channel {
    int up[2];   /* child -> parent */
    int down[2]; /* parent -> child */
    int rd, wr;  /* this process's ends, after channel_side() */
};

static inline void channel_open(struct channel *ch)
{
    if (pipe(ch->up) < 0 || pipe(ch->down) < 0)
        die("pipe");
    /* If the other process has died, telling it must not kill us too:
     * channel_tell() then gets EPIPE instead of the signal SIGPIPE. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");
}

/* Keep this side's ends, close the other side's. */
static inline void channel_side(struct channel *ch, bool child)
{
    ch->rd = child ? ch->down[0] : ch->up[0];
    ch->wr = child ? ch->up[1] : ch->down[1];
    int other_rd = child ? ch->up[0] : ch->down[0];
    int other_wr = child ? ch->down[1] : ch->up[1];
    if (close(other_rd) < 0 || close(other_wr) < 0)
        die("close");
}

/* Your turn: everything printed so far comes out first, then one byte goes
 * to the other process. */
static inline void channel_tell(struct channel *ch)
{
    fflush(stdout);
    ssize_t n;
    do
        n = write(ch->wr, "!", 1);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EPIPE) /* EPIPE: it has died; waitpid() will say how */
        die("write to the other process");
}

/* Wait for the other process to say channel_tell(). */
static inline void channel_wait(struct channel *ch)
{
    char c;
    ssize_t n;
    do
        n = read(ch->rd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        die("read from the other process");
    if (n == 0)
        fail("the other process ended before its turn was over");
}

static inline void channel_close(struct channel *ch)
{
    if (close(ch->rd) < 0 || close(ch->wr) < 0)
        die("close");
}

/* fork() with a channel between parent and child: open it, fork, and keep
 * each side's ends. Returns 0 in the child and the child's pid in the parent,
 * as fork() does. The child ends with channel_close() and _exit(0); the
 * parent with channel_join(). */
static inline pid_t channel_fork(struct channel *ch)
{
    channel_open(ch);
    fflush(stdout); /* or the child inherits the unwritten lines and prints them again */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    channel_side(ch, pid == 0);
    return pid;
}

/* The parent's end: wait for the child PID, which must exit with status 0,
 * then close the channel. */
static inline void channel_join(struct channel *ch, pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child did not exit with status 0 (wait status %#x)", status);
    channel_close(ch);
}

#endif
