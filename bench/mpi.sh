#!/usr/bin/env bash
# medchaos-mpi throughput on this machine (make bench, built --with-mpi): batch
# encryption and key-network training with 1 and 2 ranks, beside the
# single-process medchaos (one thread, -j 1) measured in the same run.
# Timings on a shared machine are noisy: read the ratios, rerun to compare.
set -euo pipefail
B=${MC_BUILDDIR:?}; S=${MC_SRCDIR:?}
MPIRUN=${MPIRUN:-mpirun}
command -v "$MPIRUN" >/dev/null || { echo "bench/mpi.sh: mpirun not found, skipped"; exit 0; }
mpi() { OMP_NUM_THREADS=1 "$MPIRUN" --oversubscribe --allow-run-as-root -np "$1" "$B/medchaos-mpi" "${@:2}"; }
one() { OMP_NUM_THREADS=1 "$B/medchaos" "$@"; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", n / (b - a) }'; }

# 24 images of mixed sizes (64² to 512²), written by the encrypt path's own PNG writer.
n=24; mkdir "$t/in"
/usr/bin/python3 - "$t/in" "$n" <<'PY' 2>/dev/null || { echo "bench/mpi.sh: needs /usr/bin/python3 with numpy for the images, skipped"; exit 0; }
import sys, zlib, struct, numpy as np
d, n = sys.argv[1], int(sys.argv[2]); rng = np.random.default_rng(1)
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
for i in range(n):
    s = [64, 128, 256, 512][i % 4]; px = rng.integers(0, 256, (s, s), dtype=np.uint8)
    raw = b''.join(b'\0' + row.tobytes() for row in px)
    open(f'{d}/img{i:02d}.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', s, s, 8, 0, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw, 1)) + chunk(b'IEND', b''))
PY
ENC=(encrypt --teacher --datetime '2007:02:19 12:51:57' --pubkey "$S/tests/data/keys/a2048.pub.pem" "$t/in" --force)
mkdir "$t/o0" "$t/o1" "$t/o2"
a=$(now); one "${ENC[@]}" -j 1 -O "$t/o0" 2>/dev/null; b=$(now); r0=$(rate $n "$a" "$b")
a=$(now); mpi 1 "${ENC[@]}" -O "$t/o1" 2>/dev/null; b=$(now); r1=$(rate $n "$a" "$b")
a=$(now); mpi 2 "${ENC[@]}" -O "$t/o2" 2>/dev/null; b=$(now); r2=$(rate $n "$a" "$b")
echo "encrypt $n images (64²..512²), images/s: medchaos -j1 $r0 | medchaos-mpi 1 rank $r1 | 2 ranks $r2" \
     "| 2 ranks / medchaos -j1 = $(awk -v a="$r2" -v b="$r0" 'BEGIN{printf "%.2f", a/b}')"

# Training: ResNet-18 at 64×64, global batch 8, 4 steps (40 records, 8 held out).
TR=(train --arch resnet18 --size 64 --samples 40 --val 0.2 --epochs 1 --batch 4 --force)
a=$(now); one "${TR[@]}" --shards 2 -o "$t/m0.st" >/dev/null 2>&1; b=$(now); r0=$(rate 32 "$a" "$b")
a=$(now); mpi 1 "${TR[@]}" --shards 2 -o "$t/m1.st" >/dev/null 2>&1; b=$(now); r1=$(rate 32 "$a" "$b")
a=$(now); mpi 2 "${TR[@]}" -o "$t/m2.st" >/dev/null 2>&1; b=$(now); r2=$(rate 32 "$a" "$b")
echo "train resnet18 64², global batch 8, images/s (start-up included): medchaos $r0 | medchaos-mpi 1 rank $r1 | 2 ranks $r2" \
     "| 2 ranks / medchaos = $(awk -v a="$r2" -v b="$r0" 'BEGIN{printf "%.2f", a/b}')"
