#!/usr/bin/env bash
# tools/bench.sh - a lab's benchmark (make bench LAB=NN): never a pass/fail test.
#
#   tools/bench.sh               environment: LAB (required), LABS (default: solutions/
#                             when it exists, else labs/: the reference programs)
#
# Builds the lab's programs from LABS, then runs the lab's labs/NN-topic/bench/run.sh
# with BIN (the programs) and OUT (build/bench/NN-topic/, emptied first) in its
# environment, from OUT. run.sh prints its table (ratios measured in one run) and
# writes OUT/*.dat and, with the lab's figures/*.gp, OUT/*.svg.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[[ -n ${LAB:-} ]] || { echo "bench: which lab? make bench LAB=NN" >&2; exit 2; }
line=$(tools/wb.py lab "$LAB") || { echo "bench: LAB=$LAB: no such lab (see course.toml)" >&2; exit 2; }
IFS=$'\t' read -r id dir _ <<<"$line"
labs=${LABS:-}
if [[ -z $labs ]]; then if [[ -d solutions/$dir ]]; then labs=solutions; else labs=labs; fi; fi
script=$root/$(tools/wb.py tree "$dir" labs)/bench/run.sh
[[ -x $script ]] || { echo "bench: lab $id has no benchmark ($script)" >&2; exit 2; }
make -s build LAB="$id" LABS="$labs" || { echo "bench: lab $id does not compile in $labs/" >&2; exit 1; }
BIN=$(tools/wb.py build-dir "$labs")/$dir
export BIN OUT=$root/build/bench/$dir FIGURES
FIGURES=$root/$(tools/wb.py tree "$dir" labs)/figures
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
echo "bench: lab $id, programs from $labs/, results in ${OUT#"$root"/}/"
"$script"
