/* ringcons - the consumer: take every message out of a ring and check it.
 *
 * usage: ringcons NAME [--die-after K] [--spin N]
 *
 * Attaches to the ring NAME as its only consumer and takes messages until
 * the producer has left and the ring is empty. Each message must be the next
 * of the stream (its number is the ring's tail: once, in order) and match
 * its checksum (intact); the first that does not stops the program with a
 * message that says which. At the end it prints
 *     ringcons: received N messages (seq A to B), digest D; futex waits W, wakes K
 * The digest is the producer's, when both saw the same messages.
 * --die-after K: after K messages, print "ringcons PID: took K messages" and
 * kill itself with SIGKILL: a consumer that dies; another one can attach
 * and carry on. --spin N: N rounds of busy work per message (a slow consumer).
 */
#include "ring.h"
#include "ringmsg.h"

int main(int argc, char *argv[])
{
    const char *synopsis = "NAME [--die-after K] [--spin N]";
    if (argc < 2)
        usage(synopsis);
    const char *name = argv[1];
    long long die_after = -1;
    unsigned long slow = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--die-after") == 0 && i + 1 < argc)
            die_after = parse_num(argv[++i], "the --die-after count");
        else if (strcmp(argv[i], "--spin") == 0 && i + 1 < argc)
            slow = (unsigned long)parse_num(argv[++i], "the --spin count");
        else
            usage(synopsis);
    }

    struct ring r;
    ring_attach(&r, name, false);
    size_t cap = ring_max_msg(&r);
    uint64_t *msg = malloc(cap);
    if (msg == NULL)
        die("malloc");
    uint64_t first = r.tail, digest = 0, n = 0;
    for (;;) {
        if ((long long)n == die_after) {
            char line[96];
            int len = snprintf(line, sizeof line, "ringcons %ld: took %llu messages\n",
                               (long)getpid(), (unsigned long long)n);
            write_all(STDOUT_FILENO, line, (size_t)len);
            kill(getpid(), SIGKILL);
        }
        uint64_t want = r.tail;
        long len = ring_pop(&r, msg, cap);
        if (len < 0)
            break;
        if (len < MSG_HEAD || len % 8)
            fail("message %llu is %ld bytes: not a message of ringprod's", (unsigned long long)want,
                 len);
        if (msg[0] != want)
            fail("message %llu of the stream holds seq %llu: a message %s",
                 (unsigned long long)want, (unsigned long long)msg[0],
                 msg[0] < want ? "seen twice (or a slot reused before it was read)"
                               : "lost (or read before it was written)");
        if (msg_sum(msg + 2, (size_t)len / 8 - 2) != msg[1])
            fail("message %llu is damaged: its checksum does not match its bytes",
                 (unsigned long long)want);
        digest = msg_digest(digest, msg[0], msg[1]);
        n++;
        spin(slow);
    }
    unsigned long waits = r.waits, wakes = r.wakes;
    ring_detach(&r);
    free(msg);
    if (n)
        printf("ringcons: received %llu messages (seq %llu to %llu), digest %016llx; "
               "futex waits %lu, wakes %lu\n",
               (unsigned long long)n, (unsigned long long)first,
               (unsigned long long)(first + n - 1), (unsigned long long)digest, waits, wakes);
    else
        printf("ringcons: received 0 messages\n");
    return 0;
}
