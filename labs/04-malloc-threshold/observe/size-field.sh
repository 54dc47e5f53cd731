#!/usr/bin/env bash
# size-field.sh - what gcc says about reading a chunk's size field through
# ((const size_t *)p)[-1], and about the integer address task 1.1 asks for.
# Run: labs/04-malloc-threshold/observe/size-field.sh (LABS=solutions: the same).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need gcc
obs_setup 04
flags=(-std=c11 -O2 -Wall -Wextra) # the Makefile's, without -Werror

# program EXPR: a C program that reads the size field of a malloc()ed block as EXPR.
program() {
    printf '%s\n' '#include <stdint.h>' '#include <stdio.h>' '#include <stdlib.h>' \
        "static inline size_t size_field(const void *p) { return $1; }" \
        'int main(void) { void *p = malloc(1000); printf("%zu\n", size_field(p)); free(p); }'
}
# try EXPR [FLAG]: compile it with the lab's flags (and FLAG); show gcc's verdict.
try() {
    program "$1" >sf.c
    printf '$ gcc %s sf.c   (size_field returns %s)\n' "${flags[*]}${2:+ $2}" "$1"
    if gcc "${flags[@]}" ${2:+"$2"} -o sf sf.c >gcc.out 2>&1; then
        printf '  compiled; it prints %s\n' "$(./sf)"
    else
        printf '  gcc refused (exit status %d)\n' $?
    fi
    grep -E '(warning|error):' gcc.out | sed 's/^[^ ]* /  /' || true
}

heading "The size field as an array element before the block"
look "gcc $(gcc -dumpversion) at -O2 with -Wall inlines size_field() after the malloc() and" \
    "sees a read 8 bytes before a 1000-byte object: a warning (-Warray-bounds," \
    "part of -Wall), and with -Werror, as the labs' Makefile has it, an error."
try '((const size_t *)p)[-1]'
try '((const size_t *)p)[-1]' -Werror

heading "The size field at an address computed as an integer (task 1.1)"
try '*(const size_t *)((uintptr_t)p - sizeof(size_t))'
why "Both read the same 8 bytes, and both print the chunk's size with its flag" \
    "bits. The first is, in C, an access outside the object malloc() returned," \
    "which is what gcc reports; the second makes the address explicit. What a" \
    "compiler notices depends on its version: the gcc in front of you is the one" \
    "this run shows."
