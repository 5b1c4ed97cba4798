#!/usr/bin/env bash
# The README's worked example (experiments/example_gd_stability.cpp) builds and runs, and
# what it measures is right: GD's iterated loss equals the closed form ½Σλ(1 − ηλ)^{2k}e² (an
# independent computation from the eigendecomposition) to 1e-9 relative, losses fall for
# c < 1 and grow for c > 1 (η = c·2/L), and bad input is refused before any file is written.
# Usage: bash example_experiment_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
BIN=${1:?usage: example_experiment_test.sh BIN_DIR SOURCE_DIR}
PYTHON=${PYTHON:-/usr/bin/python3}

"$BIN/example_gd_stability" --out "$WORK/run" --seed 3 --scale quick >/dev/null 2>"$WORK/err" ||
  { echo "FAIL: the example exited $?: $(cat "$WORK/err")"; exit 1; }

"$PYTHON" - "$WORK/run" <<'PY' || failures=$((failures + 1))
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/loss.csv")))
runs = {}
for r in rows:
    runs.setdefault(float(r["fraction"]), []).append((int(r["step"]), float(r["loss"]), float(r["loss_closed_form"])))
ok = True
# relative to the loss, or to 1e-12 of the run's starting loss once GD has reached rounding level
worst = max(abs(l - c) / max(abs(c), 1e-12 * run[0][2]) for run in runs.values() for _, l, c in run)
if not worst < 1e-9:
    print(f"FAIL: iterated vs closed-form loss differ by {worst:.3g} relative"); ok = False
for c, run in runs.items():
    first, last = run[0][1], run[-1][1]
    if c < 1 and not last < first: print(f"FAIL: c={c} did not decrease ({first} -> {last})"); ok = False
    if c > 1 and not last > first: print(f"FAIL: c={c} did not grow ({first} -> {last})"); ok = False
notes = json.load(open(sys.argv[1] + "/manifest.json"))["results"]
if not float(notes["rate_c1.05"]) > 1 > float(notes["rate_c0.99"]):
    print("FAIL: predicted rates do not straddle 1 at c = 1"); ok = False
print(f"ok: {len(runs)} step sizes, worst relative gap to the closed form {worst:.2e}")
sys.exit(0 if ok else 1)
PY

# Bad input: exit 2, one line naming the key, nothing written.
"$BIN/example_gd_stability" --out "$WORK/bad" --set steps=0 >/dev/null 2>"$WORK/err"
status=$?
[ $status -eq 2 ] || fail "--set steps=0 exited $status, expected 2"
grep -q "steps" "$WORK/err" || fail "the error does not name 'steps': $(cat "$WORK/err")"
[ ! -e "$WORK/bad" ] || [ -z "$(ls -A "$WORK/bad")" ] || fail "bad input left files in $WORK/bad"

[ $failures -eq 0 ] && echo "ok: example experiment" || exit 1
