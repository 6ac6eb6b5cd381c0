# gnuplot script written by experiments/reproduce; run from results/figures
set terminal pngcairo size 900,600 font 'sans,10'
set output 'hist_ct_ct1_581x476.png'
set multiplot layout 1,2 title 'Histograms: ct_ct1_581x476 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_ct_ct1_581x476.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_ct_ct1_581x476.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_ct_ct1_581x476.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): ct_ct1_581x476'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_ct_ct1_581x476.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_ct_ct1_581x476.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_ct_ct1_581x476.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_ct_ct1_581x476.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_ct_ct1_581x476.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_ct_ct1_581x476.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'hist_ct_ct1_581x476_msb8.png'
set multiplot layout 1,2 title 'Histograms: ct_ct1_581x476_msb8 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_ct_ct1_581x476_msb8.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_ct_ct1_581x476_msb8.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_ct_ct1_581x476_msb8.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): ct_ct1_581x476_msb8'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_ct_ct1_581x476_msb8.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_ct_ct1_581x476_msb8.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_ct_ct1_581x476_msb8.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_ct_ct1_581x476_msb8.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_ct_ct1_581x476_msb8.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_ct_ct1_581x476_msb8.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'hist_fundus_12h_702x701.png'
set multiplot layout 1,2 title 'Histograms: fundus_12h_702x701 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_fundus_12h_702x701.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_fundus_12h_702x701.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_fundus_12h_702x701.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): fundus_12h_702x701'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_fundus_12h_702x701.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_fundus_12h_702x701.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_fundus_12h_702x701.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_fundus_12h_702x701.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_fundus_12h_702x701.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_fundus_12h_702x701.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'hist_mri_colin27_339x509.png'
set multiplot layout 1,2 title 'Histograms: mri_colin27_339x509 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_mri_colin27_339x509.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_mri_colin27_339x509.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_mri_colin27_339x509.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): mri_colin27_339x509'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_mri_colin27_339x509.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_mri_colin27_339x509.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_mri_colin27_339x509.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_mri_colin27_339x509.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_mri_colin27_339x509.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_mri_colin27_339x509.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'hist_xray_rg1_2124x2056.png'
set multiplot layout 1,2 title 'Histograms: xray_rg1_2124x2056 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_xray_rg1_2124x2056.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_xray_rg1_2124x2056.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_xray_rg1_2124x2056.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): xray_rg1_2124x2056'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_xray_rg1_2124x2056.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_xray_rg1_2124x2056.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_xray_rg1_2124x2056.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_xray_rg1_2124x2056.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_xray_rg1_2124x2056.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_xray_rg1_2124x2056.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'hist_xray_rg1_2124x2056_msb8.png'
set multiplot layout 1,2 title 'Histograms: xray_rg1_2124x2056_msb8 (first channel, high byte)'
set style fill solid 1.0 noborder
unset key
plot 'data_xray_rg1_2124x2056_msb8.txt' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'
unset multiplot
set output 'corr_xray_rg1_2124x2056_msb8.png'
set multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): xray_rg1_2124x2056_msb8'
set xrange [0:255]
set yrange [0:255]
set size square
set title 'plain horizontal'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 2 using 1:2 with dots lc rgb '#4060a0'
set title 'plain vertical'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 3 using 1:2 with dots lc rgb '#4060a0'
set title 'plain diagonal'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 4 using 1:2 with dots lc rgb '#4060a0'
set title 'cipher horizontal'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 5 using 1:2 with dots lc rgb '#a04040'
set title 'cipher vertical'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 6 using 1:2 with dots lc rgb '#a04040'
set title 'cipher diagonal'
plot 'data_xray_rg1_2124x2056_msb8.txt' index 7 using 1:2 with dots lc rgb '#a04040'
unset multiplot
set size nosquare
set autoscale
set output 'loss.png'
set datafile separator ','
set key top right
set logscale y
set xlabel 'epoch'
set ylabel 'MSE'
set title 'Key-network training (hash teacher)'
plot '../training-logistic-resnet18.csv' every ::1 using 1:2 with linespoints title 'Logistic+ResNet-18 train', '../training-logistic-resnet18.csv' every ::1 using 1:3 with linespoints dt 2 title 'Logistic+ResNet-18 val', '../training-logistic-mobilenetv2.csv' every ::1 using 1:2 with linespoints title 'Logistic+MobileNetV2 train', '../training-logistic-mobilenetv2.csv' every ::1 using 1:3 with linespoints dt 2 title 'Logistic+MobileNetV2 val', '../training-lorenz-resnet18.csv' every ::1 using 1:2 with linespoints title 'Lorenz+ResNet-18 train', '../training-lorenz-resnet18.csv' every ::1 using 1:3 with linespoints dt 2 title 'Lorenz+ResNet-18 val', '../training-lorenz-mobilenetv2.csv' every ::1 using 1:2 with linespoints title 'Lorenz+MobileNetV2 train', '../training-lorenz-mobilenetv2.csv' every ::1 using 1:3 with linespoints dt 2 title 'Lorenz+MobileNetV2 val'
unset logscale y
set datafile separator whitespace
set output 'bifurcation.png'
set title 'Logistic map: accepted band r in [3.86, 4.0) shaded; periodic windows inside it are rejected by the Lyapunov check'
set xlabel 'r'
set ylabel 'x'
set object 1 rect from 3.86,0 to 4.0,1 fc rgb '#e0f0e0' behind
plot 'bifurcation.txt' with dots lc rgb 'black' notitle
unset object 1
set output 'lorenz.png'
set title 'Lorenz attractor (σ=10, ρ=28, β=8/3, RK4 h=0.01)'
set xlabel 'x'
set ylabel 'z'
plot 'lorenz.txt' using 1:3 with lines lw 0.5 lc rgb '#4060a0' notitle
