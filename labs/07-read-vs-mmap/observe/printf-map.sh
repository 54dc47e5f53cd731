#!/usr/bin/env bash
# printf-map.sh - the folklore's printf("%s", map) on a mapped file: when it
# happens to work, and when it crashes. No task: mprint is given.
# Run: labs/07-read-vs-mmap/observe/printf-map.sh (LABS=solutions for the reference)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 07
ps=$(getconf PAGESIZE)

heading "A 100-byte file: it works"
printf 'hello from a mapped file, which has no 0 byte at its end%44s\n' '' | head -c 100 >short
look "the text, then mprint's count: 100 bytes printed."
show_run mprint short
why "printf(\"%s\") reads until a 0 byte. The file has none, but its page does:" \
    "the $((ps - 100)) bytes after the end of the file, up to the end of the page," \
    "read as 0 (the kernel zeroes them). So it works, by luck of the size."

heading "A file of exactly one page ($ps bytes): it crashes"
head -c "$ps" /dev/zero | tr '\0' 'x' >page
look "the exit status: SIGSEGV (139)."
show_run mprint page
why "No tail of zeros: printf() reads past the mapping. What is there decides" \
    "what happens: another mapping (garbage is printed, maybe a crash later)" \
    "or nothing (SIGSEGV). mprint leaves an inaccessible page after its mapping" \
    "so that it is the same on every run."

heading "The same file, mapped one page longer than it is"
show_run mprint page past
why "A page of a file mapping with no file behind it is SIGBUS (135), not" \
    "SIGSEGV: the address is mapped, the file has nothing there. Either way," \
    "a mapped file is bytes and a length, not a C string: use fwrite(map, 1," \
    "size, stdout) or write(1, map, size)."
