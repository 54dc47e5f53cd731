#!/usr/bin/env bash
# tools/book.sh [OUTDIR] - build the book: OUTDIR/workbook.html (one page, self-contained),
# workbook.pdf and workbook.epub. OUTDIR defaults to book/out.
#
# The book is, in this order:
#   book/preface.md                 brings its own "# Preface" heading
#   labs/DIR/README.md              each lab's chapter, in manifest order (tools/wb.py labs),
#                                   under "# Lab ID: TITLE" from the manifest (id lab-ID)
#   book/appendix-*.md              in name order, each with its own "# " heading
#   the index of calls and flags    made from the chapters by book/filters/index.lua
# Title, language, toc-depth: book/metadata.yaml. The look: book/style.css, then print.css
# (pages: the PDF and the HTML page) or epub.css (the EPUB: code wraps, no @page rules).
#
# Each part goes through book/filters/chapter.lua on its own, so that its images resolve
# relative to its own directory, and a lab's "task 2.1" links to its own task. The code
# listings are in the chapters themselves (tools/listings.py writes them from the code), so
# the book builds from any tree, a student's too. The parts are then merged into one markdown source,
# which pandoc turns into the three outputs: --file-scope keeps each part's footnotes and link
# references apart; headings get their ids only when the merged source is read, so that ids are
# unique in the book (the second "## Questions" is #questions-1). To link to a heading, give it
# an explicit id ({#lab-01-flags}); each lab heading has one: #lab-ID.
# BOOK_FORMATS="html epub" writes only those (default: html pdf epub; the PDF is the slow one).
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

# part FILE [LAB TITLE]: FILE (under the heading of lab LAB), through the chapter filter, to the next
# $tmp/NNN.json.
parts=0
part() {
    [[ -f $1 && -r $1 ]] || die "missing $1"
    parts=$((parts + 1))
    local meta=(-M chapter="$1")
    if [[ -n ${2:-} ]]; then meta+=(-M lab="$2"); fi
    { if [[ -n ${2:-} ]]; then printf '# Lab %s: %s {#lab-%s}\n\n' "$2" "$3" "$2"; fi; cat "$1"; } |
        pandoc -f markdown-auto_identifiers -t json --fail-if-warnings "${meta[@]}" \
            --lua-filter=book/filters/chapter.lua -o "$(printf '%s/%03d.json' "$tmp" "$parts")" ||
        die "$1: pandoc failed (see above)"
}

part book/preface.md
manifest=$(tools/wb.py labs) || die "cannot list the labs (tools/wb.py labs)"
[[ -n $manifest ]] || die "the manifest lists no labs"
while IFS=$'\t' read -r id dir title; do
    part "$(tools/wb.py tree "$dir" "$labs")/README.md" "$id" "$title"
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
# The title page's date line: the commit the book is built from and its date, or, outside
# git (a handout's tree), the day of the build. The EPUB's date must be a date (dc:date):
# its version goes in the subtitle.
day=$(git log -1 --format=%cd --date=short 2>/dev/null) || day=
if version=$(git describe --tags --always --dirty 2>/dev/null) && [[ -n $day ]]; then
    dateline=(-M date="Version $version, $day") epubline=(-M date="$day"
        -M subtitle="$(sed -n 's/^subtitle: *//p' book/metadata.yaml), version $version")
else
    day=$(date -u +%F) && dateline=(-M date="Built on $day") epubline=(-M date="$day")
fi
common=(-f markdown "$tmp/book.md" --metadata-file=book/metadata.yaml --resource-path=.
    --toc --toc-depth="${depth:-2}" --css=book/style.css --self-contained
    --reference-location=section --fail-if-warnings --lua-filter=book/filters/index.lua)
formats=${BOOK_FORMATS:-html pdf epub}
for format in $formats; do
    case $format in
    html)
        pandoc "${common[@]}" "${dateline[@]}" --css=book/print.css -t html5 -o "$tmp/$name.html" ||
            die "cannot write $name.html" ;;
    pdf)
        # weasyprint's warnings about CSS properties it does not know (from pandoc's
        # highlighting style, or screen-only rules) are harmless and silenced; anything else
        # it says is shown, and its ERRORs (a broken link, an image it cannot load) fail it.
        pandoc "${common[@]}" "${dateline[@]}" --css=book/print.css -t html5 --pdf-engine=weasyprint \
            -o "$tmp/$name.pdf" 2>"$tmp/pdf.log" || { cat "$tmp/pdf.log" >&2; die "cannot write $name.pdf"; }
        # (nor does it know media queries: style.css's narrow-screen rule is for screens)
        grep -v -e '^WARNING: Ignored .* at [0-9:]*, unknown property\.$' \
            -e '^WARNING: Expected a media type, got .*(max-width: 40em)' \
            -e '^WARNING: Invalid media type .*(max-width: 40em) .* the whole @media rule was ignored' \
            "$tmp/pdf.log" >&2 || true
        if grep -q '^ERROR' "$tmp/pdf.log"; then die "weasyprint reported errors in $name.pdf (see above)"; fi ;;
    epub)
        pandoc "${common[@]}" "${epubline[@]}" --css=book/epub.css -t epub3 --epub-chapter-level=1 -o "$tmp/$name.epub" ||
            die "cannot write $name.epub" ;;
    *) die "BOOK_FORMATS: no format '$format' (html pdf epub)" ;;
    esac
    mv -f "$tmp/$name.$format" "$out"/
done
echo "book: $out: $(cd "$out" && for f in $formats; do printf '%s.%s ' "$name" "$f"; done)"
