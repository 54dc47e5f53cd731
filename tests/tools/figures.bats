#!/usr/bin/env bats
# Tests of tools/figures.sh, the book's figures drawn at build time, on a scratch tree
# with one lab whose figures/ holds a figure that can be drawn, one whose data cannot
# be made, and one whose data takes too long.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    tree=$BATS_TEST_TMPDIR/tree out=$BATS_TEST_TMPDIR/out
    mkdir -p "$tree/tools" "$tree/labs/01-demo/figures"
    cp "$ROOT"/tools/{figures.sh,wb.py} "$tree/tools/"
    printf '[[lab]]\nid = "01"\ndir = "01-demo"\ntitle = "Demo"\n\n[[lab.task]]\nid = "1.1"\ntitle = "t"\npoints = 2\nhint = "h"\n' >"$tree/course.toml"
    printf 'all:\nbuild:\n' >"$tree/Makefile"
    local f=$tree/labs/01-demo/figures
    printf '%s\n' 'printf "1 2\n2 4\n" >good.dat' >"$f/good.sh"
    printf '%s\n' 'set terminal svg' 'set output "good.svg"' 'plot "good.dat" using 1:2 with lines lw 2 title "doubling"' >"$f/good.gp"
    printf '%s\n' 'echo "this machine has no disk to write back to" >&2' 'exit 1' >"$f/bad.sh"
    cp "$f/good.gp" "$f/bad.gp"
    printf '%s\n' 'sleep 30' >"$f/slow.sh"
    cp "$f/good.gp" "$f/slow.gp"
}

@test "each figure is drawn or replaced by an SVG that says why, and the run succeeds" {
    run env FIGURE_TIMEOUT=2 "$tree/tools/figures.sh" "$out"
    assert_success
    local f=$out/labs/01-demo/figures
    # drawn: gnuplot's SVG, with its currentColor written out (WeasyPrint cannot parse it)
    grep -q '<svg' "$f/good.svg"
    grep -q 'doubling' "$f/good.svg"
    run grep -c currentColor "$f/good.svg"
    assert_output 0
    # the data's own reason, in the figure and on stderr
    grep -q 'Figure not drawn in this build: labs/01-demo/figures/bad' "$f/bad.svg"
    grep -q 'this machine has no disk to write back to' "$f/bad.svg"
    python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$f/bad.svg"
    # too slow: stopped, and said so
    grep -q 'its data took more than 2 s to make (FIGURE_TIMEOUT)' "$f/slow.svg"
}

@test "the figures' data and drawings go to OUTDIR only, never into the lab" {
    run env FIGURE_TIMEOUT=2 "$tree/tools/figures.sh" "$out"
    assert_success
    run find "$tree/labs" -name '*.svg' -o -name '*.dat'
    assert_output ''
}
