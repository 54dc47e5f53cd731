#!/usr/bin/env bash
# past-eof.sh - what a mapping holds past the end of its file, byte by byte: where
# reads give 0, where stores go, and where SIGBUS begins; then what ftruncate()
# changes. Run: labs/02-protection-faults/observe/past-eof.sh (LABS=solutions for
# the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need od
obs_setup 02
ps=$(getconf PAGESIZE)
size=$((ps + 100))

# fresh [DIR]: a file of $size bytes of 'f' (data, or DIR/data); its path on stdout.
fresh() {
    local path=${1:+$1/}data
    head -c "$size" /dev/zero | tr '\0' f >"$path"
    printf '%s\n' "$path"
}
# fstype DIR: the type of the file system that holds DIR.
fstype() { { findmnt -n -o FSTYPE -T "$1" 2>/dev/null || stat -f -c %T "$1"; } | head -n 1; }
# byte_at FILE OFFSET: the byte at OFFSET of FILE as od prints it (nothing past EOF).
byte_at() { od -A n -c -j "$2" -N 1 "$1" | tr -d ' '; }

heading "eofmap: a $size-byte file mapped over three pages (tasks 2.1, 1.2)"
f=$(fresh)
cp "$f" orig
look "Three regions. Bytes 0 to $((size - 1)) are the file. Bytes $size to" \
    "$((2 * ps - 1)), the rest of its last page, read 0 and take stores. From" \
    "byte $((2 * ps)) on, whole pages past the end: SIGBUS (BUS_ADRERR)."
show_run eofmap "$f" r:$((size - 1)) r:"$size" r:$((2 * ps - 1)) w:"$size" w:$((2 * ps - 1)) \
    r:$((2 * ps)) w:$((3 * ps - 1))
expect_success 2.1
if ((STATUS != 0)); then
    :
elif cmp -s "$f" orig; then
    wrap "cmp: the file is unchanged, still $(stat -c %s "$f") bytes: the stores went nowhere (yet)."
else
    wrap "!! cmp: the file changed."
fi
why "The kernel maps whole pages. The last page of the file is in the page cache" \
    "whole (its tail was zeroed when it was read in); past it there is no page to" \
    "map, so the access cannot be satisfied and the kernel sends SIGBUS. 'Data" \
    "past the end of the file can be accessed' holds for $((2 * ps - size)) bytes here, and for not one more."

heading "Where did the stores past EOF go? (this machine's file systems)"
look "A file whose pages are clean (just synced). One process stores 'W' at byte" \
    "$size (past EOF) and exits; a second process maps the file and reads that" \
    "byte; then sync(1) writes the file back and a third process reads it again." \
    "Last, with a fresh file: the same store, then the file grows to two pages" \
    "(truncate(1)) and od shows what the file holds at byte $size."
dirs=(.)
if [[ -d /dev/shm && -w /dev/shm ]]; then
    shm=$(mktemp -d /dev/shm/observe.XXXXXX)
    trap 'rm -rf "$WORK" "$shm"' EXIT
    dirs+=("$shm")
fi
# reader FILE: what a new process reads at byte $size of FILE's mapping.
reader() { "$BIN/eofmap" "$1" r:"$size" | sed -n 's/^read  +[0-9]*: //p'; }
for d in "${dirs[@]}"; do
    f=$(fresh "$d")
    sync "$f"
    printf '\n%s (%s):\n' "$([[ $d == . ]] && echo "$WORK" || echo "$d")" "$(fstype "$d")"
    if ! "$BIN/eofmap" "$f" w:"$size" >/dev/null 2>&1; then
        wrap "(eofmap failed: task 2.1 first)"
        continue
    fi
    printf '  after the store, another process reads:  %s\n' "$(reader "$f")"
    sync "$f"
    printf '  after sync, another process reads:       %s\n' "$(reader "$f")"
    f=$(fresh "$d")
    "$BIN/eofmap" "$f" w:"$size" >/dev/null 2>&1
    truncate -s $((2 * ps)) "$f"
    printf '  store, then truncate -s %d: byte %d is  %s\n' $((2 * ps)) "$size" "$(byte_at "$f" "$size")"
done
why "The kernel zeroes the tail of a file's last page when it reads the page in," \
    "and again when it writes the page back; it does not zero it when it maps" \
    "the page. So a store past EOF stays in the page cache page, where every new" \
    "mapping sees it, until writeback: on a disk file system (ext4 here) sync" \
    "zeroes it at once, the flusher threads once the page has been dirty for" \
    "vm.dirty_expire_centisecs (30 s by default). tmpfs" \
    "never writes back, and the 'W' stays. Whether a store past EOF becomes file" \
    "data when the file grows depends on the file system (on this lab's Linux" \
    "6.18, ext4 zeroed it and tmpfs kept it). The tests grade only what every" \
    "system agrees on: while the file does not grow, its size and bytes are unchanged."

heading "SIGBUS inside the file: a hole, and no space left for it"
look "A file system of two pages (a tmpfs of 8 KiB, mounted in a mount namespace" \
    "of its own: unshare(1), as root or as a user). A $size-byte file fills it." \
    "eofmap grows the file to three pages with ftruncate(), which needs no space" \
    "(the new page is a hole), then reads and writes byte $((2 * ps)), inside the file."
mkdir small
ops=(t:$((3 * ps)) r:$((2 * ps)) w:$((2 * ps)) w:$((size + 4)))
if unshare -rm true 2>/dev/null; then
    printf '$ eofmap small/data %s   (small: a tmpfs of 8 KiB, full)\n' "${ops[*]}"
    STATUS=0 # The inner shell mounts the tmpfs, fills it, and runs eofmap ("$@").
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    unshare -rm sh -c 'mount -t tmpfs -o size=8k none small && head -c "$1" /dev/zero >small/data &&
        shift && exec "$@"' sh "$size" "$BIN/eofmap" small/data "${ops[@]}" >"$WORK/out" 2>&1 || STATUS=$?
    print_out
    expect_success 2.1
    why "The page at byte $((2 * ps)) is inside the file, but to map it the kernel must" \
        "allocate it, and the file system has no space left: the fault cannot be" \
        "satisfied, and the signal is SIGBUS, BUS_ADRERR, as past the end of the" \
        "file. Two more causes are not shown here: an I/O error when the page is" \
        "read in, and memory the hardware reports as failed (si_code BUS_MCEERR_AR" \
        "or BUS_MCEERR_AO, sigaction(2))."
else
    wrap "(unshare -rm cannot make a mount namespace here: user namespaces are off." \
        "As root this part runs.)"
fi

heading "ftruncate() under the mapping (task 2.2)"
f=$(fresh)
look "The same access, byte $((2 * ps)), before and after the file grows to three" \
    "pages, and after it shrinks back: the mapping never changes, what lies behind it does."
show_run eofmap "$f" r:$((2 * ps)) t:$((3 * ps)) r:$((2 * ps)) w:$((2 * ps)) t:"$size" r:$((2 * ps))
expect_success 2.2
why "Each access is checked against the file's size at the moment of the fault," \
    "not at the time of mmap(). Shrinking a file that others have mapped is how a" \
    "program gets a SIGBUS it never asked for: the other side truncated the file."
