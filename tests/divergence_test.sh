#!/usr/bin/env bash
# "Divergence is divergence everywhere" (README, exit status): every optimizer of
# `optdyn list optimizers`, `optdyn flow` with a few flows/integrators, `--monitor curvature` and a
# non-finite loss at finite parameters all end the same way when the numbers overflow: exit 3,
# a one-line error, FILE.csv.status.json with "status": "diverged" and a non-empty reason, and
# the CSV rows written before it kept (header + rows; every number in them finite).
# Usage: bash divergence_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# check NAME CSV MIN_ROWS RC ERRFILE: exit 3, one stderr line, status diverged with a reason,
# >= MIN_ROWS rows kept, every kept number finite.
check() {
  local name=$1 csv=$2 min_rows=$3 rc=$4 err=$5
  [ "$rc" -eq 3 ] || { fail "$name: exit $rc (want 3): $(head -c 300 "$err")"; return; }
  [ "$(wc -l <"$err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$err")"
  "$PYTHON" - "$csv" "$min_rows" <<'PY' || fail "$name: $(cat "$WORK/why")"
import csv, json, math, sys
path, min_rows = sys.argv[1], int(sys.argv[2])
why = open(sys.argv[1].rsplit("/", 1)[0] + "/why", "w")
try:
    status = json.load(open(path + ".status.json"))
except Exception as e:
    why.write(f"no status file: {e}"); sys.exit(1)
if status.get("status") != "diverged" or not status.get("reason"):
    why.write(f"status {status.get('status')!r}, reason {status.get('reason')!r}"); sys.exit(1)
rows = list(csv.reader(open(path)))
if len(rows) < 1 + min_rows:
    why.write(f"{len(rows) - 1} rows kept (want >= {min_rows}); reason {status['reason']!r}"); sys.exit(1)
header = rows[0]
# monitor cells are nan by design on rows where the monitor is not due
skip = {"lambda_max", "lambda_min", "cond_pos", "rayleigh_g", "index", "index_low", "index_high", "index_tau",
        "neg_count", "curv_hvps", "curv_converged"}
for r in rows[1:]:
    for name, cell in zip(header, r):
        if name not in skip and not math.isfinite(float(cell)):
            why.write(f"non-finite {name} = {cell} in kept row {r}"); sys.exit(1)
if status.get("rows", len(rows) - 1) != len(rows) - 1:
    why.write(f"status rows {status.get('rows')} != {len(rows) - 1}"); sys.exit(1)
PY
}

# --- every optimizer -----------------------------------------------------------------------------
# Each one from a finite start (row 0 finite) into overflow: a step size far too large where the
# method has one; else F = x² − y² (unbounded below: line searches, CG and saddle-free steps run
# off to −∞); Levenberg–Marquardt (no step size, bounded below) from a start where F overflows.
scenario() {
  case $1 in
    gd|sgd|momentum|nesterov|adagrad|rmsprop|adadelta|adam|adamax|nadam|amsgrad|delta_bar_delta|sign|normalized_gd|\
    newton|damped_newton)
      echo "quadratic:eigs=1/2,rotate=false|$1:lr=1e200|1,1|1";;
    coordinate_descent|block_coordinate_descent)
      echo "quadratic:eigs=1/2,rotate=false|$1:update=gradient,lr=1e200|1,1|1";;
    saddle_free_newton) echo "saddle|$1:lr=1e200|0.5,0.5|1";;
    gauss_newton) echo "least_squares:n=20,dim=3|$1:lr=1e200|1,1,1|1";;
    levenberg_marquardt) echo "least_squares:n=20,dim=3|$1|1e200,1e200,1e200|0";;
    nonlinear_cg|bfgs|lbfgs) echo "saddle|$1|0.5,0.25|1";;
    # linear CG needs a positive definite Hessian (exit 2 otherwise) and takes exact steps:
    # it can only start where F overflows (row 0 is then not written).
    linear_cg) echo "quadratic:eigs=1/2,rotate=false|$1|1e200,1e200|0";;
    natural_gradient) echo "logistic_regression:dim=3,n=50|$1:lr=1e200|init:gaussian,seed=1|1";;
    kfac|path_sgd) echo "mlp:widths=3-4-2,data=gaussian,targets=regression,loss=mse,n=20|$1:lr=1e200|init:xavier,seed=1|1";;
    # SVAG's two minibatch gradients are the full gradient here (no --batch): GD at lr·(1/l)
    svag) echo "quadratic:eigs=1/2,rotate=false|$1:lr=1e200|1,1|1";;
    tonga) echo "quadratic:eigs=1/2,rotate=false|$1:lr=1e200|1,1|1";;
    # parabola regression moves at most linearly away from maxima: from an overflowing start
    parabola_regression) echo "quadratic:eigs=1/2,rotate=false|$1|1e200,1e200|0";;
    *) echo "";;
  esac
}
optimizers=$("$OPTDYN" list optimizers | sed '/^Modifiers/,$d' | grep -v '^ ' | awk 'NF {print $1}')
[ -n "$optimizers" ] || fail "optdyn list optimizers printed no optimizer"
count=0
for o in $optimizers; do
  s=$(scenario "$o")
  if [ -z "$s" ]; then fail "$o: no divergence scenario in this test (add one)"; continue; fi
  IFS='|' read -r objective spec x0 min_rows <<<"$s"
  "$OPTDYN" run --objective "$objective" --optimizer "$spec" --x0 "$x0" --steps 5000 --record-every 1 \
    --out "$WORK/$o.csv" 2>"$WORK/$o.err"
  check "$o" "$WORK/$o.csv" "$min_rows" $? "$WORK/$o.err"
  count=$((count + 1))
done
pass "every optimizer ($count) diverges with exit 3, status diverged, finite rows kept"

# The line-search methods from a point where the gradient overflows (‖g‖² = inf): diverged
# at the line search's start, not an internal error; row 0 (its grad_norm overflows) is not written.
for o in bfgs lbfgs nonlinear_cg; do
  "$OPTDYN" run --objective "quadratic:eigs=1e6/1,rotate=false" --optimizer "$o" --x0 1e150,1 --steps 10 \
    --out "$WORK/ls_$o.csv" 2>"$WORK/ls_$o.err"
  check "$o from an overflowing gradient" "$WORK/ls_$o.csv" 0 $? "$WORK/ls_$o.err"
  [ "$(head -1 "$WORK/ls_$o.csv" | cut -d, -f1)" = "step" ] || fail "$o: no CSV header"
done
pass "bfgs, lbfgs, nonlinear_cg from an overflowing start"

# --- a loss of inf at finite parameters ----------------------------------------------------------
# F = −½·1e-4·x² from x = 1e156 with GD lr = 1e3 (x grows ×1.1 per step): F reaches −inf at
# x ≈ 1.9e156 while x and ∇F = −1e-4·x stay finite.
"$OPTDYN" run --objective "quadratic:eigs=-1e-4,rotate=false" --optimizer "gd:lr=1e3" --x0 1e156 --steps 5000 \
  --record-params --out "$WORK/infloss.csv" 2>"$WORK/infloss.err"
check "loss overflow with finite parameters" "$WORK/infloss.csv" 1 $? "$WORK/infloss.err"
grep -q "non-finite loss" "$WORK/infloss.csv.status.json" || fail "inf-loss reason: $(cat "$WORK/infloss.csv.status.json")"
# A NaN loss at finite parameters: F = x³ − 3xy² at (1e103, 1e103) is 1e309 − 3e309 = inf − inf.
"$OPTDYN" run --objective monkey_saddle --optimizer "gd:lr=1e-3" --x0 1e103,1e103 --steps 10 \
  --out "$WORK/nanloss.csv" 2>"$WORK/nanloss.err"
check "nan loss with finite parameters" "$WORK/nanloss.csv" 0 $? "$WORK/nanloss.err"
pass "non-finite loss at finite parameters is diverged"

# --- the curvature monitor on a diverging run ---------------------------------------------------
"$OPTDYN" run --objective "quadratic:eigs=1/2,rotate=false" --optimizer "gd:lr=1e100" --x0 1,1 --steps 100 \
  --monitor curvature:every=1 --out "$WORK/monitor.csv" 2>"$WORK/monitor.err"
check "--monitor curvature" "$WORK/monitor.csv" 1 $? "$WORK/monitor.err"
"$OPTDYN" run --objective "rosenbrock" --optimizer "gd:lr=1e-3" --x0 1e77,1 --steps 100 \
  --monitor curvature:every=1 --out "$WORK/monitor2.csv" 2>"$WORK/monitor2.err"
check "--monitor curvature at an overflowing Hessian" "$WORK/monitor2.csv" 0 $? "$WORK/monitor2.err"
pass "curvature monitor"

# --- flows and integrators ------------------------------------------------------------------------
# F = x² − y² is unbounded below: every flow runs off to −∞ (exponentially, so the record times
# reach the overflow).
i=0
for fi in "gradient|rk4:h=0.01" "gradient|euler:h=0.01" "heavy_ball:mass=1,friction=0.1|rk4:h=0.01" \
          "gradient|dopri5" "saddle_free|rk4:h=0.01"; do
  IFS='|' read -r flow integ <<<"$fi"
  i=$((i + 1))
  "$OPTDYN" flow --objective saddle --flow "$flow" --integrator "$integ" --t-end 2000 --record-dt 1 --x0 0.5,0.5 \
    --out "$WORK/flow$i.csv" 2>"$WORK/flow$i.err"
  rc=$?
  if [ $rc -eq 3 ] && grep -q '"status": "step_size_underflow"' "$WORK/flow$i.csv.status.json"; then
    continue  # an adaptive integrator that shrinks into the blow-up: its own documented stop
  fi
  check "flow $flow / $integ" "$WORK/flow$i.csv" 1 $rc "$WORK/flow$i.err"
done
"$OPTDYN" flow --objective saddle --flow gradient --integrator rk4:h=0.01 --t-end 2000 --record-dt 1 --x0 0.5,0.5 \
  --monitor curvature:every=1 --out "$WORK/flowm.csv" 2>"$WORK/flowm.err"
check "flow with --monitor curvature" "$WORK/flowm.csv" 1 $? "$WORK/flowm.err"
pass "flows"

# --- compare ---------------------------------------------------------------------------------------
"$OPTDYN" compare --objective saddle --optimizer bfgs --flow gradient --time-per-step 1 --steps 5000 --x0 0.5,0.25 \
  --out "$WORK/cmp" 2>"$WORK/cmp.err"
rc=$?
[ $rc -eq 3 ] || fail "compare exit $rc (want 3): $(cat "$WORK/cmp.err")"
grep -q '"status": "diverged"' "$WORK/cmp/summary.json" || fail "compare summary: $(head -c 400 "$WORK/cmp/summary.json")"
"$PYTHON" - "$WORK/cmp/gaps.csv" <<'PY' || fail "compare kept rows with non-finite numbers"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no rows"
for r in rows:
    for k in ("loss_map", "gap"):
        assert math.isfinite(float(r[k])), r
PY
pass "compare"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all divergence tests passed"
