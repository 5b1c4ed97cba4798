#!/usr/bin/env bash
# Sweep throughput (README, "Performance"): the same table of 20 small runs (an MLP trained by
# SGD, about half a second each) serially (--jobs 1), on 2 local workers (--jobs 2) and under
# `mpirun -np 2` (OpenMPI's default transport selection, then `--mca pml ob1`: shared memory
# without probing for UCX, the right choice on one machine), back to back in one session;
# prints each wall time and the speed-up over the serial time, and checks that the
# results.csv files are the same bytes.
# Usage: bash tests/bench/sweep_throughput.sh [BIN_DIR]   (default build/bin)
set -u
BIN_DIR=$(cd "${1:-build/bin}" && pwd)
OPTDYN="$BIN_DIR/optdyn"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-sweep-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # when run as root
MLP="mlp:widths=20-64-64-5,act=tanh,loss=ce,data=gaussian,targets=labels,n=2000,data_seed=1"
TABLE=(--grid lr=log:1e-3:1e-1:5 --seeds 4 --
       run --objective "$MLP" --optimizer 'sgd:lr={lr}' --steps 3000 --batch 32 --seed '{seed}'
       --x0 'init:xavier,seed={replicate_seed}' --record-every 100 --out '{dir}/run.csv')

# timed NAME COMMAND...: runs COMMAND (a sweep into S), prints its wall seconds, keeps
# S/results.csv as NAME.csv.
timed() {
  local name=$1 start end
  shift
  rm -rf S
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "$name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  cp S/results.csv "$name.csv"
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
serial=$(timed serial "$OPTDYN" sweep --out S --jobs 1 "${TABLE[@]}")
two=$(timed two "$OPTDYN" sweep --out S --jobs 2 "${TABLE[@]}")
printf 'serial (--jobs 1):    %6.2f s\n' "$serial"
printf '2 workers (--jobs 2): %6.2f s  speed-up %.2fx\n' "$two" "$(awk -v a="$serial" -v b="$two" 'BEGIN { print a / b }')"
cmp -s serial.csv two.csv && echo "--jobs 2: results.csv identical to serial" || echo "--jobs 2: results.csv DIFFERS"
if command -v mpirun >/dev/null && ldd "$OPTDYN" | grep -q libmpi; then
  mpi=$(timed mpi mpirun -np 2 "$OPTDYN" sweep --out S "${TABLE[@]}")
  printf 'mpirun -np 2:         %6.2f s  speed-up %.2fx\n' "$mpi" "$(awk -v a="$serial" -v b="$mpi" 'BEGIN { print a / b }')"
  cmp -s serial.csv mpi.csv && echo "mpirun: results.csv identical to serial" || echo "mpirun: results.csv DIFFERS"
  ob1=$(timed ob1 mpirun --mca pml ob1 -np 2 "$OPTDYN" sweep --out S "${TABLE[@]}")
  printf 'mpirun --mca pml ob1: %6.2f s  speed-up %.2fx\n' "$ob1" "$(awk -v a="$serial" -v b="$ob1" 'BEGIN { print a / b }')"
  cmp -s serial.csv ob1.csv && echo "mpirun ob1: results.csv identical to serial" || echo "mpirun ob1: results.csv DIFFERS"
fi
