"""Where PyTorch on the CPU stands on the MNIST-shaped case of bench_speed.py.

Same network (784-196-10, logistic hidden units, softmax cross-entropy plus
scikit-learn's L2 term on the weights), same optimizer settings, batch 200,
shuffled every epoch, on the same data and thread count. PyTorch is not a
dependency of skbackprop; install it to run this (``pip install torch``).

Each contender lives in its own worker process, so that PyTorch's thread
pools and libraries cannot slow the numpy ones (in one process they do, by
half); the parent runs them in turn, A B C A B C ..., pausing in between.

    python benchmarks/bench_torch.py --pairs 5
"""

import argparse
import itertools
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def _torch_epoch_times(X, y, solver, epochs, alpha=1e-4, lr=1e-3):
    """Seconds per epoch after the first, for the same network in PyTorch."""
    import torch

    gen = torch.Generator().manual_seed(0)
    dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    units = (X.shape[1], 196, 10)
    params = []
    for fan_in, fan_out in itertools.pairwise(units):
        bound = (2.0 / (fan_in + fan_out)) ** 0.5
        W = (torch.rand(fan_in, fan_out, generator=gen, dtype=dtype) * 2 - 1) * bound
        b = (torch.rand(fan_out, generator=gen, dtype=dtype) * 2 - 1) * bound
        params += [W.requires_grad_(), b.requires_grad_()]
    W1, b1, W2, b2 = params
    if solver == "adam":
        opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    stamps = [time.perf_counter()]
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        for start in range(0, len(X), 200):
            idx = order[start : start + 200]
            logits = torch.sigmoid(Xt[idx] @ W1 + b1) @ W2 + b2
            penalty = (W1.square().sum() + W2.square().sum()) * (alpha / (2 * len(idx)))
            loss = torch.nn.functional.cross_entropy(logits, yt[idx]) + penalty
            opt.zero_grad()
            loss.backward()
            opt.step()
        stamps.append(time.perf_counter())
    return np.diff(stamps)[1:]


def _worker(kind, threads, conn):
    """Serve ("dtype", "solver") requests with a median epoch time."""
    sys.path.insert(0, str(HERE))
    import warnings

    from bench_speed import _pair, epoch_times, mnist_shaped
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    if kind == "torch":
        import torch

        torch.set_num_threads(threads)
    data = {}
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        while (request := conn.recv()) is not None:
            dtype, solver = request
            if dtype not in data:
                data[dtype] = mnist_shaped(np.dtype(dtype).type)[:2]
            X, y = data[dtype]
            if kind == "torch":
                times = _torch_epoch_times(X, y, solver, 8)
            else:
                params = dict(
                    hidden_layer_sizes=(196,),
                    solver=solver,
                    batch_size=200,
                    max_iter=8,
                    tol=0.0,
                )
                est = _pair(params)[0 if kind == "ours" else 1]
                times = epoch_times(est, X, y)[1:]
            conn.send(float(np.median(times)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--pause", type=float, default=0.5)
    args = parser.parse_args(argv)
    ctx = mp.get_context("spawn")
    workers = {}
    for kind in ("ours", "torch", "mlp"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(kind, args.threads, child))
        proc.start()
        workers[kind] = (parent, proc)
    print(f"threads {args.threads}; medians of {args.pairs} rounds after a warm-up\n")
    print(
        "| case (s/epoch) | skbackprop | PyTorch | MLPClassifier | ours / MLP | "
        "PyTorch / MLP |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    try:
        for dtype in ("float64", "float32"):
            for solver in ("adam", "sgd"):
                times = {kind: [] for kind in workers}
                for i in range(args.pairs + 1):
                    for kind, (conn, _) in workers.items():
                        time.sleep(args.pause)
                        conn.send((dtype, solver))
                        value = conn.recv()
                        if i:
                            times[kind].append(value)
                ratio = {
                    k: statistics.median(
                        a / b for a, b in zip(times[k], times["mlp"], strict=True)
                    )
                    for k in ("ours", "torch")
                }
                med = {k: statistics.median(v) for k, v in times.items()}
                print(
                    f"| {dtype} {solver} | {med['ours']:.3f} | {med['torch']:.3f} | "
                    f"{med['mlp']:.3f} | {ratio['ours']:.2f} | {ratio['torch']:.2f} |",
                    flush=True,
                )
    finally:
        for conn, proc in workers.values():
            conn.send(None)
            proc.join()


if __name__ == "__main__":
    main()
