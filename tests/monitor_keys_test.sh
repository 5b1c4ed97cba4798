#!/usr/bin/env bash
# `optdyn help run` lists the curvature monitor's keys exactly as the README does: both are
# CurvatureMonitor::synopsis(), generated from CurvatureMonitorParams::table()
# (objective_params_test checks the README's line against the table).
# Usage: bash monitor_keys_test.sh BIN_DIR SOURCE_DIR
set -u
BIN=${1:?usage: monitor_keys_test.sh BIN_DIR SOURCE_DIR}
SRC=${2:?usage: monitor_keys_test.sh BIN_DIR SOURCE_DIR}
readme=$(grep -m1 '^curvature:every=K\[' "$SRC/README.md") || { echo "FAIL: README.md has no 'curvature:every=' line"; exit 1; }
# The help wraps the synopsis before '[,': join the lines again.
help=$("$BIN/optdyn" help run | tr -d '\n' | sed 's/ *\[,/[,/g')
if [[ "$help" != *"--monitor $readme]"* ]]; then
  echo "FAIL: optdyn help run does not list the README's monitor keys"
  echo "README: $readme"
  "$BIN/optdyn" help run | grep -A3 -- '--monitor'
  exit 1
fi
echo "ok: optdyn help run and README.md list the same monitor keys: $readme"
