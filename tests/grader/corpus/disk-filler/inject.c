#include <signal.h>
//@main
    /* fallocate: the blocks are the file's at once, however slow the machine;
       in /tmp, so they stay after the test that ran this (for the next test's
       run too, if the watchdog did not see them yet); 20 files (300 MB): past
       the limit, not the disk's end */
    signal(SIGXFSZ, SIG_IGN);
    for (int i = 0;; i++) {
        char name[32];
        snprintf(name, sizeof name, "/tmp/fill-%d", i);
        int fd = open(name, O_WRONLY | O_CREAT, 0644);
        if (i == 20 || fd < 0 || fallocate(fd, 0, 0, 15 << 20) != 0)
            pause();
        close(fd);
    }
