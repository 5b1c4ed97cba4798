#!/usr/bin/env python3
"""Figure: twelve first-order optimizers under the DeepOBS protocol (experiment optimizer_zoo).

Usage: python3 papers/figures/optimizer_zoo.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
optimizer_zoo.pdf and optimizer_zoo.png. Missing or malformed input: one line on stderr, exit 2.

Row 1, one panel per problem (mlp, logreg, quadratic, rosenbrock): the training loss against
gradient evaluations (epochs on the finite sums) at each optimizer's tuned learning rate, the
median over the seeds with the band between the quartiles (a diverged seed counts as +inf).
Row 2: learning-rate sensitivity, the tuning metric at the end of the budget against the
learning rate (final test error on the classifiers, final loss otherwise); the chosen value is
circled, a diverged grid value is drawn as a cross at the top of the panel.
Row 3: (i, j) test error against epochs on mlp and logreg (median and quartiles);
(k, l) Dolan & Moré performance profiles in gradient evaluations over the (problem, seed)
instances, solved when F <= F_L + tol (F_0 - F_L), at the loosest and the tightest tolerance.
Row 4: (m) the profile at the loosest tolerance in wall time (seconds inside Optimizer::step,
from wall_time.json; not reproducible); (n-p) the median loss of row 1 against the median wall
time at each record on mlp, logreg and rosenbrock.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "curves.csv": ["problem", "optimizer", "record", "evals", "loss_q25", "loss_median", "loss_q75",
                   "test_error_q25", "test_error_median", "test_error_q75"],
    "sensitivity.csv": ["problem", "optimizer", "lr", "metric", "diverged_runs", "chosen"],
    "profile.csv": ["tol", "optimizer", "tau", "rho"],
}
FIGURE = figure_common.Figure("optimizer_zoo", FILES, text_columns={"problem", "optimizer", "chosen"})
PROBLEMS = ["mlp", "logreg", "quadratic", "rosenbrock"]
TITLES = {"mlp": "MLP 784-H-10 (Fashion-MNIST)", "logreg": "softmax regression (Fashion-MNIST)",
          "quadratic": "ill-conditioned quadratic", "rosenbrock": "Rosenbrock"}


def style(optimizers):
    cmap = plt.get_cmap("tab20")
    lines = ["-", "--", "-.", ":"]
    return {o: (cmap(2 * i % 20 + (i >= 10)), lines[i % 4]) for i, o in enumerate(optimizers)}


def finite(x):
    return x if math.isfinite(x) else float("nan")


def curve_panel(ax, curves, problem, prefix, look, ylabel, log):
    for o, (colour, ls) in look.items():
        rows = sorted((r for r in curves if r["problem"] == problem and r["optimizer"] == o), key=lambda r: r["record"])
        if not rows:
            continue
        x = [r["evals"] for r in rows]
        ax.plot(x, [finite(r[prefix + "_median"]) for r in rows], color=colour, ls=ls, lw=1.2, label=o)
        ax.fill_between(x, [finite(r[prefix + "_q25"]) for r in rows], [finite(r[prefix + "_q75"]) for r in rows],
                        color=colour, alpha=0.12, lw=0)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epochs" if problem in ("mlp", "logreg") else "gradient evaluations")
    ax.set_ylabel(ylabel)


def sensitivity_panel(ax, sens, problem, look):
    rows = [r for r in sens if r["problem"] == problem]
    top = max((r["metric"] for r in rows if math.isfinite(r["metric"])), default=1.0)
    for o, (colour, ls) in look.items():
        mine = sorted((r for r in rows if r["optimizer"] == o), key=lambda r: r["lr"])
        ax.plot([r["lr"] for r in mine], [finite(r["metric"]) for r in mine], color=colour, ls=ls, lw=1.0, marker=".")
        for r in mine:
            if not math.isfinite(r["metric"]):
                ax.scatter([r["lr"]], [top * 1.5], marker="x", color=colour, s=14)
            if r["chosen"] == "yes":
                ax.scatter([r["lr"]], [r["metric"]], facecolors="none", edgecolors=colour, s=50)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("final test error" if problem in ("mlp", "logreg") else "final loss")


def wall_panel(ax, curves, runs, problem, look):
    for o, (colour, ls) in look.items():
        rows = sorted((r for r in curves if r["problem"] == problem and r["optimizer"] == o), key=lambda r: r["record"])
        seeds = runs.get(problem, {}).get(o, [])
        if not rows or not seeds:
            continue
        t = []
        for k in range(len(rows)):
            ts = sorted(s[k] for s in seeds if s[k] is not None)
            t.append(ts[len(ts) // 2] if ts else float("nan"))
        ax.plot(t, [finite(r["loss_median"]) for r in rows], color=colour, ls=ls, lw=1.2, label=o)
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
    ax.set_yscale("log")
    ax.set_xlabel("wall time inside the optimizer (s, median over seeds)")
    ax.set_ylabel("training loss F (median)")


def profile_panel(ax, profile, look, xlabel, title):
    top = max((t for pts in profile.values() for t, _ in pts), default=1.0)
    for o, (colour, ls) in look.items():
        pts = sorted((t, r) for t, r in profile.get(o, []))
        if pts:
            pts.append((top * 2, pts[-1][1]))  # the solved share beyond the largest ratio
            ax.step([t for t, _ in pts], [r for _, r in pts], where="post", color=colour, ls=ls, lw=1.2, label=o)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("ρ(τ): share of instances")
    ax.set_title(title)


def main():
    data_dir, out_dir = FIGURE.arguments(sys.argv, __doc__)
    figure_common.use_style()
    curves = FIGURE.read_csv(data_dir, "curves.csv")
    sens = FIGURE.read_csv(data_dir, "sensitivity.csv")
    prof_rows = FIGURE.read_csv(data_dir, "profile.csv")
    optimizers = list(dict.fromkeys(r["optimizer"] for r in sens))
    look = style(optimizers)
    profiles = {}
    for r in prof_rows:
        profiles.setdefault(r["tol"], {}).setdefault(r["optimizer"], []).append((r["tau"], r["rho"]))
    tols = sorted(profiles, reverse=True)
    wall_path = FIGURE.input_file(data_dir, "wall_time.json")
    try:
        with open(wall_path) as handle:
            timing = json.load(handle)
        loose = [p for p in timing.get("profiles", []) if p.get("tol") == tols[0]]
        wall = {o: [tuple(x) for x in pts] for o, pts in (loose[0]["profile"] if loose else {}).items()}
        wall_runs = timing.get("runs", {})
    except (ValueError, TypeError) as err:
        FIGURE.fail(f"{wall_path}: {err}")

    fig, axes = plt.subplots(4, 4, figsize=(18, 16))
    letters = iter("abcdefgh")
    for j, p in enumerate(PROBLEMS):
        curve_panel(axes[0][j], curves, p, "loss", look, "training loss F", True)
        axes[0][j].set_title(f"({next(letters)}) {TITLES[p]}: loss")
    for j, p in enumerate(PROBLEMS):
        sensitivity_panel(axes[1][j], sens, p, look)
        axes[1][j].set_title(f"({next(letters)}) {p}: learning-rate sensitivity")
    for j, p in enumerate(("mlp", "logreg")):
        curve_panel(axes[2][j], curves, p, "test_error", look, "test error", False)
        axes[2][j].set_title(f"({'ij'[j]}) {p}: test error")
    for j, (letter, tol) in enumerate((("k", tols[0]), ("l", tols[-1]))):
        profile_panel(axes[2][2 + j], profiles[tol], look, "τ (gradient evaluations / best)",
                      f"({letter}) performance profile, evaluations, tol = {tol:g}")
    profile_panel(axes[3][0], wall, look, "τ (wall time / best)", f"(m) performance profile, wall time, tol = {tols[0]:g}")
    for j, p in enumerate(("mlp", "logreg", "rosenbrock")):
        wall_panel(axes[3][1 + j], curves, wall_runs, p, look)
        axes[3][1 + j].set_title(f"({'nop'[j]}) {p}: loss against wall time")
    axes[0][0].legend(fontsize=6.5, ncol=2)
    axes[2][2].legend(fontsize=6.5, ncol=2, loc="lower right")
    fig.tight_layout()
    FIGURE.save(fig, out_dir)
    plt.close(fig)


if __name__ == "__main__":
    main()
