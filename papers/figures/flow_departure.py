#!/usr/bin/env python3
"""Figure: discrete optimizers against their continuous flows (experiment flow_departure).

Usage: python3 papers/figures/flow_departure.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
flow_departure.pdf and flow_departure.png. Missing or malformed input: one line on stderr,
exit 2.

 (a) orders: the gap ||theta_n - X(T)|| at a fixed time T against the time step dt (n = T/dt
     steps) for each optimizer and its continuous limit (Rosenbrock); fitted log-log slopes
     (95% interval) and the expected order in the legend; for Nesterov dt = sqrt(s);
 (b) full-batch GD on a tanh MLP regression at several eta, and gradient flow: loss against
     time t = k eta;
 (c) sharpness lambda_max of the Hessian at GD's iterate (colours) and along the gradient
     flow (black) against t, with 2/eta (dashed, the same colour); dotted verticals: where
     GD's lambda_max first reaches 2/eta;
 (d) the gap ||theta_k - X(k eta)|| to the gradient flow (solid) and to the modified flow
     (dashed) against t; dotted verticals as in (c), a dot at the take-off step (the gap
     doubles from its value at the crossing).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FILES = {
    "orders.csv": ["pair", "dt", "gap"],
    "slopes.csv": ["pair", "expected", "slope", "ci_low", "ci_high"],
    "eos_gaps.csv": ["lr", "step", "t", "loss_gd", "loss_flow", "gap", "gap_modified"],
    "eos_sharpness.csv": ["lr", "step", "t", "lambda_max", "two_over_lr"],
    "flow_sharpness.csv": ["t", "loss", "lambda_max"],
    "eos_summary.csv": ["lr", "two_over_lr", "gd_cross_t", "takeoff_t", "takeoff_step"],
}
FIGURE = figure_common.Figure("flow_departure", FILES, text_columns={"pair", "optimizer", "flow"})
PAIRS = {
    "gd~gradient": ("C0", "o", "GD vs gradient flow"),
    "gd~modified": ("C0", "s", "GD vs modified flow"),
    "momentum~heavy_ball": ("C3", "^", "momentum vs heavy-ball ODE"),
    "nesterov~nag_sc_high_res": ("C2", "v", r"Nesterov vs NAG-SC ODE ($\Delta t=\sqrt{s}$)"),
    "adam~adam_ode": ("C1", "D", "Adam vs Adam ODE"),  # open markers, dash-dot: it lies on GD's line
    "rmsprop~rmsprop_ode": ("C4", "P", "RMSprop vs RMSprop ODE"),
}
LR_COLOURS = ["C3", "C1", "C0", "C2", "C4", "C5"]


def by_lr(rows):
    out = {}
    for r in rows:
        out.setdefault(r["lr"], []).append(r)
    return out


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    orders = FIGURE.read_csv(data_dir, "orders.csv")
    slopes = {r["pair"]: r for r in FIGURE.read_csv(data_dir, "slopes.csv")}
    gaps = by_lr(FIGURE.read_csv(data_dir, "eos_gaps.csv"))
    sharp = by_lr(FIGURE.read_csv(data_dir, "eos_sharpness.csv"))
    flow = sorted(FIGURE.read_csv(data_dir, "flow_sharpness.csv"), key=lambda r: r["t"])
    summary = {r["lr"]: r for r in FIGURE.read_csv(data_dir, "eos_summary.csv")}
    lrs = sorted(gaps, reverse=True)
    colour = {lr: LR_COLOURS[i % len(LR_COLOURS)] for i, lr in enumerate(lrs)}

    figure_common.use_style(legend_fontsize=7.0)
    fig, axes = plt.subplots(1, 4, figsize=(18.5, 4.4))

    # (a) orders.
    ax = axes[0]
    for pair, (c, marker, label) in PAIRS.items():
        rs = sorted((r for r in orders if r["pair"] == pair), key=lambda r: r["dt"])
        if not rs:
            continue
        fit = slopes.get(pair)
        extra = (f": {fit['slope']:.2f} [{fit['ci_low']:.2f}, {fit['ci_high']:.2f}] (exp. {fit['expected']:g})"
                 if fit else "")
        style = {"gd~modified": "--", "adam~adam_ode": "-."}.get(pair, "-")
        ax.loglog([r["dt"] for r in rs], [r["gap"] for r in rs], marker=marker, color=c, markersize=4 if
                  pair != "adam~adam_ode" else 6, mfc="none" if pair == "adam~adam_ode" else c, linestyle=style,
                  label=label + extra)
    ax.set_xlabel(r"time step $\Delta t$ (= $\eta$; $\sqrt{s}$ for Nesterov)")
    ax.set_ylabel(r"$\|\theta_n - X(T)\|$ at $T = n\Delta t$")
    ax.set_title("(a) order of the gap to the continuous limit (Rosenbrock)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False, title="fitted slope [95% CI]",
              title_fontsize=7)
    ax.grid(True, which="major", alpha=0.3)

    # (b) loss.
    ax = axes[1]
    for lr in lrs:
        rs = gaps[lr]
        ax.semilogy([r["t"] for r in rs], [r["loss_gd"] for r in rs], color=colour[lr], linewidth=0.9,
                    label=f"GD, $\\eta$ = {lr:g}")
    ax.semilogy([r["t"] for r in flow], [r["loss"] for r in flow], color="k", linewidth=1.6, label="gradient flow")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel("training loss (mse)")
    ax.set_title("(b) MLP regression: loss of GD and of gradient flow")
    ax.legend(loc="upper right", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    # (c) sharpness.
    ax = axes[2]
    for lr in lrs:
        rs = sharp[lr]
        ax.plot([r["t"] for r in rs], [r["lambda_max"] for r in rs], color=colour[lr], linewidth=0.9,
                label=f"GD, $\\eta$ = {lr:g}")
        ax.axhline(2 / lr, color=colour[lr], linestyle="--", linewidth=0.9)
        cross = summary[lr]["gd_cross_t"]
        if cross == cross:
            ax.axvline(cross, color=colour[lr], linestyle=":", linewidth=0.9)
    ax.plot([r["t"] for r in flow], [r["lambda_max"] for r in flow], color="k", linewidth=1.6,
            label="gradient flow")
    ax.plot([], [], color="0.4", linestyle="--", label=r"$2/\eta$")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"sharpness $\lambda_{\max}(\nabla^2 F)$")
    ax.set_title(r"(c) progressive sharpening, then the edge of stability")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncol=2)
    ax.grid(True, which="major", alpha=0.3)

    # (d) gaps.
    ax = axes[3]
    for lr in lrs:
        rs = [r for r in gaps[lr] if r["step"] > 0]
        ax.semilogy([r["t"] for r in rs], [r["gap"] for r in rs], color=colour[lr], linewidth=1.0,
                    label=f"$\\eta$ = {lr:g}")
        ax.semilogy([r["t"] for r in rs], [r["gap_modified"] for r in rs], color=colour[lr], linewidth=0.8,
                    linestyle="--")
        s = summary[lr]
        if s["gd_cross_t"] == s["gd_cross_t"]:
            ax.axvline(s["gd_cross_t"], color=colour[lr], linestyle=":", linewidth=0.9)
        if s["takeoff_step"] >= 0:
            take = next(r for r in rs if r["step"] == s["takeoff_step"])
            ax.plot([take["t"]], [take["gap"]], "o", color=colour[lr], markersize=5)
    ax.plot([], [], color="0.4", label="to gradient flow")
    ax.plot([], [], color="0.4", linestyle="--", label=r"to modified flow ($\eta/4\,\|\nabla F\|^2$)")
    ax.plot([], [], color="0.4", linestyle=":", label=r"GD's $\lambda_{\max}$ reaches $2/\eta$")
    ax.plot([], [], "o", color="0.4", label="take-off (gap doubles)")
    ax.set_xlabel(r"time $t = k\eta$")
    ax.set_ylabel(r"$\|\theta_k - X(k\eta)\|$")
    ax.set_title("(d) where GD stops following the flow")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncol=2)
    ax.grid(True, which="major", alpha=0.3)

    fig.suptitle("How far discrete optimizers depart from their continuous flows, at what order, and where they "
                 "stop following them", y=1.02, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
