#!/bin/bash
# Example Slurm job for medchaos-mpi (docs/MPI.md): encrypt a whole archive, then
# train a key network data-parallel. Adjust the partition, paths and sizes to
# your cluster; submit with `sbatch scripts/slurm-example.sh`.
#SBATCH --job-name=medchaos
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=16        # one rank per core: each rank encrypts one image at a time
#SBATCH --cpus-per-task=1
#SBATCH --time=02:00:00
#SBATCH --output=medchaos-%j.log
set -euo pipefail

ARCHIVE=${ARCHIVE:-$HOME/archive/png}     # images (PNG/JPEG) on a file system every node sees
OUT=${OUT:-$SCRATCH/medchaos-$SLURM_JOB_ID}
PUBKEY=${PUBKEY:-$HOME/keys/archive.pub.pem}
mkdir -p "$OUT/cipher"
export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK

# 1. Train the key network: every rank computes one shard of each global batch
#    (global batch = ranks × --batch), gradients summed with MPI_Allreduce.
srun medchaos-mpi train --arch resnet18 --map logistic --data "$ARCHIVE" \
     --batch 8 --epochs 10 --samples 20000 --csv "$OUT/loss.csv" -o "$OUT/keynet.safetensors"

# 2. Encrypt the archive with it: rank 0 hands out one image at a time; failures
#    are listed at the end and do not stop the others.
srun medchaos-mpi encrypt --model "$OUT/keynet.safetensors" --map logistic \
     --pubkey "$PUBKEY" "$ARCHIVE" -O "$OUT/cipher"
