#!/usr/bin/env bash
# tools/book.sh [OUTDIR] - build the book: OUTDIR/workbook.html (one page, self-contained),
# workbook.pdf and workbook.epub. OUTDIR defaults to book/out.
#
# The book is, in this order:
#   book/preface.md                 brings its own "# Preface" heading
#   labs/DIR/README.md              each lab's chapter, in manifest order (tools/wb.py labs),
#                                   under "# Lab ID: TITLE" from the manifest (id lab-ID)
#   book/appendix-*.md              in name order, each with its own "# " heading
# Title, language, toc-depth: book/metadata.yaml. The look: book/style.css.
#
# Each part goes through book/filters/include.lua on its own, so that its includes (and images)
# resolve relative to its own directory. The parts are then merged into one markdown source,
# which pandoc turns into the three outputs: --file-scope keeps each part's footnotes and link
# references apart; headings get their ids only when the merged source is read, so that ids are
# unique in the book (the second "## Questions" is #questions-1). To link to a heading, give it
# an explicit id ({#lab-01-flags}); each lab heading has one: #lab-ID.
# BOOK_ROOT=DIR takes the chapters from DIR/labs (to try a chapter that is not in the tree yet);
# COURSE_MANIFEST=FILE is honoured by tools/wb.py.
set -euo pipefail
shopt -s nullglob
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
labs=labs # relative to $root, for short messages
if [[ -n ${BOOK_ROOT:-} ]]; then labs=$(cd "$BOOK_ROOT" && pwd)/labs; fi
out=${1:-$root/book/out}
# EDITION=instructor: after each chapter, its answers and solutions (tools/instructor.sh),
# into workbook-instructor.*; never part of make dist (solutions/ is not in the handout).
edition=${EDITION:-student} name=workbook
case $edition in student) ;; instructor) name=workbook-instructor ;; *) echo "book: EDITION=$edition: student or instructor" >&2; exit 2 ;; esac

die() { echo "book: $*" >&2; exit 1; }

for tool in pandoc weasyprint; do
    command -v "$tool" >/dev/null || die "$tool is not installed (make deps installs it)"
done
mkdir -p "$out" && out=$(cd "$out" && pwd)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cd "$root"
# The figures drawn from this machine's runs of the labs' programs (tools/figures.sh):
# labs/DIR/figures/NAME.svg under $figures, found by book/filters/figures.lua.
figures=$root/build/book/figures
tools/figures.sh "$figures" || die "cannot draw the figures (see above)"

# part FILE [HEADING]: HEADING then FILE, through the include filter, to the next $tmp/NNN.json.
parts=0
part() {
    [[ -f $1 && -r $1 ]] || die "missing $1"
    parts=$((parts + 1))
    { if [[ -n ${2:-} ]]; then printf '%s\n\n' "$2"; fi; cat "$1"; } |
        pandoc -f markdown-auto_identifiers -t json --fail-if-warnings -M chapter="$1" \
            --lua-filter=book/filters/include.lua -o "$(printf '%s/%03d.json' "$tmp" "$parts")" ||
        die "$1: pandoc failed (see above)"
}

part book/preface.md
manifest=$(tools/wb.py labs) || die "cannot list the labs (tools/wb.py labs)"
[[ -n $manifest ]] || die "the manifest lists no labs"
while IFS=$'\t' read -r id dir title; do
    part "$(tools/wb.py tree "$dir" "$labs")/README.md" "# Lab $id: $title {#lab-$id}"
    if [[ $edition == instructor ]]; then
        tools/instructor.sh "$dir" >"$tmp/instructor-$id.md" || die "lab $id: no instructor's notes"
        part "$tmp/instructor-$id.md"
    fi
done <<<"$manifest"
for appendix in book/appendix-*.md; do part "$appendix"; done

FIGURES=$figures pandoc -f json --file-scope "$tmp"/*.json -t markdown --wrap=preserve \
    --lua-filter=book/filters/figures.lua -o "$tmp/book.md" ||
    die "cannot merge the chapters"

depth=$(sed -n 's/^toc-depth: *\([0-9]\).*/\1/p' book/metadata.yaml)
common=(-f markdown "$tmp/book.md" --metadata-file=book/metadata.yaml --resource-path=.
    --toc --toc-depth="${depth:-2}" --css=book/style.css --self-contained
    --reference-location=section --fail-if-warnings)
pandoc "${common[@]}" -t html5 -o "$tmp/$name.html" || die "cannot write $name.html"
# weasyprint's warnings about CSS properties it does not know (from pandoc's highlighting
# style, or screen-only rules) are harmless and silenced; anything else it says is shown,
# and its ERRORs (a broken link, an image it cannot load) fail the build.
pandoc "${common[@]}" -t html5 --pdf-engine=weasyprint -o "$tmp/$name.pdf" 2>"$tmp/pdf.log" ||
    { cat "$tmp/pdf.log" >&2; die "cannot write $name.pdf"; }
grep -v '^WARNING: Ignored .* at [0-9:]*, unknown property\.$' "$tmp/pdf.log" >&2 || true
if grep -q '^ERROR' "$tmp/pdf.log"; then die "weasyprint reported errors in $name.pdf (see above)"; fi
pandoc "${common[@]}" -t epub3 --epub-chapter-level=1 -o "$tmp/$name.epub" ||
    die "cannot write $name.epub"

mv -f "$tmp/$name".{html,pdf,epub} "$out"/
echo "book: $out/$name.html $name.pdf $name.epub"
