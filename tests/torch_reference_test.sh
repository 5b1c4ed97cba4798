#!/usr/bin/env bash
# optdyn's convention=torch optimizers against torch.optim (tests/torch_reference.py).
# Skips (exit 77, which CTest reports as "Skipped") when /usr/bin/python3 cannot import torch.
# Usage: bash torch_reference_test.sh BIN_DIR SOURCE_DIR
set -u
BIN_DIR=${1:?usage: torch_reference_test.sh BIN_DIR SOURCE_DIR}
SOURCE_DIR=${2:?usage: torch_reference_test.sh BIN_DIR SOURCE_DIR}
PYTHON=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/optdyn-torch-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" "$SOURCE_DIR/tests/torch_reference.py" "$BIN_DIR/optdyn" "$WORK"
rc=$?
if [ $rc -eq 77 ]; then
  echo "skipped: torch is not importable by $PYTHON"
  exit 77
fi
exit $rc
