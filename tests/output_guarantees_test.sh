#!/usr/bin/env bash
# The output guarantees of README "Guarantees", end to end, against hostile set-ups:
# symlinks at output names, two concurrent writers, failing runs over a good earlier result,
# --out - to a full or closed stdout, named pipes as inputs, SIGTERM in the middle of a run.
# The full-disk case needs a tiny file system and lives in full_disk_test.sh.
# Usage: bash output_guarantees_test.sh BIN_DIR SOURCE_DIR
set -u
BIN_DIR=$(cd "${1:?usage: output_guarantees_test.sh BIN_DIR SOURCE_DIR}" && pwd)
OPTDYN="$BIN_DIR/optdyn"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-output-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

Q="quadratic:eigs=1/0.5"
RUN=(run --objective "$Q" --optimizer gd:lr=0.1 --steps 20)
# No temporaries or lock files anywhere under DIR.
leftovers() { find "$1" \( -name '*.tmp' -o -name '*.lock' \) 2>/dev/null; }
# Exit status NAME WANT RC STDERR-FILE NEEDLE: the status and a one-line message holding NEEDLE.
expect() {
  local what=$1 want=$2 rc=$3 err=$4 needle=$5
  if [ "$rc" -ne "$want" ]; then fail "$what: exit $rc (want $want): $(cat "$err")"; return 1; fi
  if [ -n "$needle" ] && ! grep -qF -- "$needle" "$err"; then fail "$what: message lacks '$needle': $(cat "$err")"; return 1; fi
  if [ "$want" -ne 0 ] && [ "$(wc -l <"$err")" -ne 1 ]; then fail "$what: not one line: $(cat "$err")"; return 1; fi
  pass "$what"
}
# sha256 of every file of a directory (a snapshot to compare before and after).
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

# --- a symlink at the final name: refused (exit 2, naming it); link and target unchanged -----------
echo precious >"$WORK/target.txt"
mkdir "$WORK/links"
ln -s "$WORK/target.txt" "$WORK/links/link.csv"
"$OPTDYN" "${RUN[@]}" --out "$WORK/links/link.csv" 2>"$WORK/err"
expect "run --out SYMLINK refused" 2 $? "$WORK/err" "$WORK/links/link.csv"
# The status file name as a planted link.
ln -s "$WORK/target.txt" "$WORK/links/b.csv.status.json"
"$OPTDYN" "${RUN[@]}" --out "$WORK/links/b.csv" 2>"$WORK/err"
expect "run with a symlink at FILE.status.json refused" 2 $? "$WORK/err" "b.csv.status.json"
[ -e "$WORK/links/b.csv" ] && fail "the refused run left b.csv behind"
# The lock file name as a planted link: O_NOFOLLOW, refused.
ln -s "$WORK/target.txt" "$WORK/links/c.csv.lock"
"$OPTDYN" "${RUN[@]}" --out "$WORK/links/c.csv" 2>"$WORK/err"
expect "run with a symlink at FILE.lock refused" 2 $? "$WORK/err" "c.csv.lock"
# The old fixed temporary name `<out>.tmp` as a planted link: never used (temporaries are unique
# and created O_EXCL), so the run succeeds and the link's target is untouched.
ln -s "$WORK/target.txt" "$WORK/links/d.csv.tmp"
"$OPTDYN" "${RUN[@]}" --out "$WORK/links/d.csv" 2>"$WORK/err" || fail "run beside a planted d.csv.tmp link exited $?: $(cat "$WORK/err")"
[ -L "$WORK/links/d.csv.tmp" ] || fail "the planted d.csv.tmp link was replaced"
# An experiment whose manifest.json is a planted link (--force over the directory).
mkdir "$WORK/exlink"
ln -s "$WORK/target.txt" "$WORK/exlink/manifest.json"
"$BIN_DIR/example_gd_stability" --out "$WORK/exlink" --force 2>"$WORK/err"
expect "experiment with a symlink at manifest.json refused" 2 $? "$WORK/err" "manifest.json"
[ -e "$WORK/exlink/loss.csv" ] && fail "the refused experiment committed loss.csv"
[ "$(cat "$WORK/target.txt")" = precious ] && pass "every link target unchanged" || fail "a link target was overwritten"
for l in link.csv b.csv.status.json c.csv.lock; do [ -L "$WORK/links/$l" ] || fail "link $l was replaced"; done
[ -z "$(find "$WORK/links" "$WORK/exlink" -name '*.tmp' ! -name d.csv.tmp)" ] || fail "temporaries left: $(find "$WORK/links" -name '*.tmp')"

# --- two concurrent writers: the second is refused at start, the first's output is consistent ------
LONG=(run --objective "$Q" --optimizer gd:lr=0.1 --steps 40000000 --record-every 1000000)
"$OPTDYN" "${LONG[@]}" --out "$WORK/same.csv" 2>"$WORK/first.err" &
first=$!
for _ in $(seq 200); do [ -e "$WORK/same.csv.lock" ] && break; sleep 0.05; done
[ -e "$WORK/same.csv.lock" ] || fail "the first run never took its lock"
"$OPTDYN" "${RUN[@]}" --out "$WORK/same.csv" 2>"$WORK/err"
expect "a second run into the same --out is refused" 2 $? "$WORK/err" "another optdyn run"
wait "$first"
rc=$?
[ $rc -eq 0 ] || fail "the first run exited $rc: $(cat "$WORK/first.err")"
rows=$(($(wc -l <"$WORK/same.csv") - 1))
grep -q "\"rows\": $rows," "$WORK/same.csv.status.json" && grep -q '"steps_run": 40000000' "$WORK/same.csv.status.json" &&
  pass "the first run's CSV ($rows rows) matches its status file" || fail "CSV and status disagree: $(cat "$WORK/same.csv.status.json")"
[ -z "$(leftovers "$WORK/same.csv"*)" ] || fail "lock or temporary left beside same.csv"

# Two experiments into the same empty directory: the second is refused; the manifest's sha256 match.
mkdir "$WORK/shared"
"$BIN_DIR/saddle_escape" --out "$WORK/shared" --set steps=3000 2>"$WORK/first.err" &
first=$!
for _ in $(seq 200); do [ -e "$WORK/shared/.optdyn.lock" ] && break; sleep 0.05; done
"$BIN_DIR/saddle_escape" --out "$WORK/shared" --set steps=10 2>"$WORK/err"
expect "a second experiment into the same directory is refused" 2 $? "$WORK/err" "another optdyn run"
wait "$first" || fail "the first experiment exited $?: $(cat "$WORK/first.err")"
python3 - "$WORK/shared" <<'PY' && pass "the manifest's sha256 match its files" || fail "manifest and files disagree"
import hashlib, json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
assert m["parameters"]["steps"] == "3000", m["parameters"]
for f in m["files"]:
    data = open(os.path.join(d, f["path"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["path"]
PY
[ -z "$(leftovers "$WORK/shared")" ] || fail "left in shared/: $(leftovers "$WORK/shared")"

# --- a failing run over a good earlier result (--force): exit 2, every old file byte-identical -----
# A real earlier result, then a --set the body rejects; flow_departure's eos_lrs is checked only
# after orders.csv and slopes.csv were written, so staging (not early validation) is what is tested.
"$BIN_DIR/saddle_escape" --out "$WORK/good" >/dev/null 2>&1 || fail "saddle_escape good run exited $?"
before=$(snapshot "$WORK/good")
"$BIN_DIR/saddle_escape" --out "$WORK/good" --force --set damping=-1 2>"$WORK/err"
expect "saddle_escape --force --set damping=-1 over a good result" 2 $? "$WORK/err" "damping"
[ "$(snapshot "$WORK/good")" = "$before" ] && pass "saddle_escape: the earlier result is byte-identical" ||
  fail "saddle_escape: the earlier result changed"
declare -A BAD=(
  [convergence_rates]="dim=abc" [example_gd_stability]="dim=abc" [gradient_scaling]="width=abc"
  [saxe_modes]="levels=abc" [saddle_escape]="damping=-1" [flow_departure]="eos_lrs=0"
)
for src in "${2:?SOURCE_DIR}"/experiments/*.cpp; do
  name=$(basename "$src" .cpp)
  [ -n "${BAD[$name]:-}" ] || { fail "$name: no failing --set listed in this test"; continue; }
  dir="$WORK/old-$name"
  mkdir "$dir"
  printf 'old manifest\n' >"$dir/manifest.json"
  printf 'old rows\n' >"$dir/orders.csv"
  before=$(snapshot "$dir")
  extra=()
  [ "$name" = flow_departure ] && extra=(--set orders_steps=100/200/400)
  "$BIN_DIR/$name" --out "$dir" --force "${extra[@]}" --set "${BAD[$name]}" 2>"$WORK/err"
  expect "$name: failing --set ${BAD[$name]} over an earlier result" 2 $? "$WORK/err" "${BAD[$name]%%=*}"
  [ "$(snapshot "$dir")" = "$before" ] || fail "$name: the earlier files changed"
  [ -z "$(ls -A "$dir" | grep -v -e '^manifest.json$' -e '^orders.csv$')" ] || fail "$name: left $(ls -A "$dir")"
  # Into a new directory: no trace at all.
  "$BIN_DIR/$name" --out "$WORK/new-$name" "${extra[@]}" --set "${BAD[$name]}" 2>/dev/null
  [ -e "$WORK/new-$name" ] && fail "$name: a failing run into a new directory left it behind"
done

# --- --out - is standard output; a failed write to it is an error, never exit 0 ----------------------
(cd "$WORK" && "$OPTDYN" "${RUN[@]}" --out - >"$WORK/stdout.csv" 2>"$WORK/err") || fail "run --out - exited $?"
[ "$(head -1 "$WORK/stdout.csv")" = "step,evals,loss,grad_norm" ] && [ ! -e "$WORK/-" ] && [ ! -e "$WORK/-.status.json" ] &&
  pass "run --out - writes the CSV to stdout (no file named -)" || fail "run --out - did not write to stdout"
(cd "$WORK" && "$OPTDYN" flow --objective "$Q" --flow gradient --integrator rk4:h=0.1 --t-end 1 --out - \
  >"$WORK/flow.csv" 2>"$WORK/err") || fail "flow --out - exited $?: $(cat "$WORK/err")"
[ "$(head -1 "$WORK/flow.csv")" = "t,loss,grad_norm" ] && [ ! -e "$WORK/-" ] && pass "flow --out - writes to stdout" ||
  fail "flow --out - did not write to stdout"
if [ -w /dev/full ]; then
  "$OPTDYN" "${RUN[@]}" --out - >/dev/full 2>"$WORK/err"
  expect "run --out - into /dev/full" 2 $? "$WORK/err" "standard output"
  "$OPTDYN" flow --objective "$Q" --flow gradient --integrator rk4:h=0.1 --t-end 1 --out - >/dev/full 2>"$WORK/err"
  expect "flow --out - into /dev/full" 2 $? "$WORK/err" "standard output"
  "$OPTDYN" eval --objective "$Q" --x0 zeros --out - >/dev/full 2>"$WORK/err"
  expect "eval --out - into /dev/full" 2 $? "$WORK/err" "standard output"
  "$OPTDYN" --help >/dev/full 2>"$WORK/err"
  expect "optdyn --help into /dev/full" 2 $? "$WORK/err" "standard output"
else
  echo "skip: /dev/full is not writable"
fi
"$OPTDYN" "${RUN[@]}" --out - >&- 2>"$WORK/err"
expect "run --out - with stdout closed" 2 $? "$WORK/err" "standard output"

# --- --batch larger than the data set: refused, naming the key -------------------------------------
"$OPTDYN" run --objective least_squares:n=10,dim=3 --optimizer sgd:lr=0.01 --steps 5 --batch 11 \
  --out "$WORK/batch.csv" 2>"$WORK/err"
expect "--batch above the sample count" 2 $? "$WORK/err" "--batch"
[ -e "$WORK/batch.csv" ] && fail "the refused --batch run wrote batch.csv"

# --- a named pipe as an input file: refused at once, naming it ----------------------------------------
mkfifo "$WORK/x0.fifo"
timeout 20 "$OPTDYN" eval --objective "$Q" --x0 "$WORK/x0.fifo" --out "$WORK/e.json" 2>"$WORK/err"
expect "--x0 FIFO" 2 $? "$WORK/err" "$WORK/x0.fifo"
mkdir "$WORK/fm"
mkfifo "$WORK/fm/train-images-idx3-ubyte" "$WORK/fm/train-labels-idx1-ubyte"
timeout 20 "$OPTDYN" eval --objective "mlp:data=fashion-mnist,path=$WORK/fm,n=10" --x0 zeros --out "$WORK/e.json" 2>"$WORK/err"
expect "FIFO as an IDX data file" 2 $? "$WORK/err" "$WORK/fm/train-"

# --- SIGTERM in the middle of a run: exit 143, the earlier file intact, nothing left behind ---------
echo "earlier" >"$WORK/term.csv"
"$OPTDYN" "${LONG[@]}" --out "$WORK/term.csv" 2>/dev/null &
pid=$!
for _ in $(seq 200); do [ -e "$WORK/term.csv.lock" ] && break; sleep 0.05; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
rc=$?
[ $rc -eq 143 ] && pass "SIGTERM during optdyn run: exit 143" || fail "SIGTERM during optdyn run: exit $rc"
[ "$(cat "$WORK/term.csv")" = earlier ] || fail "the interrupted run changed term.csv"
# What stays is the run's checkpoint (README, "Checkpoints and resume"), nothing else.
[ -z "$(leftovers "$WORK/term.csv"*)" ] &&
  [ "$(cd "$WORK" && find . -maxdepth 1 -name 'term.csv.*' | sort | tr '\n' ' ')" = "./term.csv.checkpoint.csv ./term.csv.checkpoint.json " ] &&
  pass "no temporary or lock left by the interrupted run, only its checkpoint" || fail "left behind: $(ls "$WORK" | grep term)"
"$BIN_DIR/saddle_escape" --out "$WORK/term-ex" --set steps=100000 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e "$WORK/term-ex/.optdyn.lock" ] && break; sleep 0.05; done
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
[ $rc -eq 143 ] && pass "SIGTERM during an experiment: exit 143" || fail "SIGTERM during an experiment: exit $rc"
[ -z "$(ls -A "$WORK/term-ex" 2>/dev/null)" ] && pass "the interrupted experiment left nothing in its directory" ||
  fail "left in term-ex: $(ls -A "$WORK/term-ex")"

# SIGINT: a shell starts background jobs with SIGINT ignored, so the run is started from Python
# (which execs it with the default action) and interrupted there: exit 130 (-2 to Python).
echo "earlier" >"$WORK/int.csv"
python3 - "$OPTDYN" "$WORK/int.csv" "${LONG[@]}" <<'PY' && pass "SIGINT during optdyn run: killed by SIGINT, int.csv intact" ||
import os, signal, subprocess, sys, time
optdyn, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
p = subprocess.Popen([optdyn, *args, "--out", out], stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(out + ".lock"): break
    time.sleep(0.05)
time.sleep(0.2)
p.send_signal(signal.SIGINT)
assert p.wait() == -signal.SIGINT, p.returncode  # stopped at a step, then died of the signal
assert open(out).read() == "earlier\n"
PY
  fail "SIGINT during optdyn run"
[ "$(cd "$WORK" && find . -maxdepth 1 -name 'int.csv.*' | sort | tr '\n' ' ')" = "./int.csv.checkpoint.csv ./int.csv.checkpoint.json " ] ||
  fail "left behind after SIGINT: $(ls "$WORK" | grep int.csv)"

# SIGKILL (no handler can run): the final name keeps its earlier content, and the kernel has
# released the lock, so the next run into the same --out succeeds.
echo "earlier" >"$WORK/kill.csv"
"$OPTDYN" "${LONG[@]}" --out "$WORK/kill.csv" 2>/dev/null &
pid=$!
for _ in $(seq 200); do [ -e "$WORK/kill.csv.lock" ] && break; sleep 0.05; done
sleep 0.2
kill -KILL "$pid"
wait "$pid"
[ "$(cat "$WORK/kill.csv")" = earlier ] && pass "SIGKILL during optdyn run: kill.csv keeps its earlier content" ||
  fail "SIGKILL during optdyn run changed kill.csv"
"$OPTDYN" "${RUN[@]}" --out "$WORK/kill.csv" 2>"$WORK/err" && grep -q '"status": "ok"' "$WORK/kill.csv.status.json" &&
  pass "after SIGKILL the lock is free: the next run succeeds" || fail "run after SIGKILL: $(cat "$WORK/err")"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all output guarantee tests passed"
