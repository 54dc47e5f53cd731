# crash-verdicts.gp - crash-verdicts.svg from crash-verdicts.dat (crash-verdicts.sh).
set terminal svg size 720,400 dynamic font "sans,11"
set termoption noenhanced
set output "crash-verdicts.svg"
set title "Every crash point of the workload, replayed: what the store holds after the cut"
set style data histogram
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.5
set xlabel "how rstore set makes its slot and commit mark durable"
set ylabel "crash points"
set yrange [0:*]
set key outside right top
set grid ytics
plot "crash-verdicts.dat" using 2:xtic(1) lc rgb "#40a040" title "OK", "" using 3 lc rgb "#d04040" title "LOST-COMMIT", \
     "" using 4 lc rgb "#e09020" title "TORN-RECORD", "" using 5 lc rgb "#606060" title "UNOPENABLE"
