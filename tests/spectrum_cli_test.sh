#!/usr/bin/env bash
# `optdyn spectrum` end to end: files and columns, values against a quadratic with a
# prescribed spectrum (dense and Lanczos paths), the density/trace outputs, and every
# bad-input path (exit 2, exactly one line on stderr naming the option).
# Usage: bash spectrum_cli_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
PYTHON=${PYTHON:-/usr/bin/python3}

[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }

# A prescribed spectrum, D = 12: nine positive (4 ... 0.3, trace 11.7), one zero, −0.5 and −2.
EIGS="4/3/2.5/2/1.5/1.2/1/0.7/0.3/0/-0.5/-2"
Q="quadratic:eigs=$EIGS,rotate=true,seed=3"

check_json() {  # check_json FILE PYTHON-EXPRESSION-ON-j DESCRIPTION
  if "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; then
    pass "$3"
  else
    fail "$3: $(cat "$1")"
  fi
}

# --- dense path: files, columns, exact values ------------------------------------------
if "$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 3 --which both --out "$WORK/dense" 2>"$WORK/dense.err"; then
  pass "spectrum (dense) exits 0"
else
  fail "spectrum (dense) exited $?: $(cat "$WORK/dense.err")"
fi
[ "$(head -1 "$WORK/dense/eigen.csv")" = "rank,eigenvalue,residual" ] || fail "eigen.csv header"
[ "$(wc -l <"$WORK/dense/eigen.csv")" -eq 7 ] || fail "eigen.csv should have 6 rows"
"$PYTHON" - "$WORK/dense/eigen.csv" <<'PY' && pass "dense eigenvalues and ranks" || fail "dense eigenvalues and ranks"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = {12: 4.0, 11: 3.0, 10: 2.5, 1: -2.0, 2: -0.5, 3: 0.0}
got = {int(r["rank"]): float(r["eigenvalue"]) for r in rows}
assert set(got) == set(want), got
assert all(abs(got[k] - v) < 1e-12 for k, v in want.items()), got
assert all(float(r["residual"]) < 1e-12 for r in rows)
PY
check_json "$WORK/dense/summary.json" \
  "j['method']=='dense' and j['converged'] and j['index']['exact'] and j['index']['negative']==2 and j['index']['near_zero']==1 and j['index']['positive']==9 and abs(j['index']['index']-2/12)<1e-15 and j['hvps']>=6 and j['seconds']>=0" \
  "dense summary: exact index 2/12, one near-zero"
[ -e "$WORK/dense/density.csv" ] && fail "density.csv written without --density"

# --- Lanczos path with density ----------------------------------------------------------
if "$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 2 --which largest --dense never --ncv 8 --index slq \
     --density --probes 3 --lanczos-steps 12 --seed 5 --out "$WORK/lanczos" 2>"$WORK/lanczos.err"; then
  pass "spectrum (lanczos, density) exits 0"
else
  fail "spectrum (lanczos) exited $?: $(cat "$WORK/lanczos.err")"
fi
check_json "$WORK/lanczos/summary.json" \
  "j['method']=='lanczos' and j['solver']=='krylov_schur' and j['residual_source']=='stored_products' and j['ncv']==8 and j['converged'] and j['index']['source']=='slq' and abs(j['trace']['value']-11.7)<=4*j['trace']['stderr'] and j['density']['hvps']==36 and j['hvps']==j['hvps_eigen']+36" \
  "lanczos summary (method, ncv, SLQ index, Hutchinson trace 11.7 within 4 standard errors, HVP counts)"
[ "$(head -1 "$WORK/lanczos/density.csv")" = "lambda,density" ] || fail "density.csv header"
[ "$(wc -l <"$WORK/lanczos/density.csv")" -eq 1001 ] || fail "density.csv should have 1000 rows"
"$PYTHON" - "$WORK/lanczos/eigen.csv" <<'PY' && pass "lanczos eigenvalues" || fail "lanczos eigenvalues"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [int(r["rank"]) for r in rows] == [12, 11]
assert abs(float(rows[0]["eigenvalue"]) - 4) < 1e-9 and abs(float(rows[1]["eigenvalue"]) - 3) < 1e-9
PY
# --- the saddle index: inertia (exact) and Chebyshev filters (intervals, resolution, status) ---
"$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 1 --dense never --index inertia --out "$WORK/inertia" 2>/dev/null
check_json "$WORK/inertia/summary.json" \
  "j['index']['source']=='inertia' and j['index']['status']=='exact' and j['index']['negative']==2 and j['index']['near_zero']==1 and j['index']['positive']==9" \
  "inertia index: 2 negative, 1 near zero, 9 positive (as the dense spectrum)"
# Extreme eigenpairs alone carry no index by default (auto: none without the dense spectrum or
# a density: the estimate costs products).
"$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 1 --dense never --out "$WORK/noindex" 2>/dev/null
check_json "$WORK/noindex/summary.json" "j['index'] is None and j['hvps']==j['hvps_eigen']" \
  "auto on the Lanczos path without --density: no index, no products spent on one"
# kpm: each interval covers the count of the prescribed spectrum at the reported tolerance tau
# (>= the filter resolution), and the status is stated.
"$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 1 --dense never --index kpm --index-degree 400 --index-probes 10 \
  --out "$WORK/kpm" 2>"$WORK/kpm.err"
check_json "$WORK/kpm/summary.json" \
  "(lambda i, l: i['source']=='kpm' and i['status'] in ('resolved','unresolved') and i['tolerance']>=i['tau_resolution']>0 and i['level']==0.95 and all(i[m]['low']<=sum(1 for x in l if f(x, i['tolerance']))<=i[m]['high'] for m, f in (('negative', lambda x, t: x < -t), ('near_zero', lambda x, t: abs(x) <= t), ('positive', lambda x, t: x > t))) and i['hvps']==j['hvps']-j['hvps_eigen'])(j['index'], [float(x) for x in '$EIGS'.split('/')])" \
  "kpm index: intervals cover the prescribed counts at the reported tau, HVPs counted"
# Too low a degree: the zero and the eigenvalue at -0.5 land in the transition bands; that is
# an answer (exit 0, status unresolved with a message, one note on stderr), not an error.
if "$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 1 --dense never --index kpm --index-degree 4 \
     --out "$WORK/unresolved" 2>"$WORK/unresolved.err"; then
  pass "unresolved index exits 0"
else
  fail "unresolved index exited $?"
fi
check_json "$WORK/unresolved/summary.json" \
  "j['index']['status']=='unresolved' and 'unresolved' in j['index']['message'] and j['index']['negative']['low']<=2<=j['index']['negative']['high']" \
  "unresolved index: status, message, and the interval still covers"
grep -q "note: index .*unresolved" "$WORK/unresolved.err" && pass "unresolved note on stderr" || fail "no unresolved note: $(cat "$WORK/unresolved.err")"

# Same seed, same files.
"$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 2 --which largest --dense never --ncv 8 --index slq \
  --density --probes 3 --lanczos-steps 12 --seed 5 --out "$WORK/lanczos2" 2>/dev/null
cmp -s "$WORK/lanczos/density.csv" "$WORK/lanczos2/density.csv" && cmp -s "$WORK/lanczos/eigen.csv" "$WORK/lanczos2/eigen.csv" \
  && pass "reproducible" || fail "same seed gave different files"

# --- both ends: one Krylov–Schur space vs two Spectra solves, same pairs -------------------
for solver in krylov_schur spectra; do
  "$OPTDYN" spectrum --objective "$Q" --x0 zeros --k 2 --which both --dense never --solver $solver \
    --tol 1e-12 --out "$WORK/both-$solver" 2>/dev/null || fail "--which both --solver $solver exited $?"
done
"$PYTHON" - "$WORK/both-krylov_schur" "$WORK/both-spectra" <<'PY' && pass "both ends: krylov_schur equals spectra, fewer HVPs" || fail "both ends krylov_schur vs spectra"
import csv, json, sys
want = {12: 4.0, 11: 3.0, 1: -2.0, 2: -0.5}
for d in sys.argv[1:]:
    got = {int(r["rank"]): float(r["eigenvalue"]) for r in csv.DictReader(open(d + "/eigen.csv"))}
    assert set(got) == set(want) and all(abs(got[k] - v) < 1e-9 for k, v in want.items()), (d, got)
ks, sp = (json.load(open(d + "/summary.json")) for d in sys.argv[1:])
assert ks["solver"] == "krylov_schur" and sp["solver"] == "spectra" and sp["residual_source"] == "fresh_products"
assert ks["converged"] and sp["converged"] and ks["hvps_eigen"] < sp["hvps_eigen"], (ks["hvps_eigen"], sp["hvps_eigen"])
PY

# --- bad input: exit 2, one line naming the option ----------------------------------------
expect_bad() {  # expect_bad NAME-IN-MESSAGE args...
  local name=$1; shift
  "$OPTDYN" spectrum "$@" >/dev/null 2>"$WORK/bad.err"
  local rc=$?
  if [ $rc -ne 2 ]; then fail "$* exited $rc, expected 2"; return; fi
  if [ "$(wc -l <"$WORK/bad.err")" -ne 1 ]; then fail "$*: stderr is not one line: $(cat "$WORK/bad.err")"; return; fi
  grep -q -- "$name" "$WORK/bad.err" && pass "bad input names $name" || fail "$*: '$name' not in: $(cat "$WORK/bad.err")"
}
expect_bad "--k" --objective "$Q" --x0 zeros --k 13 --out "$WORK/b"
expect_bad "--k" --objective "$Q" --x0 zeros --k 0 --out "$WORK/b"
expect_bad "--k" --objective "$Q" --x0 zeros --k 12 --dense never --out "$WORK/b"
expect_bad "--which" --objective "$Q" --x0 zeros --which top --out "$WORK/b"
expect_bad "--index" --objective "$Q" --x0 zeros --index exact --out "$WORK/b"
expect_bad "--index" --objective "$Q" --x0 zeros --index slq --out "$WORK/b"
expect_bad "--index" --objective "$Q" --x0 zeros --index dense --dense never --out "$WORK/b"
expect_bad "--index-probes" --objective "$Q" --x0 zeros --index-probes 1 --out "$WORK/b"
expect_bad "--index-degree" --objective "$Q" --x0 zeros --index-degree 1 --out "$WORK/b"
expect_bad "--index-level" --objective "$Q" --x0 zeros --index-level 1 --out "$WORK/b"
expect_bad "--index-budget" --objective "$Q" --x0 zeros --index-budget -1 --out "$WORK/b"
expect_bad "--dense" --objective "$Q" --x0 zeros --dense sometimes --out "$WORK/b"
expect_bad "--ncv" --objective "$Q" --x0 zeros --k 3 --dense never --ncv 3 --out "$WORK/b"
expect_bad "--tol" --objective "$Q" --x0 zeros --tol 0 --out "$WORK/b"
expect_bad "--solver" --objective "$Q" --x0 zeros --dense never --solver arpack --out "$WORK/b"
expect_bad "--k" --objective "$Q" --x0 zeros --k 6 --which both --dense never --out "$WORK/b"
expect_bad "--zero-tol" --objective "$Q" --x0 zeros --zero-tol -1 --out "$WORK/b"
expect_bad "--probes" --objective "$Q" --x0 zeros --probes 3 --out "$WORK/b"
expect_bad "--probes" --objective "$Q" --x0 zeros --density --probes 0 --out "$WORK/b"
expect_bad "--lanczos-steps" --objective "$Q" --x0 zeros --density --lanczos-steps 0 --out "$WORK/b"
expect_bad "x0" --objective "$Q" --x0 1,2 --out "$WORK/b"
expect_bad "eigs" --objective "quadratic:eigs=1/x" --x0 zeros --out "$WORK/b"
# Budgets and seeds, before any work is done.
expect_bad "--grid" --objective "$Q" --x0 zeros --density --grid 1000001 --out "$WORK/b"
expect_bad "--grid" --objective "rosenbrock:dim=2000" --x0 zeros --density --probes 1000 --lanczos-steps 1000 --grid 1000000 --out "$WORK/b"
expect_bad "--seed" --objective "$Q" --x0 zeros --density --seed -1 --out "$WORK/b"
expect_bad "--seed" --objective "$Q" --x0 zeros --density --seed x --out "$WORK/b"
expect_bad "--dense-threshold" --objective "$Q" --x0 zeros --dense-threshold 20000 --out "$WORK/b"
expect_bad "--dense" --objective "rosenbrock:dim=10001" --x0 zeros --dense always --out "$WORK/b"
expect_bad "--lanczos-steps" --objective "rosenbrock:dim=10000000" --x0 zeros --k 1 --ncv 3 --density --lanczos-steps 30 --out "$WORK/b"
expect_bad "--probes" --objective "rosenbrock:dim=10000000" --x0 zeros --k 1 --ncv 3 --density --probes 100000 --lanczos-steps 20 --grid 2 --out "$WORK/b"
expect_bad "--ncv" --objective "rosenbrock:dim=10000000" --x0 zeros --k 1 --ncv 30 --out "$WORK/b"
# A point where the Hessian overflows: bad input naming --x0, not an internal error.
BIG=$("$PYTHON" -c "print(','.join(['1e200'] * 30))")
expect_bad "--x0" --objective "rosenbrock:dim=30" --x0 "$BIG" --out "$WORK/b"
expect_bad "--x0" --objective "rosenbrock:dim=30" --x0 "$BIG" --dense never --k 2 --density --out "$WORK/b"
touch "$WORK/afile"
expect_bad "--out" --objective "$Q" --x0 zeros --out "$WORK/afile"

[ $failures -eq 0 ] && echo "all spectrum CLI checks passed" || echo "$failures failure(s)"
[ $failures -eq 0 ]
