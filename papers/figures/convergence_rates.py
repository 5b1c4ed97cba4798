#!/usr/bin/env python3
"""Figure: measured against predicted convergence rates (experiment convergence_rates).

Usage: python3 papers/figures/convergence_rates.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
convergence_rates.pdf and convergence_rates.png. Missing or malformed input: one line on
stderr, exit 2.

 (a) ||theta_t - theta*|| on the kappa = 100 quadratic for GD (2/(L+mu) and 1/L), heavy ball
     at Goh's optimum and Nesterov (standard and Lessard-Recht-Packard tunings); dotted: the
     predicted rho^t through the last point;
 (b) 1 - rho against kappa: lines = predicted (max spectral radius of the per-eigenvalue
     blocks over [mu, L]), markers = fitted over the second half of each run (filled: the
     quadratic; open: least squares, whose mu and L come from Lanczos/dense eigensolvers);
 (c) sublinear regime on Nesterov's worst-case quadratic: GD (eta = 1/L) and NAG (SBC
     momentum (k-1)/(k+2)) with the bounds 2L r0^2/(t+1) (seed 003), 2L r0^2/(t+4)
     (Nesterov 2004) and 2 r0^2/(s(k+1)^2); fitted power-law exponents in the legend;
 (d) SGD on noisy least squares: constant step vs Robbins-Monro steps, with and without
     Polyak-Ruppert averaging; mean gap over replicates, fitted exponents in the legend.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

TEXT_COLUMNS = {"problem", "method", "curvature_source"}
FILES = {
    "rates.csv": ["problem", "kappa", "method", "predicted", "measured", "ci_low", "ci_high"],
    "traces.csv": ["problem", "kappa", "method", "t", "distance"],
    "sublinear.csv": ["method", "t", "gap", "bound_seed003", "bound_nesterov", "bound_nag"],
    "sublinear_fits.csv": ["method", "exponent", "predicted"],
    "sgd.csv": ["method", "t", "gap_mean"],
    "sgd_fits.csv": ["method", "exponent", "ci_low", "ci_high", "predicted"],
}
FIGURE = figure_common.Figure("convergence_rates", FILES, text_columns=TEXT_COLUMNS)
METHODS = {
    "gd_optimal": ("C0", r"GD, $\eta=2/(L+\mu)$"),
    "gd_1/L": ("C9", r"GD, $\eta=1/L$"),
    "heavy_ball_optimal": ("C3", "heavy ball, Goh's optimum"),
    "nesterov_standard": ("C2", r"Nesterov, $\eta=1/L$, $\mu=\frac{\sqrt{\kappa}-1}{\sqrt{\kappa}+1}$"),
    "nesterov_optimal": ("C1", "Nesterov, LRP optimum"),
}
SGD_STYLES = {
    "constant": ("C0", "-"), "constant+average": ("C0", "--"),
    "rm_alpha1": ("C3", "-"), "rm_alpha1+average": ("C3", "--"),
    "rm_alpha0.6": ("C2", "-"), "rm_alpha0.6+average": ("C2", "--"),
}


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    rates = FIGURE.read_csv(data_dir, "rates.csv")
    traces = FIGURE.read_csv(data_dir, "traces.csv")
    sub = FIGURE.read_csv(data_dir, "sublinear.csv")
    sub_fits = {r["method"]: r for r in FIGURE.read_csv(data_dir, "sublinear_fits.csv")}
    sgd = FIGURE.read_csv(data_dir, "sgd.csv")
    sgd_fits = {r["method"]: r for r in FIGURE.read_csv(data_dir, "sgd_fits.csv")}

    figure_common.use_style(legend_fontsize=7.2)
    fig, axes = plt.subplots(1, 4, figsize=(17.5, 4.3))

    # (a) traces on the quadratic at the kappa closest to 100.
    ax = axes[0]
    kappas = sorted({r["kappa"] for r in traces})
    kappa = min(kappas, key=lambda k: abs(k - 100.0))
    for method, (colour, label) in METHODS.items():
        rs = sorted((r for r in traces if r["problem"] == "quadratic" and r["kappa"] == kappa and r["method"] == method),
                    key=lambda r: r["t"])
        if not rs:
            continue
        ax.semilogy([r["t"] for r in rs], [r["distance"] for r in rs], color=colour, label=label)
        pred = next(r["predicted"] for r in rates
                    if r["problem"] == "quadratic" and r["kappa"] == kappa and r["method"] == method)
        t_end, d_end = rs[-1]["t"], rs[-1]["distance"]
        ts = [r["t"] for r in rs]
        ax.semilogy(ts, [d_end * pred ** (t - t_end) for t in ts], color=colour, linestyle=":", linewidth=0.9)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$\|\theta_t-\theta^*\|$")
    ax.set_title(f"(a) quadratic, $\\kappa$ = {kappa:g}: dotted = predicted $\\rho^t$")
    ax.set_ylim(bottom=1e-11)
    ax.legend(loc="upper right", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    # (b) 1 - rho against kappa.
    ax = axes[1]
    for method, (colour, label) in METHODS.items():
        rq = sorted((r for r in rates if r["problem"] == "quadratic" and r["method"] == method), key=lambda r: r["kappa"])
        if not rq:
            continue
        ax.loglog([r["kappa"] for r in rq], [1 - r["predicted"] for r in rq], color=colour, linewidth=1.0)
        ax.errorbar([r["kappa"] for r in rq], [1 - r["measured"] for r in rq],
                    yerr=[[r["ci_high"] - r["measured"] for r in rq], [r["measured"] - r["ci_low"] for r in rq]],
                    fmt="o", color=colour, markersize=4, capsize=0)
        rl = sorted((r for r in rates if r["problem"] == "least_squares" and r["method"] == method),
                    key=lambda r: r["kappa"])
        ax.plot([r["kappa"] * 1.12 for r in rl], [1 - r["measured"] for r in rl], "o", mfc="none", color=colour,
                markersize=5)
    ax.plot([], [], color="0.3", label="predicted (2x2 spectral radius)")
    ax.plot([], [], "o", color="0.3", label="fitted, quadratic")
    ax.plot([], [], "o", mfc="none", color="0.3", label=r"fitted, least squares ($\mu, L$ by eigensolver)")
    ax.set_xlabel(r"condition number $\kappa = L/\mu$")
    ax.set_ylabel(r"$1-\rho$ (per-step contraction gap)")
    ax.set_title(r"(b) rates: $1/\kappa$ (GD) vs $1/\sqrt{\kappa}$ (momentum)")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    # (c) sublinear.
    ax = axes[2]
    for method, colour, label in (("gd", "C0", r"GD, $\eta=1/L$"), ("nag", "C1", "NAG (SBC momentum)")):
        rs = sorted((r for r in sub if r["method"] == method), key=lambda r: r["t"])
        fit = sub_fits.get(method)
        extra = f": fit $t^{{{fit['exponent']:.2f}}}$ (pred. {fit['predicted']:g})" if fit else ""
        ax.loglog([r["t"] for r in rs], [r["gap"] for r in rs], color=colour, label=label + extra)
    rs = sorted((r for r in sub if r["method"] == "gd"), key=lambda r: r["t"])
    t = [r["t"] for r in rs]
    ax.loglog(t, [r["bound_seed003"] for r in rs], color="C0", linestyle=":", label=r"$2Lr_0^2/(t+1)$ (seed 003)")
    ax.loglog(t, [r["bound_nesterov"] for r in rs], color="C0", linestyle="--", linewidth=0.9,
              label=r"$2Lr_0^2/(t+4)$ (Nesterov 2004)")
    ax.loglog(t, [r["bound_nag"] for r in rs], color="C1", linestyle=":", label=r"$2r_0^2/(s(k+1)^2)$ (NAG)")
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$f(x_t)-f^*$")
    ax.set_title("(c) Nesterov's worst-case quadratic, $x_0 = 0$")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    # (d) SGD.
    ax = axes[3]
    for method, (colour, style) in SGD_STYLES.items():
        rs = sorted((r for r in sgd if r["method"] == method), key=lambda r: r["t"])
        if not rs:
            continue
        fit = sgd_fits.get(method)
        extra = f": $t^{{{fit['exponent']:.2f}}}$ (pred. {fit['predicted']:g})" if fit else ""
        ax.loglog([r["t"] for r in rs], [r["gap_mean"] for r in rs], color=colour, linestyle=style,
                  label=method.replace("rm_alpha", r"RM $\alpha$=").replace("+average", " + avg") + extra)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$E[F(\theta_t)]-F^*$ (mean over replicates)")
    ax.set_title("(d) SGD on noisy least squares (batch 1)")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    fig.suptitle("Convergence rates: predicted from the spectrum vs measured on trajectories", y=1.02, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
