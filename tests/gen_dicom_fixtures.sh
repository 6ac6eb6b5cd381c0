#!/usr/bin/env bash
# Generates the DICOM fixtures of tests/test_dicom.c into tests/data/dicom with
# Debian's DICOM tools: GDCM's gdcmimg turns raw samples into DICOM, DCMTK's
# dcmodify sets the header, dcmconv/dcmcrle/dcmcjpeg/dcmcjpls and gdcmconv
# rewrite one fixture in each transfer syntax. The samples follow formulas that
# tests/test_dicom.c computes again (sample_value there), so the test knows
# every value independently of any reader. Rerun after changing a formula:
#   tests/gen_dicom_fixtures.sh   (needs dcmtk, libgdcm-tools, python3)
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/data/dicom
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# raw NAME W H FRAMES SAMPLES BYTES FORMULA: little-endian samples, frame by
# frame, row-major, samples interleaved; FORMULA is a Python expression in
# x, y, f (frame), c (sample) whose value is stored modulo 2^(8*BYTES).
raw() {
  python3 - "$@" <<'PY'
import struct, sys
name, w, h, nf, spp, nb, expr = sys.argv[1], *map(int, sys.argv[2:7]), sys.argv[7]
fmt = '<B' if nb == 1 else '<H'
with open(name, 'wb') as fp:
    for f in range(nf):
        for y in range(h):
            for x in range(w):
                for c in range(spp):
                    fp.write(struct.pack(fmt, eval(expr) % (1 << (8 * nb))))
PY
}

# Header fields every fixture shares: a patient to de-identify, dates in the
# standard's forms, a time zone.
header() {
  dcmodify -nb -q -e "(0008,0023)" -e "(0008,0033)" "${@: -1}"   # gdcmimg's ContentDate: today
  dcmodify -nb -q -i "(0010,0010)=Doe^Jane" -i "(0010,0020)=PID-4711" -i "(0008,0080)=Example Hospital" \
    -i "(0008,0020)=20070219" -i "(0008,0030)=125157" -i "(0008,0201)=+0100" "$@"
}

# gdcmimg writes Secondary Capture images; Modality says what they stand for.
# 1. CT: signed 16-bit, 13 x 7, values -32768..32767 with air (-1000) and bone.
raw ct.raw 13 7 1 1 2 '[-1000, -1, 0, 1, 3071, -32768, 32767][(x + y) % 7] if x < 3 else (x * 2477 + y * 7919) - 32768'
gdcmimg --size 13,7 --depth 16 --sign 1 --spp 1 --pi MONOCHROME2 -i ct.raw -o ct_signed16.dcm
header -i "(0008,0022)=20070219" -i "(0008,0032)=125157.250" -i "(0028,1052)=-1024" -i "(0028,1053)=1" \
  -i "(0008,0060)=CT" ct_signed16.dcm
# 2. MR: 12 bits stored in 16, unsigned, 9 x 6.
raw mr.raw 9 6 1 1 2 '(x * 431 + y * 1031) % 4096'
gdcmimg --size 9,6 --depth 16 --pf 16,12,11 --sign 0 --spp 1 --pi MONOCHROME2 -i mr.raw -o mr_12bit.dcm
header -i "(0008,0023)=20070219" -i "(0008,0033)=125157" mr_12bit.dcm
# 3. X-ray: MONOCHROME1, 8 bits, 11 x 5 (stored values, never inverted).
raw xr.raw 11 5 1 1 1 'x * 23 + y * 41'
gdcmimg --size 11,5 --depth 8 --sign 0 --spp 1 --pi MONOCHROME1 -i xr.raw -o xray_mono1.dcm
header xray_mono1.dcm
# 4. RGB, 8 bits, 7 x 5, interleaved and by plane (the same pixels).
raw rgb.raw 7 5 1 3 1 '(x * 37 + y * 11 + c * 85)'
gdcmimg --size 7,5 --depth 8 --sign 0 --spp 3 --pi RGB -i rgb.raw -o rgb.dcm
header rgb.dcm
python3 - <<'PY'
w, h = 7, 5
d = open('rgb.raw', 'rb').read()
open('rgbp.raw', 'wb').write(bytes(d[(p * 3 + c)] for c in range(3) for p in range(w * h)))
PY
gdcmimg --size 7,5 --depth 8 --sign 0 --spp 3 --pi RGB --pc 1 -i rgbp.raw -o rgb_planar.dcm
header rgb_planar.dcm
# 5. Multi-frame: 3 frames of 5 x 4, 16 bits unsigned.
raw mf.raw 5 4 3 1 2 'f * 10000 + y * 100 + x'
gdcmimg --size 5,4,3 --depth 16 --sign 0 --spp 1 --pi MONOCHROME2 \
  -i mf.raw -o multiframe.dcm
header multiframe.dcm
# 6. Legacy date and time forms (PS3.5 §6.2, before 3.0): "1997.04.24", "14:04:38".
cp mr_12bit.dcm legacy_dates.dcm
dcmodify -nb -q -e "(0008,0023)" -e "(0008,0033)" -i "(0008,0020)=1997.04.24" -i "(0008,0030)=14:04:38" legacy_dates.dcm
# 7. The CT in each transfer syntax DCMTK or GDCM writes.
dcmconv -q +ti ct_signed16.dcm ts_implicit.dcm
dcmconv -q +tb ct_signed16.dcm ts_bigendian.dcm
dcmconv -q +td ct_signed16.dcm ts_deflate.dcm
dcmcrle -q ct_signed16.dcm ts_rle.dcm
dcmcjpeg -q +e1 ct_signed16.dcm ts_jpeg_lossless.dcm
dcmcjpls -q ct_signed16.dcm ts_jpegls.dcm
gdcmconv --j2k ct_signed16.dcm ts_j2k.dcm
cp ct_signed16.dcm mr_12bit.dcm xray_mono1.dcm rgb.dcm rgb_planar.dcm multiframe.dcm legacy_dates.dcm ts_*.dcm "$out/"
ls -l "$out"
