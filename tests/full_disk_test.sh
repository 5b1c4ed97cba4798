#!/usr/bin/env bash
# A full disk (README "Guarantees"): writing an output that does not fit is exit 2 with one
# line naming the file (never exit 1, "internal error"), leaves no temporary, and leaves an
# earlier file of the same name intact. Needs a tiny file system: a 16 KiB tmpfs mounted
# for the test, which needs root (CI runs as root); otherwise skipped (exit 77).
# Usage: bash full_disk_test.sh BIN_DIR SOURCE_DIR
set -u
BIN_DIR=$(cd "${1:?usage: full_disk_test.sh BIN_DIR SOURCE_DIR}" && pwd)
OPTDYN="$BIN_DIR/optdyn"
[ -x "$OPTDYN" ] || { echo "FAIL: $OPTDYN not found"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "skip: mounting a tiny tmpfs needs root"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-full-disk-test.XXXXXX")
TINY="$WORK/tiny"
mkdir "$TINY"
if ! mount -t tmpfs -o size=16k tmpfs "$TINY" 2>/dev/null; then
  rm -rf "$WORK"
  echo "skip: cannot mount a tmpfs here"
  exit 77
fi
trap 'umount "$TINY"; rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
expect_full() {  # WHAT RC STDERR-FILE PATH
  if [ "$2" -eq 2 ] && grep -qF -- "cannot write '$4': No space left on device" "$3" && [ "$(wc -l <"$3")" -eq 1 ]; then
    pass "$1: exit 2 naming $4"
  else
    fail "$1: exit $2: $(cat "$3")"
  fi
}

echo earlier >"$TINY/a.csv"
"$OPTDYN" run --objective quadratic:eigs=1/0.5 --optimizer gd:lr=0.1 --steps 5000 --out "$TINY/a.csv" 2>"$WORK/err"
expect_full "optdyn run, CSV larger than the disk" $? "$WORK/err" "$TINY/a.csv"
[ "$(cat "$TINY/a.csv")" = earlier ] && pass "the earlier a.csv is intact" || fail "a.csv changed"
"$OPTDYN" eval --objective quadratic:dim=2000 --x0 zeros --out "$TINY/e.json" 2>"$WORK/err"
expect_full "optdyn eval, JSON larger than the disk" $? "$WORK/err" "$TINY/e.json"
"$BIN_DIR/example_gd_stability" --out "$TINY/ex" 2>"$WORK/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "$TINY/ex/" "$WORK/err" && grep -qF "No space left on device" "$WORK/err"; then
  pass "experiment into a full disk: exit 2 naming the file"
else
  fail "experiment into a full disk: exit $rc: $(cat "$WORK/err")"
fi
[ -e "$TINY/ex" ] && fail "the failed experiment left $TINY/ex"
left=$(find "$TINY" -name '*.tmp' -o -name '*.lock')
[ -z "$left" ] && pass "no temporary or lock left on the full disk" || fail "left: $left"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all full-disk tests passed"
