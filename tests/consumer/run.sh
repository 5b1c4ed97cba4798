#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then configures, builds and runs the
# consumer project against it with find_package(optdyn).
set -euo pipefail
build_dir=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work.install.log" 2>&1 || { cat "$work.install.log"; exit 1; }
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/build" > /dev/null
"$work/build/consumer"
"$work/build/consumer_all"
"$work/build/example_gd_stability" --out "$work/example" --seed 1 --scale quick > /dev/null
test -s "$work/example/loss.csv" && test -s "$work/example/manifest.json"
