"""Where PyTorch on the CPU stands on the MNIST-shaped case of bench_speed.py.

A hand-written PyTorch training loop of the same math as MLPClassifier
(logistic hidden units, softmax cross-entropy plus scikit-learn's L2 term
``alpha / (2 n) * sum ||W||^2`` on the weights only, Glorot-uniform
initialisation, the same optimizer settings), batch 200, shuffled every
epoch, on the same data and thread count, timed per epoch against
skbackprop and MLPClassifier. The GEMM floor of bench_speed.py (the matrix
products of one epoch alone) is timed in the same rounds, so that it can be
read as a fraction of MLPClassifier's epoch measured at the same moments.
PyTorch is not a dependency of skbackprop; install it to run this
(``pip install torch``).

Each contender lives in its own worker process, so that PyTorch's OpenMP
pool and the OpenBLAS pools of numpy and scipy never share a process; the
parent runs them in turn, A B C D A B C D ..., pausing in between so that
idle pool threads stop spinning before the next one starts. Every contender
gets the same number of threads (``--threads``): BLAS through threadpoolctl,
PyTorch through ``torch.set_num_threads``.

PyTorch's OpenMP threads wait for each other at the end of every operation,
so on a machine where something else keeps a core busy a 2-thread PyTorch
loop slows down far more than OpenBLAS does (epochs several times longer
were measured); the load average is printed before and after, and a busy
machine is flagged.

``torch_epoch_times`` is the loop itself, importable and device-agnostic
(benchmarks/bench_gpu.py runs it on CUDA tensors)::

    python benchmarks/bench_torch.py --pairs 5
    python benchmarks/bench_torch.py --pairs 5 --out benchmarks/results/torch.md
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
CASES = (
    ("float64", "adam"),
    ("float64", "sgd"),
    ("float32", "adam"),
    ("float32", "sgd"),
)


def _torch_dtype(dtype, X):
    import torch

    if dtype is None and isinstance(X, torch.Tensor):
        return X.dtype if X.dtype in (torch.float32, torch.float64) else torch.float64
    if dtype is None:
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    if isinstance(dtype, torch.dtype):
        return dtype
    return {"float64": torch.float64, "float32": torch.float32}[np.dtype(dtype).name]


def torch_epoch_times(
    X,
    y,
    *,
    solver,
    epochs,
    hidden=(196,),
    batch_size=200,
    dtype=None,
    device="cpu",
    alpha=1e-4,
    lr=1e-3,
    seed=0,
    shuffle=True,
    init=None,
    loss_curve=None,
):
    """Seconds of each epoch of MLPClassifier's math, hand-written in PyTorch.

    Returns an array of ``epochs`` wall-clock durations; the first includes
    the warm-up (allocations, kernel selection, CUDA context), so drop it as
    bench_speed.epoch_times' callers do.

    The network is ``hidden`` logistic layers and a softmax output (one
    logistic output for two classes) trained on the mean cross-entropy plus
    ``alpha / (2 m) * sum ||W||^2`` over the weights of every layer, biases
    not decayed, with ``m`` the size of the batch, as in scikit-learn. The
    penalty's gradient ``(alpha / m) W`` is added by the optimizer
    (``weight_decay`` on the weights' parameter group, the L2 form, not
    AdamW's), and its value is added to the epoch's loss without autograd,
    which is what MLPClassifier computes too. Weights and biases start
    Glorot-uniform in ``+-sqrt(2 / (fan_in + fan_out))`` (scikit-learn's
    bound for logistic units) unless ``init`` gives ``[(W, b), ...]``.
    ``solver`` is "adam" (betas (0.9, 0.999), eps 1e-8; PyTorch adds eps to
    the bias-corrected root, scikit-learn to the raw one, a difference of
    order eps) or "sgd" (momentum 0.9, Nesterov), at the constant rate
    ``lr``; both use PyTorch's fused implementation.

    ``X`` (numpy or torch) and the labels ``y`` are moved to ``device`` once,
    the permutation of every epoch is drawn there, batches are gathered with
    ``index_select``, and the device is synchronised before every time stamp
    (CUDA and MPS launch asynchronously). When ``loss_curve`` is a list, the
    mean loss of each epoch is appended to it, read once per epoch.
    """
    import torch
    import torch.nn.functional as F

    device = torch.device(device)
    X = X if isinstance(X, torch.Tensor) else np.ascontiguousarray(X)
    dtype = _torch_dtype(dtype, X)
    classes, codes = np.unique(np.asarray(y), return_inverse=True)
    if len(classes) < 2:
        raise ValueError("y needs at least two classes")
    binary = len(classes) == 2
    Xt = torch.as_tensor(X, dtype=dtype, device=device).contiguous()
    target_dtype = dtype if binary else torch.int64
    yt = torch.as_tensor(codes, dtype=target_dtype, device=device)
    n = Xt.shape[0]

    units = (Xt.shape[1], *hidden, 1 if binary else len(classes))
    if init is None:
        gen = torch.Generator().manual_seed(seed)
        init = []
        for fan_in, fan_out in itertools.pairwise(units):
            bound = (2.0 / (fan_in + fan_out)) ** 0.5
            draw = torch.rand(
                fan_in * fan_out + fan_out, generator=gen, dtype=torch.float64
            )
            draw = (draw * 2 - 1) * bound
            init.append(
                (draw[: fan_in * fan_out].view(fan_in, fan_out), draw[-fan_out:])
            )
    weights, biases = [], []
    for W, b in init:
        weights.append(torch.as_tensor(W, dtype=dtype, device=device).clone())
        biases.append(torch.as_tensor(b, dtype=dtype, device=device).clone())
    for p in weights + biases:
        p.requires_grad_()
    groups = [
        {"params": weights, "weight_decay": alpha / batch_size},
        {"params": biases, "weight_decay": 0.0},
    ]
    if solver == "adam":
        opt = torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8, fused=True)
    elif solver == "sgd":
        opt = torch.optim.SGD(groups, lr=lr, momentum=0.9, nesterov=True, fused=True)
    else:
        raise ValueError(f"solver must be 'adam' or 'sgd', not {solver!r}")
    decay = opt.param_groups[0]  # the weights' group: alpha / m for a batch of m

    if device.type == "cuda":
        sync = lambda: torch.cuda.synchronize(device)  # noqa: E731
    elif device.type == "mps":
        sync = torch.mps.synchronize
    else:
        sync = lambda: None  # noqa: E731
    gen = torch.Generator(device=device).manual_seed(seed)
    losses = []
    sync()
    stamps = [time.perf_counter()]
    for _ in range(epochs):
        total = torch.zeros((), dtype=dtype, device=device)
        if shuffle:
            order = torch.randperm(n, generator=gen, device=device)
        else:
            order = torch.arange(n, device=device)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            m = idx.shape[0]
            a = Xt.index_select(0, idx)
            target = yt.index_select(0, idx)
            for W, b in zip(weights[:-1], biases[:-1], strict=True):
                a = torch.sigmoid(torch.addmm(b, a, W))
            logits = torch.addmm(biases[-1], a, weights[-1])
            if binary:
                loss = F.binary_cross_entropy_with_logits(logits[:, 0], target)
            else:
                loss = F.cross_entropy(logits, target)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            with torch.no_grad():
                penalty = sum(torch.dot(W.view(-1), W.view(-1)) for W in weights)
                total += (loss + (0.5 * alpha / m) * penalty) * m
            decay["weight_decay"] = alpha / m
            opt.step()
        losses.append(total)
        sync()
        stamps.append(time.perf_counter())
    if loss_curve is not None:
        loss_curve.extend(float(t) / n for t in losses)
    return np.diff(stamps)


def _worker(kind, threads, epochs, conn):
    """Serve (dtype, solver) requests with a median epoch time (or the floor)."""
    sys.path.insert(0, str(HERE))
    import warnings

    from bench_speed import _pair, epoch_times, gemm_floor, mnist_shaped
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    if kind == "torch":
        import torch

        torch.set_num_threads(threads)
    data = {}
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "torch":
            conn.send(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
        else:
            conn.send(None)
        while (request := conn.recv()) is not None:
            dtype, solver = request
            if kind == "floor":
                units = (784, 196, 10)
                conn.send(gemm_floor(np.dtype(dtype).type, 200, units, 100, repeats=3))
                continue
            if dtype not in data:
                data[dtype] = mnist_shaped(np.dtype(dtype).type)[:2]
            X, y = data[dtype]
            if kind == "torch":
                times = torch_epoch_times(
                    X, y, solver=solver, epochs=epochs, dtype=dtype
                )
            else:
                params = dict(
                    hidden_layer_sizes=(196,),
                    solver=solver,
                    batch_size=200,
                    max_iter=epochs,
                    tol=0.0,
                )
                est = _pair(params)[0 if kind == "ours" else 1]
                times = epoch_times(est, X, y)
            conn.send(float(np.median(times[1:])))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="rounds after a warm-up")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--epochs", type=int, default=6, help="per run, first dropped")
    parser.add_argument("--pause", type=float, default=0.5)
    parser.add_argument("--only", nargs="*", default=None, help="e.g. float64-adam")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.only is None or "-".join(c) in args.only]
    ctx = mp.get_context("spawn")
    workers = {}
    for kind in ("ours", "torch", "mlp", "floor"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_worker, args=(kind, args.threads, args.epochs, child)
        )
        proc.start()
        workers[kind] = (parent, proc)
    torch_info = [conn.recv() for conn, _ in workers.values()][1]
    load_before = os.getloadavg()
    lines = [
        "| case (s/epoch) | skbackprop | PyTorch | MLPClassifier | GEMM floor | "
        "ours / MLP | PyTorch / MLP | floor / MLP |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)
    try:
        for dtype, solver in cases:
            times = {kind: [] for kind in workers}
            for i in range(args.pairs + 1):
                for kind, (conn, _) in workers.items():
                    time.sleep(args.pause)
                    conn.send((dtype, solver))
                    value = conn.recv()
                    if i:  # the first round is the warm-up
                        times[kind].append(value)
            ratio = {
                k: [a / b for a, b in zip(times[k], times["mlp"], strict=True)]
                for k in ("ours", "torch", "floor")
            }
            med = {k: statistics.median(v) for k, v in times.items()}
            cells = [
                f"{statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})"
                for r in ratio.values()
            ]
            line = (
                f"| {dtype} {solver} | {med['ours']:.3f} | {med['torch']:.3f} | "
                f"{med['mlp']:.3f} | {med['floor']:.3f} | " + " | ".join(cells) + " |"
            )
            lines.append(line)
            print(line, flush=True)
    finally:
        for conn, proc in workers.values():
            conn.send(None)
            proc.join()
    load_after = os.getloadavg()
    busy = max(load_before[0], load_after[0]) > 0.5 * os.cpu_count()
    header = (
        f"{torch_info}; BLAS threads {args.threads} of {os.cpu_count()} cores; "
        f"medians of {args.pairs} rounds after a warm-up, each the median of "
        f"epochs 2-{args.epochs} of one fit; ratios are medians of the per-round "
        f"ratios (range in brackets); GEMM floor = bench_speed.gemm_floor, best of "
        f"3, in the same rounds; load average (1, 5, 15 min) "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after"
        + (" (the machine was busy: expect noise)." if busy else ".")
    )
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print()
    print(header)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
