#!/usr/bin/env python3
"""Figure: SGD, SVAG and Euler-Maruyama against the SDE of SGD (experiment sgd_vs_sde).

Usage: python3 papers/figures/sgd_vs_sde.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
sgd_vs_sde.pdf and sgd_vs_sde.png. Missing or malformed input: one line on stderr, exit 2.

 (a) noisy quadratic: weak error |E phi - E phi_SDE| of E||x_T||^2 against the SDE step h = eta/l
     for SVAG (l = 1..16) and Euler-Maruyama (h = eta/l), with 95% Welch intervals, and the
     closed form (line); fitted order with its bootstrap interval in the legend;
 (b) noisy quadratic: the stationary variance X_00 of SVAG against h, with its 95% interval,
     the closed form of the map (discrete Lyapunov) and the SDE's Lyapunov solution (dashed);
 (c) MLP: weak error of E F(theta_T) against h for SVAG and EM, reference EM at a finer step;
 (d) linear scaling rule: the difference of E F(theta_T) between SGD at (kappa eta0, kappa B0)
     and its SDE against kappa (quad: closed form line; MLP: against the reference EM), with 95%
     intervals; the noise-to-signal ratio tr Sigma_B / ||grad F||^2 at theta_0 on the top axis
     labels of the MLP points.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "weak_error.csv": ["problem", "method", "l", "h", "test", "error", "diff_low", "diff_high", "closed_form_error"],
    "weak_order.csv": ["problem", "family", "test", "order", "order_low", "order_high"],
    "stationary.csv": ["method", "l", "h", "entry", "estimate", "low", "high", "closed_form_map", "closed_form_sde"],
    "lsr.csv": ["problem", "kappa", "test", "diff", "diff_low", "diff_high", "closed_form_diff", "noise_to_signal"],
}
FIGURE = figure_common.Figure("sgd_vs_sde", FILES,
                              text_columns={"problem", "method", "test", "family", "entry", "holds"})
FAMILIES = {"svag": ("C0", "o", "SVAG"), "em": ("C3", "s", "Euler-Maruyama")}


def error_panel(ax, rows, orders, problem, test, closed_form):
    for family, (colour, marker, label) in FAMILIES.items():
        rs = sorted((r for r in rows if r["problem"] == problem and r["test"] == test and r["method"] == family),
                    key=lambda r: r["h"])
        if not rs:
            continue
        o = orders.get((problem, family, test))
        extra = f": order {o['order']:.2f} [{o['order_low']:.2f}, {o['order_high']:.2f}]" if o else ""
        h = [r["h"] for r in rs]
        err = [r["error"] for r in rs]
        # The Welch interval of the signed difference, as an interval of |difference|; when it
        # holds 0 (below the Monte Carlo resolution) the bar runs down to a tenth of the point.
        lo, hi = [], []
        for e, r in zip(err, rs):
            a, b = abs(r["diff_low"]), abs(r["diff_high"])
            holds_zero = r["diff_low"] <= 0 <= r["diff_high"]
            lo.append(0.9 * e if holds_zero else e - min(a, b))
            hi.append(max(a, b) - e)
        ax.errorbar(h, err, yerr=[lo, hi], color=colour, marker=marker, linestyle="none", markersize=4, capsize=2,
                    label=label + extra)
        if closed_form and family == "svag":
            ax.loglog(h, [abs(r["closed_form_error"]) for r in rs], color="k", linewidth=1.0,
                      label="closed form (both)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"SDE time per step $h = \eta/l$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower right", frameon=False, title="fitted order [95% bootstrap]", title_fontsize=7)


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    weak = FIGURE.read_csv(data_dir, "weak_error.csv")
    orders = {(r["problem"], r["family"], r["test"]): r for r in FIGURE.read_csv(data_dir, "weak_order.csv")}
    stationary = FIGURE.read_csv(data_dir, "stationary.csv")
    lsr = FIGURE.read_csv(data_dir, "lsr.csv")

    figure_common.use_style(legend_fontsize=7.0)
    fig, axes = plt.subplots(1, 4, figsize=(18.5, 4.4))

    ax = axes[0]
    error_panel(ax, weak, orders, "quad", "sq_norm", True)
    ax.set_ylabel(r"$|E\,\|x_T\|^2 - E_{SDE}\,\|x_T\|^2|$")
    ax.set_title("(a) noisy quadratic: weak error at T")

    ax = axes[1]
    for family, (colour, marker, label) in FAMILIES.items():
        rs = sorted((r for r in stationary if r["method"] == family and r["entry"] == "00"), key=lambda r: r["h"])
        ax.errorbar([r["h"] for r in rs], [r["estimate"] for r in rs],
                    yerr=[[r["estimate"] - r["low"] for r in rs], [r["high"] - r["estimate"] for r in rs]],
                    color=colour, marker=marker, linestyle="none", markersize=4, capsize=2, label=label)
    rs = sorted((r for r in stationary if r["method"] == "svag" and r["entry"] == "00"), key=lambda r: r["h"])
    ax.plot([r["h"] for r in rs], [r["closed_form_map"] for r in rs], color="k", linewidth=1.0,
            label="map: discrete Lyapunov")
    ax.axhline(rs[0]["closed_form_sde"], color="k", linestyle="--", linewidth=1.0,
               label=r"SDE: $AX + XA = \eta\Sigma_B$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$h = \eta/l$")
    ax.set_ylabel(r"stationary $X_{00}$")
    ax.set_title("(b) noisy quadratic: stationary covariance")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[2]
    error_panel(ax, weak, orders, "mlp", "loss", False)
    ax.set_ylabel(r"$|E\,F(\theta_T) - E_{ref}\,F(\theta_T)|$")
    ax.set_title("(c) MLP: weak error of the loss (reference: fine EM)")

    ax = axes[3]
    for problem, colour, marker in (("quad", "C2", "^"), ("mlp", "C1", "D")):
        rs = sorted((r for r in lsr if r["problem"] == problem and r["test"] == "loss"), key=lambda r: r["kappa"])
        ax.errorbar([r["kappa"] for r in rs], [r["diff"] for r in rs],
                    yerr=[[r["diff"] - r["diff_low"] for r in rs], [r["diff_high"] - r["diff"] for r in rs]],
                    color=colour, marker=marker, linestyle="none", markersize=4, capsize=2,
                    label={"quad": "noisy quadratic", "mlp": "MLP"}[problem])
        if problem == "quad":
            ax.plot([r["kappa"] for r in rs], [r["closed_form_diff"] for r in rs], color=colour, linewidth=1.0,
                    label="quadratic: closed form")
        else:
            for r in rs:
                ax.annotate(f"{r['noise_to_signal']:.2g}", (r["kappa"], r["diff_high"]), fontsize=6,
                            textcoords="offset points", xytext=(0, 3), ha="center", color=colour)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_xscale("log", base=2)
    ax.set_xlabel(r"scale $\kappa$: SGD at $(\kappa\eta_0, \kappa B_0)$")
    ax.set_ylabel(r"$E\,F(\theta_T) - E_{SDE}\,F(\theta_T)$")
    ax.set_title("(d) linear scaling rule (MLP labels: noise/signal at $\\theta_0$)")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
