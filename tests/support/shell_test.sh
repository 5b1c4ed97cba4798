# Sourced by the shell tests (tests/*_test.sh), after their header comment:
#   source "$(dirname "$0")/support/shell_test.sh" "$@"
# Reads BIN_DIR from the first argument (made absolute; the second, SOURCE_DIR, is left to the
# test), sets OPTDYN, makes a scratch directory WORK removed at exit, and defines pass/fail
# (counting failures) and finish (prints the count; the test's exit status).
set -u
BIN_DIR=$(cd "${1:?usage: $(basename "$0") BIN_DIR SOURCE_DIR}" && pwd)
OPTDYN="$BIN_DIR/optdyn"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
finish() {
  echo "$failures failure(s)"
  [ "$failures" -eq 0 ]
}
