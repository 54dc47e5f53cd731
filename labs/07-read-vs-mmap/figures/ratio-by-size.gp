# ratio-by-size.gp - ratio-by-size.svg from ratio-by-size.dat (ratio-by-size.sh).
set terminal svg size 720,400 dynamic font "sans,11"
set termoption noenhanced
set output "ratio-by-size.svg"
set title "read() (1 MiB buffer) / mmap(), hot file: one run on the machine that built this book"
set xlabel "file size (MiB, log scale)"
set ylabel "ratio of throughputs, read() / mmap()"
set logscale x 2
set xtics ("1" 1, "4" 4, "16" 16, "64" 64)
set xrange [0.7:90]
set yrange [0:*]
set grid
set key top right
plot "ratio-by-size.dat" using 1:4 with linespoints lw 2 pt 7 title "read() / mmap() (above 1: read() is faster)", \
     1 with lines dt 2 lc "black" title "equal"
