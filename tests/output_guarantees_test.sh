#!/usr/bin/env bash
# The output guarantees of README "Guarantees", end to end, against hostile set-ups:
# symlinks at output names, two concurrent writers, failing runs over a good earlier result,
# --out - to a full or closed stdout, named pipes as inputs, SIGTERM in the middle of a run.
# The full-disk case needs a tiny file system and lives in full_disk_test.sh.
# Usage: bash output_guarantees_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
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
  [saxe_modes]="levels=abc" [saxe_depth]="target_scales=0" [saddle_escape]="damping=-1" [flow_departure]="eos_lrs=0"
  [loss_concentration]="runs=1" [sgd_vs_sde]="ls=0" [reparameterization]="alphas=abc" [index_vs_loss]="starts=abc"
  [central_flow]="window=4"
  [generalization]="patience=0"
  [optimizer_zoo]="lrs=abc"
  [pathologies]="reddi_c=2"
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

# ==== Defects found by a hostile review (each section failed before its fix) =========================

# --- a refused commit changes nothing: every final name is checked before the first rename ----------
"$BIN_DIR/saddle_escape" --out "$WORK/mixed" >/dev/null 2>&1 || fail "saddle_escape into mixed/ exited $?"
before=$(snapshot "$WORK/mixed")
"$BIN_DIR/saddle_escape" --out "$WORK/mixed" --force --seed 2 >/dev/null 2>"$WORK/err" &
pid=$!
# Once trajectories.csv is being staged, its final name becomes a link (the commit would unlink
# the old manifest first, then refuse the rename).
for _ in $(seq 1000); do [ -n "$(find "$WORK/mixed" -name 'trajectories.csv.*.tmp')" ] && break; sleep 0.01; done
ln -sf "$WORK/target.txt" "$WORK/mixed/link.new" && mv -T "$WORK/mixed/link.new" "$WORK/mixed/trajectories.csv"
wait "$pid"
expect "experiment whose output became a symlink during the run" 2 $? "$WORK/err" "trajectories.csv"
rm -f "$WORK/mixed/trajectories.csv"
[ "$(snapshot "$WORK/mixed" | grep -v trajectories.csv)" = "$(echo "$before" | grep -v trajectories.csv)" ] &&
  [ -e "$WORK/mixed/manifest.json" ] && pass "the refused commit left manifest.json and cpu_time.json byte-identical" ||
  fail "the refused commit changed the earlier result: $(ls -A "$WORK/mixed")"
[ "$(cat "$WORK/target.txt")" = precious ] || fail "the link target was overwritten"

# --- SIGTERM sent in a loop around the end of runs: the result is all old or all new ----------------
python3 - "$OPTDYN" "$BIN_DIR" "$WORK/sig" <<'PY' && pass "signals around the commit: every result consistent (all old or all new)" ||
import hashlib, json, os, random, signal, subprocess, sys, time
optdyn, bindir, work = sys.argv[1:4]
os.makedirs(work)
random.seed(7)
def duration(cmd):
    t = time.monotonic(); subprocess.run(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - t
def kill_near_end(cmd, d):
    p = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    time.sleep(d * random.uniform(0.6, 1.15))
    p.send_signal(signal.SIGTERM)
    rc = p.wait()
    assert rc in (0, -signal.SIGTERM), (cmd, rc)
def leftovers(d):
    return [n for n in os.listdir(d) if n.endswith(".tmp") or n.endswith(".lock")]
# optdyn run: FILE.csv and FILE.csv.status.json agree (steps_requested+1 rows).
out = os.path.join(work, "r.csv")
def run_cmd(steps):
    return [optdyn, "run", "--objective", "quadratic:eigs=1/0.5", "--optimizer", "gd:lr=0.1", "--steps", str(steps), "--out", out]
d = duration(run_cmd(20000))
for trial in range(50):
    kill_near_end(run_cmd(20000 + trial + 1), d)
    # A run stopped before its last step keeps a checkpoint (README "Checkpoints and resume");
    # this loop does not resume: it discards the interrupted run, as a user may.
    for name in (out + ".checkpoint.json", out + ".checkpoint.csv"):
        if os.path.exists(name): os.remove(name)
    rows = sum(1 for _ in open(out)) - 1
    st = json.load(open(out + ".status.json"))
    assert st["steps_requested"] + 1 == rows == st["rows"], ("run", trial, rows, st["steps_requested"])
    assert not leftovers(work), leftovers(work)
# optdyn compare: gaps.csv and summary.json agree.
cdir = os.path.join(work, "cmp")
def cmp_cmd(steps):
    return [optdyn, "compare", "--objective", "quadratic:eigs=1/0.25", "--optimizer", "gd:lr=0.1", "--steps", str(steps),
            "--force", "--out", cdir]
d = duration(cmp_cmd(3000))
for trial in range(30):
    kill_near_end(cmp_cmd(3000 + trial + 1), d)
    rows = sum(1 for _ in open(os.path.join(cdir, "gaps.csv"))) - 1
    assert json.load(open(os.path.join(cdir, "summary.json")))["rows"] == rows, ("compare", trial)
    assert not leftovers(cdir), leftovers(cdir)
# An experiment: manifest.json exists and its sha256 match the files.
edir = os.path.join(work, "ex")
def ex_cmd(seed):
    return [os.path.join(bindir, "example_gd_stability"), "--out", edir, "--force", "--seed", str(seed)]
d = duration(ex_cmd(1))
for trial in range(50):
    kill_near_end(ex_cmd(trial + 2), d)
    m = json.load(open(os.path.join(edir, "manifest.json")))
    for f in m["files"]:
        data = open(os.path.join(edir, f["path"]), "rb").read()
        assert hashlib.sha256(data).hexdigest() == f["sha256"], ("experiment", trial, f["path"])
    assert not leftovers(edir), leftovers(edir)
PY
  fail "signals around the commit left an inconsistent result"

# --- SIGTERM in a command's first milliseconds: nothing left, not even the lock ------------------------
# A signal may land on a thread started before main() (a BLAS worker) while the main thread
# is between creating DIR/.optdyn.lock and registering it for removal: the handler forwards it
# to the main thread (harness/signal_cleanup.hpp). Before that, about 1 run in 300 left the lock.
python3 - "$BIN_DIR" "$WORK/early" <<'PY' && pass "SIGTERM within 12 ms of start (200 runs): no lock or temporary left" ||
import os, signal, subprocess, sys, time
bindir, work = sys.argv[1:3]
for trial in range(200):
    p = subprocess.Popen([os.path.join(bindir, "example_gd_stability"), "--out", work, "--force", "--seed", "5"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.0005 * (trial % 25))
    p.send_signal(signal.SIGTERM)
    p.wait()
    left = [n for n in os.listdir(work) if n.endswith((".lock", ".tmp"))] if os.path.isdir(work) else []
    assert not left, (trial, left)
PY
  fail "SIGTERM early in a run left files behind"

# --- a status-file name longer than NAME_MAX: refused before anything is written --------------------
# FILE.csv.lock fits NAME_MAX (251 characters), FILE.csv.status.json (258) does not.
long=$(printf 'l%.0s' $(seq 242))
"$OPTDYN" "${RUN[@]}" --out "$WORK/$long.csv" 2>"$WORK/err"
expect "run whose status-file name exceeds NAME_MAX" 2 $? "$WORK/err" "status.json"
[ -e "$WORK/$long.csv" ] && fail "the refused run committed its CSV"
# A temporary path beyond PATH_MAX: exit 2 naming the path (not exit 1).
# DIR/x.csv, DIR/x.csv.lock and DIR/x.csv.status.json fit PATH_MAX (4096), their temporaries do not.
deep=$WORK
while [ $((4070 - ${#deep})) -gt 201 ]; do deep="$deep/$(printf 'd%.0s' $(seq 200))"; done
deep="$deep/$(printf 'e%.0s' $(seq $((4070 - ${#deep} - 1))))"
mkdir -p "$deep"
"$OPTDYN" "${RUN[@]}" --out "$deep/x.csv" 2>"$WORK/err"
expect "run --out whose temporary exceeds PATH_MAX" 2 $? "$WORK/err" "x.csv"
[ -z "$(ls -A "$deep")" ] || fail "the refused run left $(ls -A "$deep")"

# --- lock files: never another's file; a run writing a .lock name is refused ---------------------------
"$OPTDYN" "${LONG[@]}" --out "$WORK/xl.csv" 2>/dev/null &
first=$!
for _ in $(seq 200); do [ -e "$WORK/xl.csv.lock" ] && break; sleep 0.05; done
"$OPTDYN" "${RUN[@]}" --out "$WORK/xl.csv.lock" 2>"$WORK/err"
expect "run --out FILE.lock (another run's lock file) refused" 2 $? "$WORK/err" ".lock"
"$OPTDYN" "${RUN[@]}" --out "$WORK/xl.csv" 2>"$WORK/err"
expect "the lock of the first run still holds" 2 $? "$WORK/err" "another optdyn run"
wait "$first" || fail "the first run exited $?"
echo mine >"$WORK/own.csv.lock"
mkfifo "$WORK/fifo.csv.lock"
"$OPTDYN" "${RUN[@]}" --out "$WORK/own.csv" 2>"$WORK/err"
expect "run beside a user's own FILE.lock refused" 2 $? "$WORK/err" "own.csv.lock"
timeout 20 "$OPTDYN" "${RUN[@]}" --out "$WORK/fifo.csv" 2>"$WORK/err"
expect "run beside a named pipe at FILE.lock refused" 2 $? "$WORK/err" "fifo.csv.lock"
[ "$(cat "$WORK/own.csv.lock")" = mine ] && [ -p "$WORK/fifo.csv.lock" ] && pass "the user's .lock files are kept" ||
  fail "a user's .lock file was removed or changed"
mkdir "$WORK/ownlock" && echo mine >"$WORK/ownlock/.optdyn.lock"
"$BIN_DIR/example_gd_stability" --out "$WORK/ownlock" --force 2>"$WORK/err"
expect "experiment with a user's DIR/.optdyn.lock refused" 2 $? "$WORK/err" ".optdyn.lock"
[ "$(cat "$WORK/ownlock/.optdyn.lock")" = mine ] || fail "the user's .optdyn.lock was changed"

# --- stderr closed: progress lines never land in an output file -------------------------------------
# (stdin closed too: the lock file takes fd 0, so the staged CSV would get fd 2.)
OPTDYN_PROGRESS=1 "$BIN_DIR/saddle_escape" --out "$WORK/closed-stderr" >/dev/null 0<&- 2>&-
cmp -s "$WORK/good/trajectories.csv" "$WORK/closed-stderr/trajectories.csv" &&
  pass "experiment with stdin and stderr closed: trajectories.csv identical to a normal run's" ||
  fail "stderr closed: trajectories.csv differs ($(grep -c saddle_escape "$WORK/closed-stderr/trajectories.csv") progress lines)"

# --- an output that is a named pipe (written in place): no status file beside it --------------------
mkfifo "$WORK/out.fifo"
cat "$WORK/out.fifo" >"$WORK/fifo.read" &
reader=$!
timeout 20 "$OPTDYN" "${RUN[@]}" --out "$WORK/out.fifo" 2>"$WORK/err" || fail "run --out FIFO exited $?: $(cat "$WORK/err")"
wait "$reader"
[ "$(head -1 "$WORK/fifo.read")" = "step,evals,loss,grad_norm" ] && [ ! -e "$WORK/out.fifo.status.json" ] &&
  pass "run --out FIFO: CSV through the pipe, no status file" || fail "run --out FIFO: $(ls "$WORK" | grep out.fifo)"
# --out /dev/stdout, also when standard output is a regular file.
"$OPTDYN" "${RUN[@]}" --out /dev/stdout >"$WORK/devstdout.csv" 2>"$WORK/err" || fail "run --out /dev/stdout exited $?: $(cat "$WORK/err")"
[ "$(head -1 "$WORK/devstdout.csv")" = "step,evals,loss,grad_norm" ] && pass "run --out /dev/stdout into a file" ||
  fail "run --out /dev/stdout wrote nothing"
# A FIFO at FILE.status.json: refused at once (no hang).
mkfifo "$WORK/h.csv.status.json"
timeout 20 "$OPTDYN" "${RUN[@]}" --out "$WORK/h.csv" 2>"$WORK/err"
expect "run with a named pipe at FILE.status.json" 2 $? "$WORK/err" "h.csv.status.json"

# --- experiment output directory holding a named pipe: exit 2 before the run --------------------------
mkdir "$WORK/exfifo" && mkfifo "$WORK/exfifo/loss.csv"
timeout 20 "$BIN_DIR/example_gd_stability" --out "$WORK/exfifo" --force 2>"$WORK/err"
expect "experiment with a named pipe in its directory" 2 $? "$WORK/err" "loss.csv"
# --out that is a symlink to a directory (or dangling), or '-': refused.
mkdir "$WORK/realdir" && ln -s "$WORK/realdir" "$WORK/dirlink" && ln -s "$WORK/nowhere" "$WORK/dangling"
for o in "$WORK/dirlink" "$WORK/dangling" -; do
  (cd "$WORK" && "$BIN_DIR/example_gd_stability" --out "$o" 2>"$WORK/err")
  expect "experiment --out '$o' refused" 2 $? "$WORK/err" "--out"
done
[ -z "$(ls -A "$WORK/realdir")" ] && [ ! -e "$WORK/-" ] || fail "a refused experiment wrote files"

# --- flow_departure diverging in the EoS part: status diverged, exit 3 -------------------------------
"$BIN_DIR/flow_departure" --out "$WORK/fd" --set eos_objective=rosenbrock:dim=2 --set orders_steps=100/200/400 2>"$WORK/err"
expect "flow_departure with a diverging eos objective" 3 $? "$WORK/err" "diverged"
grep -q '"status": "diverged"' "$WORK/fd/manifest.json" || fail "flow_departure: manifest status is not diverged"

# --- integrators: h far longer than the record interval takes clipped steps, not none ----------------
for h in 5e8 1e7; do
  "$OPTDYN" flow --objective "$Q" --flow gradient --x0 1,1 --integrator euler:h=$h --t-end 10 --out "$WORK/h$h.csv" \
    2>"$WORK/err" || fail "flow euler:h=$h exited $?"
done
cmp -s "$WORK/h5e8.csv" "$WORK/h1e7.csv" && grep -q '"steps": 100,' "$WORK/h5e8.csv.status.json" &&
  pass "euler:h=5e8 equals euler:h=1e7 (one clipped step per record)" ||
  fail "euler:h=5e8 differs from euler:h=1e7: $(grep '"steps"' "$WORK/h5e8.csv.status.json")"

# --- spectrum failing after creating its directory: no empty directory left; stale density removed ---
"$OPTDYN" spectrum --objective "rosenbrock:dim=3" --x0 1e200,1e200,1e200 --k 1 --out "$WORK/spec-new" 2>"$WORK/err"
expect "spectrum at a point with a non-finite Hessian" 2 $? "$WORK/err" "--x0"
[ -e "$WORK/spec-new" ] && fail "the failed spectrum left its new directory behind"
"$OPTDYN" spectrum --objective "$Q" --x0 1,1 --k 1 --density --probes 2 --lanczos-steps 2 --out "$WORK/spec" 2>/dev/null ||
  fail "spectrum --density exited $?"
"$OPTDYN" spectrum --objective "$Q" --x0 1,1 --k 1 --out "$WORK/spec" 2>/dev/null || fail "spectrum exited $?"
[ ! -e "$WORK/spec/density.csv" ] && pass "spectrum without --density removed the earlier density.csv" ||
  fail "spectrum left a stale density.csv"

# --- a file output into a directory an experiment is writing: refused ----------------------------------
"$BIN_DIR/saddle_escape" --out "$WORK/busy" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e "$WORK/busy/.optdyn.lock" ] && break; sleep 0.02; done
"$OPTDYN" "${RUN[@]}" --out "$WORK/busy/rates.csv" 2>"$WORK/err"
expect "run --out into a directory held by an experiment" 2 $? "$WORK/err" "another optdyn run"
wait "$pid"

# --- SIGHUP: exit 129, nothing left; a stale temporary of a killed run does not block the next run ----
echo "earlier" >"$WORK/hup.csv"
python3 - "$OPTDYN" "$WORK/hup.csv" "${LONG[@]}" <<'PY' && pass "SIGHUP during optdyn run: killed by SIGHUP, hup.csv intact" ||
import os, signal, subprocess, sys, time
optdyn, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
p = subprocess.Popen([optdyn, *args, "--out", out], stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(out + ".lock"): break
    time.sleep(0.05)
time.sleep(0.2)
p.send_signal(signal.SIGHUP)
assert p.wait() == -signal.SIGHUP, p.returncode
assert open(out).read() == "earlier\n"
PY
  fail "SIGHUP during optdyn run"
[ "$(cd "$WORK" && find . -maxdepth 1 -name 'hup.csv.*' | sort | tr '\n' ' ')" = "./hup.csv.checkpoint.csv ./hup.csv.checkpoint.json " ] ||
  fail "left behind after SIGHUP (only the checkpoint may stay): $(ls "$WORK" | grep hup.csv)"
mkdir "$WORK/stale"
dead=$(sh -c 'echo $$')  # the pid of a process that has exited
touch "$WORK/stale/loss.csv.$dead-0123456789abcdef.tmp"
"$BIN_DIR/example_gd_stability" --out "$WORK/stale" 2>"$WORK/err" && [ -z "$(leftovers "$WORK/stale")" ] &&
  pass "a stale temporary of a dead run is removed, not 'not empty'" || fail "stale temporary: $(cat "$WORK/err")"

# --- SIGPIPE: --out - into a pipe closed early is exit 2 with one line -----------------------------
"$OPTDYN" run --objective "$Q" --optimizer gd:lr=0.1 --steps 200000 --out - 2>"$WORK/err" | head -c1 >/dev/null
rc=${PIPESTATUS[0]}
expect "run --out - | head -c1" 2 "$rc" "$WORK/err" "standard output"

# --- replacing a file keeps its permission bits -------------------------------------------------------
"$OPTDYN" "${RUN[@]}" --out "$WORK/mode.csv" 2>/dev/null && chmod 600 "$WORK/mode.csv"
"$OPTDYN" "${RUN[@]}" --out "$WORK/mode.csv" 2>/dev/null
[ "$(stat -c %a "$WORK/mode.csv")" = 600 ] && pass "a replaced file keeps mode 600" || fail "mode became $(stat -c %a "$WORK/mode.csv")"

# --- bad input met mid-run (teleport needs relu/linear units; found at its first move): exit 2, and
# nothing beside the output that was never written (no journal, no checkpoint) ----------------------
"$OPTDYN" run --objective "mlp:widths=4-3-2,n=20,data=teacher-mlp,loss=mse,act=tanh" --x0 init:xavier,seed=1 \
  --optimizer "gd:lr=0.1|teleport:every=2" --steps 3 --out "$WORK/midrun.csv" 2>"$WORK/err"
expect "run with bad input met mid-run" 2 $? "$WORK/err" "teleport"
[ -z "$(cd "$WORK" && find . -maxdepth 1 -name 'midrun.csv*')" ] && pass "a run refused mid-run leaves no file" ||
  fail "left: $(cd "$WORK" && find . -maxdepth 1 -name 'midrun.csv*' | tr '\n' ' ')"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all output guarantee tests passed"
