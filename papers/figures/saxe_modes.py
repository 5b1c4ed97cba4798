#!/usr/bin/env python3
"""Figure: exact learning dynamics of deep linear networks (experiment saxe_modes).

Usage: python3 papers/figures/saxe_modes.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
saxe_modes.pdf and saxe_modes.png. Missing or malformed input: one line on stderr, exit 2.

Saxe, McClelland & Ganguli (2013) on their hierarchical data (one hidden layer):
 (a) mode strengths u_a(t) from the decoupled initialisation (u0 = 1e-6 per mode), one mode
     per singular-value cluster: analytic sigmoid (solid), gradient flow (dashed), GD with
     Saxe's step (dotted); t in GD iterations (flow time / eta);
 (b) the same from small random Gaussian weights; the analytic curve starts from each
     mode's effective strength ||(W32^T u_a + W21 v_a)/2||^2;
 (c) learning time (first crossing of s/2) against 1/s: formula (tau/2s) ln((s - u0)/u0)
     and the simulated crossings;
 (d) iterations to reach F <= criterion * F0 against depth, at the best learning rate of
     the grid for each depth, random orthogonal vs scaled Gaussian initialisation.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

TEXT_COLUMNS = {"init", "method"}
FILES = {
    "modes.csv": ["mode", "s"],
    "mode_trajectories.csv": ["init", "method", "t", "mode", "s", "u"],
    "learning_times.csv": ["init", "mode", "s", "inv_s", "u0", "t_formula", "t_gd", "t_flow"],
    "depth_learning_time.csv": ["init", "depth", "best_lr", "steps", "target_loss"],
    "depth_lr_scan.csv": ["init", "depth", "lr", "steps", "diverged"],
}
FIGURE = figure_common.Figure("saxe_modes", FILES, text_columns=TEXT_COLUMNS)
METHOD_STYLES = {"analytic": "-", "flow": "--", "gd": ":"}
METHOD_LABELS = {"analytic": "analytic $u(t)$", "flow": "gradient flow (dopri5)", "gd": r"GD, step $\lambda$"}


def cluster_representatives(modes):
    """The first mode of each cluster of singular values (gap > 8% between neighbours)."""
    s = [m["s"] for m in sorted(modes, key=lambda m: m["mode"])]
    reps = [0]
    for i in range(1, len(s)):
        if s[i - 1] / s[i] > 1.08:
            reps.append(i)
    return reps


def trajectory_panel(ax, rows, init, reps, colours, title):
    for k, mode in enumerate(reps):
        for method in ("analytic", "flow", "gd"):
            rs = sorted((r for r in rows if r["init"] == init and r["method"] == method and int(r["mode"]) == mode),
                        key=lambda r: r["t"])
            if not rs:
                continue
            ax.plot([r["t"] for r in rs], [r["u"] for r in rs], color=colours[k], linestyle=METHOD_STYLES[method],
                    linewidth=1.6 if method == "analytic" else 1.2)
    for k, mode in enumerate(reps):
        s = next(r["s"] for r in rows if int(r["mode"]) == mode)
        ax.axhline(s, color=colours[k], linewidth=0.5, alpha=0.4)
    ax.set_xlabel("t (GD iterations; flow time / $\\eta$)")
    ax.set_ylabel(r"mode strength $u_\alpha = u_\alpha^\top W_{32}W_{21} v_\alpha$")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    modes = FIGURE.read_csv(data_dir, "modes.csv")
    traj = FIGURE.read_csv(data_dir, "mode_trajectories.csv")
    times = FIGURE.read_csv(data_dir, "learning_times.csv")
    depth = FIGURE.read_csv(data_dir, "depth_learning_time.csv")
    scan = FIGURE.read_csv(data_dir, "depth_lr_scan.csv")

    reps = cluster_representatives(modes)
    cmap = plt.get_cmap("viridis")
    colours = [cmap(0.9 * k / max(1, len(reps) - 1)) for k in range(len(reps))]

    figure_common.use_style()
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))

    trajectory_panel(axes[0], traj, "decoupled", reps, colours, r"(a) decoupled init, $u_0 = 10^{-6}$")
    trajectory_panel(axes[1], traj, "random", reps, colours, "(b) small random Gaussian init")
    handles = [plt.Line2D([], [], color="0.2", linestyle=METHOD_STYLES[m], label=METHOD_LABELS[m])
               for m in ("analytic", "flow", "gd")]
    handles += [plt.Line2D([], [], color=colours[k], label=f"mode {m}, s = {modes[m]['s']:.1f}")
                for k, m in enumerate(reps)]
    axes[0].legend(handles=handles, loc="lower right", frameon=False)

    # (c) learning time against 1/s.
    ax = axes[2]
    dec = sorted((r for r in times if r["init"] == "decoupled"), key=lambda r: r["inv_s"])
    ax.plot([r["inv_s"] for r in dec], [r["t_formula"] for r in dec], color="k", linewidth=1.2,
            label=r"$(\tau/2s)\ln((s-u_0)/u_0)$, $u_0=10^{-6}$")
    ax.plot([r["inv_s"] for r in dec], [r["t_flow"] for r in dec], "o", markersize=4, mfc="none", color="C0",
            label="decoupled: gradient flow")
    ax.plot([r["inv_s"] for r in dec], [r["t_gd"] for r in dec], "x", markersize=4, color="C1",
            label="decoupled: GD")
    ran = [r for r in times if r["init"] == "random"]
    ax.plot([r["inv_s"] for r in ran], [r["t_formula"] for r in ran], "_", markersize=7, color="C2",
            label="random: formula with effective $u_0$")
    ax.plot([r["inv_s"] for r in ran], [r["t_flow"] for r in ran], "^", markersize=3.5, color="C3",
            label="random: gradient flow")
    ax.set_xlabel(r"$1/s$ (singular value of $\Sigma^{31}$, summed convention)")
    ax.set_ylabel(r"time to $u = s/2$ (iterations)")
    ax.set_title(r"(c) learning time $\propto 1/s$")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, alpha=0.3)

    # (d) learning time against depth.
    ax = axes[3]
    cap = {}
    for r in scan:
        cap[(r["init"], r["depth"])] = max(cap.get((r["init"], r["depth"]), 0), r["steps"])
    for init, colour, marker in (("orthogonal", "C0", "o"), ("gaussian", "C3", "s")):
        rs = sorted((r for r in depth if r["init"] == init), key=lambda r: r["depth"])
        ok = [r for r in rs if r["steps"] >= 0]
        ax.plot([r["depth"] for r in ok], [r["steps"] for r in ok], marker=marker, color=colour, markersize=4,
                label=("random orthogonal" if init == "orthogonal" else r"scaled Gaussian $\sigma=1/\sqrt{N}$"))
        for r in ok:
            ax.annotate(f"{r['best_lr']:.2g}", (r["depth"], r["steps"]), textcoords="offset points", xytext=(3, -9),
                        fontsize=6, color=colour)
        missed = [r for r in rs if r["steps"] < 0]
        if missed:
            ax.plot([r["depth"] for r in missed], [1.0] * len(missed), marker=marker, linestyle="none", mfc="none",
                    color=colour, transform=ax.get_xaxis_transform(), clip_on=False)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    crit = depth[0]["target_loss"]
    ax.set_xlabel(r"depth $L$ (weight matrices), width 32")
    ax.set_ylabel(f"iterations to F <= {crit:g}, best lr (annotated)")
    ax.set_title("(d) learning time vs depth (open markers at top: not reached)")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, which="major", alpha=0.3)

    s_max, s_min = modes[0]["s"], modes[-1]["s"]
    fig.suptitle("Deep linear networks on Saxe's hierarchical data (P = 32 items, 1000 features): "
                 f"s from {s_min:.1f} to {s_max:.1f}, $\\lambda = \\eta/P$, $\\tau = 1/\\lambda$", y=1.02, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
