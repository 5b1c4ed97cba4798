#!/usr/bin/env bash
# `optdyn run` end to end (doc/design.md, "The optdyn tool"): columns, row 0 = start, GD values against
# the closed form, determinism byte for byte (minibatches), divergence (exit 3, rows kept,
# status file), the curvature monitor columns (closed form), bad specs (exit 2, one line naming
# the key), `optdyn list optimizers`.
# Usage: bash run_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# --- columns, row 0, values: GD on F = ½(x₀² + 0.5x₁²) from (1, 1), η = 0.5 ---------------
# quadratic eigs=1/0.5,rotate=false (diagonal): x_k = ((1 − 0.5)^k, (1 − 0.25)^k).
"$OPTDYN" run --objective "quadratic:eigs=1/0.5,rotate=false" --optimizer "gd:lr=0.5" --steps 10 --record-every 4 \
  --x0 1,1 --record-params --out "$WORK/gd.csv" 2>"$WORK/gd.err"
rc=$?
[ $rc -eq 0 ] || fail "gd run exited $rc: $(cat "$WORK/gd.err")"
[ "$(head -1 "$WORK/gd.csv")" = "step,evals,loss,grad_norm,x0,x1" ] || fail "header: $(head -1 "$WORK/gd.csv")"
steps=$(tail -n +2 "$WORK/gd.csv" | cut -d, -f1 | tr '\n' ' ')
[ "$steps" = "0 4 8 10 " ] || fail "recorded steps '$steps' (want 0 4 8 10)"
"$PYTHON" - "$WORK/gd.csv" <<'PY' || fail "gd values differ from the closed form"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    k = int(r["step"]); x0 = 0.5 ** k; x1 = 0.75 ** k
    loss = 0.5 * (x0 * x0 + 0.5 * x1 * x1); gn = (x0 * x0 + 0.25 * x1 * x1) ** 0.5
    for got, want in ((float(r["x0"]), x0), (float(r["x1"]), x1), (float(r["loss"]), loss), (float(r["grad_norm"]), gn)):
        assert abs(got - want) <= 1e-14 * max(1, abs(want)), (k, got, want)
    assert int(r["evals"]) == k, r
assert rows[0]["step"] == "0" and float(rows[0]["x0"]) == 1.0
PY
grep -q '"status": "ok"' "$WORK/gd.csv.status.json" || fail "status file of a good run: $(cat "$WORK/gd.csv.status.json")"
pass "columns, row 0, GD closed form, status file"

# --- determinism: minibatch SGD, same seed ⇒ same bytes; another seed ⇒ different ----------
args=(run --objective "least_squares:n=40,dim=5,seed=3" --optimizer "momentum:lr=0.05,mu=0.5|clip_norm:max=10"
      --steps 30 --batch 7 --x0 "init:gaussian,seed=2" --record-params)
"$OPTDYN" "${args[@]}" --seed 5 --out "$WORK/a.csv" || fail "run a exited $?"
"$OPTDYN" "${args[@]}" --seed 5 --out "$WORK/b.csv" || fail "run b exited $?"
"$OPTDYN" "${args[@]}" --seed 6 --out "$WORK/c.csv" || fail "run c exited $?"
cmp -s "$WORK/a.csv" "$WORK/b.csv" || fail "same seed, different bytes"
cmp -s "$WORK/a.csv" "$WORK/c.csv" && fail "different seeds, same bytes"
[ "$(wc -l <"$WORK/a.csv")" -eq 32 ] || fail "expected 31 rows + header, got $(wc -l <"$WORK/a.csv") lines"
pass "determinism"

# --- divergence: GD with η·λ = 2.5 > 2 --------------------------------------------------------
"$OPTDYN" run --objective "quadratic:eigs=1/0.1,rotate=false" --optimizer "gd:lr=2.5" --steps 1000 --x0 1,1 \
  --diverge-above 1e6 --out "$WORK/div.csv" 2>"$WORK/div.err"
rc=$?
[ $rc -eq 3 ] || fail "divergence exit $rc (want 3)"
[ "$(wc -l <"$WORK/div.err")" -eq 1 ] || fail "divergence stderr is not one line: $(cat "$WORK/div.err")"
last=$(tail -1 "$WORK/div.csv" | cut -d, -f1)
# loss_k = ½·1.5^{2k} > 1e6 first at k = 18
[ "$last" = "18" ] || fail "diverged run stops at step '$last' (want 18)"
[ "$(wc -l <"$WORK/div.csv")" -eq 20 ] || fail "diverged run keeps $(($(wc -l <"$WORK/div.csv") - 1)) rows (want 19)"
grep -q '"status": "diverged"' "$WORK/div.csv.status.json" || fail "status file: $(cat "$WORK/div.csv.status.json")"
# NaN/Inf without a bound
"$OPTDYN" run --objective "quadratic:eigs=1" --optimizer "gd:lr=1000" --steps 500 --x0 1 --record-every 100 \
  --out "$WORK/nan.csv" 2>/dev/null
rc=$?
[ $rc -eq 3 ] || fail "overflow run exit $rc (want 3)"
grep -q "non-finite" "$WORK/nan.csv.status.json" || fail "overflow reason: $(cat "$WORK/nan.csv.status.json")"
pass "divergence"

# --- Polyak–Ruppert average columns: GD on F = ½x², lr 0.5 from x = 1 gives x_k = 2^-k;
# average:start=0 is the mean of x_1..x_k, so at k = 2: 0.375, F = 0.0703125, |F'| = 0.375.
"$OPTDYN" run --objective "quadratic:eigs=1" --optimizer "gd:lr=0.5|average:start=0" --steps 2 --x0 1 \
  --out "$WORK/avg.csv" 2>"$WORK/avg.err" || fail "averaged run exited $?: $(cat "$WORK/avg.err")"
[ "$(head -1 "$WORK/avg.csv")" = "step,evals,loss,grad_norm,avg_loss,avg_grad_norm" ] || fail "average columns: $(head -1 "$WORK/avg.csv")"
"$PYTHON" - "$WORK/avg.csv" <<'PY' || fail "average columns do not match the closed form"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert float(rows[0]["avg_loss"]) == 0.5, rows[0]
assert abs(float(rows[2]["avg_loss"]) - 0.0703125) < 1e-15, rows[2]
assert abs(float(rows[2]["avg_grad_norm"]) - 0.375) < 1e-15, rows[2]
PY
pass "average columns"

# --- curvature monitor: GD (lr 0.1) on the diagonal F = ½(2x₀² − 0.5x₁² + 0.25x₂²) from (1, 1, 1):
# x_k,i = (1 − 0.1λ_i)^k; H = diag(2, −0.5, 0.25) everywhere, so lambda_max = 2, lambda_min = −0.5,
# cond_pos = 2/0.25 = 8, index = 1/3 (exact: its interval is the point; τ = 1e-8·2), neg_count = 1, rayleigh_g = Σλ³x²/Σλ²x². Measured at
# steps 0, 2, 4 (every=2), nan at 1, 3, 5; 3 HVPs each (closed-form Hessian: 2 residual checks
# + gᵀHg), not counted in evals; monitor_hvps = 9 in the status file.
"$OPTDYN" run --objective "quadratic:eigs=2/-0.5/0.25,rotate=false" --optimizer "gd:lr=0.1" --steps 5 --x0 1,1,1 \
  --monitor "curvature:every=2" --out "$WORK/mon.csv" 2>"$WORK/mon.err" || fail "monitor run exited $?: $(cat "$WORK/mon.err")"
[ "$(head -1 "$WORK/mon.csv")" = "step,evals,loss,grad_norm,lambda_max,lambda_min,cond_pos,rayleigh_g,index,index_low,index_high,index_tau,neg_count,curv_hvps,curv_converged" ] \
  || fail "monitor header: $(head -1 "$WORK/mon.csv")"
"$PYTHON" - "$WORK/mon.csv" <<'PY2' || fail "monitor values differ from the closed form"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [int(r["step"]) for r in rows] == [0, 1, 2, 3, 4, 5], rows
lam = (2.0, -0.5, 0.25)
cols = ("lambda_max", "lambda_min", "cond_pos", "rayleigh_g", "index", "index_low", "index_high", "index_tau",
        "neg_count", "curv_hvps", "curv_converged")
for r in rows:
    k = int(r["step"])
    assert int(r["evals"]) == k, r
    if k % 2:
        assert all(r[c] == "nan" for c in cols), r
        continue
    x = [(1 - 0.1 * l) ** k for l in lam]
    g = [l * xi for l, xi in zip(lam, x)]
    rq = sum(l * gi * gi for l, gi in zip(lam, g)) / sum(gi * gi for gi in g)
    want = {"lambda_max": 2.0, "lambda_min": -0.5, "cond_pos": 8.0, "rayleigh_g": rq, "index": 1 / 3,
            "index_low": 1 / 3, "index_high": 1 / 3, "index_tau": 2e-8, "neg_count": 1, "curv_hvps": 3, "curv_converged": 1}
    for c, w in want.items():
        assert abs(float(r[c]) - w) <= 1e-13 * max(1, abs(w)), (k, c, r[c], w)
status = json.load(open(sys.argv[1] + ".status.json"))
assert status["monitor_hvps"] == 9 and status["evals"] == 5, status
assert status["monitor"].startswith("curvature:every=2,"), status
PY2
pass "curvature monitor columns, closed form, status"

# --- bad input: exit 2, one line naming the key -------------------------------------------------
check_bad() {  # expected-word, args...
  local word=$1; shift
  "$OPTDYN" run "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
  local rc=$?
  [ $rc -eq 2 ] || { fail "exit $rc (want 2) for: $*"; return; }
  [ "$(wc -l <"$WORK/bad.err")" -eq 1 ] || fail "stderr is not one line for: $*"
  grep -q -- "$word" "$WORK/bad.err" || fail "error for '$*' does not name '$word': $(cat "$WORK/bad.err")"
}
base=(--objective "quadratic:eigs=1/2" --steps 3 --out "$WORK/bad.csv")
check_bad "'learning_rate'" "${base[@]}" --optimizer "adam:learning_rate=1"
check_bad "'beta1'" "${base[@]}" --optimizer "adam:beta1=abc"
check_bad "budget" --objective "quadratic:eigs=1/2" --out "$WORK/bad.csv" --optimizer gd --steps 10000000000 --record-every 10000000000
check_bad "full-batch" --objective "least_squares:n=20,dim=5" --out "$WORK/bad.csv" --optimizer bfgs --batch 4 --steps 3
check_bad "'solver'" --objective "rosenbrock:dim=100000" --out "$WORK/bad.csv" --optimizer "newton:solver=dense" --steps 1
check_bad "'mode'" --objective "rosenbrock:dim=100000" --out "$WORK/bad.csv" --optimizer saddle_free_newton --steps 1
check_bad "'ridge'" --objective "quadratic:eigs=1/2" --out "$WORK/bad.csv" --optimizer "parabola_regression:ridge=nan" --steps 1
check_bad "'max'" "${base[@]}" --optimizer "gd|clip_norm:max=-1"
check_bad "no_such" "${base[@]}" --optimizer "no_such"
check_bad "convention" "${base[@]}" --optimizer "rmsprop:convention=keras"
check_bad "--batch" "${base[@]}" --optimizer gd --batch 4
check_bad "--sampling" --objective "least_squares:n=10,dim=2" --steps 3 --out "$WORK/bad.csv" --optimizer gd --batch 2 --sampling random
check_bad "steps" --objective "quadratic:eigs=1" --optimizer gd --out "$WORK/bad.csv"
check_bad "'bogus'" "${base[@]}" --optimizer gd --monitor "curvature:every=2,bogus=1"
check_bad "'every'" "${base[@]}" --optimizer gd --monitor "curvature:k=1"
check_bad "--batch" --objective "least_squares:n=10,dim=2" --steps 3 --out "$WORK/bad.csv" --optimizer gd --batch 1000000000 --sampling replacement
check_bad "--steps/--record-every" --objective "quadratic:eigs=1/2" --steps 5000000000000 --out "$WORK/bad.csv" --optimizer gd
check_bad "--steps/--record-every" --objective "rosenbrock:dim=100000" --steps 200000 --record-params --out "$WORK/bad.csv" --optimizer gd
check_bad "'eps'" "${base[@]}" --optimizer "adam:eps=0"
[ -e "$WORK/bad.csv" ] && fail "a rejected run wrote $WORK/bad.csv"
pass "bad input"

# --- list ---------------------------------------------------------------------------------------
"$OPTDYN" list optimizers >"$WORK/list.txt" || fail "list optimizers exited $?"
for name in gd sgd momentum nesterov adagrad rmsprop adadelta adam adamax nadam amsgrad delta_bar_delta sign \
            normalized_gd clip_norm clip_value weight_decay robbins_monro step_lr cosine warmup average; do
  grep -q "^$name " "$WORK/list.txt" || fail "list optimizers lacks '$name'"
done
pass "list optimizers"

# --- second-order counters: Newton (dense solve) on a rotated quadratic F = ½(θ−θ*)ᵀA(θ−θ*) reaches
# θ* in one step (loss 0 up to rounding); each step asks the oracle for one gradient and one
# dense Hessian, which the status file reports beside evals.
"$OPTDYN" run --objective "quadratic:eigs=3/1/0.5,rotate=true,seed=2" --optimizer "newton:solver=dense" --steps 2 \
  --x0 1,1,1 --out "$WORK/newton.csv" 2>"$WORK/newton.err" || fail "newton run exited $?: $(cat "$WORK/newton.err")"
"$PYTHON" - "$WORK/newton.csv" <<'PY3' || fail "newton counters or step"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert float(rows[0]["loss"]) > 0.1 and float(rows[1]["loss"]) < 1e-28, rows
s = json.load(open(sys.argv[1] + ".status.json"))
assert s["evals"] == 2 and s["hessians"] == 2 and s["hvps"] == 0 and s["values"] == 0, s
assert s["residual_evaluations"] == 0 and s["jacobian_products"] == 0, s
assert s["fisher_products"] == 0 and s["layer_statistics"] == 0, s
PY3
pass "second-order counters in the status file"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
