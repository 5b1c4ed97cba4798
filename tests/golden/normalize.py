"""Hash every output of tests/golden/commands.sh in a form that ignores only what may differ
between two identical computations: wall-clock fields, the command line and git commit in
manifests, and how a number inside a recorded spec string is spelled (`1e-3` vs `0.001`).
Everything else (every CSV byte, every number in a status or summary file) is hashed as is.

usage: normalize.py OUT_DIR  → prints "sha256  relative/path" lines, sorted by path."""
import hashlib
import json
import os
import re
import sys

VOLATILE = {"git_commit", "command_line", "start_time", "end_time", "wall_seconds", "seconds"}
SKIP_FILES = {"cpu_time.json", "wall_time.json"}  # saddle_escape's CPU time, optimizer_zoo's wall time
NUMBER = re.compile(r"(?<=[=/])(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?=[,|/]|$)")
SPEC = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:")


def canonical_spec(text):
    return NUMBER.sub(lambda m: repr(float(m.group(1))), text)


def normalize(value):
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):  # (a manifest's file list also names the skipped files)
        return [normalize(v) for v in value if not (isinstance(v, dict) and v.get("path") in SKIP_FILES)]
    if isinstance(value, str) and SPEC.match(value):
        return canonical_spec(value)
    return value


def digest(path):
    data = open(path, "rb").read()
    if path.endswith(".json"):
        obj = json.loads(data, object_pairs_hook=lambda pairs: dict(pairs))
        data = json.dumps(normalize(obj), indent=1, ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()


def main(root):
    rows = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name in SKIP_FILES:
                continue
            path = os.path.join(folder, name)
            rows.append((os.path.relpath(path, root), digest(path)))
    for rel, h in sorted(rows):
        print(f"{h}  {rel}")


if __name__ == "__main__":
    main(sys.argv[1])
