#!/usr/bin/env bash
# Panel (a) of the pathologies experiment (experiments/pathologies.cpp; Goodfellow et al.,
# Deep Learning, §8.2.1, Fig. 8.1), checked against computations it does not share:
#  * loss, ‖∇F‖², gᵀHg/‖g‖² and λmax of every row against `optdyn run` on the same objective,
#    seed and sampler: its trajectory recorder (the full-batch loss and ‖∇F‖) and its curvature
#    monitor (λmax by Krylov–Schur, gᵀHg/gᵀg), for the teacher MLP and for Fashion-MNIST (SGD) and
#    for the regression MLP under full-batch GD from init:gaussian (the edge-of-stability runs);
#  * the minibatch column: with B = n (every batch the whole set) and a row every step, the mean
#    ‖g_B‖² of the step into row k is the full ‖∇F(θ_{k−1})‖² of row k − 1;
#  * λmax ≥ gᵀHg/‖g‖² (a Rayleigh quotient) on every row; the 0-1 error is a multiple of 1/n
#    (NaN for the regression);
#  * a bad learning-rate list exits 2 naming the key.
# Usage: bash pathologies_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}
EXP="$BIN_DIR/pathologies"
TEACHER="mlp:data=teacher-mlp,targets=labels,n=64,widths=10-8-3,act=tanh,loss=ce,teacher_widths=16,data_seed=1"
FMNIST="mlp:data=fashion-mnist,n=64,widths=784-4-10,act=tanh,loss=ce"
EOS="mlp:widths=5-6-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=8,noise=1,n=64,data_seed=1"
TINY=(--scale quick --set seeds=1 --set reddi_steps=10 --set rnn_train_steps=5 --set sparse_steps=10 --set saddle_steps=5
      --set mlp_n=64 --set mlp_widths=10-8-3 --set fmnist_n=64 --set fmnist_widths=784-4-10 --set fmnist_lrs=0.2
      --set mlp_lr=0.1 --set mlp_lambda_max=true --set eos_objective="$EOS" --set eos_lrs=0.3)

"$EXP" --out "$WORK/a" --seed 3 "${TINY[@]}" --set mlp_steps=40 --set mlp_record=10 --set fmnist_steps=40 \
  --set fmnist_record=10 --set eos_steps=40 --set eos_record=10 >/dev/null 2>"$WORK/err" || fail "pathologies exited $?: $(cat "$WORK/err")"
for case in "teacher 0.1 $TEACHER" "fashion-mnist 0.2 $FMNIST"; do
  read -r data lr spec <<<"$case"
  "$OPTDYN" run --objective "$spec" --optimizer "sgd:lr=$lr" --steps 40 --batch 16 --sampling shuffle --seed 3 \
    --x0 init:xavier,seed=3 --record-every 10 --monitor curvature:every=10 --out "$WORK/run_$data.csv" >/dev/null 2>"$WORK/err" ||
    fail "optdyn run on $data exited $?: $(cat "$WORK/err")"
done
"$OPTDYN" run --objective "$EOS" --optimizer "gd:lr=0.3" --steps 40 --x0 init:gaussian,seed=3 --record-every 10 \
  --monitor curvature:every=10 --out "$WORK/run_gd-eos.csv" >/dev/null 2>"$WORK/err" ||
  fail "optdyn run on gd-eos exited $?: $(cat "$WORK/err")"
"$EXP" --out "$WORK/b" --seed 3 "${TINY[@]}" --set mlp_batch=64 --set mlp_steps=5 --set mlp_record=1 --set fmnist_steps=5 \
  --set fmnist_record=1 --set eos_steps=5 --set eos_record=1 >/dev/null 2>"$WORK/err" || fail "pathologies with B = n exited $?: $(cat "$WORK/err")"

"$PYTHON" - "$WORK" <<'PY' || failures=$((failures + 1))
import csv, math, sys
w = sys.argv[1]
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
close = lambda a, b, rel: abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
rows = list(csv.DictReader(open(f"{w}/a/mlp_curvature.csv")))
for data in ("teacher", "fashion-mnist", "gd-eos"):
    ours = {int(r["step"]): r for r in rows if r["data"] == data}
    tool = {int(r["step"]): r for r in csv.DictReader(open(f"{w}/run_{data}.csv"))}
    check(sorted(ours) == sorted(tool) == [0, 10, 20, 30, 40], f"{data}: record steps {sorted(ours)} vs {sorted(tool)}")
    for k in sorted(set(ours) & set(tool)):
        o, t = ours[k], tool[k]
        check(close(float(o["loss"]), float(t["loss"]), 1e-13), f"{data} step {k}: loss {o['loss']} vs {t['loss']}")
        check(close(float(o["grad_norm_sq"]), float(t["grad_norm"]) ** 2, 1e-12), f"{data} step {k}: ‖g‖²")
        check(close(float(o["gHg_over_g2"]), float(t["rayleigh_g"]), 1e-10), f"{data} step {k}: gᵀHg/‖g‖²")
        check(close(float(o["lambda_max"]), float(t["lambda_max"]), 1e-5),
              f"{data} step {k}: λmax {o['lambda_max']} (Lanczos) vs {t['lambda_max']} (Krylov–Schur)")
        check(float(o["lambda_max"]) >= float(o["gHg_over_g2"]) * (1 - 1e-9), f"{data} step {k}: λmax < gᵀHg/‖g‖²")
        e = float(o["error"]) * 64
        if data == "gd-eos":
            check(math.isnan(e), f"{data} step {k}: a 0-1 error {o['error']} for a regression")
        else:
            check(0 <= e <= 64 and abs(e - round(e)) < 1e-9, f"{data} step {k}: error {o['error']} is not j/64")
        check((k == 0) == math.isnan(float(o["batch_grad_norm_sq"])), f"{data} step {k}: batch column nan only at 0")
full = list(csv.DictReader(open(f"{w}/b/mlp_curvature.csv")))
for data in ("teacher", "fashion-mnist", "gd-eos"):
    r = {int(x["step"]): x for x in full if x["data"] == data}
    check(sorted(r) == list(range(6)), f"{data}: B = n rows {sorted(r)}")
    for k in range(1, 6):
        check(close(float(r[k]["batch_grad_norm_sq"]), float(r[k - 1]["grad_norm_sq"]), 1e-12),
              f"{data} step {k}: B = n batch ‖g_B‖² {r[k]['batch_grad_norm_sq']} vs ‖∇F(θ_{k-1})‖² {r[k-1]['grad_norm_sq']}")
print("ok: panel (a) agrees with optdyn run's recorder and curvature monitor; B = n batch norms" if ok else "")
sys.exit(0 if ok else 1)
PY

"$EXP" --out "$WORK/bad" --set fmnist_lrs=0.1/-1 2>"$WORK/err"
rc=$?
[ $rc -eq 2 ] && grep -q fmnist_lrs "$WORK/err" && [ ! -e "$WORK/bad" ] && pass "fmnist_lrs=0.1/-1: exit 2 naming the key, nothing written" ||
  fail "fmnist_lrs=0.1/-1: exit $rc, $(cat "$WORK/err")"
finish
