#!/usr/bin/env bash
# `optdyn compare` end to end (doc/design.md, "The optdyn tool"): gaps.csv columns and values (GD against the
# gradient flow and the modified flow on a diagonal quadratic, in closed form), summary.json
# fields recomputed from gaps.csv, --flow auto for gd / momentum / nesterov (t₀ > 0: nan before
# it), an explicit --flow, divergence (exit 3, rows kept), the output-directory rule (--force),
# byte-identical reruns, bad input (exit 2, one line naming the option or key).
# Usage: bash compare_cli_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# --- gd on F = ½(x₀² + 0.25x₁²), η = 0.3, from (1, 2): θ_k,i = (1 − ηλ_i)^k θ₀,i,
# X_i(t) = e^{−λ_i t}θ₀,i, modified flow X̃_i(t) = e^{−(λ_i + ηλ_i²/2)t}θ₀,i (Barrett & Dherin) -------
"$OPTDYN" compare --objective "quadratic:eigs=1/0.25,rotate=false" --optimizer "gd:lr=0.3" --steps 20 --record-every 3 \
  --x0 1,2 --out "$WORK/gd" 2>"$WORK/gd.err"
rc=$?
[ $rc -eq 0 ] || fail "gd compare exited $rc: $(cat "$WORK/gd.err")"
[ "$(head -1 "$WORK/gd/gaps.csv")" = "step,t,loss_map,loss_flow,gap,loss_gap,loss_modified,gap_modified,loss_gap_modified" ] \
  || fail "gd header: $(head -1 "$WORK/gd/gaps.csv")"
"$PYTHON" - "$WORK/gd" <<'PY' || fail "gd gaps or summary differ from the closed form"
import csv, json, math, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/gaps.csv")))
assert [int(r["step"]) for r in rows] == [0, 3, 6, 9, 12, 15, 18, 20], rows
eta, lam, x0 = 0.3, (1.0, 0.25), (1.0, 2.0)
F = lambda x: 0.5 * sum(l * xi * xi for l, xi in zip(lam, x))
for r in rows:
    k = int(r["step"]); t = k * eta
    assert float(r["t"]) == t, r
    m = [(1 - eta * l) ** k * a for l, a in zip(lam, x0)]
    X = [math.exp(-l * t) * a for l, a in zip(lam, x0)]
    Y = [math.exp(-(l + eta * l * l / 2) * t) * a for l, a in zip(lam, x0)]
    gap = math.dist(m, X); gap_mod = math.dist(m, Y)
    assert abs(float(r["gap"]) - gap) <= 1e-9, (k, r["gap"], gap)
    assert abs(float(r["gap_modified"]) - gap_mod) <= 1e-9, (k, r["gap_modified"], gap_mod)
    assert abs(float(r["loss_map"]) - F(m)) <= 1e-14, (k, r["loss_map"])
    assert abs(float(r["loss_gap"]) - (F(m) - F(X))) <= 1e-9, (k, r["loss_gap"])
    assert abs(float(r["loss_gap_modified"]) - (F(m) - F(Y))) <= 1e-9, k
s = json.load(open(d + "/summary.json"))
assert s["status"] == "ok", s
assert s["optimizer"].startswith("gd:lr=0.3") and s["flow"] == "gradient", s
assert s["modified_flow"].startswith("modified_gd:h=0.3"), s
assert s["time_per_step"] == 0.3 and s["steps_requested"] == 20 and s["record_every"] == 3 and s["rows"] == 8, s
assert s["integrator"].startswith("dopri5:rtol=1e-10,atol=1e-12"), s
assert s["dim"] == 2 and s["x0"] == "1,2" and s["correspondence"], s
assert abs(s["threshold"] - 1e-2 * (1 + math.sqrt(5))) < 1e-15, s["threshold"]
for key, col in (("gap", "gap"), ("gap_modified", "gap_modified")):
    g = s[key]; gaps = [float(r[col]) for r in rows]
    assert g["max_gap"] == max(gaps) and g["max_gap_step"] == int(rows[gaps.index(max(gaps))]["step"]), (key, g)
    above = [int(r["step"]) for r, x in zip(rows, gaps) if x > s["threshold"]]
    assert g["first_step_above_threshold"] == (above[0] if above else None), (key, g, above)
    assert g["final_step"] == 20 and g["final_gap"] == gaps[-1], g
# GD follows the modified flow more closely than the gradient flow
assert s["gap_modified"]["max_gap"] < 0.5 * s["gap"]["max_gap"], s
assert s["gap"]["first_step_above_threshold"] is not None, s
assert s["map"] == {"status": "ok", "reason": "", "steps_run": 20, "gradients": 20}, s["map"]
for run in ("flow_run", "modified_run"):
    f = s[run]
    assert f["status"] == "ok" and f["t_start"] == 0 and abs(f["t_reached"] - 6) < 1e-12, f
    for key in ("steps", "rejected", "rhs_evaluations", "jacobian_products", "jacobians", "newton_iterations",
                "linear_iterations", "gradients", "hvps"):
        assert isinstance(f[key], int), (run, key)
assert s["flow_run"]["gradients"] == s["flow_run"]["rhs_evaluations"] and s["flow_run"]["hvps"] == 0, s["flow_run"]
assert s["modified_run"]["hvps"] == s["modified_run"]["rhs_evaluations"], s["modified_run"]  # one HVP per call
PY
pass "gd: gaps.csv closed form, summary recomputed"

# --- --threshold, then auto for momentum (heavy ball, no modified flow) and nesterov (t₀ = √s) -----
"$OPTDYN" compare --objective "quadratic:eigs=1/0.25,rotate=false" --optimizer "gd:lr=0.3" --steps 20 --record-every 3 \
  --x0 1,2 --threshold 1e9 --out "$WORK/thr" 2>/dev/null || fail "threshold compare exited $?"
grep -q '"first_step_above_threshold": null' "$WORK/thr/summary.json" || fail "threshold 1e9 is exceeded?"
"$OPTDYN" compare --objective "quadratic:dim=3,kappa=4" --optimizer "momentum:lr=0.01,mu=0.9" --steps 100 \
  --record-every 25 --x0 1,1,1 --out "$WORK/mom" 2>"$WORK/mom.err" || fail "momentum compare exited $?: $(cat "$WORK/mom.err")"
"$OPTDYN" compare --objective "quadratic:dim=3,kappa=4" --optimizer "nesterov:lr=0.01,mu=0.9" --steps 100 \
  --record-every 25 --x0 1,1,1 --out "$WORK/nag" 2>"$WORK/nag.err" || fail "nesterov compare exited $?: $(cat "$WORK/nag.err")"
"$PYTHON" - "$WORK/mom" "$WORK/nag" <<'PY' || fail "momentum/nesterov auto comparison"
import csv, json, math, sys
for d, flow in ((sys.argv[1], "heavy_ball:"), (sys.argv[2], "nag_sc_high_res:")):
    rows = list(csv.DictReader(open(d + "/gaps.csv")))
    assert list(rows[0].keys()) == ["step", "t", "loss_map", "loss_flow", "gap", "loss_gap"], rows[0].keys()
    s = json.load(open(d + "/summary.json"))
    assert s["status"] == "ok" and s["flow"].startswith(flow), s
    assert s["modified_flow"] is None and s["gap_modified"] is None and s["modified_run"] is None, s
    assert s["time_per_step"] == (0.01 if flow == "heavy_ball:" else 0.1), s["time_per_step"]
    t0 = s["flow_run"]["t_start"]
    for r in rows:
        compared = float(r["t"]) >= t0
        assert (r["gap"] == "nan") == (not compared), (d, r)
        if compared:
            # heavy ball follows its flow to O(η²) per unit time (measured max 2.4e-4 here; a wrong
            # mass, v0 or sign gives ≥ 2e-2); NAG-SC's gap is O(√s)-order per unit time.
            bound = 1e-3 if flow == "heavy_ball:" else 5e-2
            assert 0 <= float(r["gap"]) < bound, (d, r)
    # nesterov: θ_k ↔ X(k√s) with t₀ = √s, so step 0 is not compared
    assert (t0 > 0) == (flow == "nag_sc_high_res:"), t0
PY
pass "auto: momentum, nesterov (t0 > 0 rows are nan)"

# --- explicit flow: gd against the gradient flow with a wrong clock (Δt = 2η) departs -----------------
"$OPTDYN" compare --objective "quadratic:eigs=1/0.25,rotate=false" --optimizer "gd:lr=0.1" --steps 10 --x0 1,2 \
  --flow gradient --time-per-step 0.2 --integrator "rk4:h=0.001" --out "$WORK/explicit" 2>"$WORK/ex.err" \
  || fail "explicit flow exited $?: $(cat "$WORK/ex.err")"
"$PYTHON" - "$WORK/explicit" <<'PY' || fail "explicit flow"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/gaps.csv")))
assert len(rows[0]) == 6 and len(rows) == 11, rows[0]
s = json.load(open(sys.argv[1] + "/summary.json"))
assert s["flow"] == "gradient" and s["time_per_step"] == 0.2 and s["integrator"] == "rk4:h=0.001" and s["correspondence"] == "", s
m = [0.9 ** 10, 2 * 0.975 ** 10]; X = [math.exp(-2), 2 * math.exp(-0.5)]
assert abs(float(rows[-1]["gap"]) - math.dist(m, X)) < 1e-9, (rows[-1], math.dist(m, X))
PY
pass "explicit --flow with --time-per-step"

# --- the central flow (Cohen, Damian et al. 2025) through an explicit --flow: below the edge (λ ≤ 1 < 2/η)
# and with ∇³F = 0 it is gradient flow, X_i(t) = e^{−λ_i t}θ₀,i at t = kη ------------------------------
"$OPTDYN" compare --objective "quadratic:eigs=1/0.25,rotate=false" --optimizer "gd:lr=0.3" --steps 6 --x0 1,2 \
  --flow "central:lr=0.3" --time-per-step 0.3 --integrator "dopri5:rtol=1e-12,atol=1e-14" --out "$WORK/central" \
  2>"$WORK/central.err" || fail "central flow compare exited $?: $(cat "$WORK/central.err")"
"$PYTHON" - "$WORK/central" <<'PY' || fail "central flow compare"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/gaps.csv")))
s = json.load(open(sys.argv[1] + "/summary.json"))
assert s["flow"].startswith("central:lr=0.3,k=2"), s["flow"]
for r in rows:
    k = int(r["step"]); t = 0.3 * k
    m = [0.7 ** k, 2 * 0.925 ** k]; X = [math.exp(-t), 2 * math.exp(-0.25 * t)]
    assert abs(float(r["gap"]) - math.dist(m, X)) < 1e-9, (r, math.dist(m, X))
PY
pass "compare --flow central"

# --- divergence: GD with ηλ = 2.5 on F = ½x²: F_k = ½·2.25^k > 50 first at k = 6 ----------------------
"$OPTDYN" compare --objective "quadratic:eigs=1" --optimizer "gd:lr=2.5" --steps 50 --record-every 2 --x0 1 \
  --diverge-above 50 --out "$WORK/div" 2>"$WORK/div.err"
rc=$?
[ $rc -eq 3 ] || fail "divergence exit $rc (want 3)"
[ "$(wc -l <"$WORK/div.err")" -eq 1 ] || fail "divergence stderr is not one line: $(cat "$WORK/div.err")"
steps=$(tail -n +2 "$WORK/div/gaps.csv" | cut -d, -f1 | tr '\n' ' ')
[ "$steps" = "0 2 4 6 " ] || fail "diverged rows '$steps' (want 0 2 4 6)"
"$PYTHON" - "$WORK/div/summary.json" <<'PY' || fail "divergence summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "diverged" and s["map"]["status"] == "diverged" and s["map"]["steps_run"] == 6, s
assert "above" in s["map"]["reason"] and s["rows"] == 4, s
PY
pass "divergence keeps the rows"

# --- output directory: non-empty needs --force; reruns are byte-identical --------------------------
args=(compare --objective "rosenbrock:a=10" --optimizer "gd:lr=0.002" --steps 200 --record-every 20 --x0 -1,1.5)
"$OPTDYN" "${args[@]}" --out "$WORK/r1" 2>/dev/null || fail "rosenbrock compare exited $?"
"$OPTDYN" "${args[@]}" --out "$WORK/r1" 2>"$WORK/force.err"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--force" "$WORK/force.err" || fail "non-empty DIR without --force: exit $rc, $(cat "$WORK/force.err")"
"$OPTDYN" "${args[@]}" --out "$WORK/r1" --force 2>/dev/null || fail "--force exited $?"
"$OPTDYN" "${args[@]}" --out "$WORK/r2" 2>/dev/null || fail "second rerun exited $?"
cmp -s "$WORK/r1/gaps.csv" "$WORK/r2/gaps.csv" || fail "gaps.csv differs between reruns"
cmp -s "$WORK/r1/summary.json" "$WORK/r2/summary.json" || fail "summary.json differs between reruns"
[ "$(ls "$WORK/r1" | tr '\n' ' ')" = "gaps.csv summary.json " ] || fail "DIR holds $(ls "$WORK/r1")"
pass "--force, byte-identical reruns"

# --- bad input: exit 2, one line naming the option or key ---------------------------------------------
check_bad() {  # expected-word, args...
  local word=$1; shift
  "$OPTDYN" compare "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
  local rc=$?
  [ $rc -eq 2 ] || { fail "exit $rc (want 2) for: $*"; return; }
  [ "$(wc -l <"$WORK/bad.err")" -eq 1 ] || fail "stderr is not one line for: $*"
  grep -q -- "$word" "$WORK/bad.err" || fail "error for '$*' does not name '$word': $(cat "$WORK/bad.err")"
}
base=(--objective "quadratic:dim=2" --x0 1,1 --steps 5 --out "$WORK/bad")
check_bad "--time-per-step" "${base[@]}" --optimizer gd --flow gradient
check_bad "--time-per-step" "${base[@]}" --optimizer gd --time-per-step 0.1
check_bad "--time-per-step" "${base[@]}" --optimizer gd --flow gradient --time-per-step -1
check_bad "--batch" "${base[@]}" --optimizer gd --batch 2
check_bad "steps" --objective "quadratic:dim=2" --x0 1,1 --steps 100000000000 --record-every 100000000000 --out "$WORK/bad" --optimizer gd
check_bad "x0" --objective rosenbrock --x0 1e200,1 --steps 5 --out "$WORK/bad" --optimizer "momentum:lr=0.001"
check_bad "delta_bar_delta" "${base[@]}" --optimizer delta_bar_delta
check_bad "no_such_flow" "${base[@]}" --optimizer gd --flow no_such_flow --time-per-step 0.1
check_bad "SDE" "${base[@]}" --optimizer gd --flow "sgd_sde:noise=isotropic" --time-per-step 0.1
check_bad "'rtol'" "${base[@]}" --optimizer gd --integrator "dopri5:rtol=-1"
check_bad "--steps" --objective "quadratic:dim=2" --optimizer gd --steps -1 --out "$WORK/bad"
check_bad "--record-every" "${base[@]}" --optimizer gd --record-every 0
check_bad "--steps/--record-every" --objective "quadratic:dim=2" --optimizer gd --steps 100000000000 --out "$WORK/bad"
check_bad "--threshold" "${base[@]}" --optimizer gd --threshold -1
check_bad "x0" --objective "quadratic:dim=2" --x0 1,2,3 --optimizer gd --steps 5 --out "$WORK/bad"
touch "$WORK/file"
check_bad "not a directory" --objective "quadratic:dim=2" --x0 1,1 --steps 5 --optimizer gd --out "$WORK/file"
[ -e "$WORK/bad" ] && fail "a rejected compare created $WORK/bad"
pass "bad input"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
