#!/usr/bin/env python3
"""Figure: train against held-out loss and error, early stopping, minibatch noise (experiment generalization).

Usage: python3 papers/figures/generalization.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
generalization.pdf and generalization.png. Missing or malformed input: one line on stderr, exit 2.

Bands are mean +- one standard error over the seeds (replicates) of each configuration.
Top row, 784-H-10 tanh networks trained by SGD on a small Fashion-MNIST subset, against epochs:
 (a) train, validation and test loss for every (H, B), the early-stopping epoch of each run as a
     tick on the validation curve (Goodfellow et al. 2016, Fig. 7.3);
 (b) train and test 0-1 error for the same runs;
 (c) test error at the early-stopping point against the test error at the last epoch, every run.
Bottom row:
 (d) E||g_B - grad F||^2 at the initial point against B, with replacement and without, beside
     tr(Sigma)/B and tr(Sigma)/B (n-B)/(n-1) (the sigma/sqrt(B) law, Goodfellow et al. 2016 §8.1.3);
 (e) train loss against sample gradients for each B, the same budget for all;
 (f) train loss against epochs for shuffle, replacement and cyclic sampling.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "curves.csv": ["width", "batch", "replicate", "epoch", "train_loss", "train_error", "val_loss", "val_error",
                   "test_loss", "test_error"],
    "early_stopping.csv": ["width", "batch", "replicate", "best_epoch", "best_val_loss", "test_error_at_best",
                           "final_test_error"],
    "noise.csv": ["batch", "trace_sigma", "replacement", "replacement_theory", "shuffle", "shuffle_theory"],
    "budget.csv": ["batch", "replicate", "sample_gradients", "train_loss"],
    "sampling.csv": ["mode", "replicate", "epoch", "train_loss"],
}
FIGURE = figure_common.Figure("generalization", FILES, text_columns={"mode"})


def band(rows, key, column):
    """{x: (mean, standard error)} of `column` over the rows grouped by `key`."""
    groups = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r[column])
    out = {}
    for x, values in sorted(groups.items()):
        m = sum(values) / len(values)
        var = sum((v - m) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
        out[x] = (m, math.sqrt(var / len(values)))
    return out


def plot_band(ax, stats, colour, label, style="-"):
    xs = list(stats)
    mean = [stats[x][0] for x in xs]
    se = [stats[x][1] for x in xs]
    ax.plot(xs, mean, style, color=colour, label=label)
    ax.fill_between(xs, [m - s for m, s in zip(mean, se)], [m + s for m, s in zip(mean, se)], color=colour, alpha=0.2)


def main():
    data_dir, out_dir = FIGURE.arguments(sys.argv, __doc__)
    figure_common.use_style()
    curves = FIGURE.read_csv(data_dir, "curves.csv")
    stops = FIGURE.read_csv(data_dir, "early_stopping.csv")
    noise = FIGURE.read_csv(data_dir, "noise.csv")
    budget = FIGURE.read_csv(data_dir, "budget.csv")
    sampling = FIGURE.read_csv(data_dir, "sampling.csv")
    configs = sorted({(r["width"], r["batch"]) for r in curves})
    cmap = plt.get_cmap("tab10")
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.4))

    ax_loss, ax_error, ax_stop = axes[0]
    for i, (h, b) in enumerate(configs):
        rows = [r for r in curves if r["width"] == h and r["batch"] == b]
        colour = cmap(i % 10)
        name = f"H={h:g}, B={b:g}"
        plot_band(ax_loss, band(rows, "epoch", "train_loss"), colour, f"{name} train", ":")
        val = band(rows, "epoch", "val_loss")
        plot_band(ax_loss, val, colour, f"{name} val", "--")
        plot_band(ax_loss, band(rows, "epoch", "test_loss"), colour, f"{name} test")
        for s in stops:
            if s["width"] == h and s["batch"] == b and s["best_epoch"] in val:
                ax_loss.plot([s["best_epoch"]], [val[s["best_epoch"]][0]], "v", color=colour, ms=5)
        plot_band(ax_error, band(rows, "epoch", "train_error"), colour, f"{name} train", ":")
        plot_band(ax_error, band(rows, "epoch", "test_error"), colour, f"{name} test")
    ax_loss.set_title("(a) loss (: train, -- validation, — test; ▼ early-stopping epoch)")
    ax_loss.set_ylabel("cross-entropy")
    ax_error.set_title("(b) 0-1 error (: train, — test)")
    ax_error.set_ylabel("error")
    for ax in (ax_loss, ax_error):
        ax.set_xlabel("epoch")
        ax.legend(fontsize=5.5, ncol=2)
    for i, (h, b) in enumerate(configs):
        pts = [s for s in stops if s["width"] == h and s["batch"] == b]
        ax_stop.scatter([s["final_test_error"] for s in pts], [s["test_error_at_best"] for s in pts], s=14,
                        color=cmap(i % 10), label=f"H={h:g}, B={b:g}")
    lo = min(min(s["final_test_error"], s["test_error_at_best"]) for s in stops)
    hi = max(max(s["final_test_error"], s["test_error_at_best"]) for s in stops)
    ax_stop.plot([lo, hi], [lo, hi], "k:", lw=0.9, label="equal")
    ax_stop.set_xlabel("test error at the last epoch")
    ax_stop.set_ylabel("test error at the early-stopping epoch")
    ax_stop.set_title("(c) early stopping against training to the end, every run")
    ax_stop.legend(fontsize=6.5)

    ax_noise, ax_budget, ax_sampling = axes[1]
    batches = [r["batch"] for r in noise]
    ax_noise.loglog(batches, [r["replacement"] for r in noise], "o", color="C0", label="measured, with replacement")
    ax_noise.loglog(batches, [r["replacement_theory"] for r in noise], "-", color="C0", label="tr Σ / B")
    inner = [r for r in noise if r["shuffle"] > 0]
    ax_noise.loglog([r["batch"] for r in inner], [r["shuffle"] for r in inner], "s", color="C3",
                    label="measured, without replacement")
    inner = [r for r in noise if r["shuffle_theory"] > 0]
    ax_noise.loglog([r["batch"] for r in inner], [r["shuffle_theory"] for r in inner], "--", color="C3",
                    label="tr Σ / B · (n−B)/(n−1)")
    ax_noise.set_xlabel("batch size B")
    ax_noise.set_ylabel("E‖g_B − ∇F‖²")
    ax_noise.set_title("(d) minibatch gradient noise at the initial point")
    ax_noise.legend(fontsize=6.5)
    for i, b in enumerate(sorted({r["batch"] for r in budget})):
        rows = [r for r in budget if r["batch"] == b]
        plot_band(ax_budget, band(rows, "sample_gradients", "train_loss"), cmap(i % 10), f"B = {b:g}")
    ax_budget.set_xlabel("sample gradients")
    ax_budget.set_ylabel("train loss")
    ax_budget.set_title("(e) loss against sample gradients, equal budgets")
    ax_budget.legend(fontsize=6.5)
    for i, mode in enumerate(["shuffle", "replacement", "cyclic"]):
        rows = [r for r in sampling if r["mode"] == mode]
        if rows:
            plot_band(ax_sampling, band(rows, "epoch", "train_loss"), cmap(i), mode)
    ax_sampling.set_xlabel("epoch")
    ax_sampling.set_ylabel("train loss")
    ax_sampling.set_title("(f) sampling order")
    ax_sampling.legend(fontsize=6.5)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)
    plt.close(fig)


if __name__ == "__main__":
    main()
