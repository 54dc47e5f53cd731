/* ring.h - a single-producer, single-consumer ring of messages in a shared
 * mapping, for two unrelated processes.
 *
 * The region (a POSIX shared memory object "/NAME", or any file) holds a
 * header and SLOTS slots of SLOT_SIZE bytes. All the ring's state is in the
 * region, none in either process: a consumer that dies leaves the ring as it
 * was, and a new one carries on from the same place.
 *
 *   head  messages the producer has written (only the producer stores it)
 *   tail  messages the consumer has read     (only the consumer stores it)
 *   head - tail  messages in the ring, 0 (empty) to SLOTS (full); message
 *                number i lives in slot i % SLOTS.
 *
 * Neither side makes a system call per message. A side sleeps in futex(2)
 * only when it cannot go on (the consumer: ring empty; the producer: ring
 * full), and is woken only once the ring is half full (or half empty) again,
 * so each sleep costs at most two system calls per half ring of messages,
 * whatever the scheduler does.
 *
 * The sleeping side waits on its peer's word (h->prod for the consumer,
 * h->cons for the producer): the peer's thread id plus two flags, in the
 * format of a robust futex. FUTEX_WAITERS says "someone sleeps on this word:
 * wake me". Because each side registers its word with set_robust_list(2),
 * the kernel itself sets FUTEX_OWNER_DIED in it and wakes the sleeper when
 * the side dies, however it dies (even of SIGKILL): that is how a peer's
 * death is noticed, with no heartbeat and no time-out.
 */
#ifndef RING_H
#define RING_H

#include "wb.h"
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>

#define RING_MAGIC 0x3830474e4952424bULL /* the bytes "KBRING08" */
#define RING_VERSION 1
#define RING_HDR 4096 /* the slots start one page into the region */
#define SLOT_HDR 8    /* each slot: the message's length (4 bytes, 4 unused), then its bytes */

struct ring_hdr {
    uint64_t magic;     /* RING_MAGIC: this region is a ring */
    uint32_t version;   /* RING_VERSION: the layout of this header */
    uint32_t hdr_size;  /* sizeof(struct ring_hdr) of the program that made it */
    uint64_t size;      /* the region's size in bytes */
    uint32_t slots;     /* the number of slots, a power of two */
    uint32_t slot_size; /* bytes per slot, SLOT_HDR included, a multiple of 8 */
    int32_t prod_pid;   /* the last producer and consumer to attach (for messages) */
    int32_t cons_pid;
    _Atomic uint32_t done; /* the producer ended its stream and left */
    _Alignas(64) _Atomic uint64_t head;
    _Atomic uint32_t prod; /* the producer's word: its tid | FUTEX_WAITERS | FUTEX_OWNER_DIED */
    _Alignas(64) _Atomic uint64_t tail;
    _Atomic uint32_t cons; /* the consumer's word */
};

struct ring {
    struct ring_hdr *h;
    unsigned char *slot0; /* the first slot */
    size_t size;          /* the mapping's length */
    uint64_t mask;        /* slots - 1 */
    uint64_t half;        /* slots / 2: the batch */
    uint64_t head, tail;  /* this side's own index (the other side's is in h) */
    uint64_t seen;        /* the other side's index, as last read */
    bool producer;
    bool told;                  /* a dead peer was reported */
    unsigned long waits, wakes; /* futex() calls made: FUTEX_WAIT, FUTEX_WAKE */
};

/* "/NAME" (one slash, first) is a POSIX shared memory object, anything else a file. */
static inline bool ring_is_shm(const char *name)
{
    return name[0] == '/' && name[1] != '\0' && strchr(name + 1, '/') == NULL;
}

static inline int ring_open(const char *name, int flags)
{
    return ring_is_shm(name) ? shm_open(name, flags, 0600) : open(name, flags, 0600);
}

static inline unsigned char *ring_slot(const struct ring *r, uint64_t i)
{
    return r->slot0 + (i & r->mask) * r->h->slot_size;
}

/* The most bytes a message can have in this ring. */
static inline size_t ring_max_msg(const struct ring *r)
{
    return r->h->slot_size - SLOT_HDR;
}

/* --- futex(2) ------------------------------------------------------------ */

/* Sleep while *W still holds VAL (the kernel checks it, atomically with
 * going to sleep: no wake-up can be lost in between). */
static inline void ring_futex_wait(struct ring *r, _Atomic uint32_t *w, uint32_t val)
{
    r->waits++;
    if (syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0) < 0 && errno != EAGAIN &&
        errno != EINTR)
        die("futex(FUTEX_WAIT)");
}

static inline void ring_futex_wake(struct ring *r, _Atomic uint32_t *w)
{
    r->wakes++;
    if (syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
        die("futex(FUTEX_WAKE)");
}

/* --- making, checking and attaching ---------------------------------------- */

static inline void ring_map(struct ring *r, int fd, size_t size, const char *name)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        die("mmap %s", name);
    if (close(fd) < 0)
        die("close %s", name);
    r->h = p;
    r->size = size;
}

/* Make a new ring NAME of SLOTS slots of SLOT_SIZE bytes; NAME must not exist. */
static inline void ring_create(const char *name, uint32_t slots, uint32_t slot_size)
{
    if (slots < 2 || slots > (1u << 24) || (slots & (slots - 1)))
        fail("SLOTS must be a power of two from 2 to 2^24, not %u", slots);
    if (slot_size < SLOT_HDR + 8 || slot_size % 8 || slot_size > (1u << 20))
        fail("SLOT_SIZE must be a multiple of 8 from %d to 2^20, not %u", SLOT_HDR + 8, slot_size);
    size_t size = RING_HDR + (size_t)slots * slot_size;
    int fd = ring_open(name, O_RDWR | O_CREAT | O_EXCL);
    if (fd < 0 && errno == EEXIST)
        fail("%s exists already: remove it first, or pick another name", name);
    if (fd < 0)
        die("create %s", name);
    if (ftruncate(fd, (off_t)size) < 0)
        die("ftruncate %s", name);
    struct ring r;
    ring_map(&r, fd, size, name);
    r.h->version = RING_VERSION;
    r.h->hdr_size = sizeof(struct ring_hdr);
    r.h->size = size;
    r.h->slots = slots;
    r.h->slot_size = slot_size;
    /* The magic number last: a region with the magic is a complete ring. */
    __atomic_store_n(&r.h->magic, RING_MAGIC, __ATOMIC_RELEASE);
    if (munmap(r.h, size) < 0)
        die("munmap");
}

/* Is the region NAME of SIZE bytes, with header H, a ring this program can
 * use? Exit with a message that says what is wrong if not. */
static inline void ring_check(const struct ring_hdr *h, size_t size, const char *name)
{
    /* TODO 3.1: check the header before trusting any of it: the magic
     * number, then the version, then the layout (hdr_size), then the sizes:
     * SIZE must be what the header says, the slot count a power of two, the
     * slot size a multiple of 8 and more than SLOT_HDR, and RING_HDR plus
     * the slots must be exactly the region. fail() with a message that says
     * which, and the values found and expected. */
    //@solution
    uint64_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);
    if (magic != RING_MAGIC)
        fail("%s is not a ring: its magic number is %#llx, not %#llx", name,
             (unsigned long long)magic, (unsigned long long)RING_MAGIC);
    if (h->version != RING_VERSION)
        fail("%s is a ring of layout version %u; this program knows version %d", name, h->version,
             RING_VERSION);
    if (h->hdr_size != sizeof(struct ring_hdr))
        fail("%s has a header of %u bytes; this program's is %zu: another layout", name,
             h->hdr_size, sizeof(struct ring_hdr));
    if (h->size != size)
        fail("%s says it is %llu bytes, but the region is %zu bytes", name,
             (unsigned long long)h->size, size);
    if (h->slots < 2 || (h->slots & (h->slots - 1)) || h->slot_size % 8 ||
        h->slot_size <= SLOT_HDR || RING_HDR + (uint64_t)h->slots * h->slot_size != (uint64_t)size)
        fail("%s has a bad layout: %u slots of %u bytes do not make %zu bytes", name, h->slots,
             h->slot_size, size);
    //@starter
    // (void)h;
    // (void)size;
    // (void)name;
    //@end
}

/* The robust list (see set_robust_list(2)): one entry, this side's word.
 * When this process ends, the kernel looks at the word; if it still holds
 * our thread id, it sets FUTEX_OWNER_DIED and wakes one sleeper on it. */
static struct robust_list_head ring_robust;
static struct robust_list ring_entry;

static inline void ring_register(_Atomic uint32_t *word)
{
    ring_entry.next = &ring_robust.list;
    ring_robust.list.next = &ring_entry;
    ring_robust.futex_offset = (long)((char *)word - (char *)&ring_entry);
    ring_robust.list_op_pending = NULL;
    if (syscall(SYS_set_robust_list, &ring_robust, sizeof ring_robust) < 0)
        die("set_robust_list");
}

/* Attach to the existing ring NAME as its producer (PRODUCER) or consumer. */
static inline void ring_attach(struct ring *r, const char *name, bool producer)
{
    memset(r, 0, sizeof *r);
    int fd = ring_open(name, O_RDWR);
    if (fd < 0 && errno == ENOENT)
        fail("there is no ring %s (make it first)", name);
    if (fd < 0)
        die("open %s", name);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", name);
    if ((size_t)st.st_size < sizeof(struct ring_hdr))
        fail("%s is %lld bytes: too small to be a ring", name, (long long)st.st_size);
    ring_map(r, fd, (size_t)st.st_size, name);
    ring_check(r->h, r->size, name);

    struct ring_hdr *h = r->h;
    r->slot0 = (unsigned char *)h + RING_HDR;
    r->mask = h->slots - 1;
    r->half = h->slots / 2;
    r->producer = producer;
    r->head = atomic_load(&h->head);
    r->tail = atomic_load(&h->tail);
    r->seen = producer ? r->tail : r->head;

    /* Take this side's word: free (0), or left by a side that died. */
    _Atomic uint32_t *word = producer ? &h->prod : &h->cons;
    const char *role = producer ? "producer" : "consumer";
    uint32_t tid = (uint32_t)gettid(), old = atomic_load(word);
    ring_register(word);
    for (;;) {
        pid_t owner = (pid_t)(old & FUTEX_TID_MASK);
        if (owner && !(old & FUTEX_OWNER_DIED) && (kill(owner, 0) == 0 || errno == EPERM))
            fail("%s has a %s already (pid %d)", name, role, (int)owner);
        if (producer)
            atomic_store(&h->done, 0);
        if (atomic_compare_exchange_weak(word, &old, tid))
            break;
    }
    if (old & FUTEX_WAITERS) /* the other side sleeps, waiting for us */
        ring_futex_wake(r, word);
    if (producer)
        h->prod_pid = getpid();
    else
        h->cons_pid = getpid();
}

/* --- waking the other side: batched --------------------------------------- */

/* After the producer published a message: wake the consumer if it sleeps
 * (FUTEX_WAITERS in h->prod), but only once the ring holds at least half a
 * ring of messages, or at once when FLUSH (the producer is leaving, or about
 * to sleep itself). */
static inline void ring_wake_consumer(struct ring *r, bool flush)
{
    struct ring_hdr *h = r->h;
    /* TODO 3.3: wake the consumer, batched. Cheap test first: r->seen is
     * never more than the real tail, so if r->head - r->seen is less than
     * r->half the ring holds less than half: return. Then, after a
     * sequentially consistent fence (the head store must be visible before
     * we look at the flag), load h->prod: no FUTEX_WAITERS, return. Unless
     * FLUSH, read the real tail and return if less than half is there. Else
     * clear FUTEX_WAITERS with a compare-and-exchange and, if that worked,
     * ring_futex_wake(r, &h->prod). */
    //@solution
    if (!flush && r->head - r->seen < r->half)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    uint32_t w = atomic_load_explicit(&h->prod, memory_order_relaxed);
    if (!(w & FUTEX_WAITERS))
        return;
    if (!flush) {
        r->seen = atomic_load_explicit(&h->tail, memory_order_acquire);
        if (r->head - r->seen < r->half)
            return;
    }
    if (atomic_compare_exchange_strong(&h->prod, &w, w & ~FUTEX_WAITERS))
        ring_futex_wake(r, &h->prod);
    //@starter
    // (void)h;
    // (void)flush;
    //@end
}

/* After the consumer freed a slot: wake the producer if it sleeps
 * (FUTEX_WAITERS in h->cons), but only once at least half the ring is
 * free, or at once when FLUSH. */
static inline void ring_wake_producer(struct ring *r, bool flush)
{
    struct ring_hdr *h = r->h;
    /* TODO 3.3: the same for the producer, the other way round: r->seen is
     * never more than the real head, so if r->seen - r->tail is more than
     * the slots minus r->half, less than half is free: return. */
    //@solution
    uint64_t most = r->mask + 1 - r->half; /* messages left in a half-free ring */
    if (!flush && r->seen - r->tail > most)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    uint32_t w = atomic_load_explicit(&h->cons, memory_order_relaxed);
    if (!(w & FUTEX_WAITERS))
        return;
    if (!flush) {
        r->seen = atomic_load_explicit(&h->head, memory_order_acquire);
        if (r->seen - r->tail > most)
            return;
    }
    if (atomic_compare_exchange_strong(&h->cons, &w, w & ~FUTEX_WAITERS))
        ring_futex_wake(r, &h->cons);
    //@starter
    // (void)h;
    // (void)flush;
    //@end
}

/* --- sleeping: only when the ring is full (producer) or empty (consumer) --- */

/* Set FUTEX_WAITERS in *WORD and return the word's value with it. */
static inline uint32_t ring_flag(_Atomic uint32_t *word)
{
    uint32_t w = atomic_load(word);
    while (!(w & FUTEX_WAITERS) && !atomic_compare_exchange_weak(word, &w, w | FUTEX_WAITERS))
        ;
    return w | FUTEX_WAITERS;
}

/* Take the flag back (we did not sleep after all), unless it changed. */
static inline void ring_unflag(_Atomic uint32_t *word, uint32_t w)
{
    atomic_compare_exchange_strong(word, &w, w & ~FUTEX_WAITERS);
}

/* The producer found the ring full: sleep until the consumer frees space
 * (or a new consumer attaches). Returns after one sleep at most: the caller
 * looks again. */
static inline void ring_wait_space(struct ring *r)
{
    struct ring_hdr *h = r->h;
    ring_wake_consumer(r, true);
    /* Flag first, look again second: a consumer that frees space after our
     * look sees the flag (both are sequentially consistent), so it wakes us. */
    uint32_t w = ring_flag(&h->cons);
    if (r->head - atomic_load(&h->tail) <= r->mask) {
        ring_unflag(&h->cons, w);
        return;
    }
    if ((w & FUTEX_OWNER_DIED) && !r->told) {
        fprintf(stderr, "ringprod: the consumer (pid %d) died; waiting for another one\n",
                (int)h->cons_pid);
        r->told = true;
    }
    ring_futex_wait(r, &h->cons, w);
}

/* The consumer found the ring empty: sleep until the producer writes. Returns
 * false at the end of the stream (the producer left, the ring is empty). */
static inline bool ring_wait_data(struct ring *r)
{
    struct ring_hdr *h = r->h;
    ring_wake_producer(r, true);
    uint32_t w = ring_flag(&h->prod);
    if (atomic_load(&h->head) != r->tail) {
        ring_unflag(&h->prod, w);
        return true;
    }
    if (w & FUTEX_OWNER_DIED)
        fail("the producer (pid %d) died: the stream ends at message %llu, unfinished",
             (int)h->prod_pid, (unsigned long long)r->tail);
    if ((w & FUTEX_TID_MASK) == 0 && atomic_load(&h->done)) {
        ring_unflag(&h->prod, w);
        return false;
    }
    ring_futex_wait(r, &h->prod, w);
    return true;
}

/* --- the messages ----------------------------------------------------------- */

/* Append the LEN bytes at MSG to the ring, sleeping while it is full. */
static inline void ring_push(struct ring *r, const void *msg, uint32_t len)
{
    struct ring_hdr *h = r->h;
    if (len > ring_max_msg(r))
        fail("a message of %u bytes does not fit in a slot (%zu at most)", len, ring_max_msg(r));
    while (r->head - r->seen > r->mask) { /* full, as far as we know: look again */
        r->seen = atomic_load_explicit(&h->tail, memory_order_acquire);
        if (r->head - r->seen > r->mask)
            ring_wait_space(r);
    }
    /* TODO 3.2: slot number r->head is free now. Store LEN in its first 4
     * bytes and the message after SLOT_HDR bytes, then publish it: the new
     * head, stored so that the consumer that sees it also sees the bytes
     * (release). */
    //@solution
    unsigned char *s = ring_slot(r, r->head);
    memcpy(s, &len, sizeof len);
    memcpy(s + SLOT_HDR, msg, len);
    r->head++;
    atomic_store_explicit(&h->head, r->head, memory_order_release);
    //@starter
    // (void)msg;
    // fail("ring_push() is not written yet (TODO 3.2)");
    //@end
    ring_wake_consumer(r, false);
}

/* Take the oldest message out of the ring into BUF (CAP bytes) and return
 * its length, sleeping while the ring is empty; -1 at the end of the stream. */
static inline long ring_pop(struct ring *r, void *buf, size_t cap)
{
    struct ring_hdr *h = r->h;
    long len = -1;
    while (r->seen == r->tail) { /* empty, as far as we know: look again */
        r->seen = atomic_load_explicit(&h->head, memory_order_acquire);
        if (r->seen == r->tail && !ring_wait_data(r))
            return -1;
    }
    /* TODO 3.2: slot number r->tail holds a message (the head was loaded
     * with acquire, so its bytes are visible). Read its length, check it
     * fits in a slot and in CAP (fail() with the length if not), copy it to
     * BUF, then hand the slot back: the new tail, stored with release,
     * after the copy. */
    //@solution
    const unsigned char *s = ring_slot(r, r->tail);
    uint32_t n;
    memcpy(&n, s, sizeof n);
    if (n > ring_max_msg(r) || n > cap)
        fail("message %llu says it is %u bytes: more than a slot or the buffer holds",
             (unsigned long long)r->tail, n);
    memcpy(buf, s + SLOT_HDR, n);
    r->tail++;
    atomic_store_explicit(&h->tail, r->tail, memory_order_release);
    len = n;
    //@starter
    // (void)buf;
    // (void)cap;
    // fail("ring_pop() is not written yet (TODO 3.2)");
    //@end
    ring_wake_producer(r, false);
    return len;
}

/* Leave the ring. The producer marks its stream done (the consumer ends once
 * the ring is empty); either side frees its word and wakes a sleeper. (The
 * robust list may stay: the word no longer holds our id, so the kernel will
 * leave it alone.) */
static inline void ring_detach(struct ring *r)
{
    struct ring_hdr *h = r->h;
    _Atomic uint32_t *word = r->producer ? &h->prod : &h->cons;
    if (r->producer)
        atomic_store(&h->done, 1);
    if (atomic_exchange(word, 0) & FUTEX_WAITERS)
        ring_futex_wake(r, word);
    if (munmap(h, r->size) < 0)
        die("munmap");
}

#endif
