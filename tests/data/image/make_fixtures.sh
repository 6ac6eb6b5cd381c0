#!/usr/bin/env bash
# Regenerate the image fixtures with independent tools: netpbm encodes the PNG
# inputs (pnmtopng) and decodes the references (pngtopam); libjpeg-turbo's
# cjpeg/djpeg make and decode the JPEGs. Our reader must match the references.
# Needs: netpbm libjpeg-turbo-progs (Debian). Run from this directory.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Raw PNM bodies from a fixed-seed LCG, so reruns give the same files.
pnm() { # magic width height maxval channels out
  /usr/bin/python3 - "$@" <<'PY'
import sys
magic, w, h, maxval, ch, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
x = 12345 + w * 7 + h * 13 + maxval
body = bytearray()
for i in range(w * h * ch):
    x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    v = (x >> 33) % (maxval + 1)
    body += v.to_bytes(2 if maxval > 255 else 1, 'big')
with open(out, 'wb') as f:
    f.write(b'%s\n%d %d\n%d\n' % (magic.encode(), w, h, maxval) + bytes(body))
PY
}
pnm P6 37 23 255 3 "$tmp/rgb8.ppm"
pnm P5 37 23 255 1 "$tmp/gray8.pgm"
pnm P6 19 11 65535 3 "$tmp/rgb16.ppm"
pnm P5 19 11 65535 1 "$tmp/gray16.pgm"
pnm P5 19 11 255 1 "$tmp/alpha8.pgm"
pnm P5 19 11 65535 1 "$tmp/alpha16.pgm"
pnm P5 21 9 3 1 "$tmp/gray2.pgm"
pnm P5 21 9 15 1 "$tmp/gray4.pgm"
pnm P5 21 9 1 1 "$tmp/gray1.pgm"
pnm P6 21 9 1 3 "$tmp/rgb8col.ppm"   # 8 colours only: pnmtopng picks a palette

pnmtopng -interlace "$tmp/rgb8.ppm" > rgb8_interlaced.png
pnmtopng -interlace "$tmp/gray16.pgm" > gray16_interlaced.png
pnmtopng -interlace -alpha="$tmp/alpha16.pgm" "$tmp/rgb16.ppm" > rgba16_interlaced.png
pnmtopng -alpha="$tmp/alpha8.pgm" "$tmp/gray16.pgm" > graya16.png
pnmtopng "$tmp/gray2.pgm" > gray2.png
pnmtopng "$tmp/gray4.pgm" > gray4.png
pnmtopng "$tmp/gray1.pgm" > gray1.png
pnmtopng "$tmp/rgb8col.ppm" > palette.png
pnmtopng -transparent=rgb:ff/00/00 "$tmp/rgb8col.ppm" > palette_trns.png
for f in *.png; do pngtopam -alphapam "$f" > "${f%.png}.pam"; done

cjpeg -quality 90 "$tmp/rgb8.ppm" > rgb.jpg
cjpeg -quality 75 -progressive "$tmp/rgb8.ppm" > rgb_progressive.jpg
cjpeg -quality 90 -grayscale "$tmp/gray8.pgm" > gray.jpg
for f in *.jpg; do djpeg -pnm "$f" > "${f%.jpg}.pnm"; done

# Report what the encoders chose, for the README table.
for f in *.png; do printf '%s: ' "$f"; pngtopam -verbose "$f" 2>&1 >/dev/null | tr '\n' ' '; echo; done
