#!/usr/bin/env bash
# The `optdyn` tool end to end: list, eval (values against the closed-form Rosenbrock
# derivatives), help, and every bad-input path (exit 2, exactly one line on stderr that
# names the offending key, option or file).
# Usage: bash cli_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}

[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# --- list -----------------------------------------------------------------------------
if "$OPTDYN" list objectives >"$WORK/list.txt" 2>"$WORK/list.err"; then
  pass "list objectives"
else
  fail "list objectives exited $?: $(cat "$WORK/list.err")"
fi
for name in quadratic rosenbrock saddle monkey_saddle plateau_saddle least_squares logistic_regression \
            softmax_regression deep_linear mlp spherical_pspin; do
  grep -q "^$name " "$WORK/list.txt" || fail "list objectives does not mention '$name'"
done
# Every name the registry knows (from the unknown-name error) appears in the listing too.
"$OPTDYN" eval --objective __no_such__ --x0 zeros --out "$WORK/x.json" 2>"$WORK/names.err" >/dev/null
known=$(sed -n 's/.*(known: \(.*\)).*/\1/p' "$WORK/names.err" | tr -d ',')
[ -n "$known" ] || fail "unknown-objective error does not list the known names: $(cat "$WORK/names.err")"
for name in $known; do
  grep -q "^$name " "$WORK/list.txt" || fail "list objectives does not mention registered '$name'"
done
pass "list mentions every registered objective ($(echo $known | wc -w) names)"

# --- help -----------------------------------------------------------------------------
"$OPTDYN" --help >"$WORK/help.txt" 2>&1 || fail "optdyn --help exited $?"
grep -q "eval" "$WORK/help.txt" && grep -q "list" "$WORK/help.txt" || fail "optdyn --help lacks the commands"
"$OPTDYN" help eval >"$WORK/help_eval.txt" 2>&1 || fail "optdyn help eval exited $?"
grep -q -- "--objective" "$WORK/help_eval.txt" && grep -q -- "--x0" "$WORK/help_eval.txt" || fail "help eval lacks options"
"$OPTDYN" eval --help >/dev/null 2>&1 || fail "optdyn eval --help exited $?"
pass "help"

# --- eval: closed-form Rosenbrock --------------------------------------------------------
# F = Σ_{i<D−1} a(x_{i+1} − x_i²)² + (1 − x_i)²
#   ∂F/∂x_i  = [i<D−1](−4a x_i (x_{i+1} − x_i²) − 2(1 − x_i)) + [i>0] 2a(x_i − x_{i−1}²)
#   ∂²F/∂x_i² = [i<D−1](2 − 4a(x_{i+1} − x_i²) + 8a x_i²) + [i>0] 2a,  ∂²F/∂x_i∂x_{i+1} = −4a x_i
# At 0 ∈ R³: F = 2, ∇F = (−2, −2, 0), ∇²F = diag(2, 2 + 2a, 2a).
check_rosenbrock() {  # FILE X0(comma list) EXPECT_HESSIAN(0|1)
  "$PYTHON" - "$@" <<'PY'
import json, sys
path, point, want_hessian = sys.argv[1], [float(v) for v in sys.argv[2].split(",")], sys.argv[3] == "1"
j = json.load(open(path))
a = 100.0
for item in j["objective"].split(":", 1)[1].split(","):
    k, v = item.split("=")
    if k == "a":
        a = float(v)
x, d = point, len(point)
loss = sum(a * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(d - 1))
grad = [0.0] * d
hess = [[0.0] * d for _ in range(d)]
for i in range(d - 1):
    grad[i] += -4 * a * x[i] * (x[i + 1] - x[i] ** 2) - 2 * (1 - x[i])
    grad[i + 1] += 2 * a * (x[i + 1] - x[i] ** 2)
    hess[i][i] += 2 - 4 * a * (x[i + 1] - x[i] ** 2) + 8 * a * x[i] ** 2
    hess[i + 1][i + 1] += 2 * a
    hess[i][i + 1] += -4 * a * x[i]
    hess[i + 1][i] += -4 * a * x[i]
def close(u, v, tol=1e-12):
    return abs(u - v) <= tol * max(1.0, abs(v))
errors = []
if j["dim"] != d: errors.append(f"dim {j['dim']} != {d}")
if j["x"] != x: errors.append(f"x {j['x']} != {x}")
if not close(j["loss"], loss): errors.append(f"loss {j['loss']} != {loss}")
if len(j["gradient"]) != d or not all(close(g, e) for g, e in zip(j["gradient"], grad)):
    errors.append(f"gradient {j['gradient']} != {grad}")
if not close(j["gradient_norm"], sum(g * g for g in grad) ** 0.5): errors.append("gradient_norm")
if want_hessian:
    h = j.get("hessian")
    if h is None or len(h) != d or any(len(r) != d for r in h) or \
       not all(close(h[r][c], hess[r][c]) for r in range(d) for c in range(d)):
        errors.append(f"hessian {h} != {hess}")
elif "hessian" in j:
    errors.append("hessian written without --hessian")
for key in ("values", "gradients", "hvps", "samples"):
    if key not in j["counters"]: errors.append(f"counters lacks {key}")
if j["counters"]["gradients"] < 1: errors.append("counters.gradients < 1")
if errors:
    print("; ".join(errors)); sys.exit(1)
PY
}

if "$OPTDYN" eval --objective rosenbrock:dim=3 --x0 0,0,0 --out "$WORK/r.json" 2>"$WORK/r.err"; then
  [ -s "$WORK/r.err" ] && fail "eval wrote to stderr: $(cat "$WORK/r.err")"
  [ -e "$WORK/r.json.tmp" ] && fail "eval left r.json.tmp behind"
  msg=$(check_rosenbrock "$WORK/r.json" 0,0,0 0) && pass "eval rosenbrock:dim=3 at 0: loss 2, gradient (-2,-2,0)" \
    || fail "eval rosenbrock at 0: $msg"
  "$PYTHON" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["loss"]==2 and j["gradient"]==[-2,-2,0] else 1)' \
    "$WORK/r.json" || fail "eval rosenbrock at 0: loss/gradient not exactly 2 and (-2,-2,0)"
else
  fail "eval rosenbrock:dim=3 exited $?: $(cat "$WORK/r.err")"
fi
if "$OPTDYN" eval --objective rosenbrock:dim=3 --x0 zeros --hessian --out "$WORK/h.json" 2>"$WORK/h.err"; then
  msg=$(check_rosenbrock "$WORK/h.json" 0,0,0 1) && pass "eval --hessian at 0 equals diag(2, 202, 200)" \
    || fail "eval --hessian at 0: $msg"
else
  fail "eval --hessian exited $?: $(cat "$WORK/h.err")"
fi
# A generic point, given as a file (one value per line, comments allowed).
printf '# a point\n0.5\n-1   # second\n\n2\n' >"$WORK/point.txt"
if "$OPTDYN" eval --objective rosenbrock:dim=3 --x0 "$WORK/point.txt" --hessian --out "$WORK/p.json" 2>"$WORK/p.err"; then
  msg=$(check_rosenbrock "$WORK/p.json" 0.5,-1,2 1) && pass "eval --hessian at (0.5,-1,2) from a file" \
    || fail "eval at (0.5,-1,2): $msg"
else
  fail "eval with an x0 file exited $?: $(cat "$WORK/p.err")"
fi
# init: specs are deterministic.
"$OPTDYN" eval --objective rosenbrock:dim=4 --x0 init:gaussian,seed=3 --out "$WORK/i1.json" 2>/dev/null &&
  "$OPTDYN" eval --objective rosenbrock:dim=4 --x0 init:gaussian,seed=3 --out "$WORK/i2.json" 2>/dev/null &&
  cmp -s "$WORK/i1.json" "$WORK/i2.json" && pass "eval with init:gaussian,seed=3 is deterministic" \
  || fail "eval with init:gaussian is not deterministic"

# --- bad input: exit 2, exactly one line on stderr naming the culprit ----------------------
expect_bad_input_from() {  # PROGRAM DESCRIPTION NEEDLE ARGS...
  local program=$1 what=$2 needle=$3
  shift 3
  "$program" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
  local status=$? lines
  lines=$(wc -l <"$WORK/err.txt")
  if [ "$status" -ne 2 ]; then
    fail "$what: exit $status, expected 2 (stderr: $(cat "$WORK/err.txt"))"
  elif [ "$lines" -ne 1 ]; then
    fail "$what: $lines lines on stderr, expected 1: $(cat "$WORK/err.txt")"
  elif ! grep -qF -- "$needle" "$WORK/err.txt"; then
    fail "$what: stderr does not name '$needle': $(cat "$WORK/err.txt")"
  else
    pass "$what → exit 2: $(cat "$WORK/err.txt")"
  fi
}
expect_bad_input() { expect_bad_input_from "$OPTDYN" "$@"; }  # DESCRIPTION NEEDLE ARGS...
R="rosenbrock:dim=3"
O="$WORK/bad.json"
printf '1\n# comment\n2\nnot-a-number\n' >"$WORK/malformed.txt"
expect_bad_input "unknown objective" "'nosuch'" eval --objective nosuch --x0 zeros --out "$O"
expect_bad_input "unknown key" "'foo'" eval --objective rosenbrock:dim=3,foo=1 --x0 zeros --out "$O"
expect_bad_input "malformed spec" "'dim'" eval --objective rosenbrock:dim --x0 zeros --out "$O"
expect_bad_input "bad value" "'dim'" eval --objective rosenbrock:dim=abc --x0 zeros --out "$O"
expect_bad_input "out-of-range value" "'dim'" eval --objective rosenbrock:dim=1 --x0 zeros --out "$O"
expect_bad_input "wrong x0 length" "x0: has length 2, objective 'rosenbrock" eval --objective "$R" --x0 1,2 --out "$O"
expect_bad_input "bad x0 list entry" "entry 2" eval --objective "$R" --x0 1,x,3 --out "$O"
expect_bad_input "missing x0 file" "$WORK/missing.txt" eval --objective "$R" --x0 "$WORK/missing.txt" --out "$O"
expect_bad_input "malformed x0 file" "$WORK/malformed.txt' line 4" eval --objective "$R" --x0 "$WORK/malformed.txt" --out "$O"
expect_bad_input "unknown init scheme" "'bogus'" eval --objective "$R" --x0 init:bogus --out "$O"
expect_bad_input "unknown init key" "'gian'" eval --objective "$R" --x0 init:gaussian,gian=2 --out "$O"
expect_bad_input "unknown option" "'--bogus'" eval --objective "$R" --x0 zeros --out "$O" --bogus
expect_bad_input "abbreviated option" "'--obj'" eval --obj "$R" --x0 zeros --out "$O"
expect_bad_input "missing required option" "'--out'" eval --objective "$R" --x0 zeros
expect_bad_input "missing --x0" "'--x0'" eval --objective "$R" --out "$O"
expect_bad_input "repeated option" "'--out'" eval --objective "$R" --x0 zeros --out "$O" --out "$O"
expect_bad_input "unwritable --out" "$WORK/no/such/dir/x.json" eval --objective "$R" --x0 zeros --out "$WORK/no/such/dir/x.json"
expect_bad_input "Hessian too large" "--hessian" eval --objective quadratic:dim=5001,rotate=false --x0 zeros --hessian --out "$O"
expect_bad_input "unknown subcommand" "'frobnicate'" frobnicate
expect_bad_input "option before subcommand" "'--bogus'" --bogus
expect_bad_input "no subcommand" "missing command"
expect_bad_input "help for unknown subcommand" "'nosuch'" help nosuch
expect_bad_input "unknown list kind" "'widgets'" list widgets
expect_bad_input "list without kind" "missing KIND" list
# Data and file errors.
expect_bad_input "missing fashion-mnist directory" "/nonexistent" \
  eval --objective mlp:data=fashion-mnist,path=/nonexistent,n=10 --x0 zeros --out "$O"
mkdir -p "$WORK/fm"
# A gzip header followed by bytes that are not a deflate stream.
printf '\037\213\010\000\000\000\000\000\000\003this is not deflate data at all' >"$WORK/fm/train-labels-idx1-ubyte.gz"
cp "$WORK/fm/train-labels-idx1-ubyte.gz" "$WORK/fm/train-images-idx3-ubyte.gz"
expect_bad_input "corrupt gzip data file" "$WORK/fm/train-" \
  eval --objective "mlp:data=fashion-mnist,path=$WORK/fm,n=10" --x0 zeros --out "$O"
expect_bad_input "--x0 is a directory" "is a directory" eval --objective "$R" --x0 "$WORK/fm" --out "$O"
# Oversized specs: rejected by the size budgets before allocating, naming the key.
expect_bad_input "oversized data (n)" "key 'n'" eval --objective mlp:data=gaussian,n=99999999,widths=3-2 --x0 zeros --out "$O"
expect_bad_input "oversized least_squares" "key 'n'" eval --objective least_squares:n=100000000,dim=100 --x0 zeros --out "$O"
expect_bad_input "oversized network (widths)" "key 'widths'" eval --objective mlp:data=gaussian,n=10,widths=3-100000-100000-2 --x0 zeros --out "$O"
expect_bad_input "oversized deep linear net" "key 'widths'" eval --objective deep_linear:data=gaussian,n=10,widths=3-100000-100000-2 --x0 zeros --out "$O"
expect_bad_input "oversized hierarchical data" "key 'levels'" \
  eval --objective mlp:data=hierarchical,levels=16,features=1,widths=65536-1 --x0 zeros --out "$O"
expect_bad_input "singular whitening" "key 'whiten_eps'" \
  eval --objective mlp:data=gaussian,n=4,widths=5-1,loss=mse,whiten=true,whiten_eps=0 --x0 zeros --out "$O"
[ -e "$O" ] && fail "a failed eval left $O behind"

# --- experiment binaries: --set errors ------------------------------------------------------
GS="$BIN_DIR/gradient_scaling"
if [ -x "$GS" ]; then
  expect_bad_input_from "$GS" "gradient_scaling: empty list entry" "key 'nets'" --out "$WORK/gs" --set nets=linear/
  expect_bad_input_from "$GS" "gradient_scaling: gain out of range" "key 'gains'" --out "$WORK/gs" --set gains=0/1
  expect_bad_input_from "$GS" "gradient_scaling: g^L overflows" "key 'gains'" --out "$WORK/gs" --set gains=100 --set depths=200
  expect_bad_input_from "$GS" "gradient_scaling: oversized data" "key 'replicates'" \
    --out "$WORK/gs" --set n=100000 --set replicates=100000
  expect_bad_input_from "$GS" "gradient_scaling: oversized network" "key 'width'" \
    --out "$WORK/gs" --set width=4096 --set depths=4096 --set gains=1 --set n=1
  [ -e "$WORK/gs" ] && fail "a failed gradient_scaling run left $WORK/gs behind"
else
  fail "$GS not found"
fi
expect_bad_input "--out is a directory" "is a directory" eval --objective "$R" --x0 zeros --out "$WORK"
[ -e "$WORK.tmp" ] && fail "writing to a directory left $WORK.tmp behind"

# --- outputs that are not regular files are written to, never replaced ------------------
# A named pipe stands in for /dev/null or /dev/stdout (a test must never risk the real ones).
mkfifo "$WORK/pipe"
cat "$WORK/pipe" >"$WORK/from_pipe.json" &
reader=$!
"$OPTDYN" eval --objective "$R" --x0 0,0,0 --out "$WORK/pipe" 2>"$WORK/pipe.err" || fail "eval into a pipe exited $?: $(cat "$WORK/pipe.err")"
wait "$reader"
[ -p "$WORK/pipe" ] && pass "a pipe given as --out is still a pipe" || fail "eval replaced the pipe --out with a file"
grep -q '"loss"' "$WORK/from_pipe.json" || fail "nothing came through the pipe"
# A symbolic link at --out is refused (exit 2, naming it): neither the link nor its target changes.
echo old >"$WORK/real.json"
ln -s "$WORK/real.json" "$WORK/link.json"
expect_bad_input "--out is a symlink" "link.json" eval --objective "$R" --x0 0,0,0 --out "$WORK/link.json"
{ [ -L "$WORK/link.json" ] && [ "$(cat "$WORK/real.json")" = old ]; } && pass "a symlink --out keeps the link and its target" ||
  fail "eval through a symlink changed the link or its target"

# A token holding a Program_options placeholder ("%value%") once made the error text loop
# forever (found by the command-line fuzz target): now exit 2 at once, naming the option.
# A --x0 text with a comma and a component longer than NAME_MAX once escaped as exit 1 from
# std::filesystem::exists (found by the x0 fuzz target): it is a (bad) number list, exit 2.
expect_bad_input "an --x0 list too long to be a file name" "x0" eval --objective quadratic:dim=3 \
  --x0 "a$(printf '3%.0s' $(seq 300)),1,2" --out "$WORK/long.json"
expect_bad_input_from timeout "a value '%value%'" "--steps" 20 "$OPTDYN" run --steps %value%
expect_bad_input_from timeout "an experiment --seed '%value%'" "seed" 20 "$BIN_DIR/example_gd_stability" --out "$WORK/pct" --seed %value%

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all cli tests passed"
