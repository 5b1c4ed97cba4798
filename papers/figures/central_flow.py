#!/usr/bin/env python3
"""Figure: GD at the edge of stability against gradient flow and the central flow (experiment central_flow).

Usage: python3 papers/figures/central_flow.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
central_flow.pdf and central_flow.png. Missing or malformed input: one line on stderr, exit 2.

 (a) training loss against time t = k eta: GD (thin), GD's time average over the centred window,
     gradient flow (= GD's stable flow), the central flow's own loss F(theta_cf) and its
     prediction of GD's time-averaged loss F + (1/2)<Sigma, H> (Cohen, Damian et al. 2025); dotted:
     where GD's sharpness is back below 2/eta after its overshoot; the title gives each curve's
     median relative error against GD's time-averaged loss from there on;
 (b) sharpness lambda_max of the Hessian along GD, gradient flow and the central flow, with 2/eta;
 (c) the distance of GD's time-averaged iterate from each flow, ||theta_bar_k - X(k eta)||;
 (d) tr X, the variance of GD's oscillation the central flow infers (0 off the edge), against the
     variance GD actually has about its time average along the top Hessian eigenvectors at it;
     the title gives the ratio of their time means after the dotted line and the fraction of
     windows where GD barely oscillates (variance < 0.1 tr X).
 (e)-(h) the same for RMSprop (torch's convention) against its stable flow (rmsprop_ode with the
     central flow's rate of nu, from the same (theta_0, nu_1)) and its central flow
     (rmsprop_central): loss, the preconditioned sharpness lambda_max(P^-1 H) with its edge 2,
     the distance of RMSprop's time average from each flow, and tr X.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "trajectories.csv": ["step", "t", "loss_gd", "loss_gd_avg", "loss_gf", "loss_cf", "loss_cf_predicted",
                         "sharp_gd", "sharp_gf", "sharp_cf", "trace_x", "dist_avg_gf", "dist_avg_cf", "osc_var_top"],
    "summary.csv": ["lr", "two_over_lr", "gd_cross_t", "gd_settled_t", "rel_loss_err_gf_settled",
                    "rel_loss_err_cf_settled", "rel_loss_err_cf_plain_settled", "mean_err_cf_settled",
                    "mean_err_cf_plain_settled", "osc_var_ratio_settled", "quiet_fraction_settled"],
    "rmsprop_trajectories.csv": ["step", "t", "loss_rms", "loss_rms_avg", "loss_sf", "loss_cf", "loss_cf_predicted",
                                 "psharp_rms", "psharp_sf", "psharp_cf", "trace_x", "dist_avg_sf", "dist_avg_cf"],
    "rmsprop_summary.csv": ["lr", "alpha", "rms_cross_t", "rel_loss_err_sf", "rel_loss_err_cf", "rel_loss_err_cf_plain",
                            "mean_err_sf", "mean_err_cf", "mean_err_cf_plain"],
}
FIGURE = figure_common.Figure("central_flow", FILES)


def finite(rows, key):
    """(t, value) of the rows where `key` is a number (NaN outside GD's averaging window)."""
    pts = [(r["t"], r[key]) for r in rows if r[key] == r[key]]
    return [p[0] for p in pts], [p[1] for p in pts]


def rmsprop_row(axes, rows, s):
    """Panels (e)-(h): RMSprop against its stable flow and its central flow."""
    rows = sorted(rows, key=lambda r: r["t"])
    ax = axes[0]
    ax.semilogy(*finite(rows, "loss_rms"), color="0.6", linewidth=0.7, label="RMSprop")
    ax.semilogy(*finite(rows, "loss_rms_avg"), color="k", linewidth=1.4, label="RMSprop, time average")
    ax.semilogy(*finite(rows, "loss_sf"), color="C0", linestyle="--", label="stable flow")
    ax.semilogy(*finite(rows, "loss_cf_predicted"), color="C3", label=r"central flow: $F + \frac{1}{2}\langle\Sigma, H\rangle$")
    ax.semilogy(*finite(rows, "loss_cf"), color="C3", linestyle=":", label=r"central flow: $F(\theta_{cf})$")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel("training loss (mse)")
    ax.set_title(f"(e) RMSprop, $\\eta$ = {s['lr']:g}, $\\alpha$ = {s['alpha']:g}; median rel. error vs its average:\n"
                 f"stable flow {s['rel_loss_err_sf']:.3f}, central flow {s['rel_loss_err_cf']:.3f} "
                 f"(prediction), {s['rel_loss_err_cf_plain']:.3f} ($F(\\theta_{{cf}})$)")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    ax.semilogy(*finite(rows, "psharp_rms"), color="0.6", linewidth=0.7, label="RMSprop")
    ax.semilogy(*finite(rows, "psharp_sf"), color="C0", linestyle="--", label="stable flow")
    ax.semilogy(*finite(rows, "psharp_cf"), color="C3", label="central flow")
    ax.axhline(2.0, color="k", linestyle=":", linewidth=0.9, label="2")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"preconditioned sharpness $\lambda_{\max}(P^{-1}\nabla^2 F)$")
    ax.set_title("(f) preconditioned sharpness, $P = (\\sqrt{\\nu} + \\epsilon)/\\eta$")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[2]
    ax.plot(*finite(rows, "dist_avg_sf"), color="C0", linestyle="--", label="to the stable flow")
    ax.plot(*finite(rows, "dist_avg_cf"), color="C3", label="to the central flow")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"$\|\bar\theta_k - X(k\eta)\|$")
    ax.set_title("(g) distance of RMSprop's time average from each flow")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[3]
    ax.plot(*finite(rows, "trace_x"), color="C3", label=r"central flow: tr $X$ ($U^\top P U = I$)")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel("oscillation variance")
    ax.set_title(f"(h) tr $X$; time-mean loss error from the crossing:\nstable flow {100 * s['mean_err_sf']:+.1f}%, "
                 f"central flow {100 * s['mean_err_cf']:+.1f}% (prediction), {100 * s['mean_err_cf_plain']:+.1f}% ($F$)")
    ax.legend(loc="upper right", frameon=False)
    ax.grid(True, which="major", alpha=0.3)


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    rows = sorted(FIGURE.read_csv(data_dir, "trajectories.csv"), key=lambda r: r["t"])
    s = FIGURE.read_csv(data_dir, "summary.csv")[0]
    lr = s["lr"]

    figure_common.use_style(legend_fontsize=7.0)
    fig, grid = plt.subplots(2, 4, figsize=(18.5, 9.4))
    axes = grid[0]

    ax = axes[0]
    ax.semilogy(*finite(rows, "loss_gd"), color="0.6", linewidth=0.7, label="GD")
    ax.semilogy(*finite(rows, "loss_gd_avg"), color="k", linewidth=1.4, label="GD, time average")
    ax.semilogy(*finite(rows, "loss_gf"), color="C0", linestyle="--", label="gradient flow (= stable flow)")
    ax.semilogy(*finite(rows, "loss_cf_predicted"), color="C3", label=r"central flow: $F + \frac{1}{2}\langle\Sigma, H\rangle$")
    ax.semilogy(*finite(rows, "loss_cf"), color="C3", linestyle=":", label=r"central flow: $F(\theta_{cf})$")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel("training loss (mse)")
    if s["gd_settled_t"] == s["gd_settled_t"]:
        ax.axvline(s["gd_settled_t"], color="0.5", linestyle=":", linewidth=0.9, label="GD back below $2/\\eta$")
    ax.set_title(f"(a) loss, $\\eta$ = {lr:g}; median rel. error vs GD's average after the dotted line:\n"
                 f"gradient flow {s['rel_loss_err_gf_settled']:.3f}, central flow {s['rel_loss_err_cf_settled']:.3f} "
                 f"($F + \\frac{{1}}{{2}}\\langle\\Sigma, H\\rangle$), {s['rel_loss_err_cf_plain_settled']:.3f} ($F(\\theta_{{cf}})$)")
    ax.legend(loc="upper right", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    ax.plot(*finite(rows, "sharp_gd"), color="0.6", linewidth=0.7, label="GD")
    ax.plot(*finite(rows, "sharp_gf"), color="C0", linestyle="--", label="gradient flow")
    ax.plot(*finite(rows, "sharp_cf"), color="C3", label="central flow")
    ax.axhline(2 / lr, color="k", linestyle=":", linewidth=0.9, label=r"$2/\eta$")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"sharpness $\lambda_{\max}(\nabla^2 F)$")
    ax.set_title("(b) sharpness")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[2]
    ax.plot(*finite(rows, "dist_avg_gf"), color="C0", linestyle="--", label="to gradient flow")
    ax.plot(*finite(rows, "dist_avg_cf"), color="C3", label="to central flow")
    if s["gd_cross_t"] == s["gd_cross_t"]:
        ax.axvline(s["gd_cross_t"], color="0.5", linestyle=":", linewidth=0.9, label=r"GD's $\lambda_{\max}$ reaches $2/\eta$")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"$\|\bar\theta_k - X(k\eta)\|$")
    ax.set_title("(c) distance of GD's time average from each flow")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[3]
    ax.plot(*finite(rows, "osc_var_top"), color="0.4", linewidth=0.8, label=r"GD: $\langle\sum_i (u_i^\top(\theta_k - \bar\theta))^2\rangle$")
    ax.plot(*finite(rows, "trace_x"), color="C3", label=r"central flow: tr $X$")
    if s["gd_settled_t"] == s["gd_settled_t"]:
        ax.axvline(s["gd_settled_t"], color="0.5", linestyle=":", linewidth=0.9)
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel("oscillation variance")
    ax.set_title(f"(d) GD's oscillation against tr $X$; time means after the dotted line:\n"
                 f"ratio {s['osc_var_ratio_settled']:.2f}, GD quiet in {100 * s['quiet_fraction_settled']:.0f}% of windows; "
                 f"mean loss error: central flow {100 * s['mean_err_cf_settled']:+.1f}%")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    rmsprop_row(grid[1], FIGURE.read_csv(data_dir, "rmsprop_trajectories.csv"),
                FIGURE.read_csv(data_dir, "rmsprop_summary.csv")[0])
    fig.suptitle("Gradient descent (top) and RMSprop (bottom) at the edge of stability: their stable flows against "
                 "their central flows (Cohen, Damian et al. 2025)", y=1.01, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
