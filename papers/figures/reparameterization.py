#!/usr/bin/env python3
"""Figure: reparameterisation and symmetry (experiment reparameterization).

Usage: python3 papers/figures/reparameterization.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory (invariance.csv, balance.csv, sharpness.csv,
teleport.csv, symmetry.csv); OUT_DIR (default papers/figures) receives reparameterization.pdf
and reparameterization.png. Missing or malformed input: one line on stderr, exit status 2.

Panels: (a) the invariance table: log10 of the trajectory gap per optimizer and
 transformation, the theory's prediction as the cell's mark (= equivariant, x not), red frame
 where they disagree, grey where the optimizer cannot run; (b) loss against step of GD and
 Path-SGD from balanced and unbalanced inits of the same relu function (median over seeds,
 band min to max), with the largest mapped-back gap of each; (c) lambda_max of the Hessian at
 T_alpha theta* against alpha (Lanczos at the moved point; line: T^-1 H T^-1 at theta*;
 dashed: the asymptotes alpha^2 lambda(H_W1) and lambda(H_W0)/alpha^2); (d) loss against gradient
 evaluations (gradients + HVPs) of GD with and without teleportation (median, band min to
 max, on a common grid); (e) hidden-unit spread (0 drawn at 1e-18) of GD from identical,
 perturbed and random inits, loss on the right axis (dotted).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FIGURE = figure_common.Figure(
    "reparameterization",
    files={
        "invariance.csv": ["optimizer", "transformation", "predicted", "applicable", "gap", "measured", "agrees"],
        "balance.csv": ["seed", "method", "step", "loss_balanced", "loss_unbalanced", "gap"],
        "sharpness.csv": ["alpha", "loss", "lambda_max", "lambda_max_pulled_back", "asymptote_large_alpha",
                          "asymptote_small_alpha"],
        "teleport.csv": ["seed", "method", "step", "evaluations", "loss"],
        "symmetry.csv": ["seed", "init", "step", "loss", "unit_spread"],
    },
    text_columns=("optimizer", "transformation", "method", "init", "reason"),
)
SPREAD_FLOOR = 1e-18
TRANSFORMATIONS = ["permutation", "sign_flip", "rescaling", "linear"]


def band(series):
    """{x: [y over seeds]} -> sorted xs, medians, minima, maxima (finite ys only)."""
    xs, med, lo, hi = [], [], [], []
    for x in sorted(series):
        ys = sorted(y for y in series[x] if math.isfinite(y))
        if not ys:
            continue
        xs.append(x)
        med.append(ys[len(ys) // 2] if len(ys) % 2 else 0.5 * (ys[len(ys) // 2 - 1] + ys[len(ys) // 2]))
        lo.append(ys[0])
        hi.append(ys[-1])
    return xs, med, lo, hi


def draw_band(ax, series, color, label, style="-"):
    xs, med, lo, hi = band(series)
    ax.plot(xs, med, style, color=color, label=label)
    ax.fill_between(xs, lo, hi, color=color, alpha=0.2, linewidth=0)


def panel_invariance(ax, rows):
    optimizers = list(dict.fromkeys(r["optimizer"] for r in rows))
    cells = {(r["optimizer"], r["transformation"]): r for r in rows}
    grid = [[math.nan] * len(TRANSFORMATIONS) for _ in optimizers]
    for i, o in enumerate(optimizers):
        for j, t in enumerate(TRANSFORMATIONS):
            r = cells.get((o, t))
            if r and r["applicable"] and math.isfinite(r["gap"]):
                grid[i][j] = math.log10(max(r["gap"], 1e-17))
    image = ax.imshow(grid, cmap="viridis", vmin=-17, vmax=1, aspect="auto")
    for i, o in enumerate(optimizers):
        for j, t in enumerate(TRANSFORMATIONS):
            r = cells.get((o, t))
            if r is None:
                continue
            if not r["applicable"]:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color="0.85"))
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=6)
                continue
            ax.text(j, i, "=" if r["predicted"] else "x", ha="center", va="center", fontsize=8,
                    color="white" if grid[i][j] < -6 else "black")
            if not r["agrees"]:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    ax.set_xticks(range(len(TRANSFORMATIONS)), [t.replace("_", " ") for t in TRANSFORMATIONS], fontsize=7)
    ax.set_yticks(range(len(optimizers)), [o.split(":")[0] + (" +teleport" if "teleport" in o else "")
                                           for o in optimizers], fontsize=7)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="log10 gap")
    ax.set_title("(a) invariance: gap (colour), theory (= / x)")


def panel_balance(ax, rows):
    styles = {"gd": "#1f77b4", "path_sgd": "#d62728"}
    for method, color in styles.items():
        mine = [r for r in rows if r["method"] == method]
        gaps = [r["gap"] for r in mine if math.isfinite(r["gap"])]
        for column, style, kind in (("loss_balanced", "-", "balanced"), ("loss_unbalanced", "--", "unbalanced")):
            series = {}
            for r in mine:
                series.setdefault(r["step"], []).append(r[column])
            label = f"{method} {kind}" + (f" (max gap {max(gaps):.1e})" if kind == "unbalanced" and gaps else "")
            draw_band(ax, series, color, label, style)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.set_title("(b) same function, balanced vs unbalanced init")
    ax.legend()


def panel_sharpness(ax, rows):
    rows = sorted(rows, key=lambda r: r["alpha"])
    alphas = [r["alpha"] for r in rows]
    ax.loglog(alphas, [r["lambda_max"] for r in rows], "o", color="#1f77b4", label="Lanczos at T_a theta*")
    ax.loglog(alphas, [r["lambda_max_pulled_back"] for r in rows], "-", color="#1f77b4", label="T^-1 H(theta*) T^-1")
    for column, label in (("asymptote_large_alpha", "a^2 lambda(H_W1)"), ("asymptote_small_alpha", "lambda(H_W0)/a^2")):
        pts = [(r["alpha"], r[column]) for r in rows if math.isfinite(r[column])]
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], "--", color="0.5", linewidth=1)
        ax.text(pts[-1][0] if "large" in column else pts[0][0], pts[-1][1] if "large" in column else pts[0][1],
                label, fontsize=6.5, ha="right" if "large" in column else "left", va="bottom")
    losses = [r["loss"] for r in rows]
    ax.set_xlabel("alpha (layer-0 units x alpha, outgoing x 1/alpha)")
    ax.set_ylabel("lambda_max of the Hessian")
    ax.set_title(f"(c) one function, loss {losses[0]:.6f} (spread {max(losses) - min(losses):.0e})")
    ax.legend()


def common_grid(series_by_seed, points=60):
    """Loss of every seed linearly interpolated at evenly spaced evaluation counts."""
    top = min(max(xs) for xs, _ in series_by_seed.values())
    grid = [top * k / (points - 1) for k in range(points)]
    out = {}
    for xs, ys in series_by_seed.values():
        for g in grid:
            k = next(i for i in range(len(xs)) if xs[i] >= g)
            y = ys[k] if k == 0 or xs[k] == g else ys[k - 1] + (ys[k] - ys[k - 1]) * (g - xs[k - 1]) / (xs[k] - xs[k - 1])
            out.setdefault(g, []).append(y)
    return out


def panel_teleport(ax, rows):
    for method, color in (("gd", "#1f77b4"), ("teleport", "#2ca02c")):
        seeds = {}
        for r in rows:
            if r["method"] == method:
                xs, ys = seeds.setdefault(r["seed"], ([], []))
                xs.append(r["evaluations"])
                ys.append(r["loss"])
        draw_band(ax, common_grid(seeds), color, "GD" if method == "gd" else "GD + teleport")
    ax.set_xlabel("gradient evaluations (gradients + HVPs)")
    ax.set_ylabel("training loss")
    ax.set_title("(d) teleportation")
    ax.legend()


def panel_symmetry(ax, rows):
    right = ax.twinx()
    for init, color in (("identical", "#d62728"), ("perturbed", "#ff7f0e"), ("random", "#1f77b4")):
        spread, loss = {}, {}
        for r in rows:
            if r["init"] == init:
                spread.setdefault(r["step"], []).append(max(r["unit_spread"], SPREAD_FLOOR))
                loss.setdefault(r["step"], []).append(r["loss"])
        draw_band(ax, spread, color, init)
        xs, med, _, _ = band(loss)
        right.plot(xs, med, ":", color=color)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("hidden-unit spread (0 at 1e-18)")
    right.set_ylabel("training loss (dotted)")
    ax.set_title("(e) symmetric initialisation under GD")
    ax.legend(loc="center right")


def main():
    data_dir, out_dir = FIGURE.arguments(sys.argv, __doc__)
    read = {name: FIGURE.read_csv(data_dir, name) for name in FIGURE.files}
    figure_common.use_style()
    fig, axes = plt.subplots(1, 5, figsize=(24, 4.4))
    panel_invariance(axes[0], read["invariance.csv"])
    panel_balance(axes[1], read["balance.csv"])
    panel_sharpness(axes[2], read["sharpness.csv"])
    panel_teleport(axes[3], read["teleport.csv"])
    panel_symmetry(axes[4], read["symmetry.csv"])
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main()
