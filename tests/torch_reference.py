#!/usr/bin/env python3
"""Checks optdyn's `convention=torch` optimizers against torch.optim itself.

For each pair (optdyn spec, torch constructor) both run 60 steps of full-batch descent on
F(x) = ½ Σ λ_i x_i² (λ = 1, 0.5, 0.1; `quadratic:eigs=1/0.5/0.1,rotate=false`) from
x0 = (1, −2, 0.5), and every iterate must agree to 1e-12 relative (double precision).
optdyn's side comes from `optdyn run --record-params`.

Usage: torch_reference.py OPTDYN_BINARY WORK_DIR. Exit 0 all agree, 1 a mismatch,
77 torch is not importable (the shell wrapper reports a skip).
"""
import csv
import subprocess
import sys

try:
    import torch
except ImportError:
    sys.exit(77)

OPTDYN, WORK = sys.argv[1], sys.argv[2]
LAMBDA = [1.0, 0.5, 0.1]
X0 = [1.0, -2.0, 0.5]
STEPS = 60
TORCH_MAJOR = int(torch.__version__.split(".")[0])

CASES = [
    ("sgd:lr=0.1", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd:lr=0.1,momentum=0.9,dampening=0.3", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3)),
    ("sgd:lr=0.1,momentum=0.9,nesterov=true", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd:lr=0.1,momentum=0.9|weight_decay:wd=0.05",
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.05)),
    ("rmsprop:lr=0.01,convention=torch", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("rmsprop:lr=0.01,centered=true,momentum=0.5,convention=torch",
     lambda p: torch.optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5)),
    ("adagrad:lr=0.1,lr_decay=0.01,initial_accumulator=0.1,convention=torch",
     lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("adadelta:lr=0.5,convention=torch", lambda p: torch.optim.Adadelta(p, lr=0.5)),
    ("adam:lr=0.01,convention=torch", lambda p: torch.optim.Adam(p, lr=0.01)),
    ("adam:lr=0.01,convention=torch|weight_decay:wd=0.01", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01)),
    ("amsgrad:lr=0.01,convention=torch", lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True)),
    ("adamax:lr=0.01,convention=torch", lambda p: torch.optim.Adamax(p, lr=0.01)),
    ("nadam:lr=0.01,convention=torch", lambda p: torch.optim.NAdam(p, lr=0.01)),
]


def torch_trajectory(make):
    x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    lam = torch.tensor(LAMBDA, dtype=torch.float64)
    opt = make([x])
    out = [x.detach().clone()]
    for _ in range(STEPS):
        opt.zero_grad()
        (0.5 * (lam * x * x).sum()).backward()
        opt.step()
        out.append(x.detach().clone())
    return out


def optdyn_trajectory(spec, path):
    subprocess.run([OPTDYN, "run", "--objective", "quadratic:eigs=1/0.5/0.1,rotate=false", "--optimizer", spec,
                    "--steps", str(STEPS), "--x0", ",".join(map(str, X0)), "--record-params", "--out", path],
                   check=True)
    with open(path) as f:
        return [[float(r["x%d" % i]) for i in range(3)] for r in csv.DictReader(f)]


failures = 0
for k, (spec, make) in enumerate(CASES):
    if spec.startswith("nadam") and TORCH_MAJOR < 2:
        # torch 1.13's single-tensor NAdam computes Π_{t+1} = Π_t·μ_t·μ_{t+1} (a bug fixed
        # in 2.0); optdyn follows the corrected formula (doc/references.md, "Conventions of torch.optim").
        print("skip: %s (torch %s has the pre-2.0 NAdam bias-correction bug)" % (spec, torch.__version__))
        continue
    ours = optdyn_trajectory(spec, "%s/case%d.csv" % (WORK, k))
    theirs = torch_trajectory(make)
    worst = 0.0
    for a, b in zip(ours, theirs):
        for u, v in zip(a, b.tolist()):
            worst = max(worst, abs(u - v) / max(abs(v), 1e-300) if v != 0 else abs(u))
    ok = worst <= 1e-12 and len(ours) == STEPS + 1
    failures += not ok
    print("%s: %s (max relative difference %.3g)" % ("ok" if ok else "FAIL", spec, worst))
sys.exit(1 if failures else 0)
