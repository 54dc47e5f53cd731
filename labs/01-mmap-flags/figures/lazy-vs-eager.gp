# lazy-vs-eager.gp - lazy-vs-eager.svg from lazy-vs-eager.dat (lazy-vs-eager.sh).
set terminal svg size 640,360 dynamic font "sans,11"
set termoption noenhanced
set output "lazy-vs-eager.svg"
set title "Minor faults of 2000 fresh pages: when they are taken (populate, one run)"
set style data histogram
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.5
set ylabel "minor faults (getrusage)"
set yrange [0:*]
set key below
set grid ytics
plot "lazy-vs-eager.dat" using 2:xtic(1) title "inside mmap()", "" using 3 title "writing one byte a page"
