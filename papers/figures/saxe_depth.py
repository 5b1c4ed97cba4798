#!/usr/bin/env python3
"""Figure: learning time against depth under Saxe et al.'s protocol (experiment saxe_depth).

Usage: python3 papers/figures/saxe_depth.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory; OUT_DIR (default papers/figures) receives
saxe_depth.pdf and saxe_depth.png. Missing or malformed input: one line on stderr, exit 2.

Deep linear networks on whitened Fashion-MNIST (the target map's largest singular value set
to s_max), L weight matrices:
 (a, b) GD iterations to E <= criterion * E(zero map) against depth at s_max = 1 (a) and the
     largest s_max (b): the best step of the grid per depth (solid) and the scaled step
     lambda = c/(L s_max^(2-2/L)) (dashed), random orthogonal, scaled Gaussian and decoupled
     initial weights; black: the analytic time of the decoupled modes at the best step.
     Open markers at the top: criterion not reached within the cap.
 (c) the best step times L s_max^(2-2/L) against depth (1 = the scaled step).
 (d) nonzero singular values of the target map (s / s_max; one-hot targets against centred
     inputs have rank <= 9).
 (e) mode strengths on Saxe's hierarchical data from small random weights: analytic (solid),
     linear network (dashed), tanh network (dotted), one mode per singular-value cluster.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

TEXT_COLUMNS = {"init", "net"}
FILES = {
    "depth_learning_time.csv": ["s_max", "init", "depth", "best_lambda", "steps", "analytic_steps", "scaled_lambda",
                                "scaled_steps", "target_loss"],
    "target_spectrum.csv": ["mode", "s_raw", "s_over_smax"],
    "tanh_modes.csv": ["net", "t", "mode", "s", "u"],
}
FIGURE = figure_common.Figure("saxe_depth", FILES, text_columns=TEXT_COLUMNS)
INITS = {"orthogonal": ("C0", "o", "random orthogonal"), "gaussian": ("C3", "s", r"scaled Gaussian $1/\sqrt{N}$"),
         "decoupled": ("C2", "^", r"decoupled, $u_0 = 0.1\,s$")}
NET_STYLES = {"analytic": "-", "linear": "--", "tanh": ":"}


def finite_and_reached(value):
    return value == value and value >= 0


def depth_panel(ax, rows, s_max, title):
    for init, (colour, marker, label) in INITS.items():
        rs = sorted((r for r in rows if r["init"] == init and r["s_max"] == s_max), key=lambda r: r["depth"])
        ok = [r for r in rs if finite_and_reached(r["steps"])]
        ax.plot([r["depth"] for r in ok], [r["steps"] for r in ok], marker=marker, color=colour, markersize=4,
                label=label + " (best step)")
        sc = [r for r in rs if finite_and_reached(r["scaled_steps"])]
        ax.plot([r["depth"] for r in sc], [r["scaled_steps"] for r in sc], marker=marker, color=colour, mfc="none",
                markersize=4, linestyle="--", linewidth=0.9)
        missed = [r for r in rs if not finite_and_reached(r["steps"])]
        if missed:
            ax.plot([r["depth"] for r in missed], [1.0] * len(missed), marker=marker, linestyle="none", mfc="none",
                    color=colour, transform=ax.get_xaxis_transform(), clip_on=False)
        if init == "decoupled":
            an = [r for r in rs if r["analytic_steps"] == r["analytic_steps"]]
            ax.plot([r["depth"] for r in an], [r["analytic_steps"] for r in an], color="k", linewidth=1.0,
                    label="analytic (decoupled modes)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel(r"depth $L$ (weight matrices; $N_l = L + 1$)")
    ax.set_ylabel("GD iterations to criterion")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)


def cluster_representatives(s_values):
    reps = [0]
    for i in range(1, len(s_values)):
        if s_values[i - 1] / s_values[i] > 1.08 and s_values[i] > 1e-6 * s_values[0]:
            reps.append(i)
    return reps[:6]


def main(argv):
    data_dir, out_dir = FIGURE.arguments(argv, __doc__)
    depth = FIGURE.read_csv(data_dir, "depth_learning_time.csv")
    spectrum = FIGURE.read_csv(data_dir, "target_spectrum.csv")
    tanh = FIGURE.read_csv(data_dir, "tanh_modes.csv")
    scales = sorted({r["s_max"] for r in depth})

    figure_common.use_style()
    fig, axes = plt.subplots(1, 5, figsize=(21, 4.2))
    depth_panel(axes[0], depth, scales[0], f"(a) $s_{{max}} = {scales[0]:g}$ (dashed: scaled step)")
    depth_panel(axes[1], depth, scales[-1], f"(b) $s_{{max}} = {scales[-1]:g}$ (dashed: scaled step)")
    axes[0].legend(loc="upper left", frameon=False)

    ax = axes[2]
    for s_max, style in zip(scales, ("-", "--", ":", "-.")):
        for init, (colour, marker, label) in INITS.items():
            rs = sorted((r for r in depth if r["init"] == init and r["s_max"] == s_max and
                         finite_and_reached(r["steps"])), key=lambda r: r["depth"])
            ax.plot([r["depth"] for r in rs], [r["best_lambda"] / r["scaled_lambda"] for r in rs], marker=marker,
                    color=colour, linestyle=style, markersize=4, label=f"{init}, $s_{{max}}={s_max:g}$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel(r"depth $L$")
    ax.set_ylabel(r"best $\lambda \cdot L\, s_{max}^{2-2/L}$")
    ax.set_title(r"(c) best step $\propto 1/(L s_{max}^{2-2/L})$")
    ax.legend(loc="lower left", frameon=False, fontsize=6)
    ax.grid(True, alpha=0.3)

    ax = axes[3]
    spec = sorted(spectrum, key=lambda r: r["mode"])
    nonzero = [r for r in spec if r["s_over_smax"] > 1e-12]  # one-hot targets: rank <= 9
    ax.semilogy([r["mode"] for r in nonzero], [r["s_over_smax"] for r in nonzero], "o-", markersize=4)
    ax.set_xlabel(r"mode $\alpha$")
    ax.set_ylabel(r"$s_\alpha / s_{max}$")
    ax.set_title(f"(d) target map, raw $s_{{max}}$ = {spec[0]['s_raw']:.3f}")
    ax.grid(True, alpha=0.3)

    ax = axes[4]
    s_of = {}
    for r in tanh:
        s_of[int(r["mode"])] = r["s"]
    reps = cluster_representatives([s_of[m] for m in sorted(s_of)])
    cmap = plt.get_cmap("viridis")
    for k, mode in enumerate(reps):
        colour = cmap(0.9 * k / max(1, len(reps) - 1))
        for net, style in NET_STYLES.items():
            rs = sorted((r for r in tanh if r["net"] == net and int(r["mode"]) == mode), key=lambda r: r["t"])
            ax.plot([r["t"] for r in rs], [r["u"] for r in rs], color=colour, linestyle=style, linewidth=1.2)
    handles = [plt.Line2D([], [], color="0.2", linestyle=st, label=n) for n, st in NET_STYLES.items()]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_xlabel("t (GD iterations)")
    ax.set_ylabel(r"mode strength $u_\alpha^\top \hat Y v_\alpha$")
    ax.set_title("(e) hierarchical data: analytic vs linear vs tanh")
    ax.grid(True, alpha=0.3)

    fig.suptitle("Saxe et al.'s depth experiment on whitened Fashion-MNIST: iterations to "
                 r"$E \leq$ criterion $\cdot E(0)$ against depth", y=1.02, fontsize=11)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main(sys.argv)
