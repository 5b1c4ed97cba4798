#!/usr/bin/env python3
"""Figure: escaping saddles (experiment saddle_escape).

Usage: python3 papers/figures/saddle_escape.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory (trajectories.csv, cpu_time.json); OUT_DIR
(default papers/figures) receives saddle_escape.pdf and saddle_escape.png. Missing or
malformed input: one line on stderr, exit status 2.

Rows: (a) the plateau saddle, (b) the Newton-found saddle of a small MLP. Columns:
 loss F(theta) against cost (oracle queries: gradients + values + HVPs + D per dense
 Hessian; log axis, step 0 drawn at cost 1), the saddle index (fraction of Hessian
 eigenvalues < -tau, dense) against cost, and loss against the optimizer's CPU time
 (measurements excluded; not reproducible byte for byte). Dotted line: the saddle's loss;
 the loss axes are clipped at 35% of the saddle-to-best drop above the saddle (excursions of
 undamped Newton-type steps leave the frame).
"""
import csv
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

COLUMNS = ["problem", "method", "step", "cost", "loss", "index"]
STYLES = {
    "gd": ("#1f77b4", "-"),
    "momentum": ("#17becf", "-"),
    "adam": ("#9467bd", "-"),
    "newton": ("#d62728", "--"),
    "damped_newton": ("#ff7f0e", "--"),
    "sfn_exact": ("#2ca02c", "--"),
    "sfn_krylov": ("#8c564b", ":"),
    "parabola_regression": ("#000000", "-."),
    "tonga": ("#7f7f7f", "-."),
}
TITLES = {"plateau": "(a) plateau saddle", "mlp": "(b) MLP saddle found by Newton"}
FIGURE = figure_common.Figure("saddle_escape")


def number(text):
    try:
        return float(text)
    except ValueError:
        return math.nan


def read(data_dir):
    path = FIGURE.input_file(data_dir, "trajectories.csv")
    rows = {}
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            FIGURE.fail(f"{path}: missing columns {', '.join(missing)}")
        for r in reader:
            rows.setdefault(r["problem"], {}).setdefault(r["method"], []).append(
                (int(r["step"]), number(r["cost"]), number(r["loss"]), number(r["index"])))
    if not rows:
        FIGURE.fail(f"{path}: no rows")
    wall_path = os.path.join(data_dir, "cpu_time.json")
    if not os.path.isfile(wall_path):
        FIGURE.fail(f"missing input file {wall_path}")
    try:
        with open(wall_path) as handle:
            wall = json.load(handle)
    except json.JSONDecodeError as error:
        FIGURE.fail(f"{wall_path}: {error}")
    manifest = {}
    manifest_path = os.path.join(data_dir, "manifest.json")
    if os.path.isfile(manifest_path):
        with open(manifest_path) as handle:
            manifest = json.load(handle).get("results", {})
    return rows, wall, manifest


def main():
    if len(sys.argv) not in (2, 3):
        FIGURE.fail("usage: saddle_escape.py DATA_DIR [OUT_DIR]")
    data_dir = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) == 3 else "papers/figures"
    rows, wall, results = read(data_dir)
    problems = [p for p in ("plateau", "mlp") if p in rows]
    fig, axes = plt.subplots(len(problems), 3, figsize=(14, 4.2 * len(problems)), squeeze=False)
    for row, problem in enumerate(problems):
        saddle_loss = number(results.get(f"{problem}_saddle_loss", "nan"))
        ax_loss, ax_index, ax_wall = axes[row]
        for method, points in rows[problem].items():
            colour, style = STYLES.get(method, ("#bcbd22", "-"))
            cost = [max(c, 1.0) for _, c, _, _ in points]
            loss = [f for _, _, f, _ in points]
            index = [a for _, _, _, a in points]
            ax_loss.plot(cost, loss, style, color=colour, label=method, lw=1.4)
            ax_index.plot(cost, index, style, color=colour, label=method, lw=1.4)
            times = {int(s): t for s, t in wall.get(problem, {}).get(method, [])}
            tw = [(times[s], f) for s, _, f, _ in points if s in times and times[s] > 0]
            if tw:
                ax_wall.plot([t for t, _ in tw], [f for _, f in tw], style, color=colour, label=method, lw=1.4)
        finite = [f for pts in rows[problem].values() for _, _, f, _ in pts if math.isfinite(f)]
        for ax in (ax_loss, ax_wall):
            if not math.isnan(saddle_loss):
                ax.axhline(saddle_loss, color="k", ls=":", lw=0.8)
                # Off-scale excursions (undamped Newton-type jumps) are clipped at the top.
                low = min(finite + [saddle_loss])
                span = max(saddle_loss - low, 1e-12)
                ax.set_ylim(low - 0.05 * span, saddle_loss + 0.35 * span)
            ax.set_ylabel("loss F")
        for ax in (ax_loss, ax_index):
            ax.set_xscale("log")
            ax.set_xlabel("cost (gradients + values + HVPs + D per Hessian)")
        ax_wall.set_xscale("log")
        ax_wall.set_xlabel("optimizer CPU time [s]")
        ax_index.set_ylabel("saddle index (fraction λ < −τ)")
        ax_index.set_ylim(-0.03, max(0.6, ax_index.get_ylim()[1]))
        ax_loss.set_title(f"{TITLES.get(problem, problem)}: loss")
        ax_index.set_title(f"{TITLES.get(problem, problem)}: index")
        ax_wall.set_title(f"{TITLES.get(problem, problem)}: loss vs CPU time")
    axes[0][0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    for path in FIGURE.output_paths(out_dir):
        fig.savefig(path, dpi=130)


if __name__ == "__main__":
    main()
