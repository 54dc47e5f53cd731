# shellcheck shell=bash
# tools/grade-lib.sh - what the grader's scripts share (sourced, not run):
# the limits, and a safe copy of what sandboxed code wrote. (The data - the
# student's editable files, results and reports - is tools/wb.py's.)

# Limits (environment overrides). Per process: CPU seconds, address space,
# file size, open files; per sandbox: processes, disk and inodes of its
# working directory, /dev/shm; wall time per test (bats) and per lab.
: "${GRADE_CPU:=60}" "${GRADE_MEM_MB:=2048}" "${GRADE_FSIZE_MB:=64}" "${GRADE_NOFILE:=256}"
: "${GRADE_NPROC:=128}" "${GRADE_DISK_MB:=512}" "${GRADE_INODES:=20000}" "${GRADE_SHM_MB:=64}"
: "${GRADE_TEST_TIMEOUT:=120}" "${GRADE_LAB_TIMEOUT:=600}"
: "${GRADE_MAX_FILE_KB:=512}" "${GRADE_MAX_SUBMISSION_MB:=50}"
# Per sandbox (as root, with cgroups: see cgroup_kind): memory in all (no swap),
# processes in all, CPU cores at most. GRADE_STUDENT_UIDS: the student's uid in a
# sandbox is the harness's + this (tools/grade-sandbox.sh --harness).
: "${GRADE_SANDBOX_MEM_MB:=3072}" "${GRADE_SANDBOX_NPROC:=256}" "${GRADE_SANDBOX_CPUS:=1}"
: "${GRADE_STUDENT_UIDS:=500}"
# Failure text kept per test in the results (lines, and bytes per line).
: "${GRADE_MAX_LINES:=40}" "${GRADE_MAX_LINE:=300}"
export GRADE_CPU GRADE_MEM_MB GRADE_FSIZE_MB GRADE_NOFILE GRADE_NPROC GRADE_DISK_MB \
    GRADE_INODES GRADE_SHM_MB GRADE_TEST_TIMEOUT GRADE_LAB_TIMEOUT GRADE_MAX_FILE_KB \
    GRADE_MAX_SUBMISSION_MB GRADE_MAX_LINES GRADE_MAX_LINE GRADE_SANDBOX_MEM_MB GRADE_SANDBOX_NPROC \
    GRADE_SANDBOX_CPUS GRADE_STUDENT_UIDS

# lab_limit ID KEY DEFAULT: the lab's `memory` or `timeout` in course.toml, or DEFAULT.
lab_limit() {
    local v
    v=$("$GRADE_ROOT/tools/wb.py" get "$1" "$2")
    echo "${v:-$3}"
}

# safe_copy SRC DST MAXBYTES: copy a regular file that sandboxed code could
# have written, never through a symbolic link (in SRC or any of its parents),
# at most MAXBYTES, without NUL bytes, as valid UTF-8. 1 if there is none.
safe_copy() {
    local real
    real=$(realpath -e -- "$1" 2>/dev/null) || return 1
    [[ $real == "$(realpath -s -m -- "$1")" && -f $real ]] || return 1
    head -c "$3" -- "$real" | tr -d '\000' | iconv -f UTF-8 -t UTF-8 -c >"$2" || true
}

# The cache of graded labs: identical inputs (an untouched starter lab, a
# resubmission) are graded once. GRADE_CACHE is its directory (default
# build/grade-cache of the grader; empty: no cache), only the grader's. A lab's
# key is a hash of all that decides its results: its editable files as graded,
# the grader's tree (GRADE_TREE_HASH: tests, tools, manifest), the limits, the
# kernels there are. Only a test run that ended by itself is stored.
: "${GRADE_CACHE=$GRADE_ROOT/build/grade-cache}"

# tree_hash DIR: a hash of every file of the tree DIR but its build/.
tree_hash() {
    (cd "$1" && find . -path ./build -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-64)
}

# cache_key ID TREE FILES [DIR]: lab ID's key, from its editable files in TREE
# (FILES: tools/wb.py editable --labs of TREE) and the files of DIR.
cache_key() {
    {
        echo "lab $1 tree $GRADE_TREE_HASH euid $((EUID == 0)) sandbox ${GRADE_SANDBOX_MODE:-}"
        env | grep -E '^GRADE_(CPU|MEM_MB|FSIZE_MB|NOFILE|NPROC|DISK_MB|INODES|SHM_MB|TEST_TIMEOUT|LAB_TIMEOUT|MAX_FILE_KB|MAX_LINES|MAX_LINE)=' | sort
        uname -r; ls /lib/modules 2>/dev/null
        awk -F'\t' -v id="$1" '$1 == id { print $2 }' "$3" | (cd "$2" && xargs -r sha256sum)
        [[ ! -d ${4:-} ]] || tree_hash "$4"
    } | sha256sum | cut -c1-64
}

# cache_get KEY OUT DIR ID: the stored results of the lab (DIR.json, .tap, .log
# in OUT/labs, its notes added to OUT/notes.txt); 1 when there are none.
cache_get() {
    local c=$GRADE_CACHE/$1
    [[ -n $GRADE_CACHE && -s $c/$3.json ]] || return 1
    cp "$c/$3".{json,tap,log} "$2/labs/"
    cat "$c/notes" >>"$2/notes.txt"
    echo "lab $4: graded before with the same files (a resubmission, or an untouched lab): its results are reused" >>"$2/notes.txt"
}

# cache_put KEY OUT DIR NOTES: store the lab's results and its notes (a file).
cache_put() {
    [[ -n $GRADE_CACHE && ! -e $GRADE_CACHE/$1 ]] || return 0
    local tmp
    mkdir -p "$GRADE_CACHE" && chmod 700 "$GRADE_CACHE"
    tmp=$(mktemp -d "$GRADE_CACHE/.new.XXXXXX") || return 0
    if ! { cp "$2/labs/$3".{json,tap,log} "$tmp/" && cp "$4" "$tmp/notes" && mv -T "$tmp" "$GRADE_CACHE/$1"; } 2>/dev/null; then
        rm -rf "$tmp" # another job stored it first
    fi
}

# cgroup_kind: how a sandbox's memory, processes and CPU can be bounded here:
# cgroup-v2 (a cgroup beside the grader's own, whose parent delegates memory,
# pids and cpu), cgroup-v1 (the memory, pids and cpu hierarchies), or
# per-process (not root, or no such cgroups: the per-process limits only).
cgroup_kind() {
    local own
    if ((EUID != 0)); then
        echo per-process
    elif own=$(sed -n 's/^0:://p' /proc/self/cgroup) && [[ -n $own ]] &&
        [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]] &&
        read -ra ctl <"/sys/fs/cgroup${own%/*}/cgroup.subtree_control" 2>/dev/null &&
        [[ " ${ctl[*]} " == *" memory "* && " ${ctl[*]} " == *" pids "* && " ${ctl[*]} " == *" cpu "* ]]; then
        echo cgroup-v2
    elif [[ -w /sys/fs/cgroup/memory/cgroup.procs && -w /sys/fs/cgroup/pids/cgroup.procs &&
        -w /sys/fs/cgroup/cpu/cgroup.procs ]]; then
        echo cgroup-v1
    else
        echo per-process
    fi
}

# cgroup_make NAME: a new cgroup for one sandbox (v2: one directory; v1: one in
# each of memory, pids and cpu, under the grader's own), with its limits set;
# prints its directories. Fails (and makes none) when it cannot. Its CPU: at
# most GRADE_SANDBOX_CPUS cores, and the weight of ten processes of the
# machine's, however many it runs (sandboxes side by side get equal shares).
cgroup_make() {
    local kind dirs=() d c mem=$((GRADE_SANDBOX_MEM_MB << 20))
    kind=$(cgroup_kind)
    case $kind in
    cgroup-v2)
        d=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
        d=${d%/*}/$1
        mkdir "$d" || return 1
        dirs=("$d")
        if ! { echo "$mem" >"$d/memory.max" && echo "$GRADE_SANDBOX_NPROC" >"$d/pids.max" &&
            echo "$((GRADE_SANDBOX_CPUS * 100000)) 100000" >"$d/cpu.max" && echo 1000 >"$d/cpu.weight"; }; then
            cgroup_remove "${dirs[@]}"
            return 1
        fi
        echo 0 >"$d/memory.swap.max" 2>/dev/null || true
        ;;
    cgroup-v1)
        for c in memory pids cpu; do
            d=/sys/fs/cgroup/$c$(awk -F: -v c="$c" '$2 == c { print $3 }' /proc/self/cgroup)
            d=${d%/}/$1
            if ! mkdir "$d"; then cgroup_remove "${dirs[@]}"; return 1; fi
            dirs+=("$d")
        done
        if ! { echo "$mem" >"${dirs[0]}/memory.limit_in_bytes" && echo "$GRADE_SANDBOX_NPROC" >"${dirs[1]}/pids.max" &&
            echo 100000 >"${dirs[2]}/cpu.cfs_period_us" &&
            echo $((GRADE_SANDBOX_CPUS * 100000)) >"${dirs[2]}/cpu.cfs_quota_us" &&
            echo 10240 >"${dirs[2]}/cpu.shares"; }; then
            cgroup_remove "${dirs[@]}"
            return 1
        fi
        echo "$mem" >"${dirs[0]}/memory.memsw.limit_in_bytes" 2>/dev/null || true
        ;;
    *) return 1 ;;
    esac
    printf '%s\n' "${dirs[@]}"
}

# cgroup_remove DIR...: kill what is left in these cgroups, then remove them.
cgroup_remove() {
    local d pid tries
    for d; do
        [[ -d $d ]] || continue
        for ((tries = 0; tries < 50; tries++)); do
            [[ -s $d/cgroup.procs ]] || break
            while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$d/cgroup.procs"
            sleep 0.1
        done
        rmdir "$d" 2>/dev/null || true
    done
}
