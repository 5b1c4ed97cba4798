#!/usr/bin/env python3
"""Figure: pathologies of gradient methods (experiment pathologies).

Usage: python3 papers/figures/pathologies.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
pathologies.pdf and pathologies.png. Missing or malformed input: one line on stderr, exit 2.

 (d) Reddi, Kale & Kumar (2018), Theorem 1: average regret R_t/t of projected Adam and AMSGrad
     on f_t = Cx (t mod 3 = 1), -x otherwise; the closed form 2(C-2)/3 of the path x = 1;
 (c) Pascanu, Mikolov & Bengio (2013): ||dh_k/dh_0|| of a tanh RNN against k for W = rho Q
     (median over seeds, band min-max) with rho^k; full-batch GD training loss on the adding
     task with and without norm clipping (median, band min-max over seeds);
 (b) Goodfellow et al. (2016) Fig. 8.3: GD on the cliff objective, plain and clipped (norm,
     value): paths over the contours of F, and F along the steps;
 (a) Goodfellow et al. (2016) Fig. 8.1: along SGD training of a tanh MLP on Fashion-MNIST (one
     colour per learning rate) and on a teacher's labels (grey, the contrast): the mean squared
     norm of the minibatch gradients the steps used (solid; the book's quantity, band min-max
     over seeds) and of the full gradient (dashed); the loss (solid) and 0-1 error (dotted);
     g^T H g / ||g||^2 (solid) and lambda_max (dashed, where recorded) against 2/lr (dotted);
 (e) AdaGrad vs SGD on least squares with rare informative features: mean error of the
     frequent and of the rare weights (median, band min-max over seeds);
 (f) distance from an exact saddle of GD and SGD started on it (SGD: median, band min-max).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

TEXT_COLUMNS = {"method", "clip", "data"}
FILES = {
    "reddi.csv": ["method", "t", "x", "average_regret"],
    "rnn_jacobian.csv": ["radius", "seed", "k", "jacobian_norm"],
    "rnn_training.csv": ["radius", "clip", "seed", "step", "loss", "grad_norm"],
    "cliff.csv": ["method", "step", "x", "y", "loss", "grad_norm"],
    "mlp_curvature.csv": ["data", "lr", "seed", "step", "loss", "error", "grad_norm_sq", "gHg", "gHg_over_g2",
                          "batch_grad_norm_sq", "lambda_max"],
    "saddle.csv": ["method", "seed", "step", "distance", "loss"],
    "sparse.csv": ["method", "seed", "step", "loss", "frequent_error", "rare_error"],
}
FIGURE = figure_common.Figure("pathologies", FILES, text_columns=TEXT_COLUMNS)


def band(rows, key_x, key_y):
    """x values and the (min, median, max) of y over the rows sharing x (nan rows skipped)."""
    by_x = {}
    for r in rows:
        if not math.isnan(r[key_y]):
            by_x.setdefault(r[key_x], []).append(r[key_y])
    xs = sorted(by_x)
    ys = [np.array(by_x[x]) for x in xs]
    return (np.array(xs), np.array([y.min() for y in ys]), np.array([np.median(y) for y in ys]),
            np.array([y.max() for y in ys]))


def cliff_value(x, y):
    """F of the cliff at its default keys (objectives/cliff.hpp)."""
    a, b, m, h, w, c, q = 1.0, 1.0, 4.0, 10.0, 0.05, 2.0, 0.5
    u = np.clip((x + q * y - c) / w, -500, 500)
    return 0.5 * a * (x - m) ** 2 + 0.5 * b * y ** 2 - h / (1.0 + np.exp(-u))


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    reddi = FIGURE.read_csv(data_dir, "reddi.csv")
    jac = FIGURE.read_csv(data_dir, "rnn_jacobian.csv")
    train = FIGURE.read_csv(data_dir, "rnn_training.csv")
    cliff = FIGURE.read_csv(data_dir, "cliff.csv")
    mlp = FIGURE.read_csv(data_dir, "mlp_curvature.csv")
    saddle = FIGURE.read_csv(data_dir, "saddle.csv")
    figure_common.use_style()
    sparse = FIGURE.read_csv(data_dir, "sparse.csv")
    fig, grid = plt.subplots(2, 5, figsize=(22, 8))
    axes = list(grid[0])

    ax = axes[0]
    for method in ("adam", "amsgrad"):
        rows = [r for r in reddi if r["method"] == method]
        ax.loglog([r["t"] for r in rows], [max(r["average_regret"], 1e-12) for r in rows], label=method)
    ax.axhline(2.0 * (3 - 2) / 3, color="k", ls=":", label=r"$2(C-2)/3$ (path $x\equiv 1$), C = 3")
    ax.set_xlabel("round t")
    ax.set_ylabel(r"average regret $R_t/t$")
    ax.set_title("(d) Reddi et al. 2018, Thm 1")
    ax.legend()

    ax = axes[1]
    for radius in sorted({r["radius"] for r in jac}):
        k, lo, med, hi = band([r for r in jac if r["radius"] == radius], "k", "jacobian_norm")
        line, = ax.semilogy(k, med, label=rf"$\rho$ = {radius:g}")
        ax.fill_between(k, lo, hi, color=line.get_color(), alpha=0.25)
        ax.semilogy(k, radius ** k, color=line.get_color(), ls=":")
    ax.set_xlabel("k (steps)")
    ax.set_ylabel(r"$\|\partial h_k/\partial h_0\|_2$")
    ax.set_title(r"(c) RNN Jacobian chain (dotted: $\rho^k$)")
    ax.legend()

    ax = axes[2]
    for radius in sorted({r["radius"] for r in train}):
        for clip, ls in (("none", "-"), ("clip_norm", "--")):
            rows = [r for r in train if r["radius"] == radius and r["clip"] == clip]
            if not rows:
                continue
            s, lo, med, hi = band(rows, "step", "loss")
            line, = ax.semilogy(s, med, ls=ls, label=rf"$\rho$ = {radius:g}, {clip}")
            ax.fill_between(s, lo, hi, color=line.get_color(), alpha=0.15)
    ax.set_ylim(1e-2, 1e1)  # a run that blows up leaves through the top
    ax.set_xlabel("GD step")
    ax.set_ylabel("training loss (adding task)")
    ax.set_title("(c) RNN training, with and without clipping")
    ax.legend(fontsize=6)

    xs = np.linspace(-1, 9, 300)
    ys = np.linspace(-3, 3, 200)
    gx, gy = np.meshgrid(xs, ys)
    ax = axes[3]
    ax.contour(gx, gy, cliff_value(gx, gy), levels=30, linewidths=0.5, colors="0.6")
    for method in ("gd", "clip_norm", "clip_value"):
        rows = [r for r in cliff if r["method"] == method and not math.isnan(r["x"])]
        ax.plot([r["x"] for r in rows], [r["y"] for r in rows], marker=".", label=method)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("(b) cliff: paths from (0, 1)")
    ax.legend()

    ax = axes[4]
    for method in ("gd", "clip_norm", "clip_value"):
        rows = [r for r in cliff if r["method"] == method]
        ax.plot([r["step"] for r in rows], [r["loss"] for r in rows], label=method)
    ax.set_xlabel("GD step")
    ax.set_ylabel("F")
    ax.set_title("(b) cliff: loss")
    ax.legend()

    cases = sorted({(r["data"], r["lr"]) for r in mlp}, key=lambda c: (c[0] == "teacher", c[1]))
    colours = {c: ("0.5" if c[0] == "teacher" else f"C{i}") for i, c in enumerate(cases)}
    names = {"fashion-mnist": "F-MNIST SGD", "teacher": "teacher SGD", "gd-eos": "full-batch GD (mse)"}
    label = {c: f"{names.get(c[0], c[0])}, lr {c[1]:g}" for c in cases}
    ax = grid[1][0]
    for c in cases:
        rows = [r for r in mlp if (r["data"], r["lr"]) == c]
        s_, lo, med, hi = band(rows, "step", "batch_grad_norm_sq")
        ax.semilogy(s_, med, color=colours[c], label=label[c] + r": $\|g_B\|^2$")
        ax.fill_between(s_, lo, hi, color=colours[c], alpha=0.15)
        s_, _, med, _ = band(rows, "step", "grad_norm_sq")
        ax.semilogy(s_, med, color=colours[c], ls="--", lw=0.8)
    ax.set_xlabel("step")
    ax.set_title(r"(a) minibatch $\|g_B\|^2$ (solid), full $\|\nabla F\|^2$ (dashed)")
    ax.legend(fontsize=6)
    ax = grid[1][1]
    for c in cases:
        rows = [r for r in mlp if (r["data"], r["lr"]) == c]
        s_, lo, med, hi = band(rows, "step", "loss")
        ax.plot(s_, med, color=colours[c], label=label[c])
        ax.fill_between(s_, lo, hi, color=colours[c], alpha=0.15)
        s_, _, med, _ = band(rows, "step", "error")
        ax.plot(s_, med, color=colours[c], ls=":")
    ax.set_xlabel("step")
    ax.set_yscale("log")
    ax.set_ylabel("training loss (solid), 0-1 error (dotted)")
    ax.set_title("(a) MLP: loss and error")
    ax.legend(fontsize=6)
    ax = grid[1][4]
    for c in cases:
        rows = [r for r in mlp if (r["data"], r["lr"]) == c]
        s_, _, med, _ = band(rows, "step", "gHg_over_g2")
        ax.semilogy(s_, med, color=colours[c], label=label[c])
        if any(not math.isnan(r["lambda_max"]) for r in rows):
            s_, _, med, _ = band(rows, "step", "lambda_max")
            ax.semilogy(s_, med, color=colours[c], ls="--")
        ax.axhline(2.0 / c[1], color=colours[c], ls=":", lw=0.8)
    ax.set_xlabel("step")
    ax.set_title(r"(a) $g^\top Hg/\|g\|^2$, $\lambda_{max}$ (dashed), $2/\eta$ (dotted)")
    ax.legend(fontsize=6)
    ax = grid[1][3]
    for method in ("gd", "sgd"):  # from step 1 (step 0 is the saddle itself, distance 0)
        s_, lo, med, hi = band([r for r in saddle if r["method"] == method and r["step"] > 0], "step", "distance")
        line, = ax.semilogy(s_, np.maximum(med, 1e-300), label=method)
        ax.fill_between(s_, np.maximum(lo, 1e-300), np.maximum(hi, 1e-300), color=line.get_color(), alpha=0.2)
    ax.set_xlabel("step")
    ax.set_ylabel(r"$\|\theta - \theta^*\|$")
    ax.set_title("(f) from an exact saddle")
    ax.legend()

    ax = grid[1][2]
    for method, color in (("sgd", "C0"), ("adagrad", "C1")):
        for key, ls in (("frequent_error", "-"), ("rare_error", "--")):
            s_, lo, med, hi = band([r for r in sparse if r["method"] == method], "step", key)
            ax.semilogy(s_, med, color=color, ls=ls, label=f"{method}, {key.split('_')[0]}")
            ax.fill_between(s_, lo, hi, color=color, alpha=0.15)
    ax.set_xlabel("step (B = 1)")
    ax.set_ylabel(r"mean $|\theta_j - 1|$")
    ax.set_title("(e) rare informative features")
    ax.legend(fontsize=6)

    fig.suptitle("Pathologies: Adam's counterexample, the recurrent chain, cliffs, curvature along training, saddles", y=1.02, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
