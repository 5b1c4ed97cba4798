#!/usr/bin/env bash
# An experiment interrupted between its jobs continues with --resume (README, "Checkpoints and
# resume"; harness/job_store.hpp): gradient_scaling stopped by SIGTERM, or killed by SIGKILL,
# after some of its jobs finished, then resumed, writes CSVs byte-identical to an
# uninterrupted run's and the same manifest results; the interrupted run commits nothing; a
# rerun without --resume is refused (exit 2, one line); --resume of another command (other
# seed) is refused naming the key; --force starts over; success leaves no .optdyn-jobs.
# Usage: bash experiment_resume_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
EXPERIMENT="$BIN_DIR/gradient_scaling"
[ -x "$EXPERIMENT" ] || { echo "FAIL: $EXPERIMENT not found"; exit 1; }
cd "$WORK" || exit 1
ARGS=(--seed 3 --scale quick --set depths=1-2-4-8-16-32 --set gains=0.5/1.5)

"$EXPERIMENT" --out ref "${ARGS[@]}" --jobs 2 >/dev/null 2>&1 || fail "reference run"
results() { /usr/bin/python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['results'], sort_keys=True))" "$1"; }
same_result() {
  for f in ref/*.csv; do cmp -s "$f" "$1/$(basename "$f")" || return 1; done
  [ "$(results ref/manifest.json)" = "$(results "$1/manifest.json")" ]
}

for sig in TERM KILL; do
  out="run_$sig"
  "$EXPERIMENT" --out "$out" "${ARGS[@]}" --jobs 1 >/dev/null 2>"$out.err" &
  pid=$!
  for _ in $(seq 1 2000); do
    [ "$(ls "$out/.optdyn-jobs" 2>/dev/null | grep -c '^0-')" -ge 3 ] && break
    sleep 0.01
  done
  kill -"$sig" "$pid"
  wait "$pid" 2>/dev/null
  status=$?
  want=$([ "$sig" = TERM ] && echo 143 || echo 137)
  [ "$status" -eq "$want" ] && pass "SIG$sig: exit $want" || fail "SIG$sig: exit $status"
  [ -e "$out/manifest.json" ] && fail "SIG$sig: a manifest was committed" || pass "SIG$sig: nothing committed"
  kept=$(ls "$out/.optdyn-jobs" | grep -c '^0-')
  [ "$kept" -ge 3 ] && pass "SIG$sig: $kept finished jobs kept" || fail "SIG$sig: $kept jobs kept"
  [ -z "$(find "$out" -name '*.tmp')" ] || [ "$sig" = KILL ] || fail "SIG$sig: temporaries left"
  "$EXPERIMENT" --out "$out" "${ARGS[@]}" >/dev/null 2>err.txt
  status=$?
  [ "$status" -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "--resume" err.txt &&
    pass "SIG$sig: a rerun without --resume is refused" || fail "SIG$sig: rerun: exit $status: $(cat err.txt)"
  "$EXPERIMENT" --out "$out" --seed 4 --scale quick --set depths=1-2-4-8-16-32 --set gains=0.5/1.5 --resume >/dev/null 2>err.txt
  status=$?
  [ "$status" -eq 2 ] && grep -q "'seed'" err.txt && pass "SIG$sig: --resume with another seed: refused naming 'seed'" ||
    fail "SIG$sig: resume other seed: exit $status: $(cat err.txt)"
  "$EXPERIMENT" --out "$out" --seed 3 --scale quick --set depths=1-2-4-8-16-32 --set gains=0.5/1 --resume >/dev/null 2>err.txt
  status=$?
  [ "$status" -eq 2 ] && grep -q "differs in 'gains': \"0.5/1.5\" then, \"0.5/1\" now" err.txt &&
    pass "SIG$sig: --resume with another --set: refused naming the key, then and now" ||
    fail "SIG$sig: resume other --set: exit $status: $(cat err.txt)"
  "$EXPERIMENT" --out "$out" "${ARGS[@]}" --jobs 2 --resume >/dev/null 2>err.txt
  status=$?
  [ "$status" -eq 0 ] && same_result "$out" && pass "SIG$sig then --resume: CSVs and results identical to the uninterrupted run" ||
    fail "SIG$sig then --resume: exit $status or different output: $(cat err.txt)"
  [ -e "$out/.optdyn-jobs" ] && fail "SIG$sig: .optdyn-jobs left after success" || pass "SIG$sig: .optdyn-jobs removed"
done

"$EXPERIMENT" --out fresh "${ARGS[@]}" --resume >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q "no interrupted run" err.txt && pass "--resume into nothing: exit 2" || fail "--resume nothing: $(cat err.txt)"
"$EXPERIMENT" --out ref "${ARGS[@]}" --resume --force >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q "choose one" err.txt && pass "--resume --force: exit 2" || fail "--resume --force: $(cat err.txt)"
mkdir -p again/.optdyn-jobs
"$EXPERIMENT" --out again "${ARGS[@]}" --force >/dev/null 2>err.txt && same_result again && [ ! -e again/.optdyn-jobs ] &&
  pass "--force over an interrupted run starts over" || fail "--force over interrupted: $(cat err.txt)"

finish
