/* probe.h - try one memory access and survive it, whatever it does.
 *
 * A SIGSEGV or SIGBUS handler that reports the fault on one line, e.g.
 *     SIGSEGV SEGV_ACCERR at +4096
 * (the signal, its si_code, and the faulting address as an offset from
 * probe_base), then jumps back with siglongjmp() so that the program goes on
 * with its next access. Used by probe, eofmap and guard.
 *
 * The handler runs in the middle of whatever the program was doing when the
 * access faulted, so it may only call async-signal-safe functions (see
 * signal-safety(7)): write(2), not printf(). That is why it prints with the
 * say*() functions below and not with stdio.
 */
#ifndef PROBE_H
#define PROBE_H

#include "wb.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static char *probe_base;                  /* faults are reported relative to this address */
static sigjmp_buf probe_env;              /* where the handler jumps back to */
static volatile sig_atomic_t probe_armed; /* 1 only while probe_op() makes its access */

/* Write S to standard output with write(2): async-signal-safe. */
static inline void say(const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, s, len);
        if (n <= 0)
            return; /* nothing sensible to do about it inside a handler */
        s += n;
        len -= (size_t)n;
    }
}

/* Write a signed offset, "+4096" or "-1", without printf(). */
static inline void say_offset(long long v)
{
    char buf[24];
    char *p = buf + sizeof buf;
    unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    *--p = v < 0 ? '-' : '+';
    say(p);
}

static inline const char *sig_name(int sig)
{
    return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "another signal";
}

/* The name of si_code for SIGSEGV and SIGBUS (see sigaction(2)). */
static inline const char *code_name(int sig, int code)
{
    if (sig == SIGSEGV && code == SEGV_MAPERR)
        return "SEGV_MAPERR"; /* nothing is mapped at that address */
    if (sig == SIGSEGV && code == SEGV_ACCERR)
        return "SEGV_ACCERR"; /* mapped, but the protection forbids this access */
    if (sig == SIGBUS && code == BUS_ADRERR)
        return "BUS_ADRERR"; /* mapped, but no such byte in the object (past EOF) */
    if (sig == SIGBUS && code == BUS_ADRALN)
        return "BUS_ADRALN";
    if (sig == SIGBUS && code == BUS_OBJERR)
        return "BUS_OBJERR";
    if (code == SI_USER)
        return "SI_USER"; /* sent by kill(), not by a fault */
    return "(another si_code)";
}

static void probe_handler(int sig, siginfo_t *si, void *ucontext)
{
    (void)ucontext;
    if (probe_armed) {
        /* TODO 1.2: report the fault on one line,
         * "SIGSEGV SEGV_ACCERR at +4096": the signal's name, si_code's name,
         * and si_addr as an offset from probe_base, with say() and
         * say_offset() only. Then disarm and jump back into probe_op() with
         * siglongjmp(). */
        //@solution
        long long off = (long long)((uintptr_t)si->si_addr - (uintptr_t)probe_base);
        probe_armed = 0;
        say(sig_name(sig));
        say(" ");
        say(code_name(sig, si->si_code));
        say(" at ");
        say_offset(off);
        say("\n");
        siglongjmp(probe_env, 1);
        //@starter
        // (void)si;
        //@end
    }
    /* Not a fault we asked for (or the report above is not written yet):
     * a real bug. Put back the default action and return; the access runs
     * again, faults again, and the process dies of it, as it should. */
    signal(sig, SIG_DFL);
}

/* Install probe_handler() for SIGSEGV and SIGBUS. */
static inline void probe_install(void)
{
    /* TODO 1.1: install probe_handler for SIGSEGV and for SIGBUS with
     * sigaction() and SA_SIGINFO (the handler needs si_code and si_addr). */
    //@solution
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = probe_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) < 0)
        die("sigaction SIGSEGV");
    if (sigaction(SIGBUS, &sa, NULL) < 0)
        die("sigaction SIGBUS");
    //@starter
    // (void)probe_handler;
    //@end
}

/* Is OP an access, "r:OFFSET" or "w:OFFSET", with a number for OFFSET? */
static inline bool probe_is_op(const char *op)
{
    if ((op[0] != 'r' && op[0] != 'w') || op[1] != ':')
        return false;
    char *end;
    errno = 0;
    (void)strtoll(op + 2, &end, 0);
    return errno == 0 && end != op + 2 && *end == '\0';
}

/* Make one access: OP is "r:OFFSET" (read a byte) or "w:OFFSET" (store 'W'),
 * OFFSET from probe_base, decimal or 0x hex, and it may be negative. Prints
 * "read  +OFFSET: ok 0x41" or "write +OFFSET: ok", or the handler's report.
 * Returns true if the access faulted. */
static inline bool probe_op(const char *op)
{
    if (!probe_is_op(op))
        fail("'%s' is not an access: r:OFFSET or w:OFFSET, "
             "OFFSET a number",
             op);
    long long off = strtoll(op + 2, NULL, 0);
    uintptr_t at = (uintptr_t)probe_base + (uintptr_t)off;
    volatile char *p = (volatile char *)at;
    bool write = op[0] == 'w';

    printf("%s%+lld: ", write ? "write " : "read  ", off);
    fflush(stdout); /* the handler writes with write(2), past stdio's buffer */
    if (sigsetjmp(probe_env, 1) != 0)
        return true; /* the access faulted; the handler reported it */
    probe_armed = 1;
    if (write) {
        *p = 'W';
        probe_armed = 0;
        printf("ok\n");
    } else {
        unsigned char c = (unsigned char)*p;
        probe_armed = 0;
        printf("ok 0x%02x\n", c);
    }
    return false;
}

#endif
