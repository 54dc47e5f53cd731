/* tools/grade-as-student.c - run a lab program as the student, never as the
 * grader (tools/grade.sh: the harness and the student's programs are two uids).
 *
 * In the grader's sandbox every lab program $BIN/NAME is a copy of this program
 * and the student's own build of it is $BIN/.student/NAME (tests/lib/wb.bash puts
 * them there). Run as $BIN/NAME, it closes every descriptor but 0, 1 and 2 (bats'
 * TAP stream, the traces' files), takes the student's uid and gid (STUDENT, set
 * when it is built), drops every capability, and executes $BIN/.student/NAME
 * with the same arguments and environment. Whatever the student's program then
 * does, it cannot write, read or signal the harness's files and processes.
 * Anything that fails stops it (status 126): the student's code never runs as
 * the harness.
 *
 * No C library: under strace its only lines are the few system calls below
 * (tests/lib/wb.bash takes them out of a trace). x86-64 Linux only.
 *   gcc -static -nostdlib -ffreestanding -fno-tree-loop-distribute-patterns
 *       -fno-stack-protector -O2 -DSTUDENT=UID -o grade-as-student grade-as-student.c
 */
#ifndef STUDENT
#error "build with -DSTUDENT=UID (the student's uid and gid in the sandbox)"
#endif

static long sys(long n, long a, long b, long c, long d, long e)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

enum {
    NR_WRITE = 1,
    NR_EXECVE = 59,
    NR_EXIT = 60,
    NR_READLINK = 89,
    NR_GETUID = 102,
    NR_GETEUID = 107,
    NR_SETRESUID = 117,
    NR_SETRESGID = 119,
    NR_SETGROUPS = 116,
    NR_CAPSET = 126,
    NR_PRCTL = 157,
    NR_CLOSE_RANGE = 436,
};

static void die(const char *what)
{
    static const char head[] = "grade-as-student: cannot ";
    long n = 0;
    while (what[n])
        n++;
    sys(NR_WRITE, 2, (long)head, sizeof head - 1, 0, 0);
    sys(NR_WRITE, 2, (long)what, n, 0, 0);
    sys(NR_WRITE, 2, (long)"\n", 1, 0, 0);
    sys(NR_EXIT, 126, 0, 0, 0, 0);
}

__attribute__((used)) static void run(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
    static char real[4096 + 16];
    static const char sub[] = ".student/";
    struct {
        unsigned version;
        int pid;
    } hdr = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3 */
    static unsigned caps[6]; /* effective, permitted, inheritable: x2, all 0 */

    long n = sys(NR_READLINK, (long)"/proc/self/exe", (long)real, 4096, 0, 0);
    if (n <= 0 || n >= 4096)
        die("find its own path");
    long slash = n;
    while (slash > 0 && real[slash - 1] != '/')
        slash--;
    for (long i = n; i >= slash; i--) /* DIR/NAME -> DIR/.student/NAME */
        real[i + sizeof sub - 1] = real[i];
    for (long i = 0; i < (long)sizeof sub - 1; i++)
        real[slash + i] = sub[i];
    real[n + sizeof sub - 1] = 0;

    if (sys(NR_CLOSE_RANGE, 3, ~0U, 0, 0, 0) != 0)
        die("close its descriptors");
    /* (a lab program that starts another one is the student already) */
    if (sys(NR_GETUID, 0, 0, 0, 0, 0) == STUDENT && sys(NR_GETEUID, 0, 0, 0, 0, 0) == STUDENT)
        goto exec;
    if (sys(NR_SETGROUPS, 0, 0, 0, 0, 0) != 0 ||
        sys(NR_SETRESGID, STUDENT, STUDENT, STUDENT, 0, 0) != 0 ||
        sys(NR_SETRESUID, STUDENT, STUDENT, STUDENT, 0, 0) != 0)
        die("take the student's uid");
    if (sys(NR_PRCTL, 47 /* PR_CAP_AMBIENT */, 4 /* CLEAR_ALL */, 0, 0, 0) != 0 ||
        sys(NR_CAPSET, (long)&hdr, (long)caps, 0, 0, 0) != 0 ||
        sys(NR_PRCTL, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) != 0)
        die("drop its capabilities");
exec:
    sys(NR_EXECVE, (long)real, (long)argv, (long)envp, 0, 0);
    die("run the student's program");
}

/* The entry point: the stack holds argc, argv, envp. */
__asm__(".globl _start\n"
        "_start:\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call run\n"
        "  hlt\n");
