#!/usr/bin/env bash
# tools/grade-sandbox.sh - run a command on a student's code in a bubblewrap sandbox.
#
#   tools/grade-sandbox.sh [--slot N] [--timeout S] [--mem MIB] [--tree DIR] [--ro HOSTPATH PATH]...
#                       [--rw PATH]... [--env NAME=VALUE]... WORKDIR -- CMD...
#   tools/grade-sandbox.sh --probe     print how sandboxes are made here (userns or
#                                   inner), or exit 126 when they cannot be
#
# Inside: an unprivileged user (uid GRADE_UID_BASE+N when run as root, with
# privileges dropped before bwrap; else the calling user), no network, its own
# pid/ipc/uts namespaces, /usr read-only, the grading tree DIR read-only at
# /grade, WORKDIR (created here, must not exist) read-write at /work and its
# tmp/ at /tmp (so on the same filesystem as WORKDIR: ext4, not tmpfs), a fresh
# empty directory of WORKDIR at each --rw PATH (which must exist), a small
# tmpfs /dev/shm, nothing else of the machine, no descriptor but 0, 1, 2.
# Limits (tools/grade-lib.sh): CPU time, address space, file size and open files
# per process; processes; disk and inodes of WORKDIR (checked 4 times a
# second); wall time. When it returns, no process of the sandbox is left.
# Exit: CMD's status; 124 wall time exceeded; 125 disk limit exceeded; 126 no
# sandbox possible here (the message says why).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"

slot=0 timeout=$GRADE_LAB_TIMEOUT mem=$GRADE_MEM_MB tree='' binds=() rws=() envs=() probe_only=false
while (($#)); do
    case $1 in
    --probe) probe_only=true; shift ;;
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
if $probe_only; then echo "$mode"; exit 0; fi

mkdir "$work" "$work/tmp" "$work/home"
for i in "${!rws[@]}"; do
    mkdir "$work/rw$i"
    binds+=(--bind "$work/rw$i" "${rws[i]}")
done
((EUID != 0)) || chown -R "$uid:$uid" "$work"
chmod 700 "$work"

# The machine as the sandbox sees it.
sys=("${base[@]}")
for d in /etc /sys /sys/kernel /sys/kernel/mm /sys/devices /sys/devices/system; do
    sys+=(--perms 0755 --dir "$d") # as root, bwrap would make the parents 0700
done
for p in /etc/alternatives /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d /boot \
    /sys/kernel/mm/transparent_hugepage /sys/devices/system/cpu; do
    sys+=(--ro-bind-try "$p" "$p")
done
# A passwd entry for the uid, so that tools that ask for a user name work.
exec 5<<<"student:x:$uid:$uid:student:/work/home:/bin/bash" 6<<<"student:x:$uid:" 8<<<"127.0.0.1 localhost"
sys+=(--perms 0644 --file 5 /etc/passwd --perms 0644 --file 6 /etc/group --perms 0644 --file 8 /etc/hosts)
sys+=(--proc /proc --dev /dev --size $((GRADE_SHM_MB << 20)) --tmpfs /dev/shm --remount-ro /dev)
[[ -z $tree ]] || sys+=(--ro-bind "$tree" /grade)
sys+=(--bind "$work" /work --bind "$work/tmp" /tmp "${binds[@]}" --remount-ro / --chdir /work)
sys+=(--clearenv --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME /work/home --setenv TMPDIR /tmp
    --setenv LANG C.UTF-8 --setenv USER student --setenv LOGNAME student "${envs[@]}")
ns=(--unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try
    --hostname sandbox --die-with-parent --new-session --json-status-fd 9)
# The limits, then no descriptor but 0, 1 and 2 (the grader's stay outside).
# shellcheck disable=SC2016 # expanded by the shell in the sandbox
limits=(prlimit --cpu="$GRADE_CPU:$((GRADE_CPU + 1))" --as=$((mem << 20)) --nproc="$GRADE_NPROC"
    --fsize=$((GRADE_FSIZE_MB << 20)) --nofile="$GRADE_NOFILE" --core=0 --
    /bin/bash -c 'cd /proc/self/fd && for fd in *; do ((fd < 3)) || eval "exec $fd>&-"; done; cd /work && exec "$@"' sandbox)
case $mode in
userns) run=("${drop[@]}" bwrap --unshare-user --disable-userns "${ns[@]}" "${sys[@]}" -- "${limits[@]}") ;;
inner) run=(bwrap "${ns[@]}" "${sys[@]}" -- "${drop[@]}" "${limits[@]}") ;;
esac

info=$work.info verdict=$work.verdict
rm -f "$info" "$verdict"
exec 9>"$info"
"${run[@]}" "$@" &
pid=$!
exec 9>&-
# The pid of the sandbox's init, as bwrap reports it: killing it ends them all.
init() { sed -n '1s/.*"child-pid": *\([0-9]*\).*/\1/p' "$info"; }

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
rm -f "$verdict" "$info"
exit "$status"
