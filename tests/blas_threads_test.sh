#!/usr/bin/env bash
# Determinism with the OpenBLAS backend (OPTDYN_BLAS; lib/include/optdyn/core/blas.hpp).
# OpenBLAS's threaded GEMM/GEMV round differently with 1 and 2 threads, and by default it
# takes its thread count from OPENBLAS_NUM_THREADS (else the number of cores); optdyn pins
# it to one thread unless OPTDYN_BLAS_THREADS says otherwise. Checked on an MLP
# 784-256-10 with n = 2000 synthetic Gaussian samples (products large enough for OpenBLAS
# to thread them):
#  * `optdyn eval` (loss, backprop gradient) is byte-identical under OPENBLAS_NUM_THREADS=1
#    and =2 (and OMP_NUM_THREADS=1 / 2);
#  * `optdyn spectrum` (Lanczos on R-operator Hessian-vector products, residuals from
#    fresh HVPs) writes a byte-identical eigen.csv under both;
#  * OPTDYN_BLAS_THREADS=1 gives the default's bytes (the default is one thread);
#  * OPTDYN_BLAS_THREADS=0 or =two exits 2 with one line on stderr.
# Informational only (not asserted, depends on the core count and the OpenBLAS version):
# whether OPTDYN_BLAS_THREADS=2 changes the bytes, i.e. whether the pin is needed.
# Skipped (77) when the tool is not linked with OpenBLAS (OPTDYN_BLAS=OFF or not found).
# Usage: bash blas_threads_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
TOOL="$BIN_DIR/optdyn"

[ -x "$TOOL" ] || { echo "FAIL: $TOOL not found"; exit 1; }
if ! ldd "$TOOL" 2>/dev/null | grep -q 'libopenblas'; then
  echo "skipped: $TOOL is not linked with OpenBLAS (built with OPTDYN_BLAS=OFF or without OpenBLAS)"
  exit 77
fi

OBJECTIVE='mlp:widths=784-256-10,act=tanh,loss=ce,data=gaussian,targets=labels,n=2000'
X0='init:gaussian,seed=0'
unset OPTDYN_BLAS_THREADS

evaluate() {  # NAME [VAR=VALUE ...]: loss and gradient into $WORK/NAME.json
  local name=$1
  shift
  env "$@" "$TOOL" eval --objective "$OBJECTIVE" --x0 "$X0" --out "$WORK/$name.json" \
    2>"$WORK/$name.err" || { fail "eval ($*) exited $?: $(head -n 1 "$WORK/$name.err")"; return 1; }
}

spectrum() {  # NAME [VAR=VALUE ...]: the largest Hessian eigenpair into $WORK/NAME/
  local name=$1
  shift
  env "$@" "$TOOL" spectrum --objective "$OBJECTIVE" --x0 "$X0" --k 1 --which largest --ncv 8 \
    --tol 1e-6 --max-iterations 20 --dense never --out "$WORK/$name" 2>"$WORK/$name.err" ||
    { fail "spectrum ($*) exited $?: $(head -n 1 "$WORK/$name.err")"; return 1; }
  [ "$(wc -l <"$WORK/$name/eigen.csv")" -eq 2 ] || fail "spectrum ($*): no converged eigenpair"
}

same() {  # FILE_A FILE_B WHAT
  if cmp -s "$1" "$2"; then pass "$3"; else fail "$3: $(cmp "$1" "$2" | head -n 1)"; fi
}

# --- gradient and HVPs under OpenBLAS's own thread settings ------------------------------
evaluate t1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 &&
  evaluate t2 OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 &&
  same "$WORK/t1.json" "$WORK/t2.json" "eval: loss and gradient identical with OPENBLAS_NUM_THREADS=1 and 2"
grep -q '"gradient"' "$WORK/t1.json" 2>/dev/null || fail "eval wrote no gradient"

spectrum s1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 &&
  spectrum s2 OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 &&
  same "$WORK/s1/eigen.csv" "$WORK/s2/eigen.csv" "spectrum (HVPs): eigen.csv identical with OPENBLAS_NUM_THREADS=1 and 2"

# --- the override ---------------------------------------------------------------------------
evaluate o1 OPENBLAS_NUM_THREADS=2 OPTDYN_BLAS_THREADS=1 &&
  same "$WORK/t1.json" "$WORK/o1.json" "OPTDYN_BLAS_THREADS=1 reproduces the default"

for bad in 0 two; do
  OPTDYN_BLAS_THREADS=$bad "$TOOL" eval --objective 'rosenbrock:dim=3' --x0 zeros --out "$WORK/bad.json" \
    >/dev/null 2>"$WORK/bad.err"
  status=$?
  if [ "$status" -eq 2 ] && [ "$(wc -l <"$WORK/bad.err")" -eq 1 ] && grep -q OPTDYN_BLAS_THREADS "$WORK/bad.err"; then
    pass "OPTDYN_BLAS_THREADS=$bad: exit 2, one line naming the variable"
  else
    fail "OPTDYN_BLAS_THREADS=$bad: exit $status, stderr: $(cat "$WORK/bad.err")"
  fi
done

# --- informational: does the thread count matter without the pin? -------------------------
if evaluate o2 OPTDYN_BLAS_THREADS=2; then
  if cmp -s "$WORK/t1.json" "$WORK/o2.json"; then
    echo "note: OPTDYN_BLAS_THREADS=2 gives the same bytes as 1 thread here ($(nproc) cores)"
  else
    echo "note: OPTDYN_BLAS_THREADS=2 changes the gradient bytes ($(nproc) cores): the one-thread pin is needed"
  fi
fi

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
