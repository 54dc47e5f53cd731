# read-vs-mmap.gp - throughput of read() against its buffer size, with the
# mmap readers and the memory bound as lines. Reads read-vs-mmap.dat from its
# own directory (bench/run.sh writes one; figures/ holds the chapter's).
# Run: cd labs/07-read-vs-mmap/figures && gnuplot read-vs-mmap.gp
set terminal svg size 800,480 dynamic font "sans,11"
set output "read-vs-mmap.svg"
set title "Summing a file: read() by buffer size, mmap() as lines"
set xlabel "read() buffer size"
set ylabel "GB/s, log scale (median; bars: min to max)"
set logscale x 2
set xtics ("4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216)
set logscale y
set grid
set key below maxrows 3 Left reverse width -4
set datafile missing "n/a"
stats "read-vs-mmap.dat" nooutput
plot "read-vs-mmap.dat" index 0 using 1:3:2:4 with yerrorlines lw 2 ps 0 title "read(), hot", \
     "" index 0 using 1:6:5:7 with yerrorlines lw 2 ps 0 title "read(), cold", \
     for [i=1:STATS_blocks-2] "" index i using 1:2 with lines lw 2 title columnheader(1), \
     "" index STATS_blocks-1 using 1:2 with lines lw 2 dt 2 lc "black" title columnheader(1)
# gnuplot's SVG colours lines with stroke="currentColor" under a group's
# color="..."; the book's PDF renderer (WeasyPrint 57) cannot parse
# currentColor. Write each group's colour out instead, and black elsewhere.
unset output
system("sed -i -E 's/color=\"([^\"]*)\" stroke=\"currentColor\"/color=\"\\1\" stroke=\"\\1\"/g; s/currentColor/black/g' read-vs-mmap.svg")
