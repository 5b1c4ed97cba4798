#!/usr/bin/env bash
# Threads for sums over samples (core/threads.hpp, core/sample_blocks.hpp): every output is
# byte-identical on 1, 2 and 3 threads, whether the count comes from OPTDYN_THREADS or from
# --threads (which wins), for objectives of several sample blocks (n = 2500: blocks of 1024,
# 1024 and 452):
#   optdyn spectrum (Lanczos eigenpairs, SLQ density), optdyn run (gradient descent with the
#   curvature monitor; minibatch SGD on batches of two blocks; natural gradient: Fisher
#   products; Gauss–Newton: J and Jᵀ products), optdyn flow (gradient flow with the monitor),
#   optdyn eval, optdyn sweep (forked jobs) and an experiment binary.
# The zero-skipping first layer is covered on Fashion-MNIST when it is installed
# (/usr/share/datasets/fashion-mnist or $OPTDYN_FASHION_MNIST), dense products on Gaussian data
# always. Bad counts (OPTDYN_THREADS or --threads of 0, -1, 257, two, empty) are exit 2 with
# one line naming the variable or option.
# Usage: bash threads_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$WORK" || exit 1
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }
unset OPTDYN_THREADS

DENSE="mlp:widths=20-24-3,act=tanh,loss=ce,data=gaussian,targets=labels,n=2500,data_seed=4"
MSE="mlp:widths=20-16-2,act=tanh,loss=mse,data=teacher-mlp,n=2500,data_seed=4"
FMNIST_DIR=${OPTDYN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
OBJECTIVES=("$DENSE")
# Under the sanitizers (./lab sanitize and ./lab tsan set OPTDYN_SANITIZED=1) a command costs
# 5-20 times more: the Fashion-MNIST network (the zero-skipping first layer, covered by the plain
# build) and the experiment are left out; the small networks keep several blocks of samples.
SANITIZED=${OPTDYN_SANITIZED:-}
if [ -n "$SANITIZED" ]; then
  echo "note: OPTDYN_SANITIZED: the Fashion-MNIST network and the experiment are left out"
elif [ -d "$FMNIST_DIR" ]; then
  OBJECTIVES+=("mlp:widths=784-32-10,act=tanh,loss=ce,n=2500,path=$FMNIST_DIR")
else
  echo "note: Fashion-MNIST not found in $FMNIST_DIR: the zero-skipping first layer is not covered"
fi

# Every command of one variant into directory $1; the rest of the arguments set the threads:
# `env VAR=VALUE` words before the command and/or `--threads N` after it.
variant() {
  local dir=$1 prefix=() suffix=()
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --threads) suffix=(--threads "$2"); shift 2 ;;
      *) prefix+=("$1"); shift ;;
    esac
  done
  mkdir -p "$dir"
  local i=0 objective status=0
  for objective in "${OBJECTIVES[@]}"; do
    i=$((i + 1))
    env "${prefix[@]}" "$OPTDYN" spectrum "${suffix[@]}" --objective "$objective" --x0 init:xavier,seed=3 --k 3 \
      --which both --dense never --density --probes 2 --lanczos-steps 12 --seed 4 --out "$dir/spectrum$i" \
      2>>"$dir/err" || status=1
    env "${prefix[@]}" "$OPTDYN" run "${suffix[@]}" --objective "$objective" --optimizer gd:lr=0.5 --steps 6 \
      --x0 init:xavier,seed=3 --monitor curvature:every=3 --out "$dir/gd$i.csv" 2>>"$dir/err" || status=1
    env "${prefix[@]}" "$OPTDYN" run "${suffix[@]}" --objective "$objective" --optimizer sgd:lr=0.1 --steps 4 \
      --batch 1500 --seed 2 --x0 init:xavier,seed=3 --out "$dir/sgd$i.csv" 2>>"$dir/err" || status=1
    env "${prefix[@]}" "$OPTDYN" run "${suffix[@]}" --objective "$objective" \
      --optimizer natural_gradient:lr=0.5,damping=1e-2 --steps 2 --x0 init:xavier,seed=3 --out "$dir/ng$i.csv" \
      2>>"$dir/err" || status=1
    env "${prefix[@]}" "$OPTDYN" flow "${suffix[@]}" --objective "$objective" --flow gradient \
      --integrator rk4:h=0.1 --t-end 0.4 --record-dt 0.2 --x0 init:xavier,seed=3 --monitor curvature:every=1 \
      --out "$dir/flow$i.csv" \
      2>>"$dir/err" || status=1
    env "${prefix[@]}" "$OPTDYN" eval "${suffix[@]}" --objective "$objective" --x0 init:xavier,seed=3 \
      --out "$dir/eval$i.json" 2>>"$dir/err" || status=1
  done
  env "${prefix[@]}" "$OPTDYN" run "${suffix[@]}" --objective "$MSE" --optimizer gauss_newton --steps 2 \
    --x0 init:xavier,seed=3 --out "$dir/gn.csv" 2>>"$dir/err" || status=1
  env "${prefix[@]}" "$OPTDYN" sweep "${suffix[@]}" --out "$dir/sweep" --jobs 2 --grid lr=0.1,0.3 -- \
    run --objective "$DENSE" --optimizer 'gd:lr={lr}' --steps 3 --x0 init:xavier,seed=1 --out '{dir}/run.csv' \
    >/dev/null 2>>"$dir/err" || status=1
  if [ -z "$SANITIZED" ]; then
    env "${prefix[@]}" "$BIN_DIR/convergence_rates" "${suffix[@]}" --out "$dir/experiment" --seed 1 --scale quick \
      >/dev/null 2>>"$dir/err" || status=1
  fi
  # Wall-clock fields are the only ones allowed to differ (README, "Experiments and reproducibility").
  "$PYTHON" - "$dir" <<'PY' || status=1
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
for path in list(root.glob("spectrum*/summary.json")) + list(root.glob("experiment/manifest.json")):
    j = json.loads(path.read_text())
    for key in ("seconds", "start_time", "end_time", "wall_seconds", "command_line"):
        j.pop(key, None)
    path.write_text(json.dumps(j, indent=1, sort_keys=True))
PY
  return $status
}

variant t1 OPTDYN_THREADS=1 || fail "1 thread: a command failed: $(head -n 3 t1/err)"
[ -s t1/gd1.csv ] && [ -s t1/spectrum1/eigen.csv ] && [ -s t1/sweep/results.csv ] || fail "1 thread: outputs missing"
for v in "t2 OPTDYN_THREADS=2" "t3 OPTDYN_THREADS=3" "o2 OPTDYN_THREADS=1 --threads 2"; do
  set -- $v
  name=$1
  variant "$@" || fail "$v: a command failed: $(head -n 3 "$name/err")"
  if diff -r -q -x err -x '*.lock' -x 'stderr.txt' t1 "$name" >"$name.diff"; then
    pass "$v: every output byte-identical to 1 thread ($(find t1 -type f ! -name err | wc -l) files)"
  else
    fail "$v differs from 1 thread: $(head -n 3 "$name.diff")"
  fi
done

# The default is one thread: no variable, no option gives the bytes of OPTDYN_THREADS=1 (and of 2).
"$OPTDYN" run --objective "$DENSE" --optimizer gd:lr=0.5 --steps 6 --x0 init:xavier,seed=3 \
  --monitor curvature:every=3 --out default.csv 2>/dev/null && cmp -s default.csv t1/gd1.csv &&
  pass "no OPTDYN_THREADS, no --threads: the same bytes" || fail "the default run differs"

# --- bad counts: exit 2, one line naming the variable or option --------------------------------
one_line() {  # WHAT EXPECTED-WORD COMMAND...
  local what=$1 word=$2
  shift 2
  "$@" >/dev/null 2>bad.err
  local status=$?
  if [ "$status" -eq 2 ] && [ "$(wc -l <bad.err)" -eq 1 ] && grep -q -- "$word" bad.err; then
    pass "$what: exit 2, one line naming $word"
  else
    fail "$what: exit $status, stderr: $(cat bad.err)"
  fi
}
for bad in 0 -1 257 two 1.5 ""; do
  one_line "OPTDYN_THREADS='$bad' (optdyn)" OPTDYN_THREADS env OPTDYN_THREADS="$bad" "$OPTDYN" eval \
    --objective rosenbrock --x0 zeros --out bad.json
  one_line "--threads '$bad' (optdyn run)" --threads "$OPTDYN" run --threads "$bad" --objective rosenbrock \
    --optimizer gd:lr=0.1 --steps 1 --x0 zeros --out bad.csv
done
one_line "OPTDYN_THREADS=0 (experiment)" OPTDYN_THREADS env OPTDYN_THREADS=0 "$BIN_DIR/saddle_escape" --out bad_dir
one_line "--threads 0 (experiment)" --threads "$BIN_DIR/saddle_escape" --threads 0 --out bad_dir
one_line "--threads x in a sweep's job" --threads "$OPTDYN" sweep --out bad_sweep --jobs 1 --grid lr=0.1 -- \
  run --threads x --objective rosenbrock --optimizer 'gd:lr={lr}' --steps 1 --x0 zeros --out '{dir}/run.csv'
[ -e bad.json ] || [ -e bad.csv ] || [ -e bad_dir ] && fail "a refused command left an output" || pass "refused commands leave no output"

finish
