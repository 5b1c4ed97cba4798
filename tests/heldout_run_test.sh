#!/usr/bin/env bash
# `optdyn run --eval` and `--early-stopping` (analysis/held_out.hpp, harness/early_stopping.hpp):
#  * bad input exits 2 naming the option, before any file is written (not a classifier, no
#    test split, a test split the objective itself trains on, --early-stopping without --eval,
#    a bad key);
#  * at θ = 0 every output is 0, so each held-out loss is log k exactly (k classes) — a closed
#    form, at step 0 of a run from x0=zeros;
#  * the held-out columns hold numbers exactly at the steps that are multiples of every=K;
#  * early stopping: the rule (Goodfellow et al. 2016, Algorithm 7.1) re-traced here by awk over
#    the run's own val_loss column gives the step the run stopped at and its best step, and the
#    status file says why it stopped; a rule that fires at the last step stops nothing, and one
#    that fires as --diverge-above ends the run leaves the divergence's reason.
# Usage: bash heldout_run_test.sh BIN_DIR SOURCE_DIR
set -u
BIN=${1:?usage: heldout_run_test.sh BIN_DIR SOURCE_DIR}
OPTDYN="$BIN/optdyn"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work" || exit 1

SOFTMAX="softmax_regression:dim=20,classes=3,data=gaussian,targets=labels,n=200"

expect_exit2() {  # expect_exit2 WORD ARGS...: exit 2, stderr names WORD, no output file
  local word=$1; shift
  "$OPTDYN" run "$@" --out bad.csv 2>err.txt
  local rc=$?
  [[ $rc -eq 2 ]] || fail "exit $rc (expected 2) for: $*"
  grep -q -- "$word" err.txt || fail "message does not name $word: $(cat err.txt)"
  [[ ! -e bad.csv && ! -e bad.csv.status.json ]] || fail "a file was written for: $*"
}
expect_exit2 "--eval" --objective quadratic:dim=3 --optimizer gd:lr=0.1 --steps 3 --eval heldout:split=test
expect_exit2 "--eval" --objective "$SOFTMAX" --optimizer gd:lr=0.1 --steps 3 --eval heldout:split=test
expect_exit2 "--early-stopping" --objective "$SOFTMAX" --optimizer gd:lr=0.1 --steps 3 \
  --early-stopping early_stopping:patience=2
expect_exit2 "fraction" --objective "$SOFTMAX" --optimizer gd:lr=0.1 --steps 3 \
  --eval heldout:split=validation,fraction=0.999
expect_exit2 "patience" --objective "$SOFTMAX" --optimizer gd:lr=0.1 --steps 3 \
  --eval heldout:split=validation --early-stopping early_stopping:patience=0
echo "ok: bad --eval / --early-stopping input exits 2 naming the key, no file written"

# Random labels: the validation loss can only get worse than chance as the model fits noise.
"$OPTDYN" run --objective "$SOFTMAX" --optimizer gd:lr=0.5 --steps 300 --record-every 5 \
  --eval heldout:split=validation,fraction=0.5,every=10 --early-stopping early_stopping:patience=3 \
  --out run.csv || fail "early-stopping run exited $?"
[[ $(head -1 run.csv) == "step,evals,loss,grad_norm,train_error,val_loss,val_error" ]] || fail "header $(head -1 run.csv)"
awk -F, 'NR == 2 { d = $6 - log(3); if (d > 1e-15 || d < -1e-15) { print "val_loss at x0=0 is " $6; exit 1 } }' run.csv ||
  fail "val_loss at step 0 is not log 3"
awk -F, 'NR > 1 { due = ($1 % 10 == 0); if (due == ($6 == "nan")) { print "row " $1; exit 1 } }' run.csv ||
  fail "held-out cells are not exactly at the multiples of every=10"
# Algorithm 7.1 by hand over the recorded val_loss: v* = +inf, j = 0; v < v* → (v*, i*) = (v, step),
# j = 0; else j += 1; stop when j = patience.
read -r stop_step best_step < <(awk -F, 'NR > 1 && $6 != "nan" {
    if (!seen || $6 + 0 < best) { best = $6 + 0; best_step = $1; j = 0; seen = 1 } else j++
    if (j == 3) { print $1, best_step; exit } }' run.csv)
[[ -n "${stop_step:-}" ]] || fail "the hand-traced rule never stops on this run's val_loss"
status=$(cat run.csv.status.json)
grep -q "\"steps_run\": $stop_step," <<<"$status" || fail "steps_run is not the traced stop $stop_step: $status"
grep -q "\"best_step\": $best_step," <<<"$status" || fail "best_step is not the traced $best_step"
grep -q '"stopped_early": true' <<<"$status" || fail "stopped_early is not true"
grep -q '"reason": "early stopping: no improvement of the held-out loss' <<<"$status" || fail "reason does not say why"
[[ $(tail -1 run.csv | cut -d, -f1) == "$stop_step" ]] || fail "the last row is not the stopping step"
echo "ok: early stopping at step $stop_step with best step $best_step, as traced by hand"

# The rule never overwrites another ending. min_delta=10 makes it fire at the first evaluation
# after step 0 (step 1 with every=1): at the last step it stops nothing, and after
# --diverge-above has ended the run the reason stays the divergence.
FIRE=(--eval heldout:split=validation,fraction=0.5,every=1 --early-stopping early_stopping:patience=1,min_delta=10)
"$OPTDYN" run --objective "$SOFTMAX" --optimizer gd:lr=0.5 --steps 1 "${FIRE[@]}" --out last.csv ||
  fail "a run whose rule fires at its last step exited $?"
grep -q '"status": "ok"' last.csv.status.json && grep -q '"reason": ""' last.csv.status.json &&
  grep -q '"stopped_early": false' last.csv.status.json || fail "rule at the last step: $(cat last.csv.status.json)"
"$OPTDYN" run --objective "$SOFTMAX" --optimizer gd:lr=0.5 --steps 5 --diverge-above 0 "${FIRE[@]}" \
  --out diverged.csv 2>err.txt
rc=$?
[[ $rc -eq 3 ]] || fail "a run above --diverge-above exited $rc (expected 3)"
grep -q '"status": "diverged"' diverged.csv.status.json && grep -q '"reason": "loss .* above --diverge-above' diverged.csv.status.json &&
  grep -q '"stopped_early": false' diverged.csv.status.json || fail "divergence reason lost: $(cat diverged.csv.status.json)"
echo "ok: early stopping keeps a divergence's reason and stops nothing at the last step"

# The test split of Fashion-MNIST, when the data are installed: log 10 at θ = 0.
if "$OPTDYN" run --objective "mlp:widths=784-8-10,n=100" --optimizer gd:lr=0.1 --steps 2 \
     --eval heldout:split=test,n=300 --out test.csv 2>err.txt; then
  [[ $(head -1 test.csv) == "step,evals,loss,grad_norm,train_error,test_loss,test_error" ]] || fail "test header"
  awk -F, 'NR == 2 { d = $6 - log(10); if (d > 1e-14 || d < -1e-14) exit 1 }' test.csv || fail "test_loss at 0 is not log 10"
  grep -q '"eval": "heldout:split=test,fraction=0.1,n=300,every=1"' test.csv.status.json || fail "eval spec in status"
  echo "ok: test split columns, test_loss = log 10 at θ = 0"
  expect_exit2 "--eval" --objective "mlp:widths=784-8-10,n=100,split=test" --optimizer gd:lr=0.1 --steps 2 \
    --eval heldout:split=test,n=300
  echo "ok: --eval split=test of an objective trained on the test split exits 2"
else
  grep -q "fashion" err.txt || fail "test-split run failed: $(cat err.txt)"
  echo "skip: Fashion-MNIST not installed (test split)"
fi
