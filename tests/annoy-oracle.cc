// annoy-oracle - lab 09's oracle: the real annoy (Debian's annoylib.h, annoy
// 1.17) builds indexes and answers queries, so that the tests can compare the
// student's reader with annoy itself. A tool of the tests, not of the lab.
//
//   annoy-oracle build OUT METRIC F N TREES SEED [DUP]
//        N random items (coordinates uniform in [-1, 1), from SEED), every
//        DUP-th item a copy of the one before it (equal distances), TREES
//        trees built with annoy's own seed SEED; saved to OUT.
//   annoy-oracle queries F SEED COUNT       COUNT random vectors, one a line
//   annoy-oracle info INDEX METRIC F        items, trees, node size, K, and
//        the vectors of items 0, N/2, N-1 and a few distances
//   annoy-oracle item INDEX METRIC F ID     the item's vector
//   annoy-oracle distance INDEX METRIC F I J
//   annoy-oracle vector INDEX METRIC F N SEARCH_K X1 ... XF
//   annoy-oracle nns-item INDEX METRIC F ID N SEARCH_K
//   annoy-oracle batch INDEX METRIC F    queries from stdin, N SEARCH_K X1..XF
//        a line; each answer after a line "query K"
//        one line per neighbour: ID DISTANCE (distances printed %.9g: exact)
// METRIC is angular or euclidean. Built by tests/09-annoy-index.bats with
// g++ -O2 (no -march: annoy's plain loops, not its AVX ones).
#include "annoylib.h"
#include "kissrandom.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

[[noreturn]] static void die(const std::string &msg)
{
    std::fprintf(stderr, "annoy-oracle: %s\n", msg.c_str());
    std::exit(1);
}

static long num(const char *s)
{
    char *end;
    long v = std::strtol(s, &end, 0);
    if (end == s || *end)
        die(std::string("not a number: ") + s);
    return v;
}

// splitmix64: the items' and queries' coordinates, the same on every machine.
static uint64_t next(uint64_t &x)
{
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
// A coordinate in [-1, 1) with 4 decimals, so that it prints and parses exactly.
static float coord(uint64_t &x) { return (float)((long)(next(x) % 20000) - 10000) / 10000.0f; }

template <typename D> struct Oracle {
    typedef AnnoyIndex<int32_t, float, D, Kiss64Random, AnnoyIndexSingleThreadedBuildPolicy> Index;
    typedef typename Index::Node Node;
    int f;
    Index index;
    explicit Oracle(int f_) : f(f_), index(f_) {}

    void load(const char *path)
    {
        char *err = nullptr;
        if (!index.load(path, false, &err))
            die(std::string("load ") + path + ": " + (err ? err : "?"));
    }
    void print(const std::vector<int32_t> &ids, const std::vector<float> &dist)
    {
        for (size_t i = 0; i < ids.size(); i++)
            std::printf("%d %.9g\n", ids[i], dist[i]);
    }
    int run(const char *cmd, int argc, char **argv)
    {
        std::string c = cmd;
        if (c == "build") { // argv: OUT N TREES SEED [DUP]
            if (argc < 4)
                die("build OUT METRIC F N TREES SEED [DUP]");
            long n = num(argv[1]), trees = num(argv[2]), seed = num(argv[3]);
            long dup = argc > 4 ? num(argv[4]) : 0;
            uint64_t x = (uint64_t)seed * 7919 + 17;
            std::vector<float> v(f), prev(f);
            for (long i = 0; i < n; i++) {
                if (dup > 0 && i > 0 && i % dup == 0)
                    v = prev;
                else
                    for (int z = 0; z < f; z++)
                        v[z] = coord(x);
                index.add_item((int32_t)i, v.data());
                prev = v;
            }
            index.set_seed((uint64_t)seed);
            char *err = nullptr;
            if (!index.build((int)trees, 1, &err) || !index.save(argv[0], false, &err))
                die(std::string("build: ") + (err ? err : "?"));
            return 0;
        }
        load(argv[0]);
        if (c == "info") {
            size_t s = offsetof(Node, v) + f * sizeof(float);
            int32_t n = index.get_n_items();
            std::printf("items: %d\ntrees: %d\nnode size: %zu\nK: %zu\n", n, index.get_n_trees(), s,
                        (s - offsetof(Node, children)) / sizeof(int32_t));
            // A few items and distances, for the tests to compare without more runs.
            std::vector<float> v(f);
            for (int32_t id : {0, n / 2, n - 1}) {
                index.get_item(id, v.data());
                std::printf("item %d:", id);
                for (int z = 0; z < f; z++)
                    std::printf(" %.9g", v[z]);
                std::printf("\n");
            }
            for (int32_t i : {0, 5 % n, n - 1})
                for (int32_t j : {1 % n, n / 3})
                    std::printf("distance %d %d: %.9g\n", i, j, index.get_distance(i, j));
        } else if (c == "item" && argc == 2) {
            std::vector<float> v(f);
            index.get_item((int32_t)num(argv[1]), v.data());
            for (int z = 0; z < f; z++)
                std::printf("%s%.9g", z ? " " : "", v[z]);
            std::printf("\n");
        } else if (c == "distance" && argc == 3) {
            std::printf("%.9g\n", index.get_distance((int32_t)num(argv[1]), (int32_t)num(argv[2])));
        } else if (c == "vector" && argc == 3 + f) {
            std::vector<float> w(f);
            for (int z = 0; z < f; z++)
                w[z] = std::strtof(argv[3 + z], nullptr);
            std::vector<int32_t> ids;
            std::vector<float> dist;
            index.get_nns_by_vector(w.data(), (size_t)num(argv[1]), (int)num(argv[2]), &ids, &dist);
            print(ids, dist);
        } else if (c == "nns-item" && argc == 4) {
            std::vector<int32_t> ids;
            std::vector<float> dist;
            index.get_nns_by_item((int32_t)num(argv[1]), (size_t)num(argv[2]), (int)num(argv[3]), &ids,
                                  &dist);
            print(ids, dist);
        } else if (c == "batch" && argc == 1) {
            long n, k;
            for (int q = 1; std::scanf("%ld %ld", &n, &k) == 2; q++) {
                std::vector<float> w(f);
                for (int z = 0; z < f; z++)
                    if (std::scanf("%f", &w[z]) != 1)
                        die("batch: a query line is N SEARCH_K X1..XF");
                std::vector<int32_t> ids;
                std::vector<float> dist;
                index.get_nns_by_vector(w.data(), (size_t)n, (int)k, &ids, &dist);
                std::printf("query %d\n", q);
                print(ids, dist);
            }
        } else {
            die(std::string("bad command or arguments: ") + cmd);
        }
        return 0;
    }
};

int main(int argc, char **argv)
{
    if (argc >= 5 && std::strcmp(argv[1], "queries") == 0) {
        long f = num(argv[2]), count = num(argv[4]);
        uint64_t x = (uint64_t)num(argv[3]) * 104729 + 3;
        for (long q = 0; q < count; q++)
            for (long z = 0; z < f; z++)
                std::printf("%.4f%s", coord(x), z + 1 < f ? " " : "\n");
        return 0;
    }
    if (argc < 5)
        die("usage: build OUT METRIC F N TREES SEED [DUP] | queries F SEED COUNT | CMD INDEX METRIC F ...");
    std::string metric = argv[3];
    int f = (int)num(argv[4]);
    if (f < 1 || f > 1000)
        die("F must be 1 to 1000");
    // argv[2] (OUT or INDEX) first, then what follows F.
    std::vector<char *> rest{argv[2]};
    for (int i = 5; i < argc; i++)
        rest.push_back(argv[i]);
    if (metric == "angular")
        return Oracle<Angular>(f).run(argv[1], (int)rest.size(), rest.data());
    if (metric == "euclidean")
        return Oracle<Euclidean>(f).run(argv[1], (int)rest.size(), rest.data());
    die("METRIC must be angular or euclidean, not " + metric);
}
