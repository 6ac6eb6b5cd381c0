#!/usr/bin/env bash
# Regenerate data/prepared/ from data/raw/ (see data/README.md for every
# choice made here). Only Debian tools made for each format do the decoding:
# DCMTK and GDCM for DICOM, nifti-bin for NIfTI, netpbm for resampling; dates
# go into the PNGs with `medchaos meta set`. The outputs are committed, so a
# reproduction needs none of these tools; this script is how they were made.
# Usage: scripts/prepare-data.sh [MEDCHAOS_BINARY]   (default ./medchaos)
set -euo pipefail
cd "$(dirname "$0")/.."
MC=${1:-./medchaos}
RAW=data/raw
OUT=data/prepared

need() { command -v "$1" >/dev/null 2>&1 || { echo "prepare-data.sh: $1 not found: apt-get install $2" >&2; exit 1; }; }
need dcmdump dcmtk; need dcm2pnm dcmtk; need gdcmconv libgdcm-tools; need nifti_tool nifti-bin
need pamscale netpbm; need pngtopam netpbm; need pnmtopng netpbm; need jpegtopnm netpbm
[ -x "$MC" ] || { echo "prepare-data.sh: $MC not built (run make first)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT/native" "$OUT/paper" "$OUT/timing"

# ---- DICOM ----
# First value of a top-level element, as dcmdump prints it: "(0008,0020) DA [20040826]".
# +uc turns VR UN back into the real VR (explicit_VR-UN.dcm stores dates as UN).
dicom_value() {
  dcmdump +uc -q -M +P "$2" "$1" 2>/dev/null | sed -n 's/^([0-9a-f,]*) [A-Z][A-Z] \[\(.*\)\].*/\1/p' | head -n 1 | sed 's/ *$//'
}
# The --text options carrying a file's dates, offset and UID (docs/METADATA.md).
dicom_texts() {
  local f=$1 k v
  for k in AcquisitionDateTime AcquisitionDate AcquisitionTime ContentDate ContentTime StudyDate StudyTime \
           TimezoneOffsetFromUTC SOPInstanceUID; do
    v=$(dicom_value "$f" "$k")
    [ -n "$v" ] && printf -- '--text\nDICOM:%s=%s\n' "$k" "$v"
  done
  return 0
}
# DICOM -> 16-bit PNG. GDCM first rewrites any compressed transfer syntax (JPEG
# 2000 here) as uncompressed; DCMTK then renders it without VOI windowing (-W):
# signed samples come out offset by 32768, BitsStored < 16 is stretched linearly
# to 0..65535, MONOCHROME1 is inverted so that bright means dense everywhere.
dicom_png() {
  gdcmconv --raw "$1" "$tmp/u.dcm"
  dcm2pnm -q +on2 -W -il -mf "$tmp/u.dcm" "$2"
}
# meta set with an array of --text options.
tag_texts() { # SRC_PNG DST_PNG TEXTS_FILE
  local args=()
  mapfile -t args < "$3"
  "$MC" meta set "$1" "${args[@]}" -o "$2" --force
}

# ---- resampling (netpbm, 8 and 16 bits alike) ----
# Scale so the image covers W x H (aspect kept, pamscale's default pixel
# mixing: each output sample is the area-weighted mean of the input samples
# it covers), then cut the centre W x H.
fill_crop() { # IN_PAM W H > OUT_PAM
  local w h
  read -r w h < <(pamscale -xyfill "$2" "$3" "$1" | pamfile -size)
  pamscale -xyfill "$2" "$3" "$1" | pamcut -left $(((w - $2) / 2)) -top $(((h - $3) / 2)) -width "$2" -height "$3"
}
centre_square() { # IN_PAM > OUT_PAM: the largest centred square
  local w h s
  read -r w h < <(pamfile -size "$1")
  s=$((w < h ? w : h))
  pamcut -left $(((w - s) / 2)) -top $(((h - s) / 2)) -width $s -height $s "$1"
}
# Derived image: pam -> png, then the same metadata as its source.
derive() { # PAM DST TEXTS_FILE
  pnmtopng "$1" > "$tmp/d.png"
  tag_texts "$tmp/d.png" "$2" "$3"
}

# ---- native DICOM images, with their header dates ----
for spec in ct/CT1_UNC.explicit_little_endian.dcm:ct_ct1 ct/CT_small.dcm:ct_small \
            ct/explicit_VR-UN.dcm:ct_pancreas chest_xray/RG1_J2KI.dcm:xray_rg1 \
            brain_mri/0051.dcm:mri_0051 brain_mri/axasc35.dcm:mri_axasc35; do
  src=$RAW/${spec%%:*}; name=${spec##*:}
  dicom_texts "$src" > "$tmp/$name.txt"
  dicom_png "$src" "$tmp/$name.png"
  pngtopam "$tmp/$name.png" > "$tmp/$name.pam"
  # RG1 (1841x1955, 16 bits) only feeds the 2124x2056 image: not kept natively (size).
  [ "$name" = xray_rg1 ] || tag_texts "$tmp/$name.png" "$OUT/native/$name.png" "$tmp/$name.txt"
done

# ---- images without dates: documented assignments (data/README.md) ----
# NIH ChestX-ray14 (released 2017-09-27): 00:00:00 + (patient*1000 + follow-up) seconds.
for f in 00000001_000 00000002_000 00000013_003; do
  p=$((10#${f%_*})); u=$((10#${f#*_})); s=$((p * 1000 + u))
  printf -- '--datetime\n2017:09:27 %02d:%02d:%02d\n' $((s / 3600)) $((s % 3600 / 60)) $((s % 60)) > "$tmp/nih_$f.txt"
  tag_texts "$RAW/chest_xray/$f.png" "$OUT/native/xray_nih_$f.png" "$tmp/nih_$f.txt"
done
pngtopam "$RAW/chest_xray/00000001_000.png" > "$tmp/xray_nih.pam"

# Colin27 (NIfTI has no date): axial slice k=90 (MNI z = +19 mm), dated
# 1998:01:01 00:01:30 (publication year of Holmes et al. 1998 + k seconds).
# nifti_tool collapses the volume to that slice; the voxels (uint8) follow the
# 352-byte header. NIfTI's j axis points anterior, so rows are flipped to put
# anterior at the top; i points to the patient's right (neurological view).
nifti_tool -cci -1 -1 90 -1 -1 -1 -1 -prefix "$tmp/slice.nii" -infiles "$RAW/brain_mri/ch2.nii.gz" >/dev/null
off=$(nifti_tool -disp_hdr -field vox_offset -infiles "$tmp/slice.nii" | awk '$1 == "vox_offset" {print int($4)}')
tail -c +$((off + 1)) "$tmp/slice.nii" | rawtopgm 181 217 2>/dev/null | pamflip -tb > "$tmp/mri_colin27.pam"
printf -- '--datetime\n1998:01:01 00:01:30\n' > "$tmp/mri_colin27.txt"
derive "$tmp/mri_colin27.pam" "$OUT/native/mri_colin27_z90.png" "$tmp/mri_colin27.txt"

# HRF fundus 12_h.jpg keeps its own EXIF date (the canonical date-time field).
canon=$("$MC" meta show "$RAW/fundus/12_h.jpg" --canonical)
printf -- '--datetime\n%s\n' "$(cut -d';' -f2 <<<"$canon")" > "$tmp/fundus_12h.txt"
jpegtopnm -quiet "$RAW/fundus/12_h.jpg" > "$tmp/fundus_12h.pam"

# ---- the paper's four sizes (width x height; data/README.md says why each) ----
fill_crop "$tmp/xray_rg1.pam" 2124 2056 > "$tmp/p.pam";  derive "$tmp/p.pam" "$OUT/paper/xray_rg1_2124x2056.png" "$tmp/xray_rg1.txt"
fill_crop "$tmp/fundus_12h.pam" 702 701 > "$tmp/p.pam";  derive "$tmp/p.pam" "$OUT/paper/fundus_12h_702x701.png" "$tmp/fundus_12h.txt"
fill_crop "$tmp/ct_ct1.pam" 581 476 > "$tmp/p.pam";      derive "$tmp/p.pam" "$OUT/paper/ct_ct1_581x476.png" "$tmp/ct_ct1.txt"
fill_crop "$tmp/mri_colin27.pam" 339 509 > "$tmp/p.pam"; derive "$tmp/p.pam" "$OUT/paper/mri_colin27_339x509.png" "$tmp/mri_colin27.txt"

# ---- 256x256 and 512x512 for the timing table ----
centre_square "$tmp/fundus_12h.pam" > "$tmp/fundus_sq.pam"
for n in 256 512; do
  fill_crop "$tmp/ct_ct1.pam" $n $n > "$tmp/t.pam";      derive "$tmp/t.pam" "$OUT/timing/ct_ct1_$n.png" "$tmp/ct_ct1.txt"
  fill_crop "$tmp/xray_nih.pam" $n $n > "$tmp/t.pam";    derive "$tmp/t.pam" "$OUT/timing/xray_nih_$n.png" "$tmp/nih_00000001_000.txt"
  fill_crop "$tmp/mri_colin27.pam" $n $n > "$tmp/t.pam"; derive "$tmp/t.pam" "$OUT/timing/mri_colin27_$n.png" "$tmp/mri_colin27.txt"
  fill_crop "$tmp/fundus_sq.pam" $n $n > "$tmp/t.pam";   derive "$tmp/t.pam" "$OUT/timing/fundus_12h_$n.png" "$tmp/fundus_12h.txt"
done
echo "prepare-data.sh: wrote $(find "$OUT" -name '*.png' | wc -l) images under $OUT"
