#!/usr/bin/env bash
# The optimizer_zoo experiment (experiments/optimizer_zoo.cpp) is a fair comparison and its
# summaries are right, each checked by an independent Python computation from its raw rows:
#  * equal budget: every finished final run ends at the same cost (epochs on mlp and logreg,
#    gradient evaluations on quadratic and rosenbrock, read from the oracle's counters), and at
#    every record all optimizers have spent the same;
#  * tuning: the chosen learning rate is the argmin over the grid of the mean final metric over
#    the tuning seeds (a diverged seed makes its value diverged, ties go to the smaller rate);
#  * the performance profile (Dolan & Moré 2002) and its Moré–Wild convergence test, recomputed
#    from runs.csv: F_L per (problem, seed), the first record with F <= F_L + tol (F_0 − F_L), the
#    ratios and ρ(τ) at every τ of profile.csv;
#  * the bands: curves.csv's median and quartiles of the loss (numpy's linear quantiles, a
#    diverged run as +inf; an interpolation touching it gives +inf) from runs.csv;
#  * the same CSV bytes with --jobs 1 and --jobs 2; bad input exits 2 naming the key.
# Usage: bash optimizer_zoo_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
ZOO="$BIN_DIR/optimizer_zoo"
SMALL=(--scale quick --seed 7 --set optimizers=gd/momentum/adam/delta_bar_delta --set seeds=3 --set lrs=log:1e-2:1:3)

"$ZOO" --out "$WORK/a" --jobs 1 "${SMALL[@]}" >/dev/null 2>"$WORK/err" || fail "optimizer_zoo exited $?: $(cat "$WORK/err")"
"$ZOO" --out "$WORK/b" --jobs 2 "${SMALL[@]}" >/dev/null 2>"$WORK/err" || fail "optimizer_zoo --jobs 2 exited $?"
for f in "$WORK"/a/*.csv; do
  cmp -s "$f" "$WORK/b/$(basename "$f")" || fail "$(basename "$f") differs between --jobs 1 and --jobs 2"
done

"$PYTHON" - "$WORK/a" <<'PY' || failures=$((failures + 1))
import csv, json, math, sys
import numpy as np
d = sys.argv[1]
read = lambda name: list(csv.DictReader(open(f"{d}/{name}")))
params = json.load(open(f"{d}/manifest.json"))["parameters"]
ok = True
def bad(msg):
    global ok
    print("FAIL:", msg); ok = False

# --- equal budget -----------------------------------------------------------------------------
runs = read("runs.csv")
budget = {"mlp": float(params["epochs"]), "logreg": float(params["epochs"]),
          "quadratic": float(params["steps"]), "rosenbrock": float(params["steps"])}
by_record = {}
for r in runs:
    by_record.setdefault((r["problem"], int(r["record"])), set()).add(float(r["evals"]))
for (p, k), costs in by_record.items():
    if len(costs) != 1: bad(f"{p} record {k}: optimizers spent different amounts {sorted(costs)}")
finals = {}
for r in runs:
    key = (r["problem"], r["optimizer"], r["seed_index"])
    if key not in finals or int(r["record"]) > int(finals[key]["record"]): finals[key] = r
for (p, o, s), r in finals.items():
    if r["diverged"] == "no" and float(r["evals"]) != budget[p]:
        bad(f"{p}/{o} seed {s}: ended at {r['evals']}, budget {budget[p]}")

# --- tuning: argmin of the mean final metric ----------------------------------------------------
tuning = read("tuning.csv")
grid = {}
for r in tuning:
    grid.setdefault((r["problem"], r["optimizer"]), {}).setdefault(float(r["lr"]), []).append(float(r["metric"]))
chosen = {(r["problem"], r["optimizer"]): float(r["lr"]) for r in read("chosen.csv")}
for key, values in grid.items():
    means = {lr: (sum(v) / len(v) if all(math.isfinite(x) for x in v) else math.inf) for lr, v in values.items()}
    finite = [lr for lr in sorted(means) if math.isfinite(means[lr])]
    expect = min(finite, key=lambda lr: (means[lr], lr)) if finite else math.nan
    got = chosen[key]
    if not (got == expect or (math.isnan(got) and math.isnan(expect))):
        bad(f"{key}: chose lr {got}, argmin is {expect}")

# --- performance profile --------------------------------------------------------------------------
curves = {}
for r in runs:
    curves.setdefault((r["problem"], r["seed_index"]), {}).setdefault(r["optimizer"], []).append(
        (int(r["record"]), float(r["evals"]), float(r["loss"])))
optimizers = list(dict.fromkeys(r["optimizer"] for r in read("chosen.csv")))
prof = read("profile.csv")
tols = [float(t) for t in params["profile_tols"].split("/")]
if sorted({float(r["tol"]) for r in prof}) != sorted(tols): bad("profile.csv does not hold one profile per tolerance")
worst, instances = 0.0, 0
for tol in tols:
    ratios = []
    for inst, per_opt in curves.items():
        fl = min(f for c in per_opt.values() for _, _, f in c if not math.isnan(f))
        cost = {}
        for o in optimizers:
            c = sorted(per_opt.get(o, []))
            cost[o] = math.inf
            if c:
                target = fl + tol * (c[0][2] - fl)
                hit = [e for _, e, f in c if f <= target]
                cost[o] = hit[0] if hit else math.inf
        best = min(cost.values())
        ratios.append({o: (cost[o] / best if math.isfinite(cost[o]) and best > 0 else (1.0 if cost[o] == 0 else math.inf))
                       for o in optimizers})
    instances = len(ratios)
    for r in prof:
        if float(r["tol"]) != tol: continue
        rho = sum(1 for x in ratios if x[r["optimizer"]] <= float(r["tau"]) * (1 + 1e-12)) / len(ratios)
        worst = max(worst, abs(rho - float(r["rho"])))
if worst > 1e-12: bad(f"profile.csv differs from the recomputed profile by {worst}")
if not prof: bad("profile.csv is empty")

# --- quartile bands ---------------------------------------------------------------------------------
vals = {}
for r in runs:
    f = float(r["loss"])
    vals.setdefault((r["problem"], r["optimizer"], int(r["record"])), []).append(math.inf if math.isnan(f) else f)
def quantile(v, q):
    # numpy's linear rule (Hyndman & Fan 7) at position (M-1)q; with a +inf run, an
    # interpolation that touches an infinite order statistic gives it (sample_spread.hpp).
    if np.all(np.isfinite(v)): return float(np.quantile(v, q))
    s = np.sort(v)
    pos = q * (len(s) - 1)
    below = math.floor(pos)
    frac = pos - below
    lo, hi = float(s[below]), float(s[min(below + 1, len(s) - 1)])
    if math.isinf(lo) or frac == 0: return lo
    if math.isinf(hi): return hi
    return lo + frac * (hi - lo)
gap = 0.0
for r in read("curves.csv"):
    v = np.array(vals[(r["problem"], r["optimizer"], int(r["record"]))])
    for q, col in ((0.25, "loss_q25"), (0.5, "loss_median"), (0.75, "loss_q75")):
        e = quantile(v, q)
        g = float(r[col])
        if math.isinf(e) or math.isinf(g):
            if e != g: bad(f"{r['problem']}/{r['optimizer']} record {r['record']} {col}: {g} vs {e}")
        else:
            gap = max(gap, abs(g - e) / max(abs(e), 1e-300))
if gap > 1e-12: bad(f"curves.csv quartiles differ from the reference by {gap:.3g} relative")
print(f"ok: budgets equal, {len(grid)} tunings are argmins, profiles at {len(tols)} tolerances over {instances} instances, bands to {gap:.1e}")
sys.exit(0 if ok else 1)
PY

# Bad input: exit 2, one line naming the key, nothing written.
for bad in "lrs=log:1:1e-3:4" "step_records=3" "epoch_records=3" "profile_tols=0.1/2" "quadratic_x0=init:gaussian,seed=1" "optimizers=adam/adam" "batch=0"; do
  "$ZOO" --out "$WORK/bad" --set "$bad" >/dev/null 2>"$WORK/err"
  status=$?
  key=${bad%%=*}
  [ $status -eq 2 ] && grep -q "$key" "$WORK/err" && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
    pass "--set $bad: exit 2 naming $key" || fail "--set $bad exited $status: $(cat "$WORK/err")"
  [ ! -e "$WORK/bad" ] || fail "--set $bad left $WORK/bad"
done
finish
