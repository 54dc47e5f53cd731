# fault-around.gp - fault-around.svg from fault-around.dat (fault-around.sh).
set terminal svg size 720,420 dynamic font "sans,11"
set termoption noenhanced
set output "fault-around.svg"
set title "Page faults to touch N pages (one run; minor faults, getrusage)"
set xlabel "pages touched"
set ylabel "page faults"
set key top left Left reverse
set grid
set xrange [0:*]
set yrange [0:*]
set label "one fault a page" at graph 0.62, graph 0.72 center
set label "one fault per 16 pages: fault-around" at graph 0.7, graph 0.14 center
plot "fault-around.dat" using 1:2 with linespoints lw 2 pt 7 title "anonymous, first write (populate lazy)", \
     "" using 1:3 with linespoints lw 2 pt 5 dt 2 title "private after fork(), child writes (cowfaults)", \
     "" using 1:4 with linespoints lw 2 pt 9 title "shared after fork(), child reads (cowfaults)", \
     "" using 1:5 with linespoints lw 2 pt 13 title "cached file, private mapping, reads (msum)"
