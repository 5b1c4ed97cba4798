#!/usr/bin/python3
"""PyTorch peer of tests/bench/objective_bench.cpp (the README's "peer" column).

Times the same computations in float64 with the same thread count (1 by default: optdyn's
Eigen runs single-threaded):
  gradient  forward + backward of CrossEntropyLoss(mean) for
            nn.Sequential(Linear(784, 256), Tanh(), Linear(256, 10)), n = 10,000
  HVP       double backward: autograd.grad(<autograd.grad(loss, θ, create_graph=True), v>, θ)

Data: the first 10,000 Fashion-MNIST training images (pixels / 255) when the IDX files are
in /usr/share/datasets/fashion-mnist (or $OPTDYN_FASHION_MNIST), else uniform random pixels
of the same shape, as the C++ benchmark. GFLOP/s use the same flop counts as
objective_bench.cpp (gradient 4BP + 2BP', HVP 6BP + 10BP').

Usage: /usr/bin/python3 tests/bench/torch_peer.py [--threads T] [--repeats R]
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch

D, H, K, N = 784, 256, 10, 10_000
P = D * H + H * K
P1 = H * K
GRADIENT_FLOPS = 4 * N * P + 2 * N * P1
HVP_FLOPS = 6 * N * P + 10 * N * P1


def load_data():
    directory = os.environ.get("OPTDYN_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
    images = os.path.join(directory, "train-images-idx3-ubyte.gz")
    labels = os.path.join(directory, "train-labels-idx1-ubyte.gz")
    if os.path.exists(images) and os.path.exists(labels):
        with gzip.open(images, "rb") as f:
            x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, D)[:N]
        with gzip.open(labels, "rb") as f:
            y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:N]
        return torch.tensor(x / 255.0, dtype=torch.float64), torch.tensor(y, dtype=torch.int64), "fashion-mnist"
    g = torch.Generator().manual_seed(1)
    return (torch.rand(N, D, generator=g, dtype=torch.float64),
            torch.randint(0, K, (N,), generator=g), "random")


def best_time(fn, repeats):
    """Best CPU time (process_time) of `repeats` runs: comparable with Google Benchmark's CPU
    column and robust to other processes on the machine (the runs are single-threaded)."""
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    x, y, source = load_data()
    torch.manual_seed(2)
    net = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.Tanh(), torch.nn.Linear(H, K)).double()
    params = list(net.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    v = [torch.randn_like(p) for p in params]

    def gradient():
        return torch.autograd.grad(loss_fn(net(x), y), params)

    def hvp():
        g = torch.autograd.grad(loss_fn(net(x), y), params, create_graph=True)
        dot = sum((gi * vi).sum() for gi, vi in zip(g, v))
        return torch.autograd.grad(dot, params)

    w = torch.randn(H, D, dtype=torch.float64)
    xt = x.t().contiguous()  # 784 × 10000, as in the C++ GEMM reference

    def gemm():
        return w @ xt

    t_gemm = best_time(gemm, args.repeats)
    t_grad = best_time(gradient, args.repeats)
    t_hvp = best_time(hvp, args.repeats)
    print(f"torch {torch.__version__}, float64, threads={args.threads}, data={source}, n={N}, best CPU time of {args.repeats}")
    print(f"gemm     256x784*784x10000  {t_gemm * 1e3:8.1f} ms  {2 * D * H * N / t_gemm * 1e-9:6.1f} GFLOP/s")
    print(f"gradient 784-256-10 tanh ce {t_grad * 1e3:8.1f} ms  {GRADIENT_FLOPS / t_grad * 1e-9:6.1f} GFLOP/s")
    print(f"hvp      double backward    {t_hvp * 1e3:8.1f} ms  {HVP_FLOPS / t_hvp * 1e-9:6.1f} GFLOP/s"
          f"  ({t_hvp / t_grad:.2f}x gradient)")


if __name__ == "__main__":
    main()
