#!/usr/bin/env bash
# tools/figures.sh OUTDIR - draw the book's figures from runs of the labs' programs
# on this machine (tools/book.sh calls it; never a test: the numbers are one run's).
#
# A figure is two files in its lab's figures/ directory (labs/NN-topic/figures/):
#   NAME.sh   makes NAME.dat in the current directory, from runs of the lab's programs:
#             $BIN holds the lab's programs, $BUILD the build directory of all labs
#             (programs of other labs: $BUILD/NN-topic/PROG); it exits non-zero, with
#             a one-line reason on stderr, when this machine cannot produce the data
#   NAME.gp   draws NAME.svg from NAME.dat (gnuplot, SVG terminal)
# Both run in OUTDIR/labs/NN-topic/figures/ (the lab's own path under OUTDIR), which
# tools/book.sh adds to pandoc's resource path: a chapter shows the figure with
# ![...](figures/NAME.svg). A figure whose data cannot be made becomes an SVG that
# says why, and how to see it; the book is built all the same.
# The programs are the reference solutions where the tree has them, else the labs'.
# FIGURE_TIMEOUT (default 120) seconds at most for each NAME.sh.
set -euo pipefail
shopt -s nullglob
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: tools/figures.sh OUTDIR}
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$root"
command -v gnuplot >/dev/null || { echo "figures: gnuplot is not installed (make deps installs it)" >&2; exit 1; }
labs=labs
[[ -d solutions ]] && labs=solutions
BUILD=$(tools/wb.py build-dir "$labs")
export BUILD LC_ALL=C

# placeholder SVG TITLE REASON: a figure that could not be drawn, saying why.
placeholder() {
    python3 - "$@" <<'PY'
import sys
import textwrap
import xml.etree.ElementTree as ET
svg_path, title, reason = sys.argv[1:4]
svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", viewBox="0 0 800 120")
ET.SubElement(svg, "rect", x="1", y="1", width="798", height="118", fill="#f4f4f4", stroke="#888")
lines = [("Figure not drawn in this build: " + title, "16")]
lines += [(line, "13") for line in textwrap.wrap(reason, 100, break_on_hyphens=False)[:3]]
for i, (text, size) in enumerate(lines):
    t = ET.SubElement(svg, "text", x="20", y=str(36 + 24 * i), fill="black")
    t.set("font-family", "sans-serif")
    t.set("font-size", size)
    t.text = text
ET.ElementTree(svg).write(svg_path, encoding="utf-8", xml_declaration=True)
PY
}

if ! make -s build LABS="$labs" >"$out/build.log" 2>&1; then
    echo "figures: the programs in $labs/ do not all compile (see $out/build.log); figures may be missing" >&2
fi
start=$SECONDS limit=${FIGURE_TIMEOUT:-120}
while IFS=$'\t' read -r _ dir _; do
    tree=$(tools/wb.py tree "$dir" labs)
    for script in "$tree"/figures/*.sh; do
        name=$(basename "$script" .sh) wd=$out/$tree/figures
        mkdir -p "$wd" && rm -f "$wd/$name".{dat,svg,log}
        t0=$SECONDS
        status=0
        (cd "$wd" && BIN=$BUILD/$dir timeout "$limit" bash "$root/$script") >"$wd/$name.log" 2>&1 || status=$?
        if ((status == 124)); then echo "its data took more than $limit s to make (FIGURE_TIMEOUT)" >>"$wd/$name.log"; fi
        if ((status == 0)) && (cd "$wd" && gnuplot "$root/$tree/figures/$name.gp") >>"$wd/$name.log" 2>&1 &&
            [[ -s $wd/$name.svg ]]; then
            # gnuplot colours lines with stroke="currentColor" under a group's color="...",
            # which WeasyPrint cannot parse: write each group's colour out, black elsewhere.
            sed -i -E 's/color="([^"]*)" stroke="currentColor"/color="\1" stroke="\1"/g; s/currentColor/black/g' "$wd/$name.svg"
            echo "figures: $tree/figures/$name.svg ($((SECONDS - t0)) s)"
        else
            reason=$(grep -v '^\s*$' "$wd/$name.log" | tail -n 1 || true)
            placeholder "$wd/$name.svg" "$tree/figures/$name" "${reason:-no reason given}; made by $script"
            echo "figures: $tree/figures/$name.svg NOT drawn: ${reason:-?} (log: $wd/$name.log)" >&2
        fi
    done
done < <(tools/wb.py labs)
echo "figures: done in $((SECONDS - start)) s (programs from $labs/)"
