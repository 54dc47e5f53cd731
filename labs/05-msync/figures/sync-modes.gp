# sync-modes.gp - sync-modes.svg from sync-modes.dat (sync-modes.sh).
set terminal svg size 760,560 dynamic font "sans,11"
set termoption noenhanced
set output "sync-modes.svg"
set multiplot layout 2,1 title "syncmode on 1024 dirty pages (4 MiB), one run each on the machine that built this book"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set grid ytics
set logscale y
set yrange [0.5:*]
set ylabel "time of the call (µs, log scale)"
set key off
# a call that took under 1 µs is drawn at 0.5
plot "sync-modes.dat" using ($2 < 1 ? 0.5 : $2):xtic(1) lc rgb "#4070a0" title "µs"
unset logscale y
set yrange [0:*]
set ylabel "dirty pages (cachestat)"
set key outside right top
plot "sync-modes.dat" using 3:xtic(1) lc rgb "#e09020" title "before the call", "" using 4 lc rgb "#40a040" title "after it"
unset multiplot
