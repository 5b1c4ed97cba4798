#!/usr/bin/env python3
"""Figure: index of critical points against their loss (experiment index_vs_loss).

Usage: python3 papers/figures/index_vs_loss.py DATA_DIR [OUT_DIR]

DATA_DIR is the experiment's --out directory (points.csv, fits.csv, linear_enumeration.csv,
pspin_gd.csv, abc_thresholds.csv, pspin_index_law.csv); OUT_DIR (default papers/figures)
receives index_vs_loss.pdf and index_vs_loss.png. Missing or malformed input: one line on
stderr, exit status 2.

Top row, networks (Dauphin et al. 2014, Fig. 1; Pennington & Bahri 2017): index alpha (fraction
of negative Hessian eigenvalues) against the training loss of every distinct critical point,
by where its search started (random initialisation or a gradient-descent trajectory), with the
Pennington-Bahri fit alpha0 |(eps - eps_c)/eps_c|^(3/2) (fitted on index <= fit_max_index) and
Spearman's rho in the title. (c) adds every Baldi-Hornik closed-form point of the deep linear
net (open circles). Bottom row, the spherical 3-spin (energies per spin u = H/N): (d) index
against u for every N, with the semicircle law alpha(u) (Bray & Dean 2007; ABC 2013) and the
ABC energies -E_0 and -E_inf; (e) the low-energy end: number of negative eigenvalues k <= 4
against u, with ABC's index-k bands [-E_k, -E_inf]; (f) where gradient descent stops: the
energies of its end points against N, beside -E_0 and -E_inf.
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figure_common  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

FIGURE = figure_common.Figure("index_vs_loss")
NETWORKS = [("teacher_mlp", "(a) tanh MLP, teacher data"), ("fashion_mlp", "(b) tanh MLP, Fashion-MNIST (PCA)"),
            ("deep_linear", "(c) deep linear net")]
ORIGINS = {"random": ("#1f77b4", "o"), "trajectory": ("#d62728", "^"), "gd": ("#2ca02c", "s")}
SIZE_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"]


def number(text):
    try:
        return float(text)
    except ValueError:
        return math.nan


def read(data_dir, name, columns, text=()):
    """Rows of a CSV as dicts (numbers parsed, `text` columns kept); [] for a header-only file."""
    path = FIGURE.input_file(data_dir, name)
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            FIGURE.fail(f"{path}: missing column(s) {', '.join(missing)}")
        return [{k: (v if k in text else number(v)) for k, v in r.items()} for r in reader]


def law(eps, alpha0, eps_c):
    x = (eps - eps_c) / eps_c
    return alpha0 * x ** 1.5 if x > 0 else 0.0


def network_panel(ax, family, title, points, fits, enumeration):
    rows = [p for p in points if p["family"] == family]
    for origin, (colour, marker) in ORIGINS.items():
        sel = [p for p in rows if p["origin"] == origin]
        if sel:
            ax.scatter([p["loss"] for p in sel], [p["index"] for p in sel], s=9, c=colour, marker=marker,
                       alpha=0.55, linewidths=0, label=f"{origin} starts ({len(sel)})")
    if family == "deep_linear" and enumeration:
        ax.scatter([e["loss"] for e in enumeration], [e["index"] for e in enumeration], s=28, facecolors="none",
                   edgecolors="k", linewidths=0.6, label=f"Baldi-Hornik points ({len(enumeration)})")
    fit = next((f for f in fits if f["family"] == family), None)
    subtitle = ""
    if fit:
        subtitle = f"\nSpearman rho = {fit['spearman_rho']:.2f}"
        if not math.isnan(fit["alpha0"]) and rows:
            top = max(p["loss"] for p in rows)
            grid = [fit["eps_c"] + (top - fit["eps_c"]) * i / 100 for i in range(101)]
            collapsed = fit["eps_c_at_bound"] == 1  # no interior optimum: the law does not fit
            ax.plot(grid, [law(e, fit["alpha0"], fit["eps_c"]) for e in grid], "k:" if collapsed else "k--", lw=1,
                    label=("P-B fit COLLAPSED (eps_c at its bound)" if collapsed else
                           f"P-B fit: a0={fit['alpha0']:.3g}, eps_c={fit['eps_c']:.3g}"))
    ax.set_title(title + subtitle)
    ax.set_xlabel("training loss eps")
    ax.set_ylabel("index alpha")
    ax.legend(loc="upper left", fontsize=6.5)


def pspin_index_panel(ax, points, index_law, thresholds):
    rows = [p for p in points if p["family"] == "pspin"]
    for i, n in enumerate(sorted({p["size"] for p in rows})):
        sel = [p for p in rows if p["size"] == n]
        ax.scatter([p["loss"] for p in sel], [p["index"] for p in sel], s=9, alpha=0.6, linewidths=0,
                   c=SIZE_COLOURS[i % len(SIZE_COLOURS)], label=f"N = {int(n)} ({len(sel)})")
    ax.plot([r["energy"] for r in index_law], [r["index"] for r in index_law], "k-", lw=1,
            label="semicircle law alpha(u)")
    e0 = next(t for t in thresholds if t["k"] == 0)
    ax.axvline(e0["energy"], color="grey", ls=":", lw=1, label=f"-E_0 = {e0['energy']:.4f}")
    ax.axvline(e0["e_inf"], color="grey", ls="--", lw=1, label=f"-E_inf = {e0['e_inf']:.4f}")
    ax.set_title("(d) spherical 3-spin: index against energy")
    ax.set_xlabel("energy per spin u = H/N")
    ax.set_ylabel("index alpha")
    ax.legend(loc="upper left", fontsize=6.5)


def pspin_band_panel(ax, points, thresholds):
    rows = [p for p in points if p["family"] == "pspin" and p["negatives"] <= 4]
    for origin, (colour, marker) in ORIGINS.items():
        sel = [p for p in rows if p["origin"] == origin]
        if sel:
            ax.scatter([p["loss"] for p in sel], [p["negatives"] for p in sel], s=14, c=colour, marker=marker,
                       alpha=0.6, linewidths=0, label=f"{origin} ({len(sel)})")
    for t in thresholds:
        if t["k"] <= 4:
            ax.plot([t["energy"], t["e_inf"]], [t["k"], t["k"]], "k-", lw=2.5, alpha=0.35)
    ax.plot([], [], "k-", lw=2.5, alpha=0.35, label="ABC band [-E_k, -E_inf]")
    ax.axvline(thresholds[0]["e_inf"], color="grey", ls="--", lw=1)
    ax.set_title("(e) low-index points (k <= 4)")
    ax.set_xlabel("energy per spin u")
    ax.set_ylabel("negative eigenvalues k")
    ax.legend(loc="upper right", fontsize=6.5)


def pspin_gd_panel(ax, gd, thresholds):
    if gd:
        ax.scatter([g["size"] for g in gd], [g["energy"] for g in gd], s=14, c="#2ca02c", alpha=0.7, linewidths=0,
                   label=f"GD end points ({len(gd)})")
    e0 = next(t for t in thresholds if t["k"] == 0)
    ax.axhline(e0["energy"], color="grey", ls=":", lw=1, label="-E_0 (ground state)")
    ax.axhline(e0["e_inf"], color="grey", ls="--", lw=1, label="-E_inf (threshold)")
    ax.set_xscale("log")
    ax.set_title("(f) where gradient descent stops")
    ax.set_xlabel("N")
    ax.set_ylabel("energy per spin u")
    ax.legend(loc="upper right", fontsize=6.5)


def main():
    data_dir, out_dir = FIGURE.arguments(sys.argv, __doc__)
    points = read(data_dir, "points.csv", ["family", "size", "origin", "loss", "index", "negatives"],
                  text=("family", "origin"))
    fits = read(data_dir, "fits.csv", ["family", "alpha0", "eps_c", "eps_c_at_bound", "spearman_rho"], text=("family",))
    enumeration = read(data_dir, "linear_enumeration.csv", ["modes", "loss", "index"], text=("modes",))
    gd = read(data_dir, "pspin_gd.csv", ["size", "energy"])
    thresholds = read(data_dir, "abc_thresholds.csv", ["k", "energy", "e_inf"])
    index_law = read(data_dir, "pspin_index_law.csv", ["energy", "index"])
    if not points or not thresholds or not index_law:
        FIGURE.fail(f"{data_dir}: points.csv, abc_thresholds.csv and pspin_index_law.csv need data rows")
    figure_common.use_style()
    fig, axes = plt.subplots(2, 3, figsize=(13.5, 8.2))
    for ax, (family, title) in zip(axes[0], NETWORKS):
        network_panel(ax, family, title, points, fits, enumeration)
    pspin_index_panel(axes[1][0], points, index_law, thresholds)
    pspin_band_panel(axes[1][1], points, thresholds)
    pspin_gd_panel(axes[1][2], gd, thresholds)
    fig.tight_layout()
    FIGURE.save(fig, out_dir)


if __name__ == "__main__":
    main()
