# gnuplot script written by experiments/uniqueness; run from /tmp/h15/run/figures
set terminal pngcairo size 1100,750 font 'sans,9'
set output 'uniqueness_days.png'
set multiplot layout 2,2 title 'Key network: first output u0 against time, 2021-06-01..03 (every 2 min, seed 0; the dashed line is the teacher target)'
set xlabel 'hours since 2021-06-01 00:00'
set ylabel 'u0 (network output)'
set xtics 12
set key bottom right font ',8'
set title 'Logistic+ResNet-18'
plot 'uniqueness_days.txt' using 1:2 with lines lw 1 title 'fourier (3×256)', 'uniqueness_days.txt' using 1:3 with lines lw 1 title 'hash (3×256)', 'uniqueness_days.txt' using 1:4 with lines lw 1 title 'smooth (3×256)', 'uniqueness_days.txt' using 1:5 with lines lw 1 title 'hash+spread 1 (3×256)', 'uniqueness_days.txt' using 1:26 with lines dt 2 lc rgb 'gray' title 'fourier target'
set title 'Logistic+MobileNetV2'
plot 'uniqueness_days.txt' using 1:8 with lines lw 1 title 'fourier (3×256)', 'uniqueness_days.txt' using 1:9 with lines lw 1 title 'hash (3×256)', 'uniqueness_days.txt' using 1:10 with lines lw 1 title 'smooth (3×256)', 'uniqueness_days.txt' using 1:11 with lines lw 1 title 'hash+spread 1 (3×256)', 'uniqueness_days.txt' using 1:26 with lines dt 2 lc rgb 'gray' title 'fourier target'
set title 'Lorenz+ResNet-18'
plot 'uniqueness_days.txt' using 1:14 with lines lw 1 title 'fourier (3×256)', 'uniqueness_days.txt' using 1:15 with lines lw 1 title 'hash (3×256)', 'uniqueness_days.txt' using 1:16 with lines lw 1 title 'smooth (3×256)', 'uniqueness_days.txt' using 1:17 with lines lw 1 title 'hash+spread 1 (3×256)'
set title 'Lorenz+MobileNetV2'
plot 'uniqueness_days.txt' using 1:20 with lines lw 1 title 'fourier (3×256)', 'uniqueness_days.txt' using 1:21 with lines lw 1 title 'hash (3×256)', 'uniqueness_days.txt' using 1:22 with lines lw 1 title 'smooth (3×256)', 'uniqueness_days.txt' using 1:23 with lines lw 1 title 'hash+spread 1 (3×256)'
unset multiplot
