#!/usr/bin/env python3
"""Figure: exploding and vanishing gradients at initialisation (experiment gradient_scaling).

Usage: python3 papers/figures/gradient_scaling.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
gradient_scaling.pdf and gradient_scaling.png. Missing or malformed input: one line on
stderr, exit status 2.

Rows: linear chains, tanh chains (width N, no biases). Columns:
 (a) per-layer gradient norm ||dF/dW_l||_F at the largest depth, geometric mean over
     replicates with the min-max band;
 (b) ratio ||dF/dW_1|| / ||dF/dW_L|| against depth L;
 (c) spread of the input-output Jacobian's singular values (standard deviation of
     log10 s_i) against depth; dotted: the Lyapunov (large-L) prediction for Gaussian
     linear chains, L * std_k[psi(k/2)/2] / ln 10, k = 1..N;
 (d) every singular value of J at the largest depth, ranked; dotted: g^L, the exact value
     of every singular value for orthogonal linear chains (Saxe et al. 2013).
Colour: gain g; line style: initialisation (solid Gaussian, dashed orthogonal).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402

GAIN_COLOURS = {0.5: "#1f77b4", 1.0: "#2ca02c", 1.5: "#d62728"}
INIT_STYLES = {"gaussian": "-", "orthogonal": "--"}
INIT_LABELS = {"gaussian": r"Gaussian, $\sigma_w=g/\sqrt{N}$", "orthogonal": r"orthogonal, $W=gQ$"}
NET_LABELS = {"linear": "deep linear chain", "tanh": "deep tanh chain"}

FILES = {
    "layer_gradient_norms.csv": ["net", "init", "gain", "depth", "layer", "grad_norm_geomean",
                                 "grad_norm_min", "grad_norm_max"],
    "gradient_ratio.csv": ["net", "init", "gain", "depth", "ratio_first_last_geomean",
                           "ratio_min", "ratio_max"],
    "jacobian_spectrum.csv": ["net", "init", "gain", "depth", "std_ln_sv", "mean_ln_sv"],
    "jacobian_singular_values.csv": ["net", "init", "gain", "depth", "replicate", "input", "rank",
                                     "sv"],
}
FIGURE = figure_common.Figure("gradient_scaling", FILES, text_columns=("net", "init"))


def digamma_half(k):
    """psi(k/2) for integer k >= 1, by psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2 and
    psi(x + 1) = psi(x) + 1/x."""
    gamma = 0.5772156649015329
    x, value = (1.0, -gamma) if k % 2 == 0 else (0.5, -gamma - 2.0 * math.log(2.0))
    while x < k / 2.0:
        value += 1.0 / x
        x += 1.0
    return value


def lyapunov_spread_per_layer(width):
    """std over k of (1/2) psi(k/2), k = 1..N: the spread of the Lyapunov exponents of
    products of N x N Gaussian matrices (Newman 1986), in natural-log units per layer."""
    values = [0.5 * digamma_half(k) for k in range(1, width + 1)]
    mean = sum(values) / width
    return math.sqrt(sum((v - mean) ** 2 for v in values) / width)


def keyed(rows, *keys):
    out = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in keys), []).append(row)
    return out


def style(init, gain):
    return dict(color=GAIN_COLOURS.get(gain, "0.3"), linestyle=INIT_STYLES.get(init, ":"))


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    layers = FIGURE.read_csv(data_dir, "layer_gradient_norms.csv")
    ratios = FIGURE.read_csv(data_dir, "gradient_ratio.csv")
    spectrum = FIGURE.read_csv(data_dir, "jacobian_spectrum.csv")
    values = FIGURE.read_csv(data_dir, "jacobian_singular_values.csv")

    nets = [n for n in ("linear", "tanh") if any(r["net"] == n for r in layers)]
    inits = [i for i in ("gaussian", "orthogonal") if any(r["init"] == i for r in layers)]
    gains = sorted({r["gain"] for r in layers})
    max_depth = int(max(r["depth"] for r in layers))
    sv_depth = int(max(r["depth"] for r in values))
    width = int(max(r["rank"] for r in values))

    figure_common.use_style()
    fig, axes = plt.subplots(len(nets), 4, figsize=(15.5, 3.6 * len(nets) + 0.9), squeeze=False)
    letters = iter("abcdefghijklmnop")
    lyap = lyapunov_spread_per_layer(width) / math.log(10.0)

    for row, net in enumerate(nets):
        net_label = NET_LABELS.get(net, net)
        # (a) per-layer gradient norms at the largest depth.
        ax = axes[row][0]
        groups = keyed([r for r in layers if r["net"] == net and int(r["depth"]) == max_depth],
                       "init", "gain")
        for init in inits:
            for gain in gains:
                rs = sorted(groups.get((init, gain), []), key=lambda r: r["layer"])
                if not rs:
                    continue
                x = [r["layer"] for r in rs]
                ax.plot(x, [r["grad_norm_geomean"] for r in rs], **style(init, gain))
                ax.fill_between(x, [r["grad_norm_min"] for r in rs], [r["grad_norm_max"] for r in rs],
                                color=GAIN_COLOURS.get(gain, "0.3"), alpha=0.12, linewidth=0)
        ax.set_yscale("log")
        ax.set_xlabel(r"layer $l$ (1 = input side)")
        ax.set_ylabel(r"$\|\partial F/\partial W_l\|_F$")
        ax.set_title(f"({next(letters)}) {net_label}, L = {max_depth}: per-layer gradient norm")
        ax.set_xlim(1, max_depth)
        ax.grid(True, which="major", alpha=0.3)

        # (b) first/last ratio vs depth.
        ax = axes[row][1]
        groups = keyed([r for r in ratios if r["net"] == net], "init", "gain")
        for init in inits:
            for gain in gains:
                rs = sorted(groups.get((init, gain), []), key=lambda r: r["depth"])
                if not rs:
                    continue
                x = [r["depth"] for r in rs]
                ax.plot(x, [r["ratio_first_last_geomean"] for r in rs], marker="o", markersize=2.5,
                        **style(init, gain))
                ax.fill_between(x, [r["ratio_min"] for r in rs], [r["ratio_max"] for r in rs],
                                color=GAIN_COLOURS.get(gain, "0.3"), alpha=0.12, linewidth=0)
        ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=":")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        lo, hi = ax.get_ylim()
        if hi / lo < 30:  # less than ~1.5 decades: plain numbers read better
            ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 1.5, 2.0, 3.0, 5.0, 7.0)))
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel(r"depth $L$ (number of weight matrices)")
        ax.set_ylabel(r"$\|\partial F/\partial W_1\|_F \,/\, \|\partial F/\partial W_L\|_F$")
        ax.set_title(f"({next(letters)}) {net_label}: first/last layer gradient ratio")
        ax.grid(True, which="major", alpha=0.3)

        # (c) spread of log singular values vs depth.
        ax = axes[row][2]
        groups = keyed([r for r in spectrum if r["net"] == net], "init", "gain")
        for init in inits:
            for gain in gains:
                rs = sorted(groups.get((init, gain), []), key=lambda r: r["depth"])
                if not rs:
                    continue
                ax.plot([r["depth"] for r in rs], [r["std_ln_sv"] / math.log(10.0) for r in rs],
                        marker="o", markersize=2.5, **style(init, gain))
        if net == "linear":
            depths = sorted({r["depth"] for r in spectrum})
            ax.plot(depths, [lyap * d for d in depths], color="0.2", linestyle=":", linewidth=1.0,
                    label=rf"Lyapunov: $L\cdot$std$_k[\psi(k/2)/2]/\ln 10$ = {lyap:.3f}$L$")
            ax.text(0.97, 0.04, "linear: J scales by $g^L$,\nso the spread is the same for every g",
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5)
            ax.legend(loc="upper left", frameon=False)
        ax.set_xlabel(r"depth $L$")
        ax.set_ylabel(r"std$_i\,\log_{10} s_i(J)$  (decades)")
        ax.set_title(f"({next(letters)}) {net_label}: spread of Jacobian singular values")
        ax.set_xlim(0, max_depth + 1)
        ax.set_ylim(bottom=-0.5)
        ax.grid(True, alpha=0.3)

        # (d) singular values at the largest depth, ranked.
        ax = axes[row][3]
        groups = keyed([r for r in values if r["net"] == net and int(r["depth"]) == sv_depth],
                       "init", "gain")
        for init in inits:
            for gain in gains:
                rs = groups.get((init, gain), [])
                by_spectrum = keyed(rs, "replicate", "input")
                for k, (_, spec_rows) in enumerate(sorted(by_spectrum.items())):
                    spec_rows.sort(key=lambda r: r["rank"])
                    ax.plot([r["rank"] for r in spec_rows], [r["sv"] for r in spec_rows],
                            alpha=1.0 if k == 0 else 0.35, linewidth=1.4 if k == 0 else 0.8,
                            **style(init, gain))
            if net == "linear" and init == "orthogonal":
                for gain in gains:
                    ax.axhline(gain ** sv_depth, color="k", linestyle=":", linewidth=0.8)
                ax.text(0.03, 0.03, r"dotted: $g^L$, exact for orthogonal", transform=ax.transAxes,
                        ha="left", va="bottom", fontsize=7.5)
        ax.set_yscale("log")
        ax.set_xlabel(r"rank $i$ of singular value")
        ax.set_ylabel(r"$s_i(J)$,  $J=\partial f/\partial x$")
        ax.set_title(f"({next(letters)}) {net_label}, L = {sv_depth}: Jacobian singular values")
        ax.set_xlim(1, width)
        ax.grid(True, which="major", alpha=0.3)

    # One legend for the whole figure: colour = gain, style = init.
    handles = [plt.Line2D([], [], color=GAIN_COLOURS.get(g, "0.3"), label=f"gain $g$ = {g:g}")
               for g in gains]
    handles += [plt.Line2D([], [], color="0.2", linestyle=INIT_STYLES[i], label=INIT_LABELS[i])
                for i in inits]
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False,
               bbox_to_anchor=(0.5, 1.0), fontsize=8.5)
    fig.suptitle(f"Gradients and input–output Jacobians at initialisation, width N = {width}, "
                 "no biases, MSE to a linear teacher", y=1.04, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
