# ipc-here.gp - ipc-here.svg from ipc-here.dat (ipc-here.sh).
set terminal svg size 760,420 dynamic font "sans,11"
set termoption noenhanced
set output "ipc-here.svg"
set title "Messages per second between two processes: one short run on the machine that built this book"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set yrange [1e3:*]
set ylabel "messages per second (log scale)"
set xlabel "message size (bytes)"
set key top right
set grid ytics
plot "ipc-here.dat" using 2:xtic(1) title "ring in /dev/shm", "" using 3 title "ring in a file", \
     "" using 4 title "pipe", "" using 5 title "Unix socket"
