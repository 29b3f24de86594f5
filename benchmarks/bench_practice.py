"""Cost of a full, a sampled and a directional gradient check, side by side in one run.

    .venv/bin/python benchmarks/bench_practice.py            (about 5 minutes on 2 cores)

For the network of notebook 08 (47 parameters) and MLPs of about 1e3, 1e4 and 1e5 parameters
it prints, measured in the same process one after the other: the time of one loss evaluation
and of one training step (forward + backward), then the full check (check_gradient), the
sampled check (sample=5 per tensor) and the directional check (10 directions): their loss
evaluations, seconds, and the ratios full ÷ sampled and full ÷ directional.  The machine is
shared and noisy: read the ratios, not the seconds.  Not part of `make test`.
"""

from __future__ import annotations

import os

# one BLAS thread, set before NumPy loads: timings then do not depend on what else the shared
# machine runs (with threaded BLAS and other load, one evaluation at N ≈ 1e5 varied 10×)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from helpers import network  # noqa: E402
from helpers.gradcheck import check_gradient, directional_check  # noqa: E402

SAMPLE, DIRECTIONS = 5, 10


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def problems():
    X, Y, params = network.init()
    yield ("notebook 08 network", params,
           lambda p: network.forward(X, Y, p)[0],
           lambda p: network.backward(X, Y, network.forward(X, Y, p)[1]))
    mX, my = network.mlp_data(64, 10, 16, seed=1)
    for target in (1_000, 10_000, 100_000):
        p = network.mlp_init(network.mlp_sizes(target, n_inputs=64, n_classes=10), seed=0)
        yield (f"MLP, N ≈ {target:.0e}", p,
               lambda q: network.mlp_forward(mX, my, q)[0],
               lambda q: network.mlp_backward(network.mlp_forward(mX, my, q)[1]))


def measure(name, params, loss, backward) -> tuple[int, float, float, dict]:
    """N, one loss evaluation, one training step (s), and {check: (loss evaluations, seconds)}."""
    grads = backward(params)
    calls = []

    def counted(p):
        calls.append(1)
        return loss(p)

    n = network.count_parameters(params)
    one_eval = median_seconds(lambda: loss(params), 51)
    one_step = median_seconds(lambda: backward(params), 21)
    row = {}
    for label, run in [("full", lambda: check_gradient(counted, params, grads)),
                       ("sampled", lambda: check_gradient(counted, params, grads, sample=SAMPLE, rng=0)),
                       ("directional", lambda: directional_check(counted, params, grads,
                                                                 n_directions=DIRECTIONS, rng=0))]:
        calls.clear()
        start = time.perf_counter()
        report = run()
        seconds = time.perf_counter() - start
        assert report.passed, f"{name}: {label} check failed on a correct backward"
        row[label] = (len(calls), seconds)
    return n, one_eval, one_step, row


def main() -> None:
    print(f"cores: {os.cpu_count()}; BLAS threads 1; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"numpy {np.__version__}; sample={SAMPLE} per tensor, "
          f"{DIRECTIONS} directions\n")
    head = (f"{'problem':22} {'N':>7} {'eval ms':>8} {'step ms':>8} | {'full evals':>10} {'full s':>8} | "
            f"{'sampled evals':>13} {'sampled s':>9} | {'dir. evals':>10} {'dir. s':>7} | "
            f"{'full/sampled':>12} {'full/dir.':>9} {'full/step':>9}")
    print(head)
    print("-" * len(head))
    for name, params, loss, backward in problems():
        n, one_eval, one_step, row = measure(name, params, loss, backward)
        full, sampled, directional = row["full"], row["sampled"], row["directional"]
        print(f"{name:22} {n:7d} {one_eval * 1e3:8.3f} {one_step * 1e3:8.3f} | {full[0]:10d} {full[1]:8.2f} | "
              f"{sampled[0]:13d} {sampled[1]:9.3f} | {directional[0]:10d} {directional[1]:7.3f} | "
              f"{full[1] / sampled[1]:12.0f} {full[1] / directional[1]:9.0f} {full[1] / one_step:9.0f}",
              flush=True)


if __name__ == "__main__":
    main()
