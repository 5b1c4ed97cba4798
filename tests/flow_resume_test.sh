#!/usr/bin/env bash
# Checkpoint and resume of `optdyn flow` (README, "Checkpoints and resume"), end to end: a flow
# stopped by SIGTERM or SIGINT at the next boundary of its integration (the end of the step in
# progress), or killed by SIGKILL at random moments (then resumed from its last periodic
# checkpoint), continues with --resume to a CSV and a status file byte-identical to those of
# the uninterrupted flow — for integrators whose state goes beyond (t, z): dopri5's FSAL
# derivative and dense output, the Adams–Bashforth–Moulton history, Bulirsch–Stoer's order and
# step memory, rosenbrock4's controller, Euler–Maruyama's noise stream, an implicit method's
# Newton–Krylov counts, and the curvature monitor's totals. Two interrupts between the same
# two rows resume too. A checkpoint of another command (another integrator, --t-end, an
# `optdyn run` checkpoint) or another build, a tampered journal, --resume without a
# checkpoint, checkpoint options with standard output, or a new flow over an interrupted one
# are refused with exit 2 and one line, touching nothing.
# Usage: bash flow_resume_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

MLP="mlp:widths=6-12-3,act=tanh,loss=ce,data=gaussian,targets=labels,n=120,data_seed=2"
# name | kill (also SIGKILL at random moments) | arguments (without --out): each takes a second
# or more, long enough to be interrupted mid-run on any machine.
CASES=(
  "dopri5|kill|--objective rosenbrock:dim=1000 --flow gradient --integrator dopri5:rtol=1e-10,atol=1e-12 --t-end 100 --record-dt 0.01 --x0 init:gaussian,seed=3"
  "adams_bashforth_moulton|kill|--objective rosenbrock:dim=1000 --flow nesterov_ode --integrator adams_bashforth_moulton:h=0.0005,order=8 --t-end 20 --record-dt 0.01 --x0 init:gaussian,seed=3"
  "bulirsch_stoer|kill|--objective $MLP --flow heavy_ball:mass=0.1,friction=1 --integrator bulirsch_stoer:rtol=1e-12,atol=1e-14 --t-end 250 --record-dt 2 --x0 init:xavier,seed=1"
  "euler_maruyama|kill|--objective $MLP --flow sgd_sde:lr=0.05,batch=8 --integrator euler_maruyama:h=0.01,seed=4 --t-end 120 --record-dt 0.05 --x0 init:xavier,seed=1"
  "rosenbrock4|-|--objective rosenbrock:dim=20 --flow nesterov_ode --integrator rosenbrock4:rtol=1e-10,atol=1e-12 --t-end 10 --record-dt 0.01 --x0 init:gaussian,seed=3"
  "implicit_euler|-|--objective $MLP --flow gradient --integrator implicit_euler:h=0.01,forcing=eisenstat_walker --t-end 80 --record-dt 0.05 --x0 init:xavier,seed=1"
  "rk4|-|--objective rosenbrock:dim=500 --flow heavy_ball:mass=0.01,friction=0.5 --integrator rk4:h=0.0002 --t-end 20 --record-dt 0.013 --x0 init:gaussian,seed=3"
  "cash_karp54_monitor_params|-|--objective $MLP --flow heavy_ball:mass=0.1,friction=1 --integrator cash_karp54:rtol=1e-9,atol=1e-11 --t-end 300 --record-dt 0.1 --x0 init:xavier,seed=1 --monitor curvature:every=50 --record-params"
)

# Under the sanitizer build (./lab sanitize sets OPTDYN_SANITIZED=1) an evaluation costs several
# times more: every flow integrates a tenth of the time (and the two fixed studies below a
# tenth of the dimension), still long enough to be interrupted mid-run; signals are timed
# from each flow's measured duration.
DIM=1000
if [ -n "${OPTDYN_SANITIZED:-}" ]; then
  DIM=100
  for i in "${!CASES[@]}"; do
    CASES[$i]=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "--t-end") $(i + 1) = $(i + 1) / 10; print }' <<<"${CASES[$i]}")
  done
fi

source "$(dirname "$0")/support/interrupt.sh"
# Runs a flow into `out` and sets $seconds to its wall time.
timed_flow() {
  local out=$1 log=$2
  shift 2
  timed "$log" "$OPTDYN" flow "$@" --out "$out"
}
# Starts a flow in the background (pid in $run_pid) and waits `delay` seconds, so that a signal
# lands mid-run.
start_flow() {
  local out=$1 log=$2 delay=$3
  shift 3
  "$OPTDYN" flow "$@" --out "$out" 2>"$log" &
  run_pid=$!
  sleep "$delay"
}
identical() { cmp -s "$1" "$2" && cmp -s "$1.status.json" "$2.status.json"; }

for entry in "${CASES[@]}"; do
  name=${entry%%|*}
  rest=${entry#*|}
  kill_too=${rest%%|*}
  read -r -a args <<<"${rest#*|}"
  dir="$WORK/$name"
  mkdir -p "$dir"
  timed_flow "$dir/ref.csv" "$dir/err" "${args[@]}" || { fail "$name: reference flow: $(cat "$dir/err")"; continue; }

  # --- SIGTERM, then SIGINT on the resumed flow, then --resume to the end -------------------------
  out="$dir/term.csv"
  start_flow "$out" "$dir/err1" "$(fraction 0.3 "$seconds")" "${args[@]}"
  kill -TERM "$run_pid"
  wait "$run_pid"
  rc=$?
  if [ "$rc" -ne 143 ]; then fail "$name: SIGTERM: exit $rc (want 143): $(cat "$dir/err1")"; continue; fi
  [ -e "$out" ] && fail "$name: SIGTERM left $out (the final name must keep its earlier state: none)"
  [ -e "$out.status.json" ] && fail "$name: SIGTERM left a status file"
  grep -q "interrupted by SIGTERM" "$out.checkpoint.json" || fail "$name: checkpoint does not say it was interrupted"
  grep -qF -- "--resume" "$dir/err1" || fail "$name: the message does not say how to resume: $(cat "$dir/err1")"
  # SIGINT while resuming. A script's background jobs ignore SIGINT, so the flow is started and
  # interrupted from Python (dies of SIGINT: -2 there, 130 in a shell).
  /usr/bin/python3 - "$OPTDYN" "$out" "$(fraction 0.3 "$seconds")" "${args[@]}" <<'PY' 2>"$dir/err2"
import signal, subprocess, sys, time
optdyn, out, delay, args = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
p = subprocess.Popen([optdyn, "flow", *args, "--resume", "--out", out], stderr=subprocess.PIPE)
time.sleep(delay)  # the resumed flow is integrating by then
p.send_signal(signal.SIGINT)
rc = p.wait()
err = p.stderr.read().decode()
if rc == -signal.SIGINT:
    assert "--resume" in err and "interrupted by SIGINT" in open(out + ".checkpoint.json").read(), err
    sys.exit(0)
sys.exit(f"exit {rc}: {err}" if rc != 0 else 0)  # finished first: fine, nothing to resume
PY
  [ $? -eq 0 ] || fail "$name: SIGINT on the resumed flow: $(cat "$dir/err2")"
  if [ -e "$out.checkpoint.json" ]; then
    "$OPTDYN" flow "${args[@]}" --resume --out "$out" 2>"$dir/err3" || fail "$name: final --resume: $(cat "$dir/err3")"
  fi
  identical "$dir/ref.csv" "$out" && pass "$name: SIGTERM, SIGINT, --resume: CSV and status byte-identical" ||
    fail "$name: resumed output differs from the uninterrupted flow"
  [ -z "$(leftovers "$dir" | grep -v ref)" ] || fail "$name: leftovers after the resumed flow: $(leftovers "$dir")"

  # --- SIGKILL at random moments, resuming from the periodic checkpoints -------------------------
  [ "$kill_too" = kill ] || continue
  out="$dir/kill.csv"
  kills=0
  rc=1
  for attempt in 1 2 3 4 5 6; do
    resume=()
    [ -e "$out.checkpoint.json" ] && resume=(--resume)
    "$OPTDYN" flow "${args[@]}" --checkpoint-every 7 "${resume[@]}" --out "$out" 2>"$dir/errk" &
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
    "$OPTDYN" flow "${args[@]}" --checkpoint-every 7 "${resume[@]}" --out "$out" 2>"$dir/errk" ||
      fail "$name: last resume after SIGKILL: $(cat "$dir/errk")"
  fi
  identical "$dir/ref.csv" "$out" && pass "$name: $kills SIGKILLs at random moments + --resume: byte-identical" ||
    fail "$name: output after SIGKILLs and --resume differs from the uninterrupted flow"
done

# --- two interrupts between the same two rows (rows 25 time units apart) ------------------------
args=(--objective rosenbrock:dim=$DIM --flow gradient --integrator dopri5:rtol=1e-10,atol=1e-12 --t-end 100
  --record-dt 25 --x0 init:gaussian,seed=3)
dir="$WORK/sparse"
mkdir -p "$dir"
timed_flow "$dir/ref.csv" "$dir/err" "${args[@]}" || fail "sparse: reference flow: $(cat "$dir/err")"
out="$dir/s.csv"
start_flow "$out" "$dir/err" "$(fraction 0.4 "$seconds")" "${args[@]}"
kill -TERM "$run_pid"
wait "$run_pid"
for _ in 1 2; do
  [ -e "$out.checkpoint.json" ] || break
  start_flow "$out" "$dir/err" "$(fraction 0.05 "$seconds")" "${args[@]}" --resume
  kill -TERM "$run_pid"
  wait "$run_pid"
done
if [ -e "$out.checkpoint.json" ]; then
  "$OPTDYN" flow "${args[@]}" --resume --out "$out" 2>"$dir/err" || fail "sparse: final --resume: $(cat "$dir/err")"
fi
identical "$dir/ref.csv" "$out" && pass "sparse rows: three interrupts, --resume: byte-identical" ||
  fail "sparse rows: resumed output differs from the uninterrupted flow"

# --- refusals: exit 2, one line, nothing touched --------------------------------------------------
args=(--objective rosenbrock:dim=$DIM --flow gradient --integrator dopri5:rtol=1e-10,atol=1e-12 --t-end 100
  --record-dt 0.01 --x0 init:gaussian,seed=3)
dir="$WORK/refusals"
mkdir -p "$dir"
out="$dir/r.csv"
timed_flow "$dir/ref.csv" "$dir/err" "${args[@]}" || fail "refusals: reference flow: $(cat "$dir/err")"
start_flow "$out" "$dir/err" "$(fraction 0.3 "$seconds")" "${args[@]}"
kill -TERM "$run_pid"
wait "$run_pid"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal() {
  local what=$1 needle=$2
  shift 2
  "$OPTDYN" flow "$@" 2>"$dir/err"
  local rc=$?
  if [ "$rc" -ne 2 ]; then fail "$what: exit $rc (want 2): $(cat "$dir/err")"; return; fi
  grep -qF -- "$needle" "$dir/err" || { fail "$what: message lacks '$needle': $(cat "$dir/err")"; return; }
  [ "$(wc -l <"$dir/err")" -eq 1 ] || { fail "$what: not one line"; return; }
  [ "$(sha256sum "$out".checkpoint.*)" = "$snap" ] || { fail "$what: the checkpoint changed"; return; }
  [ -e "$out" ] && { fail "$what: wrote $out"; return; }
  pass "$what"
}
other_integrator=("${args[@]}")
other_integrator[5]=dopri5:rtol=1e-9,atol=1e-12
other_end=("${args[@]}")
other_end[7]=101
expect_refusal "a new flow over an interrupted one" "--resume" "${args[@]}" --out "$out"
expect_refusal "--resume with another integrator" "command.integrator" "${other_integrator[@]}" --resume --out "$out"
expect_refusal "--resume with another --t-end" "command.t_end" "${other_end[@]}" --resume --out "$out"
expect_refusal "--resume to standard output" "--resume" "${args[@]}" --resume --out -
expect_refusal "--checkpoint-every to standard output" "--checkpoint-every" "${args[@]}" --checkpoint-every 5 --out -
expect_refusal "--checkpoint-every -1" "--checkpoint-every" "${args[@]}" --checkpoint-every -1 --out "$dir/neg.csv"
expect_refusal "--resume without a checkpoint" "no checkpoint" "${args[@]}" --resume --out "$dir/none.csv"
# A checkpoint of another build: its "build" field changed.
cp "$out.checkpoint.json" "$dir/checkpoint.bak"
sed -i 's/"build":"\([^"]*\)"/"build":"another \1"/' "$out.checkpoint.json"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal "--resume with a checkpoint of another build" "build" "${args[@]}" --resume --out "$out"
cp "$dir/checkpoint.bak" "$out.checkpoint.json"
# A checkpoint of `optdyn run` at the flow's name.
run_out="$dir/run.csv"
"$OPTDYN" run --objective rosenbrock:dim=200 --optimizer lbfgs:m=4 --steps 100000 --x0 init:gaussian,seed=3 \
  --out "$run_out" 2>/dev/null &
pid=$!
sleep 0.3
kill -TERM "$pid"
wait "$pid"
cp "$run_out.checkpoint.json" "$out.checkpoint.json"
snap=$(sha256sum "$out".checkpoint.*)
expect_refusal "--resume from an optdyn run checkpoint" "format" "${args[@]}" --resume --out "$out"
cp "$dir/checkpoint.bak" "$out.checkpoint.json"
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
# The untouched checkpoint still resumes to the uninterrupted result.
cp "$dir/checkpoint.bak" "$out.checkpoint.json"
"$OPTDYN" flow "${args[@]}" --resume --out "$out" 2>"$dir/err" || fail "refusals: --resume after the refusals: $(cat "$dir/err")"
identical "$dir/ref.csv" "$out" && pass "after the refusals, --resume: byte-identical" ||
  fail "after the refusals, --resume: output differs from the uninterrupted flow"

finish
