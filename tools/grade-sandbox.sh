#!/usr/bin/env bash
# tools/grade-sandbox.sh - run a command on a student's code in a bubblewrap sandbox.
#
#   tools/grade-sandbox.sh [--slot N] [--timeout S] [--mem MIB] [--tree DIR] [--ro HOSTPATH PATH]...
#                       [--rw PATH]... [--env NAME=VALUE]... [--harness] [--vm] WORKDIR -- CMD...
#   tools/grade-sandbox.sh --probe     print how sandboxes are made here (userns or
#                                   inner), or exit 126 when they cannot be
#   tools/grade-sandbox.sh --facts     print which protections and limits apply here
#                                   (uids: two|one, limits: cgroup-v1|cgroup-v2|per-process)
#
# Inside: an unprivileged user (uid GRADE_UID_BASE+N when run as root, with
# privileges dropped before bwrap; else the calling user), no network, its own
# pid/ipc/uts/cgroup namespaces, /usr read-only, the grading tree DIR read-only at
# /grade, WORKDIR (created here, must not exist) read-write at /work and its
# tmp/ at /tmp (so on the same filesystem as WORKDIR: ext4, not tmpfs), a fresh
# empty directory of WORKDIR at each --rw PATH (which must exist), a small
# tmpfs /dev/shm, nothing else of the machine (--vm: also the kernel images
# /boot/vmlinuz-*, for a lab that boots one), no descriptor but 0, 1, 2.
#
# --harness: CMD is a harness (bats, through tools/check.sh) that runs the
# student's programs, and the two never share a uid. As root with user
# namespaces, the sandbox's user namespace maps two uids: the harness's,
# H = GRADE_UID_BASE+N, which keeps a few capabilities in the namespace
# (setuid, setgid, chown, fsetid, kill, ptrace, IPC_RMID, reading and writing any of the
# sandbox's files), and the student's, S = H+GRADE_STUDENT_UIDS, which has none.
# tools/grade-as-student (built here for S, at /grade-as-student; the sandbox
# gets WB_AS_STUDENT and WB_STUDENT_UID) starts each lab program as S with no
# descriptor but 0, 1, 2: tests/lib/wb.bash makes every $BIN/NAME one. So the
# student's code can neither write nor signal the harness: its results, TAP,
# traces, bats' files (made with umask 027 or in directories S cannot enter)
# and processes are H's. Where that cannot be (not root, no user namespaces,
# or no gcc for the wrapper), harness and programs share a uid and --facts
# says "uids: one".
#
# Limits (tools/grade-lib.sh): per sandbox, as root where the machine has
# cgroups (v2, or v1's memory, pids and cpu controllers): memory
# (GRADE_SANDBOX_MEM_MB, no swap), processes (GRADE_SANDBOX_NPROC) and CPU
# (GRADE_SANDBOX_CPUS cores at most; the weight of any other sandbox, however
# many processes it runs); per process, always: CPU time, address space, file size,
# open files, processes of its uid; disk and inodes of WORKDIR (checked 4 times
# a second); wall time. When it returns, no process of the sandbox is left.
# (The host paths of WORKDIR show in the sandbox's /proc/self/mountinfo: keep
# GRADE_WORK where its path says nothing, as tools/grade.sh's default does.)
# Exit: CMD's status; 124 wall time exceeded; 125 disk limit exceeded; 126 no
# sandbox possible here (the message says why).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"

slot=0 timeout=$GRADE_LAB_TIMEOUT mem=$GRADE_MEM_MB tree='' binds=() rws=() envs=() probe_only=false
facts_only=false harness=false vm=false caps=()
while (($#)); do
    case $1 in
    --probe) probe_only=true; shift ;;
    --facts) probe_only=true facts_only=true; shift ;;
    --harness) harness=true; shift ;;
    --vm) vm=true; shift ;;
    --slot) slot=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --tree) tree=$2; shift 2 ;;
    --ro) binds+=(--ro-bind "$2" "$3"); shift 3 ;;
    --rw) rws+=("$2"); shift 2 ;;
    --env) envs+=(--setenv "${2%%=*}" "${2#*=}"); shift 2 ;;
    --) shift; break ;;
    -*) echo "grade-sandbox: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
    esac
done
$probe_only || [[ -n ${work:-} && $# -gt 0 ]] || { echo "usage: grade-sandbox [options] WORKDIR -- CMD..." >&2; exit 2; }
[[ $slot =~ ^[0-9]+$ ]] || { echo "grade-sandbox: --slot must be a number" >&2; exit 2; }

# Who runs the code: a dedicated uid per slot when we are root (parallel
# sandboxes then never share a process limit), else ourselves.
if ((EUID == 0)); then
    uid=$((${GRADE_UID_BASE:-64000} + slot))
    if getent passwd "$uid" >/dev/null; then
        echo "grade-sandbox: uid $uid belongs to a user; set GRADE_UID_BASE to a free range" >&2; exit 126
    fi
    drop=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs --)
else
    uid=$EUID drop=()
fi

# The system, read-only: /usr and the links or directories beside it.
base=(--ro-bind /usr /usr)
for d in bin sbin lib lib32 lib64 libx32; do
    if [[ -L /$d ]]; then base+=(--symlink "$(readlink "/$d")" "/$d")
    elif [[ -d /$d ]]; then base+=(--ro-bind "/$d" "/$d"); fi
done

# Two ways in, best first: drop privileges, then bwrap in a user namespace
# (root or not); as root with no user namespaces: bwrap as root, dropping
# privileges inside. Probed once (tools/grade.sh exports GRADE_SANDBOX_MODE).
probe() { "$@" "${base[@]}" -- /usr/bin/true 2>/dev/null; }
mode=${GRADE_SANDBOX_MODE:-auto}
if [[ $mode == auto ]]; then
    if probe "${drop[@]}" bwrap --unshare-user --unshare-net; then mode=userns
    elif ((EUID == 0)) && probe bwrap --unshare-net; then mode=inner
    else
        echo "grade-sandbox: bubblewrap cannot create a sandbox here (no user namespaces?)." \
            "Student code is never run without one." >&2
        exit 126
    fi
fi
[[ $mode == userns || $mode == inner ]] || { echo "grade-sandbox: GRADE_SANDBOX_MODE=$mode: auto, userns or inner" >&2; exit 2; }

# Two uids (--harness): the student's programs start as S through
# tools/grade-as-student, built here for S (its path: beside WORKDIR).
two_uids() {
    ((EUID == 0)) && [[ $mode == userns ]] && command -v gcc >/dev/null &&
        gcc -static -nostdlib -ffreestanding -fno-tree-loop-distribute-patterns -fno-stack-protector -O2 \
            -DSTUDENT="$student" -o "$1" "$root/tools/grade-as-student.c" 2>/dev/null
}
student=$((uid + GRADE_STUDENT_UIDS))
if $facts_only; then
    how=one
    if two_uids "${TMPDIR:-/tmp}/grade-as-student.$$"; then how=two; fi
    rm -f "${TMPDIR:-/tmp}/grade-as-student.$$"
    echo "uids: $how"
    echo "limits: $(cgroup_kind)"
    exit 0
fi
if $probe_only; then echo "$mode"; exit 0; fi

mkdir "$work" "$work/tmp" "$work/home"
for i in "${!rws[@]}"; do
    mkdir "$work/rw$i"
    binds+=(--bind "$work/rw$i" "${rws[i]}")
done
((EUID != 0)) || chown -R "$uid:$uid" "$work"
chmod 700 "$work"
as_student=$work.as-student
rm -f "$as_student"
if $harness && ((EUID == 0)) && getent passwd "$student" >/dev/null; then
    echo "grade-sandbox: uid $student belongs to a user; set GRADE_UID_BASE to a free range" >&2; exit 126
fi
if $harness && two_uids "$as_student"; then
    # S may pass through /work (to the lab's programs) and use /tmp; the
    # harness keeps what is its own in directories of mode 700, files 640.
    chmod 755 "$as_student"
    chmod 711 "$work"
    chmod 1777 "$work/tmp"
    binds+=(--ro-bind "$as_student" /grade-as-student)
    envs+=(--setenv WB_AS_STUDENT /grade-as-student --setenv WB_STUDENT_UID "$student")
    for c in SETUID SETGID CHOWN FOWNER FSETID KILL SYS_PTRACE SYS_ADMIN DAC_OVERRIDE DAC_READ_SEARCH; do
        caps+=(--cap-add "CAP_$c")
    done
else
    harness=false
fi

# The machine as the sandbox sees it.
sys=("${base[@]}")
for d in /etc /sys /sys/kernel /sys/kernel/mm /sys/devices /sys/devices/system; do
    sys+=(--perms 0755 --dir "$d") # as root, bwrap would make the parents 0700
done
for p in /etc/alternatives /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d \
    /sys/kernel/mm/transparent_hugepage /sys/devices/system/cpu; do
    sys+=(--ro-bind-try "$p" "$p")
done
# A lab that boots a kernel (--vm) sees the kernel images, and nothing else of /boot.
if $vm; then
    for p in /boot/vmlinuz-*; do [[ ! -f $p ]] || sys+=(--ro-bind "$p" "$p"); done
fi
# A passwd entry for each uid, so that tools that ask for a user name work.
users="student:x:$uid:$uid:student:/work/home:/bin/bash" groups="student:x:$uid:"
if $harness; then
    users="grader:x:$uid:$uid:grader:/work/home:/bin/bash"$'\n'"student:x:$student:$student:student:/tmp:/bin/bash"
    groups="grader:x:$uid:"$'\n'"student:x:$student:"
fi
exec 5<<<"$users" 6<<<"$groups" 8<<<"127.0.0.1 localhost"
sys+=(--perms 0644 --file 5 /etc/passwd --perms 0644 --file 6 /etc/group --perms 0644 --file 8 /etc/hosts)
sys+=(--proc /proc --dev /dev --size $((GRADE_SHM_MB << 20)) --perms 01777 --tmpfs /dev/shm --remount-ro /dev)
[[ -z $tree ]] || sys+=(--ro-bind "$tree" /grade)
sys+=(--bind "$work" /work --bind "$work/tmp" /tmp "${binds[@]}" --remount-ro / --chdir /work)
sys+=(--clearenv --setenv PATH /usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin --setenv HOME /work/home --setenv TMPDIR /tmp
    --setenv LANG C.UTF-8 --setenv USER student --setenv LOGNAME student "${envs[@]}")
ns=(--unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try
    --hostname sandbox --die-with-parent --new-session)
# The limits, then no descriptor but 0, 1 and 2 (the grader's stay outside).
# With two uids, what the harness makes is its own (umask 027).
mask=022
! $harness || mask=027
# A VM's QEMU computes the whole time it runs (TCG: every guest instruction):
# its CPU time is bounded by the wall time, one second of each core per second.
cpu=$GRADE_CPU
! $vm || cpu=$((timeout * $(nproc)))
# shellcheck disable=SC2016 # expanded by the shell in the sandbox
limits=(prlimit --cpu="$cpu:$((cpu + 1))" --as=$((mem << 20)) --nproc="$GRADE_NPROC"
    --fsize=$((GRADE_FSIZE_MB << 20)) --nofile="$GRADE_NOFILE" --core=0 --
    /bin/bash -c 'cd /proc/self/fd && for fd in *; do ((fd < 3)) || eval "exec $fd>&-"; done; umask '"$mask"'; cd /work && exec "$@"' sandbox)
case $mode in
userns) run=("${drop[@]}" bwrap --unshare-user --disable-userns --json-status-fd 9 "${ns[@]}" "${sys[@]}" -- "${limits[@]}") ;;
inner) run=(bwrap --json-status-fd 9 "${ns[@]}" "${sys[@]}" -- "${drop[@]}" "${limits[@]}") ;;
esac
# Two uids: bwrap waits (on a FIFO beside WORKDIR) while the uid and gid maps
# of its user namespace are written here, H and S, and keeps the harness's
# capabilities.
if $harness; then
    run=("${drop[@]}" bwrap --unshare-user --userns-block-fd 7 --info-fd 9 --uid "$uid"
        --gid "$uid" "${caps[@]}" "${ns[@]}" "${sys[@]}" -- "${limits[@]}")
    rm -f "$work.block" && mkfifo -m 600 "$work.block"
    exec 7<>"$work.block"
fi

# The sandbox's own cgroup (as root, where the machine has them): its
# memory, processes and CPU in all. Else the per-process limits only.
cg=()
if ((EUID == 0)) && cgs=$(cgroup_make "wb-grade.$slot.$$"); then mapfile -t cg <<<"$cgs"; fi

info=$work.info verdict=$work.verdict
rm -f "$info" "$verdict"
exec 9>"$info"
(
    for d in "${cg[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
    exec "${run[@]}" "$@"
) &
pid=$!
exec 9>&-
# The pid of the sandbox's init, as bwrap reports it: killing it ends them all.
init() { sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$info" | head -n 1; }
if $harness; then
    tries=0
    until child=$(init) && [[ -n $child ]] || ((tries++ > 100)) || ! kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    # (a map is written once, in one write(): dd collects the lines first)
    map() { printf '%s %s 1\n%s %s 1\n' "$uid" "$uid" "$student" "$student" |
        dd of="/proc/$child/$1" bs=4096 iflag=fullblock status=none; }
    if [[ -n $child ]] && map uid_map && map gid_map; then
        echo go >&7
    else
        echo "grade-sandbox: cannot map the harness's and the student's uids in the sandbox" >&2
        kill -KILL ${child:+"$child"} "$pid" 2>/dev/null || true
    fi
    exec 7>&-
    rm -f "$work.block"
fi

# The watchdog: wall time, and WORKDIR's blocks and inodes, 4 times a second.
# Its verdict goes to a file beside WORKDIR, out of the sandbox's sight.
(
    start=$SECONDS
    while sleep 0.25 && kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS - start >= timeout)); then
            echo 124 >"$verdict"
        else
            mb=$(du -sm "$work" 2>/dev/null | cut -f1) files=$(du -s --inodes "$work" 2>/dev/null | cut -f1)
            ((${mb:-0} <= GRADE_DISK_MB && ${files:-0} <= GRADE_INODES)) || echo 125 >"$verdict"
        fi
        if [[ -s $verdict ]]; then
            child=$(init)
            kill -KILL ${child:+"$child"} "$pid" 2>/dev/null
            for d in "${cg[@]}"; do xargs -r kill -KILL <"$d/cgroup.procs" 2>/dev/null; done
            exit
        fi
    done
) &
dog=$!
status=0
wait "$pid" 2>/dev/null || status=$?
kill "$dog" 2>/dev/null || true
wait "$dog" 2>/dev/null || true
if [[ -s $verdict ]]; then
    status=$(<"$verdict")
    if ((status == 124)); then echo "grade-sandbox: stopped after $timeout s (time limit)" >&2
    else echo "grade-sandbox: stopped: its working directory grew past $GRADE_DISK_MB MB or $GRADE_INODES files" >&2; fi
fi
# Return only once every process of the sandbox is gone: when its init is
# dead (a zombie, left to the machine's init to reap), so is all the rest.
alive() { [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) == [^ZX] ]]; }
child=$(init)
tries=0
while [[ -n $child ]] && alive "$child" && ((tries++ < 50)); do sleep 0.1; done
cgroup_remove "${cg[@]}"
rm -f "$verdict" "$info" "$as_student"
exit "$status"
