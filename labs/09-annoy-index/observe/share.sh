#!/usr/bin/env bash
# share.sh - N processes serve one index: one copy in memory, whatever N.
# Run: labs/09-annoy-index/observe/share.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 09
need fincore
oracle=$("$OBS_ROOT/tools/annoy-oracle.sh")
"$oracle" build "$WORK/index.ann" euclidean 40 20000 8 1
pages=$((($(stat -c %s index.ann) + 4095) / 4096))
printf 'index.ann: %d bytes, %d pages\n' "$(stat -c %s index.ann)" "$pages"

heading "1, 2, 4 and 8 servers (annq serve: touch every page, then wait)"
look "Rss: the index's pages in each server's page table, in kB. Pss: that Rss" \
    "with each page divided by the number of processes that map it. With N" \
    "servers, each one's Pss is its Rss / N, and the page cache holds the file's" \
    "pages once (fincore), whatever N."
printf '  %-8s %-32s %s\n' servers "each server's Rss / Pss (kB)" "page cache (fincore)"
for n in 1 2 4 8; do
    rm -f ready go && mkfifo ready go
    exec {r}<>ready {g}<>go
    for ((i = 0; i < n; i++)); do
        "$BIN/annq" "$WORK/index.ann" euclidean 40 serve <go >ready {r}<&- {g}<&- &
    done
    pids=()
    for ((i = 0; i < n; i++)); do
        read -r _ pid _ <&"$r"
        pids+=("$pid")
    done
    # Only now has every server touched every page.
    report=$(for pid in "${pids[@]}"; do
        awk -v f="$WORK/index.ann" '/^[0-9a-f]+-[0-9a-f]+ / { on = ($NF == f) }
            on && /^Rss:/ { r = $2 } on && /^Pss:/ { p = $2 } END { print r " / " p }' "/proc/$pid/smaps"
    done | sort | uniq -c | awk '{ printf "%s%s / %s (%d of them)", sep, $2, $4, $1; sep = ", " }')
    cached=$(fincore -n -o PAGES index.ann | tr -d ' ')
    exec {g}>&- {r}<&-
    wait
    printf '  %-8s %-32s %s pages\n' "$n" "$report" "$cached"
done
why "A MAP_SHARED (or read-only MAP_PRIVATE) mapping of a file maps the page" \
    "cache's pages themselves: N processes that serve one index use one copy of it," \
    "and smaps divides each page among them (Pss). An index loaded by parsing it into" \
    "malloc()ed memory would cost each server its whole size."
