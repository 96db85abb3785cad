"""The GPU check: parity on CUDA tensors, then time per epoch on a GPU and its CPU.

One command, on a machine with a CUDA GPU and PyTorch (CuPy optional), from
the checkout (``PYTHONPATH=.``; array-api-compat and array-api-strict are
needed besides):

    SCIPY_ARRAY_API=1 PYTHONPATH=. python benchmarks/bench_gpu.py

1. Runs tests/test_array_api.py with its tensors on ``cuda``
   (``SKBACKPROP_TORCH_DEVICE=cuda``): the same fits as on numpy, to 1e-10.
2. Times, per epoch (median of the epochs after the first), the MNIST-shaped
   case (20,000 x 784, hidden 196, batch 200, adam, float32) and a large one
   (1,000,000 x 784, hidden (512, 256), batch 1,000) for: BackpropClassifier
   on CUDA tensors (array API dispatch); the hand-written PyTorch loop of the
   same math on the same GPU (benchmarks/bench_torch.py's, the reference);
   and, on the machine's CPU, BackpropClassifier and MLPClassifier on numpy.
3. Prints a markdown table (also written to benchmarks/results/gpu.md, or
   ``--out``). Budget: about 5 minutes.

``--device cpu --large-rows 20000 --out /tmp/gpu.md`` runs the same steps
with torch tensors on the CPU: a dry run of the script on a machine without
a GPU (its numbers say nothing about GPUs).
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 784), dtype=np.float32)
    W = rng.standard_normal((784, 10), dtype=np.float32)
    y = np.argmax(X @ W + rng.standard_normal((n, 10), dtype=np.float32), axis=1)
    return X, y


def _ours(X, y, hidden, batch, epochs, device=None):
    """Seconds per epoch of BackpropClassifier (CUDA tensors when ``device``)."""
    import sklearn

    from skbackprop import BackpropClassifier

    est = BackpropClassifier(
        hidden_layer_sizes=hidden,
        batch_size=batch,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    if device is None:
        est.fit(X, y)
        return est.history_["duration"][1:]
    import torch

    Xd, yd = torch.asarray(X, device=device), torch.asarray(y, device=device)
    with sklearn.config_context(array_api_dispatch=True):
        est.fit(Xd, yd)
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()
    return est.history_["duration"][1:]


def _mlp(X, y, hidden, batch, epochs):
    """Seconds per epoch of MLPClassifier (from its verbose lines' stamps)."""
    from bench_speed import epoch_times
    from sklearn.neural_network import MLPClassifier

    est = MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="logistic",
        batch_size=batch,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    return epoch_times(est, X, y)


def _torch_loop(X, y, hidden, batch, epochs, device):
    from bench_torch import torch_epoch_times

    return torch_epoch_times(
        X,
        y,
        solver="adam",
        epochs=epochs,
        hidden=hidden,
        batch_size=batch,
        dtype=np.float32,
        device=device,
    )[1:]


def _median(times):
    return statistics.median(times) if len(times) else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results" / "gpu.md")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--large-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--device", default="cuda", help="torch device ('cpu': a dry run)"
    )
    args = parser.parse_args(argv)
    import torch

    warnings.simplefilter("ignore")
    device = args.device
    cpu = f"{platform.processor() or platform.machine()} x {os.cpu_count()}"
    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") else device
    lines = [f"GPU: {gpu}; CPU: {cpu}; torch {torch.__version__}", ""]
    if not args.skip_tests:
        env = {**os.environ, "SKBACKPROP_TORCH_DEVICE": device, "SCIPY_ARRAY_API": "1"}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                str(HERE.parent / "tests" / "test_array_api.py"),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        tail = (
            run.stdout.strip().splitlines()[-1]
            if run.stdout.strip()
            else run.stderr[-500:]
        )
        lines += [f"Parity tests on {device} tensors: {tail}", ""]
    cases = [
        (
            "MNIST-shaped 20,000 x 784, hidden (196,), batch 200",
            20_000,
            (196,),
            200,
            6,
            4,
        ),
        (
            f"large {args.large_rows:,} x 784, hidden (512, 256), batch 1,000",
            args.large_rows,
            (512, 256),
            1000,
            3,
            2,
        ),
    ]
    lines += [
        f"| case | ours, {device} (s/epoch) | PyTorch loop, {device} | ours / PyTorch "
        f"| ours, CPU | MLPClassifier, CPU | MLPClassifier CPU / ours {device} |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, n, hidden, batch, gpu_epochs, cpu_epochs in cases:
        X, y = _data(n)
        started = time.perf_counter()
        ours_gpu = _median(_ours(X, y, hidden, batch, gpu_epochs, device=device))
        loop_gpu = _median(_torch_loop(X, y, hidden, batch, gpu_epochs, device))
        ours_cpu = _median(_ours(X, y, hidden, batch, cpu_epochs))
        mlp_cpu = _median(_mlp(X, y, hidden, batch, cpu_epochs))
        lines.append(
            f"| {name} | {ours_gpu:.4f} | {loop_gpu:.4f} | {ours_gpu / loop_gpu:.2f} | "
            f"{ours_cpu:.3f} | {mlp_cpu:.3f} | {mlp_cpu / ours_gpu:.1f} |"
        )
        print(
            f"{name}: {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
