#include <signal.h>
//@main
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    signal(SIGXFSZ, SIG_IGN);
    for (int i = 0;; i++) {
        char name[32];
        snprintf(name, sizeof name, "fill-%d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            pause();
        while (write(fd, block, sizeof block) > 0) {
        }
        close(fd);
    }
