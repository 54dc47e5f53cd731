#!/usr/bin/env bash
# tools/grade-unpack.sh - take a student's editable files out of a submission.
# tools/grade.sh runs it in the sandbox (tools/grade-sandbox.sh), never directly:
#
#   grade-unpack SUBMISSION OUTDIR        SUBMISSION: a directory, a tar archive
#                                         (.tar, .tar.gz, .tgz, .tar.xz ...), a .zip
#                                         or a git bundle (its HEAD, else main or
#                                         master, else its only branch; GRADE_REF
#                                         names another)
#
# Writes OUTDIR/files/PATH for each editable file found (PATH as in the
# instructor's tree, e.g. labs/01-mmap-flags/mcat.c) and OUTDIR/notes, one line
# per thing the student should know. The submission's layout may be the whole
# workbook (at its top or one to three directories down), or just its labs/.
# Only regular files with safe names (no absolute path, no ..) are read; links,
# devices, oversized files and anything that is not an editable file are not
# (changed copies of the instructor's files are named in the notes), and
# OUTDIR/refused lists the editable files the submission has but that are not used.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"
src=$1 out=$2
mkdir -p "$out/files" "$out/raw"
notes=$out/notes
: >"$notes"
note() { printf '%s\n' "$*" >>"$notes"; }
max=$((GRADE_MAX_FILE_KB * 1024))

# What kind of submission: by its first bytes, not its name (a tar or zip
# archive is read by tools/grade-intake.py, as a stream, within the size budget).
kind() {
    [[ -d $src ]] && { echo dir; return; }
    case $(head -c 16 -- "$src" | tr -d '\0') in
    '# v2 git bundle'* | '# v3 git bundle'*) echo bundle ;;
    *) echo archive ;;
    esac
}

# The bundle's branch to grade: its HEAD, else main or master, else its only
# branch (GRADE_REF, when set, names it); the note says which was graded.
bundle_ref() {
    local heads ref
    heads=$(git bundle list-heads "$src" 2>"$out/git.err" | awk '{ print $2 }') || { sed 's/^/git: /' "$out/git.err" | head -n 3 >>"$notes"; return 1; }
    if [[ -n ${GRADE_REF:-} ]]; then
        ref=$(awk -v r="$GRADE_REF" '$0 == r || $0 == "refs/heads/" r || $0 == "refs/tags/" r { print; exit }' <<<"$heads")
        [[ -n $ref ]] || { note "the bundle has no branch $GRADE_REF (it has: $(paste -sd' ' <<<"$heads"))"; return 1; }
        note "the bundle's ${ref#refs/heads/} was graded (GRADE_REF)"
        echo "$ref"; return
    elif grep -qx HEAD <<<"$heads"; then
        echo HEAD; return
    elif ! ref=$(grep -xE 'refs/heads/(main|master)' <<<"$heads" | head -n 1) &&
        ! ref=$(grep '^refs/heads/' <<<"$heads" | awk 'END { if (NR == 1) print; else exit 1 }'); then
        local names=${heads//refs\/heads\//}
        note "the bundle has no HEAD and several branches (${names//$'\n'/ }): none graded; make the bundle with HEAD (git bundle create work.bundle HEAD BRANCH), or the instructor names one (GRADE_REF=BRANCH)"
        return 1
    fi
    note "the bundle has no HEAD: its branch ${ref#refs/heads/} was graded"
    echo "$ref"
}

# The entries: TYPE<TAB>SIZE<TAB>NAME<TAB>KEY (f regular file, l link, o other).
list() {
    case $1 in
    dir) find "$src" -mindepth 1 -printf '%y\t%s\t%P\t%P\n' |
        awk -F'\t' -v OFS='\t' 'NR <= 100000 { $1 = ($1 == "f" ? "f" : $1 == "l" ? "l" : "o"); print }' ;;
    archive) awk -F'\t' '$1 != "note"' "$out/members" ;;
    bundle) local ref
        ref=$(bundle_ref) || return 0
        git init -q --bare "$out/repo"
        git -C "$out/repo" fetch -q "$src" "+$ref:refs/graded" 2>"$out/git.err" ||
            { sed 's/^/git: /' "$out/git.err" | head -n 3 >>"$notes"; return 0; }
        git -C "$out/repo" ls-tree -r -l refs/graded | awk -F'\t' -v OFS='\t' '
            NR <= 100000 { split($1, m, " +"); t = m[1] ~ /^100/ ? "f" : m[1] == "120000" ? "l" : "o"
              print t, m[4], $2, m[3] }' ;;
    esac
}

# Choose the entries to read: the editable files under the most likely top
# directory, and the instructor's files that the submission has too (extra C
# files in a lab's directory are named in a note: they are not used).
# Output: take<TAB>PATH<TAB>KEY, compare<TAB>PATH<TAB>KEY, note<TAB>TEXT,
# refuse<TAB>PATH (an editable file the submission has but that is not used).
choose() {
    awk -F'\t' -v OFS='\t' -v max="$max" '
        function refuse(path, own) { if (own) print "refuse", path }
        FILENAME == ARGV[1] { editable[$0] = 1; next }
        FILENAME == ARGV[2] { tree[$0] = 1; next }
        { type[NR] = $1; size[NR] = $2; key[NR] = $4; name = $3; sub(/^(\.\/)+/, "", name)
          if (name !~ /^[A-Za-z0-9._ \/+-]+$/) next
          if (name ~ /^\// || name ~ /(^|\/)\.\.(\/|$)/) {
              if (++unsafe <= 5) print "note", "not used, unsafe path (absolute or with ..): " name
              next }
          n = split(name, c, "/"); nm[NR] = name
          for (k = 0; k <= 3 && k < n; k++) {
              p = ""; for (i = 1; i <= k; i++) p = p c[i] "/"
              rest = substr(name, length(p) + 1)
              if (rest in editable) { hit[NR, p] = rest; if ($1 == "f") count[p]++ }
              else if (("labs/" rest) in editable) { hit[NR, p "|"] = "labs/" rest; if ($1 == "f") count[p "|"]++ }
              else if (rest in tree) hit[NR, p] = "=" rest
              else if (rest ~ /^labs\/[0-9][0-9]-[^\/]+\/[^\/]+\.[ch]$/) hit[NR, p] = "+" rest
              else if (rest ~ /^[0-9][0-9]-[^\/]+\/[^\/]+\.[ch]$/) hit[NR, p "|"] = "+labs/" rest
          } }
        END {
            if (unsafe > 5) print "note", "... and " unsafe - 5 " more unsafe paths"
            for (p in count) if (!found++ || count[p] > count[best] || (count[p] == count[best] && length(p) < length(best))) best = p
            if (!found) { print "note", "no lab files found (expected labs/NN-topic/*.c, or NN-topic/*.c)"; exit }
            for (r = 1; r <= NR; r++) {
                if (!((r, best) in hit)) continue
                path = hit[r, best]; own = path !~ /^[=+]/
                if (path ~ /^\+/) { if (++extra <= 5) print "note", "not used, not a file of the lab (only its starter files are): " nm[r]; continue }
                sub(/^=/, "", path)
                if (type[r] != "f") { if (own) print "note", "not used, not a regular file (a link?): " nm[r]; refuse(path, own); continue }
                if (size[r] + 0 > max) { print "note", "not used, larger than " max / 1024 " KB: " nm[r]; refuse(path, own); continue }
                if (times[path]++) { print "note", "not used, in the submission twice: " nm[r]; refuse(path, own); continue }
                row[r] = (own ? "take" : "compare") OFS path OFS key[r]; rpath[r] = path
            }
            for (r = 1; r <= NR; r++) if ((r in row) && times[rpath[r]] == 1) print row[r]
        }' <("$root/tools/wb.py" editable "$root") <(cd "$root" && find . -type f -printf '%P\n') -
}

intake=$root/tools/grade-intake.py
k=$(kind)
if [[ $k == archive ]]; then
    status=0
    "$intake" list "$src" >"$out/members" || status=$?
    if ((status == 3)); then note "cannot read the submission: not a directory, tar archive, zip archive or git bundle"; exit 0; fi
    ((status == 0)) || exit "$status"
    sed -n 's/^note\t//p' "$out/members" >>"$notes"
fi
list "$k" | choose >"$out/chosen"
awk -F'\t' '$1 == "note" { print $2 }' "$out/chosen" >>"$notes"
awk -F'\t' '$1 == "refuse" { print $2 }' "$out/chosen" >"$out/refused"
awk -F'\t' '$1 == "take" || $1 == "compare"' "$out/chosen" >"$out/read"

# Archives: the chosen entries extracted into raw/ in one pass (a member that
# unpacks to more than its size limit is refused there, with a note).
[[ $k != archive ]] || cut -f3 "$out/read" | "$intake" extract "$src" "$out/raw" | sed -n 's/^note\t//p' >>"$notes"

# entry KEY: the bytes of a chosen entry.
entry() {
    case $k in
    dir) cat -- "$src/$1" ;;
    archive) [[ -f $out/raw/$1 && ! -L $out/raw/$1 ]] && cat -- "$out/raw/$1" ;;
    bundle) git -C "$out/repo" cat-file blob "$1" ;;
    esac
}

awk -F'\t' -v d="$out/files/" '$1 == "take" { p = $2; sub(/\/[^\/]*$/, "", p); print d p }' "$out/read" | sort -u | xargs -r mkdir -p
changed=()
while IFS=$'\t' read -r what path key; do
    if [[ $what == take ]]; then
        if ! entry "$key" | head -c "$max" >"$out/files/$path"; then
            rm -f "$out/files/$path"
            echo "$path" >>"$out/refused"
        fi
    elif ! entry "$key" | cmp -s - "$root/$path"; then
        changed+=("$path")
    fi
done <"$out/read"
if ((${#changed[@]})); then
    mapfile -t changed < <(printf '%s\n' "${changed[@]}" | sort)
    note "not used, the grader uses its own copies: your changes to ${changed[*]:0:10}${changed[10]:+ ...}"
fi
n=$(find "$out/files" -type f | wc -l)
((n == 0)) || note "taken from the submission: $n lab file$( ((n == 1)) || echo s)"
rm -rf "$out/raw" "$out/repo" "$out/members"
