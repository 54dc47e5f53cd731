/* ringprod - the producer: append COUNT messages to a ring.
 *
 * usage: ringprod NAME COUNT [SIZE] [--spin N] [--die-after K]
 *
 * Attaches to the ring NAME (made by ringmk) as its only producer and sends
 * COUNT messages of SIZE bytes (default 64, a multiple of 8, at least 16):
 * message number S (its place in the ring's stream, which goes on from
 * where an earlier producer stopped) holds S, a checksum, and a payload made
 * from S. Then it leaves, marking the stream done, and prints
 *     ringprod: sent COUNT messages (seq A to B), digest D; futex waits W, wakes K
 * --spin N does N rounds of busy work per message: a slow producer.
 * --die-after K: after K messages, kill itself with SIGKILL (a producer that
 * dies: the consumer takes what is in the ring, then says so).
 */
#include "ring.h"
#include "ringmsg.h"

int main(int argc, char *argv[])
{
    const char *synopsis = "NAME COUNT [SIZE] [--spin N] [--die-after K]";
    if (argc < 3)
        usage(synopsis);
    const char *name = argv[1];
    unsigned long long count = (unsigned long long)parse_num(argv[2], "COUNT");
    size_t size = 64;
    unsigned long slow = 0;
    long long die_after = -1;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--spin") == 0 && i + 1 < argc)
            slow = (unsigned long)parse_num(argv[++i], "the --spin count");
        else if (strcmp(argv[i], "--die-after") == 0 && i + 1 < argc)
            die_after = parse_num(argv[++i], "the --die-after count");
        else if (i == 3)
            size = (size_t)parse_num(argv[i], "SIZE");
        else
            usage(synopsis);
    }
    if (size < MSG_HEAD || size % 8 || size > (1u << 20))
        fail("SIZE must be a multiple of 8 from %d to 2^20, not %zu", MSG_HEAD, size);

    struct ring r;
    ring_attach(&r, name, true);
    if (size > ring_max_msg(&r))
        fail("messages of %zu bytes do not fit in %s's slots (%zu bytes at most)", size, name,
             ring_max_msg(&r));
    uint64_t *msg = malloc(size);
    if (msg == NULL)
        die("malloc");
    size_t words = size / 8 - 2;
    uint64_t first = r.head, digest = 0;
    for (unsigned long long i = 0; i < count; i++) {
        if ((long long)i == die_after)
            kill(getpid(), SIGKILL);
        uint64_t seq = r.head;
        for (size_t k = 0; k < words; k++)
            msg[2 + k] = msg_word(seq, k);
        msg[0] = seq;
        msg[1] = msg_sum(msg + 2, words);
        digest = msg_digest(digest, seq, msg[1]);
        spin(slow);
        ring_push(&r, msg, (uint32_t)size);
    }
    ring_wake_consumer(&r, true);
    unsigned long waits = r.waits, wakes = r.wakes;
    ring_detach(&r);
    free(msg);
    if (count)
        printf("ringprod: sent %llu messages (seq %llu to %llu), digest %016llx; "
               "futex waits %lu, wakes %lu\n",
               count, (unsigned long long)first, (unsigned long long)(first + count - 1),
               (unsigned long long)digest, waits, wakes);
    else
        printf("ringprod: sent 0 messages\n");
    return 0;
}
