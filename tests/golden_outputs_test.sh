#!/usr/bin/env bash
# No number changes (architecture issue): runs the fixed command set tests/golden/commands.sh
# (eval, run with every optimizer family, flow, compare, spectrum, every experiment at quick
# scale) and compares the hash of every output with tests/golden/sha256.txt, recorded from
# the code before the refactoring. CSVs are compared byte for byte; JSON after dropping
# wall-clock fields, the command line and git commit, and normalising how a number inside a
# recorded spec string is spelled (tests/golden/normalize.py).
#
# Bits depend on the CPU's vector ISA (-march=native) and the BLAS backend, so the hashes hold
# for the machine type they were recorded on (first line of sha256.txt); elsewhere the test
# is skipped (exit 77) and says so.
# Usage: bash golden_outputs_test.sh BIN_DIR SOURCE_DIR   (re-record: GOLDEN_RECORD=1)
set -u
BIN=${1:?usage: golden_outputs_test.sh BIN_DIR SOURCE_DIR}
SRC=${2:?usage: golden_outputs_test.sh BIN_DIR SOURCE_DIR}
PYTHON=${PYTHON:-/usr/bin/python3}
GOLDEN="$SRC/tests/golden/sha256.txt"
OUT=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-golden.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

machine() {  # CPU model and its vector extensions: what the bits depend on
  local model flags
  model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
  flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|fma|sse4)' | sort | tr '\n' ' ')
  echo "# machine: $model | $flags"
}

# Under the sanitizer build (./lab sanitize sets OPTDYN_SANITIZED=1) the commands run, so
# every path they take is checked for memory errors and undefined behaviour, but the hashes
# are not compared: other optimisation flags may round differently.
sanitized=${OPTDYN_SANITIZED:-}
if [ -z "${GOLDEN_RECORD:-}" ] && [ -z "$sanitized" ] && [ "$(head -n 1 "$GOLDEN")" != "$(machine)" ]; then
  echo "skipped: hashes were recorded on '$(head -n 1 "$GOLDEN")', this is '$(machine)'"
  exit 77
fi

export BIN OUT
if ! bash -c 'source "$0"' "$SRC/tests/golden/commands.sh" >"$OUT.log" 2>&1; then
  # A sanitizer report is long (the stack traces): show all of it in the sanitizer build.
  lines=5; [ -z "$sanitized" ] || lines=150
  echo "FAIL: a golden command failed:"; tail -n "$lines" "$OUT.log"; rm -f "$OUT.log"; exit 1
fi
rm -f "$OUT.log"
if [ -n "$sanitized" ]; then
  echo "ran every golden command under the sanitizers; hashes not compared"
  exit 0
fi
"$PYTHON" "$SRC/tests/golden/normalize.py" "$OUT" >"$OUT/../$(basename "$OUT").hashes"
hashes="$OUT/../$(basename "$OUT").hashes"
trap 'rm -rf "$OUT" "$hashes"' EXIT

if [ -n "${GOLDEN_RECORD:-}" ]; then
  { machine; cat "$hashes"; } >"$GOLDEN"
  echo "recorded $(wc -l <"$hashes") hashes into $GOLDEN"
  exit 0
fi

if diff <(tail -n +2 "$GOLDEN") "$hashes" >"$OUT/diff.txt"; then
  echo "ok: $(wc -l <"$hashes") outputs identical to the recorded ones"
  exit 0
fi
echo "FAIL: outputs differ from tests/golden/sha256.txt ('<' recorded, '>' now):"
cat "$OUT/diff.txt"
exit 1
