#!/usr/bin/env bash
# tools/grade-unpack.sh - take a student's editable files out of a submission.
# tools/grade.sh runs it in the sandbox (tools/grade-sandbox.sh), never directly:
#
#   grade-unpack SUBMISSION OUTDIR        SUBMISSION: a directory, a tar archive
#                                         (.tar, .tar.gz, .tgz, .tar.xz ...), a .zip
#                                         or a git bundle (its HEAD)
#
# Writes OUTDIR/files/PATH for each editable file found (PATH as in the
# instructor's tree, e.g. labs/01-mmap-flags/mcat.c) and OUTDIR/notes, one line
# per thing the student should know. The submission's layout may be the whole
# workbook (at its top or one to three directories down), or just its labs/.
# Only regular files with safe names (no absolute path, no ..) are read; links,
# devices, oversized files and anything that is not an editable file are not
# (changed copies of the instructor's files are named in the notes).
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

# What kind of submission: by its first bytes, not its name.
kind() {
    [[ -d $src ]] && { echo dir; return; }
    local magic
    magic=$(head -c 16 -- "$src" | od -An -c | tr -d ' \n')
    case $magic in
    PK*) echo zip ;;
    '#v2gitbundle'* | '#v3gitbundle'*) echo bundle ;;
    *) if tar -tf "$src" >/dev/null 2>&1; then echo tar; else echo unknown; fi ;;
    esac
}

# The entries: TYPE<TAB>SIZE<TAB>NAME<TAB>KEY (f regular file, l link, o other).
list() {
    case $1 in
    dir) find "$src" -mindepth 1 -printf '%y\t%s\t%P\t%P\n' | head -n 100000 |
        awk -F'\t' -v OFS='\t' '{ $1 = ($1 == "f" ? "f" : $1 == "l" ? "l" : "o"); print }' ;;
    tar) tar -tvf "$src" | head -n 100000 | awk -v OFS='\t' '
            { t = substr($1, 1, 1); size = $3; name = $0
              for (i = 1; i <= 5; i++) sub(/^[^ ]+ +/, "", name)
              if (t == "l") sub(/ -> .*$/, "", name); if (t == "h") sub(/ link to .*$/, "", name)
              print (t == "-" ? "f" : t == "l" || t == "h" ? "l" : "o"), size, name, name }' ;;
    zip) zipinfo -s "$src" | head -n 100000 | awk -v OFS='\t' '
            NF >= 9 && $1 ~ /^[-dl?]/ { t = substr($1, 1, 1); name = $0
              for (i = 1; i <= 8; i++) sub(/^[^ ]+ +/, "", name)
              print (t == "l" ? "l" : t == "d" ? "o" : "f"), $4, name, name }' ;;
    bundle) git clone -q --bare "$src" "$out/repo" 2>"$out/git.err" || { sed 's/^/git: /' "$out/git.err" | head -n 3 >>"$notes"; return; }
        git -C "$out/repo" ls-tree -r -l HEAD | head -n 100000 | awk -F'\t' -v OFS='\t' '
            { split($1, m, " +"); t = m[1] ~ /^100/ ? "f" : m[1] == "120000" ? "l" : "o"
              print t, m[4], $2, m[3] }' ;;
    esac
}

# Choose the entries to read: the editable files under the most likely top
# directory, and the instructor's files that the submission has too (extra C
# files in a lab's directory are named in a note: they are not used).
# Output: take<TAB>PATH<TAB>KEY, compare<TAB>PATH<TAB>KEY, note<TAB>TEXT.
choose() {
    awk -F'\t' -v OFS='\t' -v max="$max" '
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
                if (type[r] != "f") { if (own) print "note", "not used, not a regular file (a link?): " nm[r]; continue }
                if (size[r] + 0 > max) { print "note", "not used, larger than " max / 1024 " KB: " nm[r]; continue }
                if (times[path]++) { print "note", "not used, in the submission twice: " nm[r]; continue }
                row[r] = (own ? "take" : "compare") OFS path OFS key[r]; rpath[r] = path
            }
            for (r = 1; r <= NR; r++) if ((r in row) && times[rpath[r]] == 1) print row[r]
        }' <("$root/tools/wb.py" editable "$root") <(cd "$root" && find . -type f -printf '%P\n') -
}

k=$(kind)
case $k in
unknown) note "cannot read the submission: not a directory, tar archive, zip archive or git bundle"; exit 0 ;;
dir) ;;
*) size=$(stat -c %s -- "$src")
    ((size <= GRADE_MAX_SUBMISSION_MB << 20)) || { note "the submission is larger than $GRADE_MAX_SUBMISSION_MB MB: not read"; exit 0; } ;;
esac
list "$k" | choose >"$out/chosen"
awk -F'\t' '$1 == "note" { print $2 }' "$out/chosen" >>"$notes"
awk -F'\t' '$1 != "note"' "$out/chosen" >"$out/read"

# Archives: the chosen entries extracted into raw/ in one pass.
keys() { cut -f3 "$out/read"; }
case $k in
tar) keys | tar -x -f "$src" -C "$out/raw" --no-recursion --verbatim-files-from -T - \
        --no-same-owner --no-same-permissions --warning=none 2>/dev/null || true ;;
zip) mapfile -t ks < <(keys)
    ((${#ks[@]} == 0)) || unzip -qq -o "$src" "${ks[@]}" -d "$out/raw" 2>/dev/null || true ;;
esac

# entry KEY: the bytes of a chosen entry.
entry() {
    case $k in
    dir) cat -- "$src/$1" ;;
    tar | zip) [[ -f $out/raw/$1 && ! -L $out/raw/$1 ]] && cat -- "$out/raw/$1" ;;
    bundle) git -C "$out/repo" cat-file blob "$1" ;;
    esac
}

awk -F'\t' -v d="$out/files/" '$1 == "take" { p = $2; sub(/\/[^\/]*$/, "", p); print d p }' "$out/read" | sort -u | xargs -r mkdir -p
changed=()
while IFS=$'\t' read -r what path key; do
    if [[ $what == take ]]; then
        entry "$key" | head -c "$max" >"$out/files/$path" || rm -f "$out/files/$path"
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
rm -rf "$out/raw" "$out/repo"
