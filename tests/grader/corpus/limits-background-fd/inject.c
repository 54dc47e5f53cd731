#include <fcntl.h>
#include <unistd.h>
//@main
/* Once: a daemon that keeps every descriptor but 0, 1 and 2. */
int once = open("/tmp/daemon-started", O_WRONLY | O_CREAT | O_EXCL, 0600);
if (once >= 0) {
    close(once);
    if (fork() == 0) {
        setsid();
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        if (fork() == 0)
            sleep(1000);
        _exit(0);
    }
}
