#!/usr/bin/env bash
# Ranks for sums over samples (harness/data_parallel.hpp, harness/mpi_block_backend.hpp):
# every output is byte-identical for 1, 2 and 3 MPI ranks (mpirun -np P), with 1 or 2 threads
# per rank, and to 3 threads in one process, on objectives of several sample blocks (n = 3000:
# blocks of 1024, 1024 and 952; with 3 ranks one block each, with 2 ranks one and two):
#   optdyn spectrum (Lanczos eigenpairs, SLQ density, the filter index), optdyn run (gradient descent with the
#   curvature monitor; minibatch SGD on batches of two blocks; natural gradient with sampled
#   labels: Fisher products; K-FAC with sampled labels: per-layer statistics; Gauss–Newton:
#   J and Jᵀ products), optdyn flow (gradient flow with the monitor), optdyn eval.
# Only rank 0 writes (no extra files, stdout once); bad input is exit 2 with one "error:"
# line; an output only rank 0 can refuse (a symbolic link) ends every rank with exit 2 and
# one line. Skipped (exit 77) when the build has no MPI (OPTDYN_MPI=OFF, or MPI not found) or
# mpirun is missing.
# Usage: bash ranks_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }
if ! command -v mpirun >/dev/null || ! ldd "$OPTDYN" | grep -q libmpi; then
  echo "skip: mpirun or an MPI build not available (configure with -DOPTDYN_MPI=ON and libopenmpi-dev)"
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
cd "$WORK" || exit 1
unset OPTDYN_THREADS

DENSE="mlp:widths=12-8-3,act=tanh,loss=ce,data=gaussian,targets=labels,n=3000,data_seed=4"
MSE="mlp:widths=10-8-2,act=tanh,loss=mse,data=teacher-mlp,n=3000,data_seed=4"
X0=(--x0 init:xavier,seed=3)

# Every command of one variant into directory $1; then the launcher words (none, or
# `mpirun --oversubscribe -np P`) up to `--`, and the words after the command (--threads N).
variant() {
  local dir=$1 launch=() after=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do launch+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  after=("$@")
  mkdir -p "$dir"
  local status=0
  run_one() { "${launch[@]}" "$OPTDYN" "$1" "${after[@]}" "${@:2}" 2>>"$dir/err" || status=1; }
  run_one spectrum --objective "$DENSE" "${X0[@]}" --k 3 --which both --dense never --density --probes 2 \
    --lanczos-steps 12 --index-degree 60 --index-probes 4 --seed 4 --out "$dir/spectrum" >"$dir/spectrum.stdout"
  run_one run --objective "$DENSE" --optimizer gd:lr=0.5 --steps 4 "${X0[@]}" --monitor curvature:every=2 \
    --out "$dir/gd.csv"
  run_one run --objective "$DENSE" --optimizer sgd:lr=0.1 --steps 3 --batch 2000 --seed 2 "${X0[@]}" \
    --out "$dir/sgd.csv"
  run_one run --objective "$DENSE" --optimizer natural_gradient:lr=0.5,damping=1e-2,fisher=sampled,seed=5 \
    --steps 2 "${X0[@]}" --out "$dir/ng.csv"
  run_one run --objective "$DENSE" --optimizer kfac:lr=0.1,fisher=sampled,seed=5 --steps 2 "${X0[@]}" \
    --out "$dir/kfac.csv"
  run_one run --objective "$MSE" --optimizer gauss_newton --steps 2 "${X0[@]}" --out "$dir/gn.csv"
  run_one flow --objective "$DENSE" --flow gradient --integrator rk4:h=0.1 --t-end 0.4 --record-dt 0.2 \
    "${X0[@]}" --monitor curvature:every=1 --out "$dir/flow.csv"
  run_one eval --objective "$DENSE" "${X0[@]}" --out - >"$dir/eval.json"
  # Wall-clock seconds are the only field allowed to differ (README, "Guarantees").
  sed -i '/"seconds":/d' "$dir/spectrum/summary.json"
  return $status
}

NP=(mpirun --oversubscribe -np)
variant r1 -- || fail "1 process: a command failed: $(head -n 3 r1/err)"
[ -s r1/gd.csv ] && [ -s r1/kfac.csv ] && [ -s r1/spectrum/eigen.csv ] && [ -s r1/eval.json ] ||
  fail "1 process: outputs missing"
for v in "np2 ${NP[*]} 2 --" "np3 ${NP[*]} 3 --" "np2t2 ${NP[*]} 2 -- --threads 2" "t3 -- --threads 3"; do
  set -- $v
  name=$1
  variant "$@" || fail "$v: a command failed: $(head -n 3 "$name/err")"
  if diff -r -q -x err r1 "$name" >"$name.diff"; then
    pass "${v%% *}: every output byte-identical to 1 process ($(find r1 -type f ! -name err | wc -l) files)"
  else
    fail "$v differs from 1 process: $(head -n 3 "$name.diff")"
  fi
  # Notes (the index estimate's "unresolved") are answers; anything else on stderr is not.
  grep -qv ': note: ' "$name/err" && fail "$v: unexpected stderr: $(head -n 3 "$name/err")"
done

# --- bad input and a refusal only rank 0 meets: exit 2, one line, every rank leaves ----------
one_error() {  # WHAT COMMAND...
  local what=$1
  shift
  "${NP[@]}" 3 "$OPTDYN" "$@" >/dev/null 2>bad.err
  local status=$?
  if [ "$status" -eq 2 ] && [ "$(grep -c '^error:' bad.err)" -eq 1 ]; then
    pass "$what: exit 2, one error line"
  else
    fail "$what: exit $status, stderr: $(cat bad.err)"
  fi
}
one_error "a bad optimizer spec under 3 ranks" run --objective "$DENSE" --optimizer gd:lr=x --steps 1 --out bad.csv
one_error "--resume under mpirun" run --objective "$DENSE" --optimizer gd:lr=0.1 --steps 1 --resume --out bad.csv
touch target.csv && ln -s target.csv link.csv
one_error "--out a symbolic link (refused by rank 0 only)" run --objective "$DENSE" --optimizer gd:lr=0.1 --steps 2 \
  --out link.csv
[ -e bad.csv ] || [ -s target.csv ] && fail "a refused command left an output" || pass "refused commands leave no output"
leftover=$(find . -name '*.tmp' -o -name '*.lock' | head -n 3)
[ -z "$leftover" ] && pass "no temporaries or locks left behind" || fail "left behind: $leftover"

finish
