# threshold-steps.gp - threshold-steps.svg from threshold-steps.dat (threshold-steps.sh).
set terminal svg size 720,400 dynamic font "sans,11"
set termoption noenhanced
set output "threshold-steps.svg"
set title "bump 200000 200000 400000 400000 1000000 1000000: the threshold after each free()"
set xlabel "step: malloc(SIZE) then free()"
set ylabel "bytes (KiB = 1024)"
set format y "%.0s%cB"
set xrange [-0.5:6.5]
set yrange [0:*]
set key top left Left reverse
set grid ytics
set xtics ("start" 0, "200000" 1, "200000" 2, "400000" 3, "400000" 4, "1000000" 5, "1000000" 6)
plot "threshold-steps.dat" using 1:4 with steps lw 2 title "smallest request served by mmap() (measured)", \
     "" using (strcol(3) eq "mmap" ? $1 : NaN):2 with points pt 7 ps 1.5 title "request served by mmap()", \
     "" using (strcol(3) eq "heap" ? $1 : NaN):2 with points pt 6 ps 1.5 title "request served by the heap"
