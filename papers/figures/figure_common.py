"""Plumbing shared by the figure scripts in papers/figures/: the command line, CSV input,
the rcParams and saving. Not a figure itself (papers/figures.txt lists the figures).

A script imports it from its own directory, so it runs from any working directory:

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import figure_common

Conventions every figure script keeps: `<name>.py DATA_DIR [OUT_DIR]`, DATA_DIR is the
experiment's --out directory, OUT_DIR defaults to papers/figures (relative to the working
directory) and receives <name>.pdf and <name>.png; missing or malformed input is one line
`<name>.py: <message>` on stderr and exit status 2.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")

DEFAULT_OUT_DIR = os.path.join("papers", "figures")
OUTPUT_FORMATS = ("pdf", "png")


def use_style(legend_fontsize=7.5):
    """The common rcParams of the paper figures (small fonts for 4-panel rows)."""
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9,
                         "legend.fontsize": legend_fontsize, "lines.linewidth": 1.4})


class Figure:
    """One figure script: `name` is both the script's name (for messages), the experiment
    that feeds it (for hints) and the stem of its output files. `files` maps each input CSV
    to the columns it must have; columns in `text_columns` stay strings, every other column
    is parsed as a float."""

    def __init__(self, name, files=None, text_columns=()):
        self.name = name
        self.files = files or {}
        self.text_columns = set(text_columns)

    def fail(self, message):
        print(f"{self.name}.py: {message}", file=sys.stderr)
        sys.exit(2)

    def arguments(self, argv, doc):
        """(DATA_DIR, OUT_DIR) from argv. Wrong arity: the usage line of `doc` (its third
        line) on stderr, exit 2; -h/--help: the same, exit 0."""
        if len(argv) < 2 or len(argv) > 3 or argv[1] in ("-h", "--help"):
            print(doc.strip().splitlines()[2], file=sys.stderr)
            sys.exit(2 if len(argv) < 2 or len(argv) > 3 else 0)
        data_dir = argv[1]
        out_dir = argv[2] if len(argv) == 3 else DEFAULT_OUT_DIR
        if not os.path.isdir(data_dir):
            self.fail(f"data directory {data_dir} does not exist")
        return data_dir, out_dir

    def input_file(self, data_dir, name):
        """The path of input `name`, or fail with a hint on how to produce it."""
        path = os.path.join(data_dir, name)
        if not os.path.isfile(path):
            self.fail(f"missing input file {path} (run the {self.name} experiment with --out {data_dir})")
        return path

    def read_csv(self, data_dir, name):
        """The rows of `name` as dicts, numbers parsed; fails on a missing file or column,
        a non-number outside the text columns, or no data rows."""
        path = self.input_file(data_dir, name)
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in self.files[name] if c not in (reader.fieldnames or [])]
            if missing:
                self.fail(f"{path}: missing column(s) {', '.join(missing)}")
            rows = []
            for line, row in enumerate(reader, start=2):
                for key in row:
                    if key in self.text_columns:
                        continue
                    try:
                        row[key] = float(row[key])
                    except (TypeError, ValueError):
                        self.fail(f"{path}: line {line}: not a number in column '{key}'")
                rows.append(row)
        if not rows:
            self.fail(f"{path}: no data rows")
        return rows

    def output_paths(self, out_dir):
        """OUT_DIR/<name>.pdf and .png; creates OUT_DIR."""
        os.makedirs(out_dir, exist_ok=True)
        return [os.path.join(out_dir, f"{self.name}.{ext}") for ext in OUTPUT_FORMATS]

    def save(self, fig, out_dir):
        """Writes the figure (150 dpi, tight bounding box) and prints each path written."""
        for path in self.output_paths(out_dir):
            fig.savefig(path, dpi=150, bbox_inches="tight")
            print(path)
