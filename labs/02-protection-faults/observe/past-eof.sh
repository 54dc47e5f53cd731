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
    "whole, its tail zeroed; past it there is no page to map, so the access" \
    "cannot be satisfied and the kernel sends SIGBUS. 'Data past the end of the" \
    "file can be accessed' holds for $((2 * ps - size)) bytes here, and for not one more."

heading "Where did the stores past EOF go? (this machine's file systems)"
look "One process stores 'W' at byte $size (past EOF). A second process maps the" \
    "file and reads that byte; then the file is grown to two pages with" \
    "truncate(1), and od shows what the file now holds at byte $size."
dirs=(.)
if [[ -d /dev/shm && -w /dev/shm ]]; then
    shm=$(mktemp -d /dev/shm/observe.XXXXXX)
    trap 'rm -rf "$WORK" "$shm"' EXIT
    dirs+=("$shm")
fi
for d in "${dirs[@]}"; do
    f=$(fresh "$d")
    printf '\n%s (%s):\n' "$([[ $d == . ]] && echo "$WORK" || echo "$d")" "$(fstype "$d")"
    if ! "$BIN/eofmap" "$f" w:"$size" >/dev/null 2>&1; then
        wrap "(eofmap failed: task 2.1 first)"
        continue
    fi
    printf '  another process reads: %s\n' "$("$BIN/eofmap" "$f" r:"$size" | grep '^read' || true)"
    truncate -s $((2 * ps)) "$f"
    printf '  after truncate -s %d, byte %d of the file: %s\n' $((2 * ps)) "$size" "$(byte_at "$f" "$size")"
done
why "The store stays in the page cache page, past EOF, where a second process" \
    "still sees it. Whether it ever becomes file data depends on the file system" \
    "and the kernel. On the machine this lab was written on (Linux 6.18), ext4" \
    "zeroed the tail when the file grew (writeback zeroes it too), while on tmpfs" \
    "the 'W' became part of the file. The tests grade only what every system" \
    "agrees on: while the file does not grow, its size and bytes are unchanged."

heading "ftruncate() under the mapping (task 2.2)"
f=$(fresh)
look "The same access, byte $((2 * ps)), before and after the file grows to three" \
    "pages, and after it shrinks back: the mapping never changes, what lies behind it does."
show_run eofmap "$f" r:$((2 * ps)) t:$((3 * ps)) r:$((2 * ps)) w:$((2 * ps)) t:"$size" r:$((2 * ps))
expect_success 2.2
why "Each access is checked against the file's size at the moment of the fault," \
    "not at the time of mmap(). Shrinking a file that others have mapped is how a" \
    "program gets a SIGBUS it never asked for: the other side truncated the file."
