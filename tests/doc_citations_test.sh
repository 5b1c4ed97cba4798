#!/usr/bin/env bash
# The project's own documents and what cites them (doc/design.md, "Contributing"):
#  * doc/design.md and doc/references.md exist;
#  * every citation of a section of either, written as the document's path followed by one
#    or more quoted headings (comma-separated, optionally after a comma), names a heading
#    that exists in that document (backticks ignored); a quotation, the path followed by a
#    colon and quoted text, must occur in the document's text;
#  * nothing cites the starting documents the project no longer carries (upper-case
#    design/references files at the top level);
#  * no file carries a path of a particular machine (home directories, the work tree the
#    project was developed in) or a seed's file name (seeds are cited by number).
# Comment markers (//, #, *) at line starts are dropped and lines joined, so a citation may
# wrap. Files: the tracked and untracked-but-not-ignored files of the git work tree, or
# every file under SOURCE_DIR outside build directories when it is not a git work tree.
# Usage: bash doc_citations_test.sh BIN_DIR SOURCE_DIR   (BIN_DIR is not used)
set -u
SOURCE_DIR=${2:?usage: doc_citations_test.sh BIN_DIR SOURCE_DIR}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || { echo "skip: $PYTHON not found"; exit 77; }
exec "$PYTHON" - "$SOURCE_DIR" <<'PY'
import os, re, subprocess, sys

root = sys.argv[1]
failures = []

def fail(message):
    failures.append(message)
    print("FAIL: " + message)

def repository_files():
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             check=True, capture_output=True).stdout.decode("utf-8", "replace")
        names = sorted({n for n in out.split("\0") if n})
        if names:
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if d not in (".git", "__pycache__") and not (rel == "." and (d == "build" or d.startswith("build-")))]
        names += [os.path.normpath(os.path.join(rel, f)) for f in filenames]
    return sorted(names)

def read_text(name):
    path = os.path.join(root, name)
    if not os.path.isfile(path) or os.path.getsize(path) > 4_000_000:
        return None
    data = open(path, "rb").read()
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")

LEADER = re.compile(r"^\s*(?://+|#+|\*+(?!\*))?\s?")
def joined(text):
    return " ".join(LEADER.sub("", line, count=1).strip() for line in text.splitlines())

def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()

DOCS = {key: "doc/" + key + ".md" for key in ("design", "references")}
headings, bodies = {}, {}
for key, name in DOCS.items():
    text = read_text(name)
    if text is None:
        fail(name + " is missing")
        headings[key], bodies[key] = set(), ""
        continue
    found, fenced = set(), False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            found.add(m.group(1).replace("`", ""))
    headings[key], bodies[key] = found, squeeze(text)

QUOTED = r'(?:"[^"]{1,200}"|“[^”]{1,200}”)'
CITATION = re.compile(r"doc/(design|references)\.md(\s*[,:])?\s*(" + QUOTED + r"(?:\s*,\s*" + QUOTED + r")*)")
OLD_NAMES = re.compile(r"\b(DESIGN|REFERENCES)\.md\b")
MACHINE_PATH = re.compile(r"(?<![\w.-])(/(?:work|home|root|Users)/[\w.+-]|[A-Za-z]:\\Users\\)")
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")

cited = 0
for name in repository_files():
    text = read_text(name)
    if text is None:
        continue
    for pattern, what in ((OLD_NAMES, "cites a document the repository does not carry"),
                          (MACHINE_PATH, "carries a machine path"),
                          (SEED_FILE, "names a seed's file (cite seeds as 'seed NNN')")):
        for lineno, line in enumerate(text.splitlines(), 1):
            m = pattern.search(line)
            if m:
                fail("%s:%d: %s: %s" % (name, lineno, what, m.group(0)))
    if "doc/" not in text:
        continue
    for m in CITATION.finditer(joined(text)):
        doc, separator, quotes = m.group(1), (m.group(2) or "").strip(), m.group(3)
        for quoted in re.findall(QUOTED, quotes):
            item = quoted[1:-1]
            cited += 1
            if separator == ":":
                if squeeze(item) not in bodies[doc]:
                    fail('%s: quotes %s: "%s", which is not in its text' % (name, DOCS[doc], item))
            elif item.replace("`", "") not in headings[doc]:
                fail('%s: cites %s, "%s", which is not a heading there' % (name, DOCS[doc], item))

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("ok: %d cited sections and quotations of doc/design.md and doc/references.md exist; "
      "no machine paths, seed file names or old document names" % cited)
PY
