#!/usr/bin/env python3
"""Figure: final losses concentrate as the model grows (experiment loss_concentration).

Usage: python3 papers/figures/loss_concentration.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
loss_concentration.pdf and loss_concentration.png. Missing or malformed input: one line on
stderr, exit 2.

Top row, one-hidden-layer networks 784-H-10 on a Fashion-MNIST subset, one run per seed:
 (a) histograms of the final train loss per width H; (b) of the test loss of the same weights
     (Choromanska et al. 2015, Fig. 2 right);
 (c) sample variance against H (log-log) with 95% bootstrap intervals and the least-squares
     power law, exponent +- its standard error in the legend;
 (d) mean (95% Student-t interval), minimum and 5%-95% quantile band of both losses against H.
Bottom row, spherical 3-spin glass, gradient descent on the sphere from uniform starts, a new
coupling tensor per run:
 (e) histograms of the final energy per spin H/N per N, with the ABC ground state -1.657 and the
     threshold -E_inf = -1.633 (Choromanska et al. 2015, Fig. 2 left);
 (f) variance of H/N against N with its fit; (g) mean, minimum and quantile band of H/N against
     N with both levels, and the least-squares slope of ln(mean - threshold) on ln N in the
     legend; (h) test against train loss of every network run (one colour per H).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "runs.csv": ["model", "size", "seed", "value", "test_value"],
    "summary.csv": ["model", "quantity", "size", "mean", "mean_low", "mean_high", "variance", "var_boot_low",
                    "var_boot_high", "min", "q05", "q95"],
    "scaling.csv": ["model", "quantity", "exponent", "std_error", "prefactor"],
    "pspin_levels.csv": ["size", "ground_state", "threshold", "mean_minus_threshold"],
}
FIGURE = figure_common.Figure("loss_concentration", FILES, text_columns={"model", "quantity"})
QUANTITY_STYLE = {"train": ("C0", "o"), "test": ("C3", "s"), "energy": ("C2", "D")}


def colours(sizes):
    cmap = plt.get_cmap("viridis")
    return {s: cmap(i / max(1, len(sizes) - 1)) for i, s in enumerate(sizes)}


def histograms(ax, values_by_size, label, title, levels=()):
    sizes = sorted(values_by_size)
    colour = colours(sizes)
    everything = [v for vs in values_by_size.values() for v in vs]
    lo, hi = min(everything), max(everything)
    bins = [lo + (hi - lo) * k / 40 for k in range(41)]
    for s in sizes:
        ax.hist(values_by_size[s], bins=bins, histtype="step", density=True, color=colour[s], lw=1.3,
                label=f"{label} = {s:g} ({len(values_by_size[s])} runs)")
    for value, style, name in levels:
        ax.axvline(value, color="k", ls=style, lw=0.9, label=name)
    ax.set_ylabel("density")
    ax.set_title(title)
    ax.legend(fontsize=6.5)


def size_ticks(ax, sizes):
    """Log x axis labelled at the sizes themselves."""
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([f"{s:g}" for s in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())


def variance_panel(ax, summary, scaling, model, quantities, xlabel):
    for q in quantities:
        rows = sorted((r for r in summary if r["model"] == model and r["quantity"] == q), key=lambda r: r["size"])
        if not rows:
            continue
        colour, marker = QUANTITY_STYLE[q]
        x = [r["size"] for r in rows]
        v = [r["variance"] for r in rows]
        err = [[r["variance"] - r["var_boot_low"] for r in rows], [r["var_boot_high"] - r["variance"] for r in rows]]
        fit = next((f for f in scaling if f["model"] == model and f["quantity"] == q), None)
        label = q if fit is None else f"{q}: b = {fit['exponent']:.2f} ± {fit['std_error']:.2f}"
        ax.errorbar(x, v, yerr=err, color=colour, marker=marker, ls="none", ms=4, capsize=2, label=label)
        if fit is not None:
            ax.plot(x, [fit["prefactor"] * s ** fit["exponent"] for s in x], color=colour, lw=1.0)
        size_ticks(ax, x)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("variance over runs")
    ax.legend(fontsize=7)


def level_panel(ax, summary, model, quantities, xlabel, ylabel):
    for q in quantities:
        rows = sorted((r for r in summary if r["model"] == model and r["quantity"] == q), key=lambda r: r["size"])
        colour, marker = QUANTITY_STYLE[q]
        x = [r["size"] for r in rows]
        ax.fill_between(x, [r["q05"] for r in rows], [r["q95"] for r in rows], color=colour, alpha=0.15)
        ax.errorbar(x, [r["mean"] for r in rows],
                    yerr=[[r["mean"] - r["mean_low"] for r in rows], [r["mean_high"] - r["mean"] for r in rows]],
                    color=colour, marker=marker, ms=4, capsize=2, label=f"{q}: mean (5–95% band)")
        ax.plot(x, [r["min"] for r in rows], color=colour, ls=":", marker="v", ms=3, label=f"{q}: minimum")
        size_ticks(ax, x)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def gap_exponent(levels):
    """Least-squares slope of ln(mean - threshold) on ln N (None unless every gap is > 0 and
    there are three sizes): how fast the mean GD energy approaches the threshold."""
    points = [(math.log(r["size"]), math.log(r["mean_minus_threshold"])) for r in levels
              if r["mean_minus_threshold"] > 0]
    if len(points) < 3 or len(points) < len(levels):
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def main():
    data_dir, out_dir = FIGURE.arguments(sys.argv, __doc__)
    figure_common.use_style()
    runs = FIGURE.read_csv(data_dir, "runs.csv")
    summary = FIGURE.read_csv(data_dir, "summary.csv")
    scaling = FIGURE.read_csv(data_dir, "scaling.csv")
    levels = FIGURE.read_csv(data_dir, "pspin_levels.csv")
    ground, threshold = levels[0]["ground_state"], levels[0]["threshold"]

    def by_size(model, column):
        out = {}
        for r in runs:
            if r["model"] == model and math.isfinite(r[column]):
                out.setdefault(r["size"], []).append(r[column])
        return out

    train, test, energy = by_size("mlp", "value"), by_size("mlp", "test_value"), by_size("pspin", "value")
    if not train or not energy:
        FIGURE.fail(f"{data_dir}/runs.csv: needs mlp and pspin runs")
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.6))
    histograms(axes[0][0], train, "H", "(a) final train loss")
    histograms(axes[0][1], test, "H", "(b) final test loss")
    for ax in axes[0][:2]:
        ax.set_xlabel("cross-entropy")
    variance_panel(axes[0][2], summary, scaling, "mlp", ("train", "test"), "hidden width H")
    axes[0][2].set_title("(c) variance of the final loss")
    level_panel(axes[0][3], summary, "mlp", ("train", "test"), "hidden width H", "cross-entropy")
    axes[0][3].set_title("(d) mean, minimum, 5–95% band")
    axes[0][3].legend(fontsize=6.5)

    marks = ((ground, "--", f"ground state {ground:.3f}"), (threshold, ":", f"threshold {threshold:.3f}"))
    histograms(axes[1][0], energy, "N", "(e) p-spin (p = 3): final GD energy", marks)
    axes[1][0].set_xlabel("energy per spin H/N")
    variance_panel(axes[1][1], summary, scaling, "pspin", ("energy",), "spins N")
    axes[1][1].set_title("(f) variance of H/N")
    level_panel(axes[1][2], summary, "pspin", ("energy",), "spins N", "energy per spin H/N")
    for value, style, name in marks:
        axes[1][2].axhline(value, color="k", ls=style, lw=0.9, label=name)
    gap = gap_exponent(levels)
    if gap is not None:
        axes[1][2].plot([], [], " ", label=f"mean − threshold ∝ N^{gap:.2f}")
    axes[1][2].set_title("(g) mean, minimum, 5–95% band")
    axes[1][2].legend(fontsize=6.5)

    ax = axes[1][3]
    colour = colours(sorted(train))
    for s in sorted(train):
        ax.scatter(train[s], test[s], s=5, color=colour[s], label=f"H = {s:g}")
    ax.set_xlabel("final train loss")
    ax.set_ylabel("final test loss")
    ax.set_title("(h) test against train loss, every run")
    ax.legend(fontsize=6.5, markerscale=2)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)
    plt.close(fig)


if __name__ == "__main__":
    main()
