# cold-queries.gp - cold-queries.svg from cold-queries.dat (cold-queries.sh).
set terminal svg size 720,420 dynamic font "sans,11"
set termoption noenhanced
set output "cold-queries.svg"
set title "A cold index (20000 items, 64 floats, 10 trees): bytes read from the disk"
set xlabel "queries answered (log scale)"
set ylabel "kB read from the disk (read_bytes)"
set logscale x
set yrange [0:*]
set grid
set key bottom right
plot "cold-queries.dat" using 1:2 with linespoints lw 2 pt 7 title "readahead (no advice)", \
     "" using 1:3 with linespoints lw 2 pt 5 title "MADV_RANDOM (annq -r)", \
     "" using 1:4 with lines dt 2 lc "black" title "the whole index"
