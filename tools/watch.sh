#!/usr/bin/env bash
# tools/watch.sh - make watch: re-check a lab each time one of its files is saved,
# the task the student is on first, then the rest of the lab.
#
#   tools/watch.sh        environment: LABS (labs), LAB (default: the lab of the
#                         first failing task in the last results), WB_WATCH_POLL=1
#                         (poll, even where inotify works), WB_WATCH_INTERVAL (1 s)
#
# Keys, read from the terminal while it waits: h hint, n next task (skip this
# one), l the lab's tasks with their status, r re-run, q quit. A save (inotifywait,
# from inotify-tools; where inotify is not available, e.g. on some WSL mounts, a
# check of the files' times every second) stops a check under way and starts
# again. Each check runs as tools/check.sh in a session of its own, whose every
# process is killed when a newer check replaces it, on q, and on Ctrl-C: nothing
# is left running.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
wb() { tools/wb.py "$@"; } # (Debian's /usr/bin/python3: see its first line)
export LABS=${LABS:-labs}
[[ -d $LABS ]] || { echo "watch: LABS=$LABS: no such directory" >&2; exit 2; }
BUILD=$(wb build-dir "$LABS") && export BUILD
results=$BUILD/results tries=$BUILD/tries.json
interval=${WB_WATCH_INTERVAL:-1}

# The lab and the task: LAB's first failing task, or the first failing of all.
if [[ -n ${LAB:-} ]]; then
    line=$(wb lab "$LAB" 2>/dev/null) || { echo "watch: LAB=$LAB: no such lab (see course.toml)" >&2; exit 2; }
    IFS=$'\t' read -r lab dir title <<<"$line"
    task=$(wb next-task "$results/$dir.json" 2>/dev/null) || task=$(wb tasks "$lab" | awk -F"\t" "NR == 1 { print \$2 }")
else
    if cur=$(wb current "$LABS" "$results"); then
        IFS=$'\t' read -r lab task <<<"$cur"
    else
        lab=$(wb labs | awk -F"\t" "NR == 1 { print \$1 }") task=$(wb tasks "$lab" | awk -F"\t" "NR == 1 { print \$2 }")
    fi
    IFS=$'\t' read -r lab dir title <<<"$(wb lab "$lab")"
fi
tree=$(wb tree "$lab" "$LABS")
json=$results/$dir.json
state=$BUILD/watch.$$
mkdir -p "$state" "$results"
skip=()         # the tasks skipped with n, as "LAB TASK"
run_pid='' phase=idle shown=$task note='' extra='' watcher=''

# --- the terminal -------------------------------------------------------------
keys=no stty_saved=''
if [[ -t 0 ]]; then
    keys=yes
    stty_saved=$(stty -g)
    stty -echo -icanon min 0 time 0
fi

# --- stopping: a check's whole session, the watcher, the terminal -------------
stop_run() {
    [[ -n $run_pid ]] || return 0
    # The check is the leader of its own session: every process in it (bats,
    # timeout's own process groups, the lab's programs) goes.
    pkill -TERM -s "$run_pid" 2>/dev/null || true

    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pgrep -s "$run_pid" >/dev/null 2>&1 || break
        sleep 0.1
    done
    pkill -KILL -s "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
    run_pid='' phase=idle
}
cleanup() {
    trap - INT TERM HUP EXIT
    stop_run
    if [[ -n $watcher ]]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; fi
    [[ -z $stty_saved ]] || stty "$stty_saved" 2>/dev/null || true
    rm -rf "$state"
}
trap 'cleanup; echo; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
trap cleanup EXIT

# --- noticing a save ------------------------------------------------------------
# inotifywait writes one line per event on a file of the lab into $state/events;
# polling compares the lab files' times and sizes every $interval s.
mode=''
signature() { stat -c '%n %Y %s' "$tree"/*.[ch] 2>/dev/null || true; }
: >"$state/events"
if [[ -z ${WB_WATCH_POLL:-} ]] && command -v inotifywait >/dev/null; then
    inotifywait -m -q -e close_write,moved_to,create,delete --format '%f' "$tree" \
        >"$state/events" 2>"$state/inotify.err" &
    watcher=$!
    # Its "Watches established." never shows with -q: wait until it runs or fails.
    sleep 0.3
    if kill -0 "$watcher" 2>/dev/null; then
        mode="inotify: saving a file of $tree/ re-checks"
    else
        wait "$watcher" 2>/dev/null || true
        watcher=''
        mode="polling every ${interval} s: inotify is not available here ($(head -n 1 "$state/inotify.err"))"
    fi
elif [[ -n ${WB_WATCH_POLL:-} ]]; then
    mode="polling every ${interval} s (WB_WATCH_POLL)"
else
    mode="polling every ${interval} s: inotifywait is not installed (Debian's inotify-tools; make deps)"
fi
seen_events=0 seen_sig=$(signature) last_poll=$SECONDS
changed() {
    local n s
    if [[ -n $watcher ]]; then
        n=$(grep -cE '\.[ch]$' "$state/events" 2>/dev/null) || n=0
        ((n != seen_events)) || return 1
        sleep 0.2 # an editor's save is several events: take them as one
        seen_events=$(grep -cE '\.[ch]$' "$state/events" 2>/dev/null) || seen_events=0
        return 0
    fi
    ((SECONDS - last_poll >= interval)) || return 1
    last_poll=$SECONDS
    s=$(signature)
    [[ $s != "$seen_sig" ]] || return 1
    seen_sig=$s
}

# --- the screen -----------------------------------------------------------------
skip_args() { local k; for k in "${skip[@]}"; do printf '%s\0%s\0' --skip "$k"; done; }
draw() {
    local -a sk=()
    mapfile -d '' -t sk < <(skip_args)
    {
        printf '\033[H\033[2J\033[3J'
        printf 'make watch: lab %s, %s\n  (%s)\n' "$lab" "$title" "$mode"
        if [[ -s $json ]]; then
            printf '\nTask %s\n' "$shown"
            wb show "$json" --task "$shown"
        else
            printf '\nTask %s: not checked yet\n' "$shown"
        fi
        case $phase in
        task) printf '\n... checking task %s\n' "$task" ;;
        rest) printf '\n... checking the rest of lab %s\n' "$lab" ;;
        esac
        [[ -z $note ]] || printf '\n%s\n' "$note"
        [[ ! -s $json ]] || wb progress --task "$task" --tries "$tries" "${sk[@]}" "$LABS" "$json" || true
        if [[ $keys == yes ]]; then
            printf '\n[h] hint  [n] next task  [l] list tasks  [r] re-run  [q] quit\n'
        else
            printf '\n(standard input is not a terminal: no keys; Ctrl-C quits)\n'
        fi
        [[ -z $extra ]] || printf '\n%s\n' "$extra"
    } 2>&1
}

# --- a check ----------------------------------------------------------------------
# start PHASE: task (the task's tests) or rest (the lab's other tests), in a
# session of its own (setsid: its pid is its session id).
start() {
    stop_run
    phase=$1
    local rest=''
    [[ $phase == task ]] || rest=1
    [[ $phase != task ]] || shown=$task
    # (the rest: every test but those of the task just checked)
    LAB=$lab TASK=$shown REST=$rest setsid tools/check.sh >"$state/$phase.out" 2>&1 </dev/null &
    run_pid=$!
    draw
}
finished() {
    local status=0
    wait "$run_pid" 2>/dev/null || status=$?
    run_pid=''
    if ((status == 2)); then # check.sh refused: show why
        phase=idle note=$(cat "$state/task.out" "$state/rest.out" 2>/dev/null | head -n 20)
        draw
        return
    fi
    # The task passes: on to the next failing one (by the last results of the
    # others until the rest of the lab is checked).
    local -a sk=()
    mapfile -d '' -t sk < <(skip_args)
    local nxt was=$phase
    phase=idle
    if nxt=$(wb next-task "$json" --task "$task" "${sk[@]}"); then
        [[ $nxt == "$task" ]] || note="Task $task passes: on to task $nxt (save a file to check it, or r)."
        task=$nxt
    else
        note="Every test of lab $lab passes."
    fi
    if [[ $was == task ]]; then
        start rest
    else
        draw
    fi
}

start task
while :; do
    if [[ -n $run_pid ]] && ! kill -0 "$run_pid" 2>/dev/null; then
        finished
    fi
    if changed; then
        note='' extra=''
        start task
    fi
    key=''
    if [[ $keys == yes ]]; then
        read -rsn1 -t 0.25 key || true
    else
        sleep 0.25
    fi
    case $key in
    q | Q) break ;;
    h | H) extra=$(wb hint "$lab" "$task" "$tries"); draw ;;
    l | L) extra=$(printf 'The tasks of lab %s:\n%s' "$lab" "$(wb status "$lab" "$json" "$tries")"); draw ;;
    r | R) note='' extra=''; start task ;;
    n | N)
        skip+=("$lab $task")
        mapfile -d '' -t sk < <(skip_args)
        if nxt=$(wb next-task "$json" "${sk[@]}") && [[ $nxt != "$task" ]]; then
            note="Skipped task $task: on to task $nxt." task=$nxt
        else
            # Not checked, or every other task passes: the next task of the course order.
            nxt=$(wb tasks "$lab" | cut -f2 | grep -A1 -Fx "$task" | sed -n 2p)
            if [[ -n $nxt ]]; then note="Skipped task $task: on to task $nxt." task=$nxt
            else note="Task $task is the last of lab $lab."; fi
        fi
        extra=''
        start task
        ;;
    esac
done
cleanup
printf '\nmake watch: stopped. Your work is saved in the files; make check LAB=%s grades it.\n' "$lab"
