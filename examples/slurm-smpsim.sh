#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A Slurm array job: each task renders one shard of a photo folder; together
# the tasks cover it exactly once, with no coordination between them.
#   SHARDS=4 sbatch --array=0-3 --cpus-per-task=2 examples/slurm-smpsim.sh /data/photos /data/out
# Extra arguments after the two folders go to `smpsim batch` (e.g. --what both).
#SBATCH --job-name=smpsim
set -eu
in=$1
out=$2
shift 2
exec "${SMPSIM:-smpsim}" batch "$in" -o "$out" --shard "${SLURM_ARRAY_TASK_ID:?not in a Slurm array}/${SHARDS:?set SHARDS to the array size}" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" "$@"
