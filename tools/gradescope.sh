#!/usr/bin/env bash
# tools/gradescope.sh - the Gradescope autograder (make gradescope).
#
#   tools/gradescope.sh [OUT.zip]          default build/gradescope/autograder.zip
#
# The zip holds the handout (tools/dist.sh --list: no solutions) with the grader,
# plus at its top the two files Gradescope runs: setup.sh (once, as root, to
# install the packages: tools/deps.sh) and run_autograder (for each submission:
# tools/grade.sh --gradescope, which reads /autograder/submission and writes
# /autograder/results/results.json). Gradescope unzips it into
# /autograder/source. AUTOGRADER=DIR runs it with DIR in place of /autograder
# (tests/tools/grader.bats does, to check the layout).
# What students see of each lab's tests, and when: its `visibility` in
# course.toml (visible, after_due_date, after_published, hidden). Each test has
# its own time limit (GRADE_TEST_TIMEOUT), each lab its own (its `timeout`):
# Gradescope's own limit for the whole run must be above their sum (printed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"
out=${1:-$root/build/gradescope/autograder.zip}
mkdir -p "$(dirname "$out")"
out=$(realpath "$out")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

(cd "$root" && tools/dist.sh --list | tar -cf - --no-recursion -T -) | tar -xf - -C "$stage"

cat >"$stage/setup.sh" <<'EOF'
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
cd "$(dirname "$0")" # /autograder/source
# Every group the labs need (a lab that runs in the VM: the kernel and QEMU too).
tools/deps.sh core grader # python3 first: tools/wb.py reads the manifest
groups=$(tools/wb.py deps)
echo "setup: package groups: core grader $groups"
tools/deps.sh $groups
# Lab 09's oracle is built from annoy's headers, a Debian package's: fetched
# now, as the grading sandbox has no network.
tools/annoy-headers.sh
EOF

cat >"$stage/run_autograder" <<'EOF'
#!/usr/bin/env bash
# Gradescope runs this for each submission: /autograder/submission in,
# /autograder/results/results.json out. AUTOGRADER=DIR: DIR for /autograder.
set -uo pipefail
ag=${AUTOGRADER:-/autograder}
export AUTOGRADER=$ag
mkdir -p "$ag/results"
if ! "$ag/source/tools/grade.sh" --gradescope; then
    # The grader itself failed (not the student's code): say so, score nothing.
    python3 -c 'import json, sys; json.dump({"score": 0, "visibility": "visible", "output":
        "The autograder could not grade this submission. Please tell your instructor."}, sys.stdout)' \
        >"$ag/results/results.json"
fi
EOF
chmod 755 "$stage/setup.sh" "$stage/run_autograder"

rm -f "$out"
(cd "$stage" && zip -qr -X "$out" .)
# The longest a submission can take: every lab to its time limit.
worst=0
while IFS=$'\t' read -r id _; do
    worst=$((worst + $(lab_limit "$id" timeout "$GRADE_LAB_TIMEOUT")))
done < <("$root/tools/wb.py" labs)
echo "gradescope: $out ($(unzip -Z1 "$out" | wc -l) files): upload it as the autograder (a base image with bats >= 1.8, e.g. Ubuntu 24.04)"
echo "  each test stops after $GRADE_TEST_TIMEOUT s, each lab after its limit: a run with every lab at its limit takes $(((worst + 59) / 60)) minutes: set Gradescope's autograder timeout above that"
