# ipc.gp - lab 08's figure: messages per second through the ring, a pipe and
# a Unix socket, from ipc.dat (bench/run.sh writes it; the committed one is
# the reference machine's). Run in the directory that holds ipc.dat.
set terminal svg size 800,480 dynamic font "sans,11"
set output "ipc.svg"
set title "Messages per second between two processes (median of runs)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set format y "10^{%L}"
set yrange [1e4:*]
set ylabel "messages per second (log scale)"
set xlabel "message size (bytes)"
set key top right
set grid ytics
plot "ipc.dat" using 2:xtic(1) title "ring in /dev/shm", \
     "" using 3 title "ring in a file (ext4)", \
     "" using 4 title "pipe", \
     "" using 5 title "Unix socket"
