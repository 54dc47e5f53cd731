#!/usr/bin/env bash
# tools/dist.sh - the student handout (make dist).
#
#   tools/dist.sh [OUT.tar.gz]     default build/dist/mmap-workbook.tar.gz
#   tools/dist.sh --list           the handout's files, one path a line
#   tools/dist.sh --check TARBALL  only the check below
#
# The handout is the project's files (tracked or not, but not git-ignored)
# without solutions/, the correct variants of solutions (tests/alternatives/),
# the grader's corpus of hostile submissions (built from the solutions) and the
# tests of the project's own tooling (tests/tools/). The tarball is then checked: no solutions/ directory, no file
# equal to a solution file that differs from its starter, and no solution block
# (the code between //@solution and //@starter, 40 characters or more once its
# blanks are squeezed) in any of its files but C sources (the chapters, tests,
# tools, book: the starters are tools/gen-starter.sh's output, which make test
# checks, and one task's answer may be another program's given code). The
# hints in course.toml are checked too (and line by line by the course check).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Paths that never go to students.
private='^(solutions/|tests/grader/|tests/alternatives/|tests/tools/|build/|book/out/|\.git/)'

list() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -co --exclude-standard
    else
        find . -type f -printf '%P\n'
    fi | grep -Ev "$private" | while IFS= read -r f; do [[ -f $f && ! -L $f ]] && printf '%s\n' "$f"; done | sort -u
}

# The solution blocks, blanks squeezed, 40 characters or more: FILE:LINE<TAB>CODE.
squeeze='function squeeze(s) { gsub(/[ \t\r]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }'
blocks() {
    awk "$squeeze"'
        FNR == 1 { insol = 0 }
        /^[ \t]*\/\/@solution$/ { insol = 1; start = FNR; b = ""; next }
        insol && /^[ \t]*\/\/@(starter|end)$/ { insol = 0; b = squeeze(b)
                                                  if (length(b) >= 40) { lab = FILENAME; sub(/^solutions\//, "", lab); sub(/\/.*/, "", lab)
                                                                         print FILENAME ":" start "\t" lab "\t" b }
                                                  next }
        insol { b = b " " $0 }' "$@"
}

# check TARBALL: exit 1, naming what leaks, if the tarball reveals a solution.
check() {
    local tmp bad=0 s same
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    mkdir "$tmp/x" && tar -xzf "$1" -C "$tmp/x"
    if find "$tmp/x" -path '*/solutions*' | grep -q .; then
        echo "dist: the tarball has a solutions/ directory" >&2; bad=1
    fi
    shopt -s nullglob
    local id sol
    while IFS=$'\t' read -r id _; do
        sol=$(tools/wb.py tree "$id" solutions) starter=$(tools/wb.py tree "$id" labs)
        for s in "$sol"/*.[ch]; do
            cmp -s "$s" "$starter/${s##*/}" && continue # a file with no task
            while IFS= read -r same; do
                echo "dist: ${same#"$tmp"/x/} is the solution file $s" >&2; bad=1
            done < <(find "$tmp/x" -type f -size "$(stat -c %s "$s")c" -exec cmp -s "$s" {} \; -print)
        done
    done < <(tools/wb.py labs)
    # A block that is given code in a starter too (one task's answer may be
    # another program's given code, which a chapter may show) reveals nothing.
    local starters=()
    while IFS=$'\t' read -r id _; do starters+=("$(tools/wb.py tree "$id" labs)"/*.[ch]); done < <(tools/wb.py labs)
    # shellcheck disable=SC2016 # an awk program
    awk "$squeeze"' { t = t " " $0 } END { print squeeze(t) }' "${starters[@]}" >"$tmp/given"
    blocks solutions/*/*.[ch] | awk -F'\t' 'FILENAME == ARGV[1] { given = $0; next } !index(given, $3)' "$tmp/given" - >"$tmp/blocks"
    # Not in C code: the starters are tools/gen-starter.sh's output (make test
    # checks it), and one task's answer may be another program's given code.
    # shellcheck disable=SC2016 # an awk program
    find "$tmp/x" -type f ! -name '*.[ch]' -print0 | xargs -0 -r awk -F'\t' -v x="$tmp/x/" "$squeeze"'
        function test() { if (cur == "") return; t = squeeze(t); sub(x, "", cur)
            for (i = 1; i <= n; i++) if (index(t, blk[i])) {
                print "dist: " cur " has the solution block at " where[i]; bad = 1 }
            t = "" }
        FILENAME == ARGV[1] { n++; where[n] = $1; blk[n] = $3; next }
        FNR == 1 { test(); cur = FILENAME }
        { t = t " " $0 }
        END { test(); exit bad }' "$tmp/blocks" >&2 || bad=1
    ((bad == 0))
}

case ${1:-} in
--list) list; exit ;;
--check) check "$2"; exit ;;
esac
out=${1:-build/dist/mmap-workbook.tar.gz}
mkdir -p "$(dirname "$out")"
list >"$out.files"
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar -czf "$out" --no-recursion --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    --transform 's,^,mmap-workbook/,' -T "$out.files"
rm -f "$out.files"
check "$out" || { rm -f "$out"; echo "dist: $out removed: it would reveal solutions" >&2; exit 1; }
echo "dist: $out ($(tar -tzf "$out" | wc -l) files, no solution code)"
