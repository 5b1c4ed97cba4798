#!/usr/bin/env bash
# Reproducibility contract (doc/design.md, "Experiments and reproducibility"), on the
# gradient_scaling experiment at --scale quick:
#  * the same seed twice into two directories gives byte-identical CSVs (cmp);
#  * manifest.json exists, lists every CSV, and its sha256/bytes entries match sha256sum
#    and the file sizes; no temporary files are left behind;
#  * rerunning into the non-empty directory without --force exits 2 with one line on
#    stderr, and leaves the files untouched; with --force it runs;
#  * a different seed changes at least one CSV.
# Usage: bash reproducibility_test.sh BIN_DIR SOURCE_DIR
source "$(dirname "$0")/support/shell_test.sh" "$@"
EXPERIMENT="$BIN_DIR/gradient_scaling"
PYTHON=${PYTHON:-/usr/bin/python3}

[ -x "$EXPERIMENT" ] || { echo "FAIL: $EXPERIMENT not found"; exit 1; }

run() {  # DIR SEED [extra args]
  local dir=$1 seed=$2
  shift 2
  "$EXPERIMENT" --out "$dir" --seed "$seed" --scale quick "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"
}

run "$WORK/a" 7 || { echo "FAIL: first run exited $?: $(cat "$WORK/stderr.txt")"; exit 1; }
run "$WORK/b" 7 || { echo "FAIL: second run exited $?: $(cat "$WORK/stderr.txt")"; exit 1; }

# --- same seed: byte-identical CSVs ---------------------------------------------------------
csvs=$(cd "$WORK/a" && ls -1 *.csv 2>/dev/null)
[ -n "$csvs" ] || fail "no CSV written"
for f in $csvs; do
  if cmp -s "$WORK/a/$f" "$WORK/b/$f"; then pass "same seed: $f identical"; else fail "same seed: $f differs"; fi
done
[ "$(cd "$WORK/b" && ls -1 *.csv)" = "$csvs" ] || fail "the two runs wrote different file sets"

# --- manifest ---------------------------------------------------------------------------------
for dir in "$WORK/a" "$WORK/b"; do
  [ -f "$dir/manifest.json" ] || { fail "$dir/manifest.json missing"; continue; }
  leftovers=$(cd "$dir" && ls -1 | grep '\.tmp$')
  [ -z "$leftovers" ] || fail "temporary files left in $dir: $leftovers"
  (cd "$dir" && sha256sum *.csv) >"$WORK/sums.txt"
  if msg=$("$PYTHON" - "$dir" "$WORK/sums.txt" <<'PY'
import json, os, sys
directory, sums = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(directory, "manifest.json")))
errors = []
for key in ("experiment", "git_commit", "build_type", "compiler", "seed", "scale", "parameters",
            "start_time", "end_time", "wall_seconds", "status", "files"):
    if key not in m: errors.append(f"manifest lacks '{key}'")
if m.get("experiment") != "gradient_scaling": errors.append(f"experiment = {m.get('experiment')}")
if m.get("seed") != 7: errors.append(f"seed = {m.get('seed')}")
if m.get("scale") != "quick": errors.append(f"scale = {m.get('scale')}")
if m.get("status") != "ok": errors.append(f"status = {m.get('status')}")
listed = {f["path"]: f for f in m.get("files", [])}
for line in open(sums):
    digest, name = line.split(None, 1)
    name = name.strip().lstrip("*")
    entry = listed.get(name)
    if entry is None:
        errors.append(f"{name} not in the manifest"); continue
    if entry.get("sha256") != digest: errors.append(f"{name}: manifest sha256 {entry.get('sha256')} != sha256sum {digest}")
    size = os.path.getsize(os.path.join(directory, name))
    if entry.get("bytes") != size: errors.append(f"{name}: manifest bytes {entry.get('bytes')} != {size}")
for name in listed:
    if not os.path.exists(os.path.join(directory, name)): errors.append(f"manifest lists missing file {name}")
if errors:
    print("; ".join(errors)); sys.exit(1)
print(f"{len(listed)} files")
PY
  ); then pass "manifest of $(basename "$dir"): sha256 and sizes match sha256sum ($msg)"; else fail "manifest of $dir: $msg"; fi
done

# --- non-empty directory -------------------------------------------------------------------
(cd "$WORK/a" && sha256sum *) >"$WORK/before.txt"
run "$WORK/a" 7
status=$?
if [ "$status" -ne 2 ]; then
  fail "rerun into a non-empty --out without --force exited $status, expected 2"
elif [ "$(wc -l <"$WORK/stderr.txt")" -ne 1 ] || ! grep -q -- "--force" "$WORK/stderr.txt"; then
  fail "rerun without --force: expected one line mentioning --force, got: $(cat "$WORK/stderr.txt")"
else
  pass "rerun without --force refused: $(cat "$WORK/stderr.txt")"
fi
(cd "$WORK/a" && sha256sum *) | cmp -s - "$WORK/before.txt" || fail "the refused rerun modified $WORK/a"

# --- a different seed changes at least one CSV (rerun with --force into b) -----------------
if run "$WORK/b" 8 --force; then
  changed=0
  for f in $csvs; do cmp -s "$WORK/a/$f" "$WORK/b/$f" || changed=$((changed + 1)); done
  if [ "$changed" -gt 0 ]; then pass "seed 8 changes $changed CSV(s)"; else fail "seed 8 gives the same CSVs as seed 7"; fi
  "$PYTHON" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["seed"] == 8 else 1)' "$WORK/b/manifest.json" \
    || fail "--force rerun did not rewrite the manifest"
else
  fail "run with seed 8 and --force exited $?: $(cat "$WORK/stderr.txt")"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all reproducibility tests passed"
