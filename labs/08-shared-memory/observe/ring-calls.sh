#!/usr/bin/env bash
# ring-calls.sh - the ring's system calls: a million messages cost a few
# hundred futex() calls on each side, and none per message; a consumer that
# dies leaves the ring to the next. Run: labs/08-shared-memory/observe/ring-calls.sh
# (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 08
ring=/wb08obs-$$
trap 'rm -rf "$WORK"; rm -f "/dev/shm/${ring#/}"' EXIT

heading "ringmk $ring 1024 72; ringcons and ringprod 1000000, each under strace -c"
look "Each side's system calls, counted by strace. The futex() calls are the" \
    "sleeps (FUTEX_WAIT) and wake-ups (FUTEX_WAKE): at most 2 per half ring" \
    "(512 messages) on each side, about 3900 for a million messages, and" \
    "usually far fewer. Everything else is start-up and exit."
show_run ringmk "$ring" 1024 72
strace -c -o cons.count "$BIN/ringcons" "$ring" >cons.out 2>&1 &
cons=$!
strace -c -o prod.count "$BIN/ringprod" "$ring" 1000000 >prod.out 2>&1 || true
wait "$cons" || true
sed 's/^/  /' prod.out cons.out
for side in prod cons; do
    printf '  %s: %s\n' "$side" "$(awk '$NF == "futex" { print $4 " futex() calls" }' "$side.count")"
done
why "A message costs two stores and two loads of shared memory on each side, and" \
    "no system call: the kernel is needed only to sleep when there is nothing to" \
    "do, and to be woken. Waking only once half a ring is ready is what bounds the" \
    "calls whatever the scheduler does: every sleep is paid for by half a ring" \
    "of messages."

heading "A consumer killed, and a new one"
look "ringcons --die-after 300000 kills itself (SIGKILL, exit status 137). The" \
    "producer notices when it next waits (the kernel wakes it: the robust" \
    "futex) and says so. The second ringcons goes on from message 300000: the" \
    "ring's state, head and tail, lives in the mapping, not in either process."
rm -f "/dev/shm/${ring#/}"
"$BIN/ringmk" "$ring" 1024 72 >/dev/null
"$BIN/ringprod" "$ring" 1000000 >prod.out 2>&1 &
prod=$!
show_run ringcons "$ring" --die-after 300000
show_run ringcons "$ring"
wait "$prod" || true
sed 's/^/  /' prod.out
