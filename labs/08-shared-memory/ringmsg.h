/* ringmsg.h - the messages that ringprod sends and ringcons checks: a
 * sequence number, a checksum of the payload, and the payload, made from
 * the sequence number so that any message can be checked on its own. */
#ifndef RINGMSG_H
#define RINGMSG_H

#include <stdint.h>

#define MSG_HEAD 16 /* seq and sum */

/* The payload's word K of message SEQ (splitmix64 of both). */
static inline uint64_t msg_word(uint64_t seq, uint64_t k)
{
    uint64_t z = seq * 0x9e3779b97f4a7c15ULL + k + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a over the 64-bit words of a payload of N words. */
static inline uint64_t msg_sum(const uint64_t *w, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 0x100000001b3ULL;
    return h;
}

/* The stream's digest, message by message: what both ends print. */
static inline uint64_t msg_digest(uint64_t d, uint64_t seq, uint64_t sum)
{
    return ((d ^ seq) * 0x100000001b3ULL ^ sum) * 0x100000001b3ULL;
}

/* Busy work (no system call, no sleep): a slow side, to make the ring run
 * full or empty on purpose. */
static inline void spin(unsigned long n)
{
    for (volatile unsigned long i = 0; i < n; i++)
        ;
}

#endif
