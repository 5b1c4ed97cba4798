#!/usr/bin/python3
"""PyTorch + SciPy peer of tests/bench/spectrum_bench.cpp (BM_SpectrumTop10): the route
people use today (PyHessian-style double-backward Hessian-vector products), driven by
SciPy's ARPACK `eigsh` instead of PyHessian's fixed-count power iteration.

Problem: MLP 784-256-10 tanh, CrossEntropyLoss(mean), n = 10,000 Fashion-MNIST training
images (first n, pixels / 255), float64. The 10 largest Hessian eigenpairs at a random
initialisation, eigsh(which='LA', k=10, ncv=21, tol=1e-7) — the same relative criterion
(ARPACK's ‖r‖ ≤ tol·|λ|) and subspace size as the C++ benchmark. As in PyHessian, the
gradient graph is built ONCE (create_graph=True) and every HVP is one further
autograd.grad through it (the forward pass is reused, like optdyn's MlpCurvature).

θ: with --optdyn PATH the point is optdyn's own `init:gaussian,seed=0` (read from
`optdyn eval --out -`), so eigenvalues can be compared with the C++ run; otherwise
W ~ N(0, 1/fan_in), b = 0 from torch.manual_seed(0) (same distribution, other numbers).

Threads: 1 by default (optdyn's Eigen is single-threaded); --threads T for more. BLAS
threads are pinned through the environment before numpy is imported.

Usage: /usr/bin/python3 tests/bench/peers/pyhessian_style_peer.py [--optdyn BUILD/bin/optdyn]
       [--threads T] [--tol 1e-7] [--n 10000]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--optdyn", help="path of the optdyn tool (to take optdyn's initial point)")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--tol", type=float, default=1e-7)
parser.add_argument("--n", type=int, default=10_000)
parser.add_argument("--k", type=int, default=10)
args = parser.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

try:
    from scipy.sparse.linalg import LinearOperator, eigsh  # noqa: E402
except ImportError:
    sys.exit("scipy is not installed (Debian package python3-scipy); this peer needs eigsh")

torch.set_num_threads(args.threads)
D, H, K = 784, 256, 10
N = args.n
DATA = os.environ.get("OPTDYN_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


images = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))[:N].reshape(N, D) / 255.0
labels = read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))[:N].astype(np.int64)
x = torch.tensor(images, dtype=torch.float64)
y = torch.tensor(labels)

model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.Tanh(), torch.nn.Linear(H, K)).double()
params = list(model.parameters())
if args.optdyn:
    spec = f"mlp:data=fashion-mnist,n={N},widths={D}-{H}-{K},act=tanh,loss=ce,path={DATA}"
    out = subprocess.run([args.optdyn, "eval", "--objective", spec, "--x0", "init:gaussian,seed=0", "--out", "-"],
                         check=True, capture_output=True, text=True).stdout
    theta = torch.tensor(json.loads(out)["x"], dtype=torch.float64)
    source = "optdyn init:gaussian,seed=0"
else:
    torch.manual_seed(0)
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.weight.normal_(0.0, 1.0 / layer.in_features ** 0.5)
            layer.bias.zero_()
    theta = torch.nn.utils.parameters_to_vector(params).detach()
    source = "torch.manual_seed(0), N(0, 1/fan_in)"
torch.nn.utils.vector_to_parameters(theta, params)
P = theta.numel()

start = time.perf_counter()
loss = torch.nn.functional.cross_entropy(model(x), y)
grads = torch.autograd.grad(loss, params, create_graph=True)
hvps = 0


def hvp(v):
    global hvps
    hvps += 1
    vt = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).reshape(-1))
    chunks, offset = [], 0
    for p in params:
        chunks.append(vt[offset: offset + p.numel()].view_as(p))
        offset += p.numel()
    hv = torch.autograd.grad(grads, params, grad_outputs=chunks, retain_graph=True)
    return torch.cat([h.reshape(-1) for h in hv]).numpy()


op = LinearOperator((P, P), matvec=hvp, dtype=np.float64)
values, vectors = eigsh(op, k=args.k, which="LA", tol=args.tol, ncv=max(2 * args.k + 1, 20))
elapsed = time.perf_counter() - start
solve_hvps = hvps
order = np.argsort(values)[::-1]
values, vectors = values[order], vectors[:, order]
residuals = [np.linalg.norm(hvp(vectors[:, i]) - values[i] * vectors[:, i]) for i in range(args.k)]

print(f"peer: PyTorch {torch.__version__} double-backward HVP + SciPy eigsh (ARPACK), threads={args.threads}")
print(f"problem: MLP {D}-{H}-{K} tanh ce, n={N}, float64, D={P}, theta from {source}")
print(f"top-{args.k}: wall {elapsed:.2f} s (graph build + eigsh), HVPs {solve_hvps} "
      f"({1e3 * elapsed / solve_hvps:.1f} ms per HVP incl. ARPACK), tol {args.tol}")
print(f"lambda_max {values[0]:.12g}, lambda_{args.k} {values[-1]:.12g}, max residual {max(residuals):.3g} "
      "(recomputed with fresh HVPs, not timed)")
