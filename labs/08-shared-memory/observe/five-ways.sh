#!/usr/bin/env bash
# five-ways.sh - one mechanism under five names: shareways in each mode, the
# maps lines, the resident pages by kind, and what is left once both
# processes have exited. Run: labs/08-shared-memory/observe/five-ways.sh
# (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 08
tag=wb08obs-$$
touch keyfile
trap 'rm -rf "$WORK"; rm -f /dev/shm/"$tag"*; ipcrm -M "$key" 2>/dev/null || true' EXIT
key=$(printf '0x%08x' $(((0x77 << 24) | (($(stat -c %d keyfile) & 0xff) << 16) | ($(stat -c %i keyfile) & 0xffff))))

look "For each way of sharing: the parent's and the child's line of" \
    "/proc/self/maps for the region (name, device and inode: the same in" \
    "both), and how many pages RssShmem and RssFile grew by while each" \
    "touched the 16 pages. All but the file on a disk are RssShmem: pages of" \
    "tmpfs, the kernel's shared memory file system, named or not."
for args in "shm /$tag" "memfd $tag" "anon -" "file /dev/shm/$tag.f" "file data" "sysv keyfile"; do
    heading "shareways $args 16"
    # shellcheck disable=SC2086 # MODE and NAME are two words
    show_run shareways $args 16
    expect_success 1.1-1.6
done

heading "shm_open() is open() in /dev/shm"
look "The system calls behind shm_open() and shm_unlink() (--remove): an openat()" \
    "of a file in /dev/shm, with O_CREAT|O_EXCL, and an unlink() of it."
show_traced shareways shm "/$tag.t" 1 --remove
show_trace "^(openat|unlink)\\(.*$tag"

heading "What is left after both processes exited"
look "shm and the tmpfs file: still in /dev/shm, bytes and all, until someone" \
    "removes them. The file on the disk: in the file. The SysV segment: in ipcs," \
    "attached by nobody (nattch 0), until IPC_RMID. memfd and anonymous memory:" \
    "nothing, since no name led to them; their pages were freed with the last" \
    "mapping."
printf '$ ls -l /dev/shm/%s*\n' "$tag"
find /dev/shm -maxdepth 1 -name "$tag*" -printf '  %p %s bytes\n'
printf '$ ls -l data\n'
stat -c '  %n %s bytes on %F' data
printf '$ ipcs -m (key %s)\n' "$key"
ipcs -m | awk -v k="$key" 'NR <= 3 || $1 == k' | sed 's/^/  /'
why "Underneath all five names is one thing: pages of shmem, the kernel's" \
    "tmpfs, mapped shared by every process that reaches them. The names differ" \
    "in how a process finds the pages (a path, a descriptor, a key, fork())" \
    "and in what keeps them alive (a name in /dev/shm, an IPC id, an open" \
    "descriptor or mapping). A MAP_SHARED file on a disk is the same page" \
    "cache idea with a disk behind it: RssFile instead of RssShmem, and the" \
    "kernel writes the pages back in its own time."
