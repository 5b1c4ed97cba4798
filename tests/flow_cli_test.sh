#!/usr/bin/env bash
# `optdyn flow` end to end (doc/design.md, "The optdyn tool"): columns, record times (t₀, t₀+D, …, exactly T),
# gradient-flow values against the closed form e^{−λt}, --record-params, the curvature monitor
# (same columns as `optdyn run`, closed-form values, every K-th row) and its tracker, the status file, divergence
# (exit 3, rows kept), bad input (exit 2, one line naming the key, no file written), byte-identical
# reruns (ODE and seeded SDE), `optdyn list flows|integrators`.
# Usage: bash flow_cli_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# --- gradient flow on F = ½(x₀² + 0.5x₁²) from (1, 1): x(t) = (e^{−t}, e^{−t/2}) ----------------
"$OPTDYN" flow --objective "quadratic:eigs=1/0.5,rotate=false" --flow gradient \
  --integrator "dopri5:rtol=1e-12,atol=1e-14" --t-end 1 --record-dt 0.3 --x0 1,1 --record-params \
  --out "$WORK/gf.csv" 2>"$WORK/gf.err"
rc=$?
[ $rc -eq 0 ] || fail "gradient flow exited $rc: $(cat "$WORK/gf.err")"
[ "$(head -1 "$WORK/gf.csv")" = "t,loss,grad_norm,x0,x1" ] || fail "header: $(head -1 "$WORK/gf.csv")"
times=$(tail -n +2 "$WORK/gf.csv" | cut -d, -f1 | tr '\n' ' ')
# t₀ + j·D computed as 0 + j·0.3 (0.3·3 = 0.89999999999999991 in double), then exactly T
[ "$times" = "0 0.29999999999999999 0.59999999999999998 0.89999999999999991 1 " ] || fail "record times '$times'"
"$PYTHON" - "$WORK/gf.csv" <<'PY' || fail "gradient-flow values differ from e^{-λt}"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    t = float(r["t"]); x0 = math.exp(-t); x1 = math.exp(-0.5 * t)
    loss = 0.5 * (x0 * x0 + 0.5 * x1 * x1); gn = math.hypot(x0, 0.5 * x1)
    for name, want in (("x0", x0), ("x1", x1), ("loss", loss), ("grad_norm", gn)):
        assert abs(float(r[name]) - want) <= 1e-10, (t, name, r[name], want)
s = json.load(open(sys.argv[1] + ".status.json"))
assert s["status"] == "ok" and s["reason"] == "", s
assert s["t_start"] == 0 and s["t_end"] == 1 and s["t_reached"] == 1 and s["record_dt"] == 0.3, s
assert s["rows"] == 5 and s["dim"] == 2 and s["state_dim"] == 2 and s["noise_dim"] == 0, s
assert s["flow"] == "gradient" and s["integrator"].startswith("dopri5:rtol=1e-12,atol=1e-14"), s
assert s["objective"].startswith("quadratic:") and s["x0"] == "1,1", s
for key in ("steps", "rejected", "rhs_evaluations", "jacobian_products", "jacobians", "newton_iterations",
            "linear_iterations", "gradients", "hvps"):
    assert isinstance(s[key], int), key
# dopri5 is FSAL: at least 6 derivative calls per step; each is one gradient of F (recording excluded)
assert s["steps"] > 0 and s["rhs_evaluations"] >= 6 * s["steps"] - 6, s
assert s["gradients"] == s["rhs_evaluations"] and s["hvps"] == 0, s
PY
pass "gradient flow: columns, record times, closed form, status file"

# --- default record times on Rosenbrock: (T − t₀)/100, 101 rows, last exactly T -------------------
"$OPTDYN" flow --objective rosenbrock --flow gradient --integrator dopri5 --t-end 0.7 --x0 -1.2,1 \
  --out "$WORK/rb.csv" 2>"$WORK/rb.err" || fail "rosenbrock flow exited $?: $(cat "$WORK/rb.err")"
[ "$(head -1 "$WORK/rb.csv")" = "t,loss,grad_norm" ] || fail "rosenbrock header: $(head -1 "$WORK/rb.csv")"
[ "$(wc -l <"$WORK/rb.csv")" -eq 102 ] || fail "rosenbrock rows: $(($(wc -l <"$WORK/rb.csv") - 1)) (want 101)"
[ "$(tail -1 "$WORK/rb.csv" | cut -d, -f1)" = "0.69999999999999996" ] || fail "last time $(tail -1 "$WORK/rb.csv" | cut -d, -f1)"
"$PYTHON" - "$WORK/rb.csv" <<'PY' || fail "rosenbrock losses do not decrease along the gradient flow"
import csv, sys
loss = [float(r["loss"]) for r in csv.DictReader(open(sys.argv[1]))]
assert loss[0] == 24.199999999999996 or abs(loss[0] - 24.2) < 1e-12, loss[0]
assert all(b < a for a, b in zip(loss, loss[1:])), loss
PY
pass "default record times, rosenbrock"

# --- heavy ball (state z = (X, Ẋ)): only θ is written ----------------------------------------------
"$OPTDYN" flow --objective "quadratic:dim=3" --flow "heavy_ball:mass=0.5,friction=1" --integrator rk4:h=0.01 \
  --t-end 0.5 --record-dt 0.25 --x0 1,2,3 --record-params --out "$WORK/hb.csv" 2>"$WORK/hb.err" \
  || fail "heavy ball exited $?: $(cat "$WORK/hb.err")"
[ "$(head -1 "$WORK/hb.csv")" = "t,loss,grad_norm,x0,x1,x2" ] || fail "heavy-ball header: $(head -1 "$WORK/hb.csv")"
grep -q '"state_dim": 6' "$WORK/hb.csv.status.json" || fail "heavy-ball state_dim: $(cat "$WORK/hb.csv.status.json")"
pass "heavy ball writes θ only"

# --- curvature monitor: F = ½(2x₀² − 0.5x₁² + 0.25x₂²), H = diag(2, −0.5, 0.25) everywhere -------
"$OPTDYN" run --objective "quadratic:eigs=2/-0.5/0.25,rotate=false" --optimizer gd --steps 1 --x0 1,1,1 \
  --monitor "curvature:every=2" --out "$WORK/run_mon.csv" 2>/dev/null || fail "run with monitor exited $?"
"$OPTDYN" flow --objective "quadratic:eigs=2/-0.5/0.25,rotate=false" --flow gradient \
  --integrator "dopri5:rtol=1e-12,atol=1e-14" --t-end 1 --record-dt 0.2 --x0 1,1,1 \
  --monitor "curvature:every=2" --out "$WORK/mon.csv" 2>"$WORK/mon.err" || fail "monitor flow exited $?: $(cat "$WORK/mon.err")"
want_header=$(head -1 "$WORK/run_mon.csv" | sed 's/^step,evals,/t,/')
[ "$(head -1 "$WORK/mon.csv")" = "$want_header" ] || fail "monitor header '$(head -1 "$WORK/mon.csv")' != run's '$want_header'"
"$PYTHON" - "$WORK/mon.csv" <<'PY' || fail "monitor values differ from the closed form"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6, len(rows)
lam = (2.0, -0.5, 0.25)
monitor = [c for c in rows[0] if c not in ("t", "loss", "grad_norm")]
for i, r in enumerate(rows):
    t = float(r["t"])
    if i % 2:  # every=2 counts recorded rows: rows 1, 3, 5 are not measured
        assert all(r[c] == "nan" for c in monitor), r
        continue
    x = [math.exp(-l * t) for l in lam]
    g = [l * xi for l, xi in zip(lam, x)]
    rq = sum(l * gi * gi for l, gi in zip(lam, g)) / sum(gi * gi for gi in g)
    want = {"lambda_max": 2.0, "lambda_min": -0.5, "cond_pos": 8.0, "rayleigh_g": rq, "index": 1 / 3, "neg_count": 1}
    for c, w in want.items():
        assert abs(float(r[c]) - w) <= 1e-9 * max(1, abs(w)), (t, c, r[c], w)
s = json.load(open(sys.argv[1] + ".status.json"))
assert s["monitor"].startswith("curvature:every=2,") and s["monitor_measurements"] == 3, s
assert s["hvps"] == 0, s  # the monitor's products are not the integration's
PY
pass "monitor columns (same as run), every K-th row, closed form"

# --- curvature tracker (tracker=on): the same quadratic, threshold 0.2 → λ = 2 and 0.25 tracked
# by identity in slots 0 and 1; run with gd:lr=0.5 has the default threshold 1.5/0.5 = 3 (only
# λmax, which is always tracked); a flow has no step size: auto is refused (exit 2, no file) ---
"$OPTDYN" flow --objective "quadratic:eigs=2/-0.5/0.25,rotate=true,seed=4" --flow gradient \
  --integrator "dopri5:rtol=1e-12,atol=1e-14" --t-end 1 --record-dt 0.2 --x0 1,1,1 \
  --monitor "curvature:every=1,tracker=on,tracker_threshold=0.2,tracker_pairs=2,tracker_tol=1e-10" \
  --out "$WORK/trk.csv" 2>"$WORK/trk.err" || fail "tracker flow exited $?: $(cat "$WORK/trk.err")"
"$OPTDYN" run --objective "quadratic:eigs=2/-0.5/0.25,rotate=true,seed=4" --optimizer gd:lr=0.5 --steps 3 --x0 1,1,1 \
  --monitor "curvature:every=1,tracker=on,tracker_tol=1e-10" --out "$WORK/trk_run.csv" 2>/dev/null || fail "tracker run exited $?"
"$PYTHON" - "$WORK/trk.csv" "$WORK/trk_run.csv" <<'PY' || fail "tracker columns differ from the closed form"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6, len(rows)
for r in rows:
    assert abs(float(r["track_lambda0"]) - 2.0) <= 1e-9 and abs(float(r["track_lambda1"]) - 0.25) <= 1e-9, r
    assert r["track_count"] == "2" and r["track_converged"] == "1", r
    assert 0.0 <= float(r["track_grad_overlap"]) <= 1.0 + 1e-12, r
for r in csv.DictReader(open(sys.argv[2])):
    assert abs(float(r["track_lambda0"]) - 2.0) <= 1e-9 and r["track_lambda1"] == "nan" and r["track_count"] == "1", r
PY
"$OPTDYN" flow --objective "quadratic:eigs=2/-0.5/0.25" --flow gradient --integrator dopri5 --t-end 1 --x0 1,1,1 \
  --monitor "curvature:every=1,tracker=on" --out "$WORK/trk_auto.csv" 2>"$WORK/trk_auto.err"
rc=$?
[ $rc -eq 2 ] || fail "tracker_threshold=auto in a flow exited $rc (want 2)"
grep -q "key 'tracker_threshold'" "$WORK/trk_auto.err" || fail "message does not name tracker_threshold: $(cat "$WORK/trk_auto.err")"
[ ! -e "$WORK/trk_auto.csv" ] || fail "a refused tracker flow left a file"
pass "tracker columns by identity (flow and run), auto threshold refused in a flow"

# --- divergence: explicit Euler with h = 3 > 2/λ on F = ½x² (x_n = (−2)^n) ------------------------
"$OPTDYN" flow --objective "quadratic:eigs=1" --flow gradient --integrator euler:h=3 --t-end 300 --record-dt 3 \
  --x0 1 --diverge-above 1e6 --out "$WORK/div.csv" 2>"$WORK/div.err"
rc=$?
[ $rc -eq 3 ] || fail "divergence exit $rc (want 3)"
[ "$(wc -l <"$WORK/div.err")" -eq 1 ] || fail "divergence stderr is not one line: $(cat "$WORK/div.err")"
# F_n = ½·4^n > 1e6 first at n = 11 (t = 33): rows t = 0, 3, …, 33 are kept
[ "$(tail -1 "$WORK/div.csv" | cut -d, -f1)" = "33" ] || fail "diverged run stops at t = $(tail -1 "$WORK/div.csv" | cut -d, -f1) (want 33)"
[ "$(wc -l <"$WORK/div.csv")" -eq 13 ] || fail "diverged run keeps $(($(wc -l <"$WORK/div.csv") - 1)) rows (want 12)"
grep -q '"status": "diverged"' "$WORK/div.csv.status.json" || fail "status: $(cat "$WORK/div.csv.status.json")"
grep -q 'above --diverge-above' "$WORK/div.csv.status.json" || fail "reason: $(cat "$WORK/div.csv.status.json")"
# without a bound the state overflows: the integrator reports it (diverged), exit 3
"$OPTDYN" flow --objective "quadratic:eigs=1" --flow gradient --integrator euler:h=3 --t-end 6000 --record-dt 600 \
  --x0 1 --out "$WORK/inf.csv" 2>/dev/null
rc=$?
[ $rc -eq 3 ] || fail "overflow exit $rc (want 3)"
grep -q '"status": "diverged"' "$WORK/inf.csv.status.json" || fail "overflow status: $(cat "$WORK/inf.csv.status.json")"
[ "$(wc -l <"$WORK/inf.csv")" -ge 2 ] || fail "overflow run kept no rows"
pass "divergence"

# --- determinism: ODE and seeded SDE reruns are byte-identical ------------------------------------
ode=(flow --objective "rosenbrock:dim=4" --flow "modified_gd:h=0.001" --integrator "dopri5:h0=1e-5" --t-end 0.3 --record-dt 0.05
     --x0 "init:gaussian,seed=3" --record-params)
"$OPTDYN" "${ode[@]}" --out "$WORK/o1.csv" && "$OPTDYN" "${ode[@]}" --out "$WORK/o2.csv" || fail "ode reruns exited $?"
cmp -s "$WORK/o1.csv" "$WORK/o2.csv" || fail "ODE reruns differ"
cmp -s "$WORK/o1.csv.status.json" "$WORK/o2.csv.status.json" || fail "ODE status files differ"
sde=(flow --objective "quadratic:dim=3" --flow "sgd_sde:lr=0.1,noise=isotropic,sigma=1" --t-end 1 --record-dt 0.1
     --x0 1,1,1 --record-params)
"$OPTDYN" "${sde[@]}" --integrator "euler_maruyama:h=0.01,seed=3" --out "$WORK/s1.csv" || fail "sde run 1 exited $?"
"$OPTDYN" "${sde[@]}" --integrator "euler_maruyama:h=0.01,seed=3" --out "$WORK/s2.csv" || fail "sde run 2 exited $?"
"$OPTDYN" "${sde[@]}" --integrator "euler_maruyama:h=0.01,seed=4" --out "$WORK/s3.csv" || fail "sde run 3 exited $?"
cmp -s "$WORK/s1.csv" "$WORK/s2.csv" || fail "SDE reruns with the same seed differ"
cmp -s "$WORK/s1.csv" "$WORK/s3.csv" && fail "SDE runs with different seeds are identical"
grep -q '"noise_dim": 3' "$WORK/s1.csv.status.json" || fail "SDE noise_dim: $(cat "$WORK/s1.csv.status.json")"
pass "byte-identical reruns (ODE, SDE with seed)"

# --- t₀ > 0: a Nesterov ODE starts at its t0, and T before it is an error --------------------------
"$OPTDYN" flow --objective "quadratic:dim=2" --flow "nesterov_ode:t0=0.01" --integrator dopri5 --t-end 0.51 \
  --record-dt 0.1 --x0 1,1 --out "$WORK/nes.csv" 2>"$WORK/nes.err" || fail "nesterov flow exited $?: $(cat "$WORK/nes.err")"
[ "$(sed -n 2p "$WORK/nes.csv" | cut -d, -f1)" = "0.01" ] || fail "first record time $(sed -n 2p "$WORK/nes.csv" | cut -d, -f1) (want t0 = 0.01)"
[ "$(tail -1 "$WORK/nes.csv" | cut -d, -f1)" = "0.51000000000000001" ] || fail "last record time $(tail -1 "$WORK/nes.csv" | cut -d, -f1)"
[ "$(wc -l <"$WORK/nes.csv")" -eq 7 ] || fail "nesterov rows $(($(wc -l <"$WORK/nes.csv") - 1)) (want 6: 0.01 … 0.51)"
pass "flows starting at t0 > 0"

# --- bad input: exit 2, one line naming the key, no output written --------------------------------
check_bad() {  # expected-word, args...
  local word=$1; shift
  "$OPTDYN" flow "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
  local rc=$?
  [ $rc -eq 2 ] || { fail "exit $rc (want 2) for: $*"; return; }
  [ "$(wc -l <"$WORK/bad.err")" -eq 1 ] || fail "stderr is not one line for: $*"
  grep -q -- "$word" "$WORK/bad.err" || fail "error for '$*' does not name '$word': $(cat "$WORK/bad.err")"
}
base=(--objective "quadratic:dim=2" --x0 1,1 --out "$WORK/bad.csv")
check_bad "no_such_flow" "${base[@]}" --flow no_such_flow --integrator rk4 --t-end 1
check_bad "'mass'" "${base[@]}" --flow "heavy_ball:mass=-1" --integrator rk4 --t-end 1
check_bad "'step'" "${base[@]}" --flow gradient --integrator "rk4:step=0.1" --t-end 1
check_bad "'rtol'" "${base[@]}" --flow gradient --integrator "dopri5:rtol=0" --t-end 1
check_bad "--t-end" "${base[@]}" --flow gradient --integrator rk4 --t-end -1
check_bad "--t-end" "${base[@]}" --flow "nesterov_ode:t0=0.5" --integrator rk4 --t-end 0.1
check_bad "--t-end" "${base[@]}" --flow gradient --integrator rk4 --t-end nan
check_bad "--record-dt" "${base[@]}" --flow gradient --integrator rk4 --t-end 1 --record-dt 0
check_bad "--record-dt" "${base[@]}" --flow gradient --integrator rk4 --t-end 1e300 --record-dt 1
check_bad "--integrator" "${base[@]}" --flow "sgd_sde:noise=isotropic" --integrator dopri5 --t-end 1
check_bad "'bogus'" "${base[@]}" --flow gradient --integrator rk4 --t-end 1 --monitor "curvature:every=1,bogus=2"
check_bad "--t-end/--record-dt" --objective "rosenbrock:dim=100000" --x0 zeros --out "$WORK/bad.csv" --flow gradient \
  --integrator rk4 --t-end 1 --record-dt 1e-6 --record-params
check_bad "x0" "${base[@]}" --x0 1,2,3 --flow gradient --integrator rk4 --t-end 1
check_bad "integrator" --objective "quadratic:dim=2" --flow gradient --t-end 1 --out "$WORK/bad.csv"
check_bad "'h'" "${base[@]}" --flow gradient --integrator "euler:h=1e-300" --t-end 1
check_bad "'tol'" "${base[@]}" --flow "newton:tol=1" --integrator rk4 --t-end 1
check_bad "'max_dim'" "${base[@]}" --flow "saddle_free:max_dim=100000" --integrator rk4 --t-end 1
check_bad "x0" --objective rosenbrock --x0 1e200,1 --out "$WORK/bad.csv" --flow "heavy_ball:v0=1" --integrator dopri5 --t-end 1
[ -e "$WORK/bad.csv" ] && fail "a rejected run wrote $WORK/bad.csv"
pass "bad input"

# --- list ------------------------------------------------------------------------------------------
"$OPTDYN" list flows >"$WORK/flows.txt" || fail "list flows exited $?"
for name in gradient modified_gd central heavy_ball nag_sc_high_res nesterov_ode rmsprop_ode adam_ode newton saddle_free sgd_sde; do
  grep -q "^$name " "$WORK/flows.txt" || fail "list flows lacks '$name'"
done
"$OPTDYN" list integrators >"$WORK/integrators.txt" || fail "list integrators exited $?"
for name in euler rk4 cash_karp54 dopri5 fehlberg78 bulirsch_stoer adams_bashforth_moulton implicit_euler \
            implicit_midpoint rosenbrock4 euler_maruyama; do
  grep -q "^$name " "$WORK/integrators.txt" || fail "list integrators lacks '$name'"
done
pass "list flows, list integrators"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
