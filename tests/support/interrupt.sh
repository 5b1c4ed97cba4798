# Sourced by the tests that interrupt commands and resume them (run_resume_test.sh,
# flow_resume_test.sh), after support/shell_test.sh. A signal must land mid-run on any
# machine, loaded or not, under the sanitizers or not: it is timed from the duration of the
# same command run uninterrupted (the journal is written in 64 KiB blocks, so its size does
# not say how far a short command is).
#
#   timed LOG COMMAND...   runs COMMAND (stderr to LOG), sets $seconds to its wall time,
#                          returns its exit status
#   fraction F S           F·S, as a sleep argument
#   leftovers DIR          temporaries, locks and checkpoints left in DIR
timed() {
  local log=$1 start rc
  shift
  start=$(date +%s%N)
  "$@" 2>"$log"
  rc=$?
  seconds=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
  return $rc
}
fraction() { awk -v f="$1" -v s="$2" 'BEGIN { printf "%.3f", f * s }'; }
leftovers() { find "$1" \( -name '*.tmp' -o -name '*.lock' -o -name '*.checkpoint.*' \) 2>/dev/null; }
