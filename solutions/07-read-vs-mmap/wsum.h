/* wsum.h - the checksum that every reader of this lab computes: the sum of
 * the file's 64-bit words (little-endian, the last word padded with zero
 * bytes), modulo 2^64. Both readers must print the same sum for the same
 * file, whatever the read() buffer size.
 *
 * A sum of words, not a loop over bytes: the compiler turns the inner loop
 * into vector instructions, so summing is as fast as memory can deliver the
 * bytes, and the benchmark measures how the bytes arrive, not the loop.
 * There is no task in this file.
 */
#ifndef WSUM_H
#define WSUM_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wsum {
    uint64_t sum;  /* the words summed so far */
    uint64_t part; /* a word begun but not finished (a chunk ended inside it) */
    unsigned have; /* how many of its bytes we have: 0 to 7 */
};

/* Sum N whole words at P (any alignment). Eight accumulators, each summing
 * every eighth word: the inner loop has a fixed trip count, which gcc -O2
 * vectorises (two 128-bit adds per 32 bytes with SSE2). */
static inline uint64_t wsum_words(const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n * 8;
    uint64_t acc[8] = {0};
    for (; end - p >= 64; p += 64)
        for (int j = 0; j < 8; j++) {
            uint64_t w;
            memcpy(&w, p + j * 8, 8); /* an unaligned load, no UB */
            acc[j] += le64toh(w);     /* nothing to do on x86-64, arm64 */
        }
    uint64_t s = 0;
    for (int j = 0; j < 8; j++)
        s += acc[j];
    for (; p < end; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        s += le64toh(w);
    }
    return s;
}

/* Add the next LEN bytes of the file, which are at P. Chunks may end
 * anywhere: a word split between two chunks is put together first. */
static inline void wsum_update(struct wsum *s, const void *p, size_t len)
{
    const unsigned char *b = p;
    while (s->have && len) { /* finish the word the last chunk began */
        s->part |= (uint64_t)*b++ << (8 * s->have);
        len--;
        if (++s->have == 8) {
            s->sum += s->part;
            s->part = 0;
            s->have = 0;
        }
    }
    s->sum += wsum_words(b, len / 8);
    b += len / 8 * 8;
    for (size_t i = 0; i < len % 8; i++) /* begin the next word */
        s->part |= (uint64_t)b[i] << (8 * s->have++);
}

/* The sum of everything added, the last word padded with zero bytes. */
static inline uint64_t wsum_final(const struct wsum *s)
{
    return s->sum + s->part;
}

#endif
