/* annoy.h - read an annoy index through a mapping, the way annoy does.
 *
 * An annoy index (annoy 1.17, as Python's annoy and RcppAnnoy build it: 32-bit
 * node numbers, float coordinates) is one file of fixed-size nodes and nothing
 * else: no header, no count. Nodes 0 to n_items - 1 are the items; after them
 * come the nodes of each tree; the last nodes of the file are copies of the
 * trees' roots. Every node starts with its n_descendants:
 *
 *   1                 an item: its vector is the point
 *   2 to K            a leaf bucket: children[] lists that many item numbers
 *   more than K       a split: children[0], children[1] and the split plane's
 *                     normal in the vector (euclidean: and its offset a)
 *
 * The reader below never copies the file: the mapping is the index, and a
 * query reads the few nodes its walk needs. Every node number read from the
 * file is checked before it is used, so a damaged index, or one read with the
 * wrong metric or dimension, is reported and never read past.
 */
#ifndef ANNOY_H
#define ANNOY_H

#include "wb.h"
#include <math.h>
#include <stdint.h>

enum metric { ANGULAR, EUCLIDEAN };

struct index {
    const char *path;
    enum metric metric;
    int f;            /* the dimension: coordinates per vector */
    size_t node_size; /* bytes per node */
    size_t child_off; /* where children[] starts in a node */
    size_t vec_off;   /* where the vector starts in a node */
    int32_t K;        /* annoy's _K: the most item numbers a node can list */
    const char *map;  /* the whole file, mapped */
    size_t size;      /* its size in bytes */
    int32_t n_nodes;  /* size / node_size */
    int32_t n_items;  /* items 0 to n_items - 1 */
    int32_t n_roots;  /* the roots: the last n_roots nodes of the file */
};

/* How to map it: annoy's prefault (MAP_POPULATE), MADV_RANDOM, and a cold
 * start (the file's pages dropped from the page cache first). */
struct load_options {
    bool prefault, random, cold;
};

/* The placeholder of task 1.1: what annoy does NOT do. The whole file is
 * read() into anonymous memory (so that index_close() can munmap() it). */
static inline const char *read_whole_file(int fd, size_t size, const char *path)
{
    char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        die("mmap %zu bytes for %s", size, path);
    for (size_t done = 0; done < size;) {
        ssize_t n = pread(fd, buf + done, size - done, (off_t)done);
        if (n < 0)
            die("read %s", path);
        if (n == 0)
            fail("%s: shorter than its size", path);
        done += (size_t)n;
    }
    return buf;
}

/* Node I of the index, for any I read from the file (or from the user). */
static inline const char *node(const struct index *ix, int64_t i)
{
    /* TODO 2.4: a node number read from the file may be anything: a damaged
     * index, or one opened with the wrong metric or dimension, has garbage
     * there. Unless 0 <= I < n_nodes, fail() with a message that says the
     * index is "damaged" (and gives I), instead of reading outside the
     * mapping. */
    return ix->map + (size_t)i * ix->node_size;
}

static inline int32_t n_descendants(const struct index *ix, int64_t i)
{
    return *(const int32_t *)node(ix, i);
}
static inline const int32_t *children(const struct index *ix, int64_t i)
{
    return (const int32_t *)(node(ix, i) + ix->child_off);
}
static inline const float *vector(const struct index *ix, int64_t i)
{
    return (const float *)(node(ix, i) + ix->vec_off);
}

/* The node layout of METRIC in dimension F, as annoylib.h's structs have it. */
static inline void layout(struct index *ix)
{
    /* TODO 1.2: set node_size, child_off, vec_off and K for ix->metric and
     * ix->f, from the Node structs of annoylib.h with S = int32_t, T = float:
     *   angular:   n_descendants; union { children[2]; norm }; v[f]
     *   euclidean: n_descendants; a; children[2]; v[f]
     * K (annoy's _K) is how many int32_t fit from children[] to the end of
     * the node. */
    ix->node_size = (size_t)ix->f * sizeof(float);
    ix->child_off = 0;
    ix->vec_off = 0;
    ix->K = 2;
}

/* Drop the file's pages from the page cache (they must be clean: write them
 * back first), so that the next read of each comes from the disk. */
static inline void drop_cached_pages(int fd, const char *path)
{
    if (fdatasync(fd) < 0)
        die("fdatasync %s", path);
    int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (err) {
        errno = err;
        die("posix_fadvise %s", path);
    }
}

/* Find the roots at the end of the file, as annoy's load() does. */
static inline void find_roots(struct index *ix)
{
    /* TODO 1.4: annoy finds the roots by scanning back from the last node
     * while the nodes have the same n_descendants as the last one; that
     * number is n_items. If more than one was found and the first found (the
     * last node) has the same children[0] as the last found, the last found
     * is the tree's own root, not a copy: drop it. The roots are then the
     * last n_roots nodes of the file. A count that makes no sense (less than
     * 1 item, or not fewer items than nodes) means a damaged index: fail(). */
    ix->n_items = 0;
    ix->n_roots = 0;
}

/* Open and map the index at PATH, of METRIC in dimension F. */
static inline struct index index_open(const char *path, enum metric metric, int f,
                                      struct load_options opt)
{
    struct index ix = {.path = path, .metric = metric, .f = f};
    layout(&ix);
    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    if (opt.cold)
        drop_cached_pages(fd, path);

    /* TODO 1.3: refuse, before mapping, a file annoy's load() refuses, with
     * annoy's own reasons (fail("%s: REASON", path)):
     *   an empty file:  "Size of file is zero"
     *   a size that is not a whole number of nodes:  "Index size is not a
     *   multiple of vector size. Ensure you are opening using the same metric
     *   you used to create the index." */
    ix.size = (size_t)size;
    ix.n_nodes = (int32_t)(ix.size / ix.node_size);

    /* TODO 3.1: annoy's prefault: when opt.prefault is set, ask mmap() to
     * fault every page in now (MAP_POPULATE), before the first query. */
    int flags = MAP_SHARED;

    /* TODO 1.1: map the whole file, read-only, with FLAGS, as annoy's load()
     * does: no read(), no copy. (The placeholder reads it all into memory.) */
    (void)flags;
    ix.map = read_whole_file(fd, ix.size, path);

    /* TODO 3.3: when opt.random is set, tell the kernel that this mapping
     * will be read at random (madvise MADV_RANDOM): no readahead around each
     * page that faults. */
    if (close(fd) < 0)
        die("close %s", path);
    find_roots(&ix);
    return ix;
}

static inline void index_close(struct index *ix)
{
    if (munmap((void *)ix->map, ix->size) < 0)
        die("munmap %s", ix->path);
}

/* The vector of item ID. */
static inline const float *item_vector(const struct index *ix, long long id)
{
    /* TODO 1.5: annoy's get_item_vector() reads any node it is given (its
     * "TODO: handle OOB"). Do better: fail() with a message that says
     * "out of range" unless ID is an item (0 to n_items - 1). */
    (void)id;
    return vector(ix, ix->n_items > 0 ? ix->n_items - 1 : 0);
}

/* Annoy's dot product: float, in order (the same rounding as annoy's loop). */
static inline float dot(const float *x, const float *y, int f)
{
    float s = 0;
    for (int z = 0; z < f; z++)
        s += x[z] * y[z];
    return s;
}

/* Annoy's distance between two vectors, before its normalized_distance(). */
static inline float distance(const struct index *ix, const float *x, const float *y)
{
    /* TODO 2.1: annoy's distance, computed as annoy computes it (same float
     * operations, same order: the same neighbours):
     *   angular:   pp = x.x, qq = y.y, pq = x.y, ppqq = pp * qq;
     *              2.0 - 2.0 * pq / sqrtf(ppqq) when ppqq > 0, else 2
     *   euclidean: the sum of (x[z] - y[z])^2, in float */
    (void)ix;
    (void)x;
    (void)y;
    return 0;
}

/* The distance annoy reports (its normalized_distance): the square root. */
static inline float reported(float d)
{
    return sqrtf(d > 0 ? d : 0);
}

/* --- the search's two containers (given) --------------------------------- */

/* A growing array of node numbers: the candidates. */
struct ids {
    int32_t *v;
    size_t n, cap;
};
static inline void ids_push(struct ids *a, int32_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v)
            die("realloc");
    }
    a->v[a->n++] = x;
}

/* Annoy's queue: std::priority_queue<pair<float, S>>, a max-heap of
 * (priority, node) pairs. A tie on priority goes to the larger node number,
 * and ties are common (a child often inherits its parent's priority), so the
 * order of the walk, and with search_k the candidates, depend on this rule. */
struct pq_entry {
    float pri;
    int32_t node;
};
struct pq {
    struct pq_entry *v;
    size_t n, cap;
};
static inline bool pq_above(struct pq_entry a, struct pq_entry b)
{
    return a.pri > b.pri || (a.pri == b.pri && a.node > b.node);
}
static inline void pq_push(struct pq *q, float pri, int32_t node)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->v = realloc(q->v, q->cap * sizeof *q->v);
        if (!q->v)
            die("realloc");
    }
    size_t i = q->n++;
    q->v[i] = (struct pq_entry){pri, node};
    while (i > 0 && pq_above(q->v[i], q->v[(i - 1) / 2])) {
        struct pq_entry t = q->v[i];
        q->v[i] = q->v[(i - 1) / 2];
        q->v[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}
static inline struct pq_entry pq_pop(struct pq *q)
{
    struct pq_entry top = q->v[0];
    q->v[0] = q->v[--q->n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && pq_above(q->v[l], q->v[m]))
            m = l;
        if (r < q->n && pq_above(q->v[r], q->v[m]))
            m = r;
        if (m == i)
            break;
        struct pq_entry t = q->v[i];
        q->v[i] = q->v[m];
        q->v[m] = t;
        i = m;
    }
    return top;
}

/* The split plane's margin for vector Y at split node I (annoy's margin()). */
static inline float margin(const struct index *ix, int32_t i, const float *y)
{
    float m = dot(vector(ix, i), y, ix->f);
    if (ix->metric == EUCLIDEAN)
        m += *(const float *)(node(ix, i) + sizeof(int32_t)); /* + a */
    return m;
}

/* std::min(d, m), as annoy's pq_distance() takes it. */
static inline float lower(float d, float m)
{
    return m < d ? m : d;
}

/* Walk the trees from the roots, most promising side first, and collect
 * candidates (repeats included) until there are at least SEARCH_K. */
static inline struct ids walk(const struct index *ix, const float *w, long long search_k)
{
    struct ids nns = {0};
    struct pq q = {0};
    for (int32_t r = 0; r < ix->n_roots; r++)
        pq_push(&q, INFINITY, ix->n_nodes - 1 - r);
    /* TODO 2.2: annoy's loop. While fewer than SEARCH_K candidates were
     * collected and the queue is not empty, pop the top (priority d, node i):
     *   - an item (n_descendants 1 and i < n_items): collect i;
     *   - a bucket (n_descendants <= K): collect its n_descendants children;
     *   - a split: m = margin(ix, i, w); push children[1] with priority
     *     lower(d, m), then children[0] with lower(d, -m). */
    (void)w;
    (void)search_k;
    free(q.v);
    return nns;
}

/* A neighbour: an item and its (raw) distance from the query. */
struct hit {
    float dist;
    int32_t item;
};

static inline int by_distance(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}
static inline int by_number(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* annoy's get_nns_by_vector(): the N nearest items to W (of F coordinates)
 * among the candidates of a walk; SEARCH_K -1 means annoy's default, N times
 * the number of trees. Returns how many were found (at most N) in *HITS. */
static inline size_t nearest(const struct index *ix, const float *w, size_t n, long long search_k,
                             struct hit **hits)
{
    if (search_k == -1)
        search_k = (long long)n * ix->n_roots;
    struct ids nns = walk(ix, w, search_k);
    struct hit *h = malloc((nns.n ? nns.n : 1) * sizeof *h);
    if (!h)
        die("malloc");
    size_t m = 0;
    /* TODO 2.3: rank the candidates as annoy does: each item once (there are
     * repeats: sort the numbers, skip equal ones), only nodes that are items
     * (n_descendants 1), with its exact distance from W; then the N
     * nearest, nearest first (a tie: smaller item number first). Put them in
     * h[0..m). */
    (void)n;
    free(nns.v);
    *hits = h;
    return m;
}

#endif
