#!/usr/bin/env bash
# replay.sh - the crash replay of your store, every crash point with its
# verdict: the same run as the tests of `make check LAB=10`, shown whole.
# Run: labs/10-crash-replay/observe/replay.sh (LABS=solutions for the
# reference). It boots a VM (no root needed): 30 to 60 s.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 10
labs=${LABS:-labs}
[[ $labs == /* ]] || labs=$OBS_ROOT/$labs

heading "the workload: kernel-lab/vm/crash/workload, run by crashtool in the VM"
look "Each line is one run of rstore. After each one that exits 0 (an" \
    "acknowledgement), the VM puts a mark 'ack-N' into the log of writes:" \
    "from that mark on, op N's text must survive any crash."
grep -v '^#' "$OBS_ROOT/kernel-lab/vm/crash/workload" | cut -c1-60 | nl -w3 -s'  ' | sed -n '1,3p;21,$p'

heading "every crash point, replayed"
look "One line per crash point: where in the log of writes the power was cut" \
    "(after a flush, a FUA write, a mark, a plain write, or inside a write of" \
    "several blocks, only its first ones done), how many acknowledgements had" \
    "been made, and the verdict; under a wrong one, the record and its bytes."
STATUS=0
KLAB_OUT=$WORK/out "$OBS_ROOT/kernel-lab/vm/crashlab" run "$labs/10-crash-replay/rstore.c" \
    >"$WORK/report" 2>&1 || STATUS=$?
grep -v '^op ' "$WORK/report" | cut -c1-150 | sed 's/^/  /'
grep -h '^time' "$WORK/out/points" 2>/dev/null | sed 's/^time\t/  time in the VM: /' || true

why "The log holds the writes in the order they reached the disk's stable" \
    "storage: a write is durable only once a flush (or its own FUA flag) made" \
    "it so. A power cut can happen between any two of them, or in the middle" \
    "of one: the replay rebuilds the disk at each such moment, lets ext4" \
    "recover its journal as after a real power cut, and asks your store what" \
    "it holds. LOST-COMMIT: a record acknowledged before the cut is missing or" \
    "old; TORN-RECORD: a record is neither its old nor its new text;" \
    "UNOPENABLE: the store does not open. Every crash point must be OK."
