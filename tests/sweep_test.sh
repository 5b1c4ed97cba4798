#!/usr/bin/env bash
# `optdyn sweep` end to end (README, "Sweeps"): the same bytes for 1, 2 and 3 workers and for
# 3 shards merged; a failing, a diverging and a killed job recorded while the others finish;
# a sweep stopped by SIGTERM or killed by SIGKILL, resumed to the same merged bytes; bad sweeps
# (empty list, unknown placeholder, unused axis, shard 3/2, a job's command line that does not
# parse, another sweep's directory) refused with exit 2 and one line, before anything runs.
# Usage: bash sweep_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }
cd "$WORK" || exit 1

MLP="mlp:widths=6-12-3,act=tanh,loss=ce,data=gaussian,targets=labels,n=120,data_seed=2"
# A small sweep: 3 learning rates (the last one diverges: its loss passes 100) x 2 optimizers x 2 seeds = 12 jobs.
SWEEP=(--grid lr=0.05,0.2,300 --grid opt=sgd,adam --seeds 2 --seed 11 --
       run --objective "$MLP" --optimizer '{opt}:lr={lr}' --steps 300 --batch 16 --seed '{seed}'
       --x0 'init:xavier,seed={replicate_seed}' --record-every 50 --diverge-above 100 --out '{dir}/run.csv')

# Compares two sweep directories: results.csv, manifest.json and every job's files.
same_sweep() {
  cmp -s "$1/results.csv" "$2/results.csv" && cmp -s "$1/manifest.json" "$2/manifest.json" &&
    diff -r -q -x '*.lock' "$1/jobs" "$2/jobs" >/dev/null
}

# --- identical bytes for 1, 2, 3 workers and 3 shards ---------------------------------------
# Every variant runs into the same directory S (messages in the job records name their files'
# paths) and is then moved aside for the comparison.
"$OPTDYN" sweep --out S --jobs 1 "${SWEEP[@]}" 2>w1.log
status=$?
mv S w1
[ "$status" -eq 0 ] && pass "12-job sweep, 1 worker: exit 0 (divergence is a result)" || fail "1 worker: exit $status: $(cat w1.log)"
rows=$(($(wc -l <w1/results.csv) - 1))
[ "$rows" -eq 12 ] && pass "results.csv has 12 rows" || fail "results.csv has $rows rows"
head -1 w1/results.csv | grep -q '^job,lr,opt,replicate,seed,replicate_seed,status,exit,reason,command_status,' &&
  pass "results.csv columns: job, axes, seeds, status, exit, reason, the run's summary" ||
  fail "results.csv header: $(head -1 w1/results.csv | cut -c1-200)"
grep -q 'final_loss' w1/results.csv && pass "final row of the run's CSV in the table" || fail "no final_loss column"
ndiv=$(grep -c ',diverged,3,' w1/results.csv)
[ "$ndiv" -eq 4 ] && pass "the 4 lr=300 jobs recorded as diverged" || fail "diverged jobs: $ndiv"
for n in 2 3; do
  "$OPTDYN" sweep --out S --jobs "$n" "${SWEEP[@]}" 2>/dev/null
  mv S "w$n"
  same_sweep w1 "w$n" && pass "$n workers: the same bytes as 1" || fail "$n workers differ from 1"
done
for i in 0 1 2; do
  "$OPTDYN" sweep --out S --shard "$i/3" --jobs 1 "${SWEEP[@]}" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] || fail "shard $i/3: exit $status"
done
[ -e S/results.csv ] && fail "a shard wrote results.csv" || pass "shards do not merge"
"$OPTDYN" sweep --out S --merge "${SWEEP[@]}" 2>/dev/null
mv S shards
same_sweep w1 shards && pass "3 shards + --merge: the same bytes as 1 worker" || fail "3 shards merged differ"

# Shards running at the same time into one directory.
# (Repeated: a shard that looked for sweep.json before scanning the directory could see neither
# a sweep nor an empty directory while another shard created both, and refuse with exit 2.)
for round in 1 2 3; do
  rm -rf S
  pids=()
  for i in 0 1 2; do "$OPTDYN" sweep --out S --shard "$i/3" --jobs 1 "${SWEEP[@]}" 2>"concurrent$i.log" & pids+=($!); done
  for i in 0 1 2; do
    wait "${pids[$i]}" || fail "concurrent shard $i/3 (round $round): exit $?: $(tail -1 "concurrent$i.log")"
  done
done
"$OPTDYN" sweep --out S --merge "${SWEEP[@]}" 2>/dev/null
mv S concurrent
same_sweep w1 concurrent && pass "3 concurrent shards + --merge: the same bytes" || fail "concurrent shards differ"

# The same table under mpirun with 1, 2 and 3 ranks (when this build has MPI).
if command -v mpirun >/dev/null && ldd "$OPTDYN" | grep -q libmpi; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
  for np in 1 2 3; do
    mpirun --oversubscribe -np "$np" "$OPTDYN" sweep --out S "${SWEEP[@]}" >/dev/null 2>"mpi$np.log"
    status=$?
    mv S "mpi$np"
    [ "$status" -eq 0 ] && same_sweep w1 "mpi$np" && pass "mpirun -np $np: the same bytes as 1 local worker" ||
      fail "mpirun -np $np: exit $status or different bytes: $(head -3 "mpi$np.log")"
  done
  mpirun --oversubscribe -np 3 "$OPTDYN" sweep --out S --grid lr= -- "${SWEEP[@]:9}" >/dev/null 2>mpibad.log
  status=$?
  [ "$status" -eq 2 ] && [ "$(grep -c "^error:" mpibad.log)" -eq 1 ] && [ ! -e S ] &&
    pass "mpirun, a bad sweep: exit 2, reported once (by rank 0)" || fail "mpirun bad sweep: exit $status: $(cat mpibad.log)"
else
  echo "skip: mpirun or an MPI build not available"
fi

# --- a failing job is recorded, the others finish ---------------------------------------------
"$OPTDYN" sweep --out bad --jobs 2 --grid lr=0.1,-1,0.2 -- run --objective quadratic:dim=4 \
  --optimizer 'gd:lr={lr}' --steps 20 --x0 init:gaussian,seed=1 --out '{dir}/run.csv' 2>bad.log
status=$?
[ "$status" -eq 2 ] && pass "a job with a bad spec: sweep exit 2 (its exit)" || fail "bad job: exit $status"
grep -q "first job 1 (lr=-1): failed" bad.log && [ "$(wc -l <bad.log)" -le 2 ] &&
  pass "the failed job named on stderr" || fail "stderr: $(cat bad.log)"
ok=$(grep -c ',ok,0,' bad/results.csv)
[ "$ok" -eq 2 ] && pass "the other two jobs finished" || fail "$ok jobs ok"
grep -q "^1,-1,.*,failed,2,.*lr" bad/results.csv && pass "the failure and its reason in results.csv" ||
  fail "row 1: $(sed -n 3p bad/results.csv)"
grep -q '"status": "incomplete"' bad/manifest.json && pass "manifest: incomplete" || fail "manifest status"

# --- stopped and killed sweeps resume to the same bytes ------------------------------------
LONG=(--grid lr=0.01,0.02,0.03,0.04 --seeds 2 --
      run --objective "$MLP" --optimizer 'sgd:lr={lr}' --steps 200000 --batch 8 --seed '{seed}'
      --x0 init:xavier,seed=1 --record-every 5000 --out '{dir}/run.csv')
# Under the sanitizer build (OPTDYN_SANITIZED=1) steps cost several times more: a tenth as many.
[ -n "${OPTDYN_SANITIZED:-}" ] && LONG=("${LONG[@]/#200000/20000}")
"$OPTDYN" sweep --out L --jobs 2 "${LONG[@]}" 2>/dev/null || fail "uninterrupted long sweep"
mv L long_ref
# Waits until at least N job records exist under $1.
wait_records() {
  for _ in $(seq 1 3000); do
    [ "$(find "$1/jobs" -name job.json 2>/dev/null | wc -l)" -ge "$2" ] && return 0
    sleep 0.01
  done
  return 1
}
for sig in TERM KILL; do
  "$OPTDYN" sweep --out L --jobs 2 "${LONG[@]}" 2>"long_$sig.log" &
  pid=$!
  wait_records L 2 || fail "SIG$sig: no job finished in time"
  kill -"$sig" "$pid"
  wait "$pid" 2>/dev/null
  status=$?
  if [ "$sig" = TERM ]; then
    [ "$status" -eq 143 ] && pass "SIGTERM: sweep exit 143" || fail "SIGTERM: exit $status"
    grep -q -- "--resume" "long_$sig.log" && pass "SIGTERM: says how to continue" || fail "log: $(cat "long_$sig.log")"
    [ -e L/results.csv ] && fail "SIGTERM: results.csv written" || pass "SIGTERM: nothing merged"
  fi
  # After SIGKILL the orphaned jobs run to their end (holding their jobs' locks until then).
  while pgrep '^optdyn-j[0-9]' >/dev/null; do sleep 0.1; done
  "$OPTDYN" sweep --out L --jobs 2 --resume "${LONG[@]}" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] && same_sweep long_ref L && pass "SIG$sig then --resume: the same bytes" ||
    fail "SIG$sig then --resume: exit $status or different bytes"
  rm -rf L
done

# A job killed from outside is recorded with its reason; the others finish.
"$OPTDYN" sweep --out L --jobs 2 "${LONG[@]}" 2>/dev/null &
pid=$!
victim=""
for _ in $(seq 1 500); do
  victim=$(pgrep -x optdyn-j000000 | head -1)  # a job's process is named after it
  [ -n "$victim" ] && break
  sleep 0.01
done
[ -n "$victim" ] && kill -KILL "$victim"
wait "$pid"
status=$?
[ "$status" -eq 137 ] && pass "a job killed by SIGKILL: sweep exit 137 after the others" || fail "killed job: exit $status"
grep -q '^0,.*,failed,137,killed by SIGKILL' L/results.csv && pass "killed job recorded with its reason" ||
  fail "row 0: $(sed -n 2p L/results.csv | cut -c1-120)"
[ "$(grep -c ',ok,0,' L/results.csv)" -eq 7 ] && pass "the 7 other jobs finished" || fail "others"
"$OPTDYN" sweep --out L --jobs 2 --resume "${LONG[@]}" 2>/dev/null
same_sweep long_ref L && pass "--resume reruns only the killed job: the same bytes" || fail "resume after kill differs"

# --- what a hostile review found (each once a defect) --------------------------------------
Q=(run --objective quadratic:dim=2 --optimizer gd --steps 1)
"$OPTDYN" sweep --out many --jobs 2 --seeds 300 -- "${Q[@]}" --seed '{seed}' --out '{dir}/r.csv' 2>many.log
status=$?
[ "$status" -eq 0 ] && [ "$(grep -c ',ok,0,' many/results.csv)" -eq 300 ] &&
  pass "300 jobs (more than the 128 cleanup slots and per-job locks once allowed)" || fail "300 jobs: exit $status: $(tail -1 many.log)"
mkdir -p notsweep/jobs/000000 && echo precious >notsweep/jobs/000000/keep.txt
"$OPTDYN" sweep --out notsweep --shard 0/1 --grid lr=0.1,0.2 -- run --objective quadratic:dim=2 --optimizer 'gd:lr={lr}' \
  --steps 1 --out '{dir}/r.csv' 2>err.txt
[ $? -eq 2 ] && grep -q precious notsweep/jobs/000000/keep.txt && [ ! -e notsweep/sweep.json ] &&
  pass "a shard into a non-empty directory that is no sweep: refused, nothing touched" || fail "shard into foreign dir: $(cat err.txt)"
cp -r w1 linked && rm -rf linked/jobs && mkdir -p victim/000000 && echo thesis >victim/000000/thesis.tex && ln -s ../victim linked/jobs
"$OPTDYN" sweep --out linked --resume "${SWEEP[@]}" 2>err.txt
[ $? -eq 2 ] && grep -q thesis victim/000000/thesis.tex && grep -q "symbolic link" err.txt &&
  pass "DIR/jobs planted as a link: refused, the target untouched" || fail "jobs link: $(cat err.txt)"
ln -s w1 dirlink
"$OPTDYN" sweep --out dirlink --merge "${SWEEP[@]}" 2>err.txt
[ $? -eq 2 ] && grep -q "symbolic link" err.txt && pass "--merge into a DIR that is a link: refused" || fail "DIR link merge: $(cat err.txt)"
for out in '{dir}/../x.csv' '/tmp/x.csv' '{dir}' '{dir}/job.json' '{dir}/stdout.txt'; do
  rm -rf outside
  "$OPTDYN" sweep --out outside --grid lr=0.1,0.2 -- run --objective quadratic:dim=2 --optimizer 'gd:lr={lr}' --steps 1 \
    --out "$out" 2>err.txt
  [ $? -eq 2 ] && [ ! -e outside ] && [ "$(wc -l <err.txt)" -eq 1 ] && pass "--out '$out' in a job: refused before anything runs" ||
    fail "--out '$out': $(cat err.txt)"
done
"$OPTDYN" sweep --out esc --grid 'n=a,../../esc' -- run --objective quadratic:dim=2 --optimizer gd --steps 1 --out '{dir}/{n}.csv' 2>err.txt
[ $? -eq 2 ] && [ ! -e esc ] && pass "a value that climbs out of {dir}: refused" || fail "value escape: $(cat err.txt)"
"$OPTDYN" sweep --out resv --grid status=a,b -- run --objective quadratic:dim=2 --optimizer gd --steps 1 --out '{dir}/{status}.csv' 2>err.txt
[ $? -eq 2 ] && grep -q reserved err.txt && pass "axis key 'status': reserved" || fail "axis status: $(cat err.txt)"
# A record edited by hand counts as none: --resume runs the job again, the bytes come back.
cp -r w1 edited && echo '{"job": 3}' >edited/jobs/000003/job.json
mv edited S && "$OPTDYN" sweep --out S --resume "${SWEEP[@]}" 2>err.txt
status=$?
mv S edited
[ "$status" -eq 0 ] && same_sweep w1 edited && pass "a malformed job.json: the job runs again, the same bytes" || fail "malformed record: exit $status: $(cat err.txt)"
cp -r w1 fifo && rm fifo/results.csv && mkfifo fifo/results.csv
timeout 20 "$OPTDYN" sweep --out fifo --merge "${SWEEP[@]}" 2>err.txt
[ $? -eq 2 ] && pass "a named pipe at results.csv: --merge refuses (exit 2), no hang" || fail "fifo results: $(cat err.txt)"
# A mistake every job shares (an unknown key in a spec): the first job runs alone, nothing else.
"$OPTDYN" sweep --out canary --jobs 2 --grid lr=0.1,0.2,0.3 -- run --objective quadratic:dim=2,nokey=1 \
  --optimizer 'gd:lr={lr}' --steps 1 --out '{dir}/r.csv' 2>err.txt
[ $? -eq 2 ] && [ ! -e canary ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "nothing else was run" err.txt &&
  pass "a bad spec shared by every job: exit 2 after the first job, no directory left" || fail "canary: $(cat err.txt)"
"$OPTDYN" sweep --out half --shard 0/2 "${SWEEP[@]}" 2>/dev/null
"$OPTDYN" sweep --out half --merge "${SWEEP[@]}" 2>err.txt
[ $? -eq 2 ] && [ ! -e half/results.csv ] && grep -q "no record yet" err.txt &&
  pass "--merge with a shard missing: exit 2 naming the job, nothing written" || fail "merge missing: $(cat err.txt)"

# --- bad sweeps: exit 2, one line, nothing written ------------------------------------------
expect_refusal() {  # name, expected text, sweep arguments...
  local name=$1 text=$2
  shift 2
  rm -rf refused
  "$OPTDYN" sweep --out refused "$@" >out.txt 2>err.txt
  local status=$?
  if [ "$status" -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$text" err.txt && [ ! -e refused ]; then
    pass "refused: $name"
  else
    fail "$name: exit $status, dir $([ -e refused ] && echo exists || echo absent), stderr: $(cat err.txt)"
  fi
}
RUN=(run --objective quadratic:dim=3 --optimizer gd --steps 5 --out '{dir}/r.csv')
expect_refusal "empty list" "key 'lr'" --grid lr= -- run --objective quadratic:dim=3 --optimizer 'gd:lr={lr}' --steps 5 --out '{dir}/r.csv'
expect_refusal "unknown placeholder" "'{lrr}'" --grid lr=1,2 -- run --objective quadratic:dim=3 --optimizer 'gd:lr={lrr}' --steps 5 --out '{dir}/r.csv'
expect_refusal "unused axis" "axis 'lr'" --grid lr=1,2 -- "${RUN[@]}"
expect_refusal "shard 3/2" "--shard" --shard 3/2 --grid lr=1,2 -- run --objective quadratic:dim=3 --optimizer 'gd:lr={lr}' --steps 5 --out '{dir}/r.csv'
expect_refusal "a job's command line" "job 1 (steps=x)" --grid steps=5,x -- run --objective quadratic:dim=3 --optimizer gd --steps '{steps}' --out '{dir}/r.csv'
expect_refusal "no {dir}" "{dir}" --grid lr=1,2 -- run --objective quadratic:dim=3 --optimizer 'gd:lr={lr}' --steps 5 --out r.csv
expect_refusal "no command" "no command" --grid lr=1,2
expect_refusal "nested sweep" "cannot be swept" -- sweep --out x
expect_refusal "seeds unused" "--seeds 3" --seeds 3 -- "${RUN[@]}"
expect_refusal "unclosed brace" "'{' without '}'" -- run --objective quadratic:dim=3 --optimizer gd --steps 5 --out '{dir/r.csv'
# Another sweep's directory, and a new sweep into a used one.
"$OPTDYN" sweep --out w1 --resume --grid lr=0.05,0.2 --grid opt=sgd,adam --seeds 2 --seed 11 "${SWEEP[@]:8}" 2>err.txt
status=$?
[ "$status" -eq 2 ] && grep -q "another sweep.*'grid'" err.txt && pass "--resume of another sweep: exit 2 naming 'grid'" ||
  fail "resume mismatch: exit $status: $(cat err.txt)"
"$OPTDYN" sweep --out w1 "${SWEEP[@]}" 2>err.txt
status=$?
[ "$status" -eq 2 ] && grep -q "holds a sweep already" err.txt && cmp -s w1/results.csv w2/results.csv &&
  pass "a new sweep into a finished one: refused, nothing touched" || fail "new into used: exit $status: $(cat err.txt)"
"$OPTDYN" sweep --out nowhere --merge "${SWEEP[@]}" 2>err.txt
[ $? -eq 2 ] && [ ! -e nowhere ] && pass "--merge of no sweep: exit 2" || fail "--merge nowhere: $(cat err.txt)"

finish
