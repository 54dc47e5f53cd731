#!/usr/bin/env bash
# tools/annoy-oracle.sh - build lab 09's oracle: annoy itself, in a small C++ tool.
#
#   tools/annoy-oracle.sh        prints the oracle's path (in tools/annoy-headers.sh's directory)
#
# Gets annoy's headers from Debian (tools/annoy-headers.sh), g++ (tools/deps.sh core),
# and compiles tests/annoy-oracle.cc with them, once: again only when the source
# is newer. Safe to run from several processes at once (a lock).
# DIR: see tools/annoy-headers.sh (ANNOY_DIR shares one between builds).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$("$root/tools/annoy-headers.sh")
oracle=$dir/annoy-oracle src=$root/tests/annoy-oracle.cc
fresh() { [[ -x $oracle && ! $oracle -ot $src ]]; }
# Built already: nothing to write (a user who cannot write DIR can use it).
if fresh; then printf '%s\n' "$oracle"; exit 0; fi
exec 9>"$dir/oracle.lock"
flock 9
if ! fresh; then
    command -v g++ >/dev/null || "$root/tools/deps.sh" core
    # -O2, no -march: annoy's plain loops (its AVX ones would round differently).
    g++ -std=c++14 -O2 -w -I "$dir" -o "$oracle.tmp" "$src"
    mv "$oracle.tmp" "$oracle"
fi
printf '%s\n' "$oracle"
