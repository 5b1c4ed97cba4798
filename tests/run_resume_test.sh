#!/usr/bin/env bash
# Checkpoint and resume of `optdyn run` (README, "Checkpoints and resume"), end to end: a run
# stopped by SIGTERM or SIGINT at a step boundary, or killed by SIGKILL at random moments
# (then resumed from its last periodic checkpoint), continues with --resume to a CSV and a
# status file byte-identical to those of the uninterrupted run — for optimizers whose state
# goes beyond θ (Adam's moments with a minibatch sampler, L-BFGS's history and line search,
# K-FAC's factors, SGD with a Polyak average and the curvature monitor), also after two
# interrupts between the same two rows. A checkpoint of another command, a tampered journal,
# --resume without a checkpoint, or a new run over an interrupted one are refused with exit 2
# and one line, touching nothing.
# Usage: bash run_resume_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

MLP="mlp:widths=6-12-3,act=tanh,loss=ce,data=gaussian,targets=labels,n=120,data_seed=2"
# name | arguments (without --out): long enough to be interrupted mid-run on any machine.
CASES=(
  "adam_minibatch|--objective $MLP --optimizer adam:lr=0.01 --steps 300000 --batch 16 --seed 5 --x0 init:xavier,seed=1 --record-every 7"
  "lbfgs_rosenbrock|--objective rosenbrock:dim=200 --optimizer lbfgs:m=4 --steps 100000 --x0 init:gaussian,seed=3 --record-every 10"
  "kfac|--objective $MLP --optimizer kfac:lr=0.05,inverse_every=3 --steps 60000 --batch 32 --x0 init:xavier,seed=1 --record-every 3"
  "sgd_average_monitor|--objective $MLP --optimizer sgd:lr=0.05|average:start=10 --steps 200000 --batch 8 --x0 init:xavier,seed=1 --record-every 500 --monitor curvature:every=1000"
)

# Under the sanitizer build (./lab sanitize sets OPTDYN_SANITIZED=1) a step costs several
# times more: every run is a tenth as long, still long enough to be interrupted mid-run.
if [ -n "${OPTDYN_SANITIZED:-}" ]; then
  for i in "${!CASES[@]}"; do CASES[$i]=$(sed -E 's/--steps ([0-9]+)0 /--steps \1 /' <<<"${CASES[$i]}"); done
fi

source "$(dirname "$0")/support/interrupt.sh"
# Starts a run in the background (pid in $run_pid) and waits `delay` seconds, so that a signal
# lands mid-run.
start_run() {
  local out=$1 log=$2 delay=$3
  shift 3
  "$OPTDYN" run "$@" --out "$out" 2>"$log" &
  run_pid=$!
  sleep "$delay"
}

for entry in "${CASES[@]}"; do
  name=${entry%%|*}
  read -r -a args <<<"${entry#*|}"
  dir="$WORK/$name"
  mkdir -p "$dir"
  timed "$dir/err" "$OPTDYN" run "${args[@]}" --out "$dir/ref.csv" || { fail "$name: reference run: $(cat "$dir/err")"; continue; }

  # --- SIGTERM, then SIGINT on the resumed run, then --resume to the end -------------------------
  out="$dir/term.csv"
  start_run "$out" "$dir/err1" "$(fraction 0.3 "$seconds")" "${args[@]}"
  kill -TERM "$run_pid"
  wait "$run_pid"
  rc=$?
  if [ "$rc" -ne 143 ]; then fail "$name: SIGTERM: exit $rc (want 143): $(cat "$dir/err1")"; continue; fi
  [ -e "$out" ] && fail "$name: SIGTERM left $out (the final name must keep its earlier state: none)"
  [ -s "$out.checkpoint.json" ] || fail "$name: SIGTERM left no checkpoint"
  grep -q "interrupted by SIGTERM" "$out.checkpoint.json" || fail "$name: checkpoint does not say it was interrupted"
  grep -qF -- "--resume" "$dir/err1" || fail "$name: the message does not say how to resume: $(cat "$dir/err1")"
  # SIGINT while resuming. A script's background jobs ignore SIGINT, so the run is started
  # and interrupted from Python (dies of SIGINT: -2 there, 130 in a shell).
  /usr/bin/python3 - "$OPTDYN" "$out" "${args[@]}" <<'PY' 2>"$dir/err2"
import os, signal, subprocess, sys, time
optdyn, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
journal = out + ".checkpoint.csv"
before = os.path.getsize(journal)
p = subprocess.Popen([optdyn, "run", *args, "--resume", "--out", out], stderr=subprocess.PIPE)
# Signal once the resumed run is stepping (its journal grows past the checkpoint): a signal
# during the restore ends the process at once, the earlier checkpoint intact (also fine, but
# not what this case is about).
for _ in range(500):
    if p.poll() is not None or (os.path.exists(journal) and os.path.getsize(journal) > before): break
    time.sleep(0.01)
p.send_signal(signal.SIGINT)
rc = p.wait()
err = p.stderr.read().decode()
if rc == -signal.SIGINT:
    assert "--resume" in err and "interrupted by SIGINT" in open(out + ".checkpoint.json").read(), err
    sys.exit(0)
sys.exit(f"exit {rc}: {err}" if rc != 0 else 0)  # finished first: fine, nothing to resume
PY
  [ $? -eq 0 ] || fail "$name: SIGINT on the resumed run: $(cat "$dir/err2")"
  if [ -e "$out.checkpoint.json" ]; then
    "$OPTDYN" run "${args[@]}" --resume --out "$out" 2>"$dir/err3" || fail "$name: final --resume: $(cat "$dir/err3")"
  fi
  if cmp -s "$dir/ref.csv" "$out" && cmp -s "$dir/ref.csv.status.json" "$out.status.json"; then
    pass "$name: SIGTERM, SIGINT, --resume: CSV and status byte-identical"
  else
    fail "$name: resumed output differs from the uninterrupted run"
  fi
  [ -z "$(leftovers "$dir" | grep -v ref)" ] || fail "$name: leftovers after the resumed run: $(leftovers "$dir")"

  # --- SIGKILL at random moments, resuming from the periodic checkpoints -------------------------
  out="$dir/kill.csv"
  kills=0
  rc=1
  for attempt in 1 2 3 4 5 6; do
    resume=()
    [ -e "$out.checkpoint.json" ] && resume=(--resume)
    "$OPTDYN" run "${args[@]}" --checkpoint-every 97 "${resume[@]}" --out "$out" 2>"$dir/errk" &
    pid=$!
    sleep "$(fraction "0.$((RANDOM % 40 + 10))" "$seconds")"
    if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null
    rc=$?
    [ "$rc" -eq 0 ] && break
  done
  if [ "$rc" -ne 0 ]; then
    resume=()
    [ -e "$out.checkpoint.json" ] && resume=(--resume)
    "$OPTDYN" run "${args[@]}" --checkpoint-every 97 "${resume[@]}" --out "$out" 2>"$dir/errk" ||
      fail "$name: last resume after SIGKILL: $(cat "$dir/errk")"
  fi
  if cmp -s "$dir/ref.csv" "$out" && cmp -s "$dir/ref.csv.status.json" "$out.status.json"; then
    pass "$name: $kills SIGKILLs at random moments + --resume: byte-identical"
  else
    fail "$name: output after SIGKILLs and --resume differs from the uninterrupted run"
  fi
done

# --- two interrupts between the same two rows (rows 40000 steps apart) ----------------------------
# A checkpoint written before a resumed run's first new row must still count the rows before.
args=(--objective rosenbrock:dim=200 --optimizer lbfgs:m=4 --steps 100000 --x0 init:gaussian,seed=3 --record-every 40000)
dir="$WORK/sparse"
mkdir -p "$dir"
timed "$dir/err" "$OPTDYN" run "${args[@]}" --out "$dir/ref.csv" || fail "sparse: reference run: $(cat "$dir/err")"
out="$dir/s.csv"
for share in 0.4 0.05 0.05; do
  resume=()
  [ -e "$out.checkpoint.json" ] && resume=(--resume)
  "$OPTDYN" run "${args[@]}" "${resume[@]}" --out "$out" 2>"$dir/err" &
  pid=$!
  sleep "$(fraction "$share" "$seconds")"
  kill -TERM "$pid"
  wait "$pid"
done
resume=()
[ -e "$out.checkpoint.json" ] && resume=(--resume)
"$OPTDYN" run "${args[@]}" "${resume[@]}" --out "$out" 2>"$dir/err" || fail "sparse: final run: $(cat "$dir/err")"
if cmp -s "$dir/ref.csv" "$out" && cmp -s "$dir/ref.csv.status.json" "$out.status.json"; then
  pass "sparse rows: three interrupts, --resume: byte-identical"
else
  fail "sparse rows: resumed output differs from the uninterrupted run"
fi

# --- refusals: exit 2, one line, nothing touched --------------------------------------------------
args=(--objective rosenbrock:dim=200 --optimizer lbfgs:m=4 --steps 100000 --x0 init:gaussian,seed=3)
dir="$WORK/refusals"
mkdir -p "$dir"
out="$dir/r.csv"
timed "$dir/err" "$OPTDYN" run "${args[@]}" --out "$dir/ref.csv" || fail "refusals: reference run: $(cat "$dir/err")"
start_run "$out" "$dir/err" "$(fraction 0.3 "$seconds")" "${args[@]}"
kill -TERM "$run_pid"
wait "$run_pid"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal() {
  local what=$1 needle=$2
  shift 2
  "$OPTDYN" run "$@" 2>"$dir/err"
  local rc=$?
  if [ "$rc" -ne 2 ]; then fail "$what: exit $rc (want 2): $(cat "$dir/err")"; return; fi
  grep -qF -- "$needle" "$dir/err" || { fail "$what: message lacks '$needle': $(cat "$dir/err")"; return; }
  [ "$(wc -l <"$dir/err")" -eq 1 ] || { fail "$what: not one line"; return; }
  [ "$(sha256sum "$out".checkpoint.*)" = "$snap" ] || { fail "$what: the checkpoint changed"; return; }
  [ -e "$out" ] && { fail "$what: wrote $out"; return; }
  pass "$what"
}
expect_refusal "a new run over an interrupted one" "--resume" "${args[@]}" --out "$out"
expect_refusal "--resume with another optimizer" "command.optimizer" --objective rosenbrock:dim=200 \
  --optimizer lbfgs:m=5 --steps 100000 --x0 init:gaussian,seed=3 --resume --out "$out"
expect_refusal "--resume with other steps" "command.steps" --objective rosenbrock:dim=200 \
  --optimizer lbfgs:m=4 --steps 100001 --x0 init:gaussian,seed=3 --resume --out "$out"
expect_refusal "--resume to standard output" "--resume" "${args[@]}" --resume --out -
expect_refusal "--resume without a checkpoint" "no checkpoint" "${args[@]}" --resume --out "$dir/none.csv"
# A tampered journal: one byte of its rows changed.
cp "$out.checkpoint.csv" "$dir/journal.bak"
sed -i '2s/^0,/9,/' "$out.checkpoint.csv"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal "--resume over a tampered journal" "sha256" "${args[@]}" --resume --out "$out"
cp "$dir/journal.bak" "$out.checkpoint.csv"
# A checkpoint truncated in the middle.
head -c 200 "$out.checkpoint.json" >"$dir/cut.json" && cp "$dir/cut.json" "$out.checkpoint.json"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal "--resume from a truncated checkpoint" "checkpoint" "${args[@]}" --resume --out "$out"
# A symlink planted at the checkpoint's name.
rm -f "$out.checkpoint.json"
ln -s "$dir/cut.json" "$out.checkpoint.json"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal "--resume through a symlinked checkpoint" "symbolic link" "${args[@]}" --resume --out "$out"

finish
