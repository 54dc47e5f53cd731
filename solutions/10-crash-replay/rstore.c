/* rstore - a record store that survives a power cut at any moment.
 *
 * usage: rstore create FILE CAPACITY    a new store with room for CAPACITY versions
 *        rstore set FILE KEY TEXT       store TEXT as record KEY, then commit
 *        rstore get FILE KEY            print the last committed text of KEY
 *        rstore list FILE               every record: "KEY TEXT", by key
 *        rstore check FILE              open the store and say what it holds
 *
 * The file is one mapping: page 0 is the header, then fixed-size slots.
 *
 *   page 0                  page 1          page 2          page 3
 *   | header |   (unused)   |slot 0|slot 1|...|slot 19|sl|ot 20|slot 21|...
 *   magic capacity committed                          ^ a slot may straddle two pages
 *
 * A slot holds one version of one record, with a sequence number and a
 * checksum. `set` never writes over a slot in use: it fills the next free
 * slot, makes it durable, and only then moves the commit mark (the header's
 * count of committed slots) over it, and makes that durable. Then it prints
 * "committed record KEY", the promise: after a crash at any later moment the
 * store opens and holds that text (or a newer one). Opening the store is the
 * recovery: it trusts the committed slots whose sequence number and checksum
 * are right, in order, and nothing after the first one that is not.
 */
#include "wb.h"
#include <stddef.h>
#include <stdint.h>

#define HEADER_SIZE 4096 /* the header has page 0 to itself */
#define TEXT_MAX 176
#define MAGIC "RSTORE10"

struct header {
    char magic[8];      /* "RSTORE10" */
    uint64_t capacity;  /* slots in the file */
    uint64_t committed; /* the commit mark: slots 0 .. committed - 1 are in */
};

/* 200 bytes: 20 slots and a part of the 21st in a page */
struct slot {
    uint64_t seq;        /* slot i holds seq i + 1; 0: never written */
    uint32_t key;        /* the record */
    uint32_t len;        /* bytes of text */
    char text[TEXT_MAX]; /* the text, then zero bytes */
    uint32_t crc;        /* slot_crc() of all the bytes above */
    uint32_t pad;        /* 0 */
};
_Static_assert(sizeof(struct slot) == 200, "a slot is 200 bytes");

struct store {
    const char *path;
    char *map;
    size_t size;
    struct header *hdr;
    struct slot *slots;
    uint64_t nslots; /* the slots that recovery found whole and committed */
};

/* CRC-32 (the polynomial of zlib and Ethernet) of the slot's bytes before its crc. */
static uint32_t slot_crc(const struct slot *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < offsetof(struct slot, crc); i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc;
}

static size_t store_size(uint64_t capacity)
{
    return HEADER_SIZE + capacity * sizeof(struct slot);
}

/* msync(MS_SYNC) the pages that hold bytes [off, off + len) of the mapping.
 * (unused: the starter does not call it yet.) */
__attribute__((unused)) static void sync_range(const struct store *s, size_t off, size_t len,
                                               const char *what)
{
    size_t ps = page_size(), start = off / ps * ps;
    if (msync(s->map + start, off + len - start, MS_SYNC) < 0)
        die("msync %s of %s", what, s->path);
}

static void create(const char *path, long long capacity)
{
    if (capacity < 1 || capacity > 1000000)
        fail("CAPACITY must be between 1 and 1000000, not %lld", capacity);
    size_t size = store_size((uint64_t)capacity);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644); /* never overwrite a store */
    if (fd < 0)
        die("create %s", path);
    /* TODO 1.1: give the file its size with its disk space reserved, so that
     * no store into the mapping can ever find the disk full (a store into a
     * hole of a full disk is a SIGBUS). ftruncate() gives the size only. If
     * the space cannot be had, remove the file (it is no store) and say why. */
    //@solution
    int err = posix_fallocate(fd, 0, (off_t)size);
    if (err) {
        errno = err; /* posix_fallocate returns the error, errno is not set */
        unlink(path);
        die("reserve %zu bytes for %s", size, path);
    }
    //@starter
    // if (ftruncate(fd, (off_t)size) < 0)
    //     die("ftruncate %s", path);
    //@end
    char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    if (close(fd) < 0)
        die("close %s", path);
    struct header *h = (struct header *)map;
    memcpy(h->magic, MAGIC, sizeof h->magic);
    h->capacity = (uint64_t)capacity;
    h->committed = 0;
    /* TODO 1.2: the store exists once its header is on the disk: make it
     * durable before saying so. */
    //@solution
    struct store s = {.path = path, .map = map};
    sync_range(&s, 0, sizeof *h, "the header");
    //@starter
    //@end
    if (munmap(map, size) < 0)
        die("munmap %s", path);
    printf("created %s: room for %lld versions\n", path, capacity);
}

/* Is slot I whole: its sequence number, length and checksum right? */
__attribute__((unused)) static bool slot_ok(const struct slot *sl, uint64_t i)
{
    return sl->seq == i + 1 && sl->len <= TEXT_MAX && sl->crc == slot_crc(sl);
}

/* Open and map the store, and recover: count the slots to trust. */
static struct store open_store(const char *path, bool writable)
{
    off_t fsize;
    int fd = open_file(path, writable ? O_RDWR : O_RDONLY, &fsize);
    struct store s = {.path = path, .size = (size_t)fsize};
    if (fsize < HEADER_SIZE)
        fail("%s is %lld bytes: too short for a store", path, (long long)fsize);
    s.map = mmap(NULL, s.size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (s.map == MAP_FAILED)
        die("mmap %s", path);
    if (close(fd) < 0)
        die("close %s", path);
    s.hdr = (struct header *)s.map;
    s.slots = (struct slot *)(s.map + HEADER_SIZE);
    if (memcmp(s.hdr->magic, MAGIC, sizeof s.hdr->magic) != 0)
        fail("%s is not a store: no %s at its start", path, MAGIC);
    if (s.hdr->capacity > 1000000 || store_size(s.hdr->capacity) != s.size)
        fail("%s is %zu bytes, but its header says %llu slots", path, s.size,
             (unsigned long long)s.hdr->capacity);
    if (s.hdr->committed > s.hdr->capacity)
        fail("%s: %llu slots committed of %llu: a broken header", path,
             (unsigned long long)s.hdr->committed, (unsigned long long)s.hdr->capacity);
    /* TODO 3.1: recovery. Trust the committed slots (0 .. committed - 1)
     * that are whole (slot_ok), in order, up to the first one that is not:
     * a torn slot, and every slot after it, does not count. A slot past the
     * commit mark does not count either, however whole it looks. */
    //@solution
    s.nslots = 0;
    while (s.nslots < s.hdr->committed && slot_ok(&s.slots[s.nslots], s.nslots))
        s.nslots++;
    //@starter
    // s.nslots = s.hdr->committed;
    //@end
    return s;
}

static void close_store(struct store *s)
{
    if (munmap(s->map, s->size) < 0)
        die("munmap %s", s->path);
}

static void set(const char *path, long long key, const char *text)
{
    size_t len = strlen(text);
    if (key > UINT32_MAX)
        fail("KEY must be at most %u, not %lld", UINT32_MAX, key);
    if (len > TEXT_MAX)
        fail("the text is %zu bytes; a record holds at most %d", len, TEXT_MAX);
    struct store s = open_store(path, true);
    uint64_t n = s.nslots;
    if (n == s.hdr->capacity)
        fail("%s is full: all %llu slots are used", path, (unsigned long long)n);
    struct slot *sl = &s.slots[n];
    size_t off = HEADER_SIZE + n * sizeof *sl;
    /* TODO 2.1: write the new version into slot n, the first free one (never
     * over an older version: a crash in the middle would destroy both):
     * sequence number n + 1, the key, the length, the text and zero bytes
     * after it, then the checksum over all of that (slot_crc). */
    //@solution
    sl->seq = n + 1;
    sl->key = (uint32_t)key;
    sl->len = (uint32_t)len;
    memset(sl->text, 0, TEXT_MAX);
    memcpy(sl->text, text, len);
    sl->pad = 0;
    sl->crc = slot_crc(sl);
    //@starter
    // (void)sl;
    //@end
    /* TODO 2.2: make the slot durable before anything counts it: msync()
     * with MS_SYNC the pages that hold it (it may straddle two). */
    //@solution
    sync_range(&s, off, sizeof *sl, "the new slot");
    //@starter
    // (void)off;
    //@end
    /* TODO 2.3: commit: move the commit mark over the new slot, and make
     * the header durable, before the promise is printed. */
    //@solution
    s.hdr->committed = n + 1;
    sync_range(&s, 0, sizeof *s.hdr, "the commit mark");
    //@starter
    //@end
    printf("committed record %lld\n", key);
    fflush(stdout); /* the promise is made when the words go out */
    close_store(&s);
}

/* The slot of KEY's last version, or NULL. */
static const struct slot *latest(const struct store *s, uint32_t key)
{
    const struct slot *found = NULL;
    for (uint64_t i = 0; i < s->nslots; i++)
        if (s->slots[i].key == key)
            found = &s->slots[i];
    return found;
}

static void get(const char *path, long long key)
{
    struct store s = open_store(path, false);
    const struct slot *sl = key <= UINT32_MAX ? latest(&s, (uint32_t)key) : NULL;
    if (!sl)
        fail("%s has no record %lld", path, key);
    printf("%.*s\n", (int)sl->len, sl->text);
    close_store(&s);
}

static int by_key(const void *a, const void *b)
{
    const struct slot *x = *(const struct slot *const *)a, *y = *(const struct slot *const *)b;
    return (x->key > y->key) - (x->key < y->key);
}

static void list(const char *path)
{
    struct store s = open_store(path, false);
    const struct slot **recs = calloc(s.nslots + 1, sizeof *recs);
    if (!recs)
        die("calloc");
    size_t n = 0;
    for (uint64_t i = 0; i < s.nslots; i++)
        if (latest(&s, s.slots[i].key) == &s.slots[i])
            recs[n++] = &s.slots[i];
    qsort(recs, n, sizeof *recs, by_key);
    for (size_t i = 0; i < n; i++)
        printf("%u %.*s\n", recs[i]->key, (int)recs[i]->len, recs[i]->text);
    free(recs);
    close_store(&s);
}

static void check(const char *path)
{
    struct store s = open_store(path, false);
    printf("%s: %llu slots committed, %llu whole, room for %llu\n", path,
           (unsigned long long)s.hdr->committed, (unsigned long long)s.nslots,
           (unsigned long long)s.hdr->capacity);
    close_store(&s);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "create FILE CAPACITY | set FILE KEY TEXT | get FILE KEY | "
                           "list FILE | check FILE";
    if (argc < 3)
        usage(synopsis);
    const char *cmd = argv[1], *path = argv[2];
    if (strcmp(cmd, "create") == 0 && argc == 4)
        create(path, parse_num(argv[3], "CAPACITY"));
    else if (strcmp(cmd, "set") == 0 && argc == 5)
        set(path, parse_num(argv[3], "KEY"), argv[4]);
    else if (strcmp(cmd, "get") == 0 && argc == 4)
        get(path, parse_num(argv[3], "KEY"));
    else if (strcmp(cmd, "list") == 0 && argc == 3)
        list(path);
    else if (strcmp(cmd, "check") == 0 && argc == 3)
        check(path);
    else
        usage(synopsis);
    return 0;
}
