"""Benchmark of helpers.gradcheck.check_gradient (not part of `make test`; run with `make bench`).

For one small MLP (D → H tanh → C, softmax cross-entropy, m examples, float64) at N ≈ 1e3, 1e4,
1e5 parameters it prints, measured side by side in one run:

(a) overhead: check_gradient's time ÷ (2N × one loss evaluation).  One loss evaluation is the
    median over many blocks of 100 back-to-back evaluations, the blocks interleaved with the
    repeated checks in the same process, so both see the same machine load.  The target is
    ≤ 1.15 (a check costs 2N + 2 evaluations, 12 per round-off probe in ≤ 4 tensors, and 2–6 per
    element above the screen; the extra evaluations are counted, not assumed).
(b) time and max relative error of check_gradient, torch.autograd.gradcheck (slow mode and
    fast_mode=True, float64) and scipy.optimize.check_grad on the same network, point, loss
    code and analytic gradient: torch checks our NumPy loss and backward wrapped in a
    torch.autograd.Function, so every tool judges the very same numbers and the times compare
    the checking machinery.  torch's slow mode is skipped where the estimate exceeds ~2 min.
(c) sensitivity at N ≈ 1e3: does each tool flag one gradient component scaled by (1 + 1e-3)?

Usage:  make bench   (or: .venv/bin/python benchmarks/bench_gradcheck.py [--quick])
"""

from __future__ import annotations

import os

# one BLAS thread: on a shared machine a multi-threaded BLAS makes every timing depend on what
# else runs; with one thread the loss evaluations inside and outside the check are alike
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from helpers.gradcheck import check_gradient, relative_error  # noqa: E402

SIZES = {  # N: (D, H, C); m = 16 examples
    1_000: (20, 40, 4),
    10_000: (100, 95, 5),
    100_000: (300, 320, 10),
}
M = 16
SLOW_TORCH_LIMIT = 120.0  # seconds: skip torch's slow mode above this estimate


def mlp(D: int, H: int, C: int, m: int = M, seed: int = 0):
    """params, loss(params) -> float, grads_of(params) -> dict for D → H (tanh) → C, softmax CE."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((D, m))
    y = rng.integers(0, C, m)
    params = {
        "W1": rng.standard_normal((H, D)) / np.sqrt(D),
        "b1": 0.1 * rng.standard_normal((H, 1)),
        "W2": rng.standard_normal((C, H)) / np.sqrt(H),
        "b2": 0.1 * rng.standard_normal((C, 1)),
    }
    columns = np.arange(m)

    def forward(p):
        A = np.tanh(p["W1"] @ X + p["b1"])
        S = p["W2"] @ A + p["b2"]
        S = S - S.max(axis=0)
        log_sum = np.log(np.exp(S).sum(axis=0))
        return float(np.mean(log_sum - S[y, columns])), (A, S, log_sum)

    def loss(p):
        return forward(p)[0]

    def grads_of(p):
        _, (A, S, log_sum) = forward(p)
        dS = np.exp(S - log_sum)
        dS[y, columns] -= 1.0
        dS /= m
        dA = p["W2"].T @ dS
        dZ = dA * (1.0 - A**2)
        return {"W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True),
                "W2": dS @ A.T, "b2": dS.sum(axis=1, keepdims=True)}

    return params, loss, grads_of


def loss_time(loss, params, blocks: int, per_block: int = 100) -> list[float]:
    """Per-evaluation times of ``blocks`` blocks of ``per_block`` back-to-back evaluations."""
    times = []
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(per_block):
            loss(params)
        times.append((time.perf_counter() - start) / per_block)
    return times


def overhead(N: int, repeats: int, blocks: int):
    params, loss, grads_of = mlp(*SIZES[N])
    n = sum(p.size for p in params.values())
    grads = grads_of(params)
    loss_times, check_times = [], []
    report = None
    for _ in range(repeats):
        loss_times += loss_time(loss, params, blocks)
        start = time.perf_counter()
        report = check_gradient(loss, params, grads)
        check_times.append(time.perf_counter() - start)
    loss_times += loss_time(loss, params, blocks)
    t_loss = statistics.median(loss_times)
    t_check = statistics.median(check_times)
    calls = []
    check_gradient(lambda p: calls.append(1) or loss(p), params, grads)  # counted, outside the timing
    return n, t_loss, t_check, t_check / (2 * n * t_loss), report, len(calls) - 2 * n


# --- the other tools ------------------------------------------------------------------------

def torch_function(params, loss, grads_of):
    """Our loss and analytic gradient as a torch.autograd.Function of the parameter tensors."""
    import torch

    names = list(params)

    class NumpyLoss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *tensors):
            p = {name: t.detach().numpy() for name, t in zip(names, tensors, strict=True)}
            ctx.save_for_backward(*tensors)
            return torch.tensor(loss(p), dtype=torch.float64)

        @staticmethod
        def backward(ctx, grad_output):
            p = {name: t.detach().numpy() for name, t in zip(names, ctx.saved_tensors, strict=True)}
            g = grads_of(p)
            return tuple(torch.from_numpy(g[name]) * grad_output for name in names)

    inputs = tuple(torch.from_numpy(params[name].copy()).requires_grad_(True) for name in names)
    return NumpyLoss.apply, inputs


def torch_slow(params, loss, grads_of, grads):
    import torch
    from torch.autograd.gradcheck import _get_numerical_jacobian  # a private function (for the max error)

    fn, inputs = torch_function(params, loss, grads_of)
    start = time.perf_counter()
    passed = torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False)
    seconds = time.perf_counter() - start
    # torch's own numerical Jacobian (the same computation the slow mode does), for the max error
    jac = _get_numerical_jacobian(fn, inputs, eps=1e-6)
    numeric = np.concatenate([np.asarray(j[0].detach()).ravel() for j in jac])
    analytic = np.concatenate([grads[name].ravel() for name in params])
    return seconds, float(relative_error(analytic, numeric).max()), passed


def torch_fast(params, loss, grads_of, grads):
    """Fast mode compares one random projection uᵀ∇J; we recompute its relative error the same way."""
    import torch

    fn, inputs = torch_function(params, loss, grads_of)
    torch.manual_seed(0)
    start = time.perf_counter()
    passed = torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False,
                                      fast_mode=True)
    seconds = time.perf_counter() - start
    # the same kind of number fast mode judges: a directional derivative along a random unit u
    rng = np.random.default_rng(0)
    u = {name: rng.standard_normal(p.shape) for name, p in params.items()}
    norm = np.sqrt(sum(float(np.sum(v * v)) for v in u.values()))
    u = {name: v / norm for name, v in u.items()}
    plus = {name: params[name] + 1e-6 * u[name] for name in params}
    minus = {name: params[name] - 1e-6 * u[name] for name in params}
    numeric = (loss(plus) - loss(minus)) / 2e-6
    analytic = sum(float(np.sum(grads[name] * u[name])) for name in params)
    return seconds, float(relative_error(analytic, numeric)), passed


def scipy_check(params, loss, grads):
    from scipy.optimize import approx_fprime, check_grad

    names = list(params)
    shapes = [params[name].shape for name in names]
    sizes = [params[name].size for name in names]
    x0 = np.concatenate([params[name].ravel() for name in names])
    analytic = np.concatenate([grads[name].ravel() for name in names])

    def unflatten(x):
        out, start = {}, 0
        for name, shape, size in zip(names, shapes, sizes, strict=True):
            out[name] = x[start:start + size].reshape(shape)
            start += size
        return out

    def f(x):
        return loss(unflatten(x))

    def fprime(x):
        return analytic  # the analytic gradient at x0 (check_grad only evaluates it there)

    start = time.perf_counter()
    norm = check_grad(f, fprime, x0)
    seconds = time.perf_counter() - start
    numeric = approx_fprime(x0, f)  # what check_grad compared against (forward differences, √u step)
    return seconds, float(relative_error(analytic, numeric).max()), norm


def bugged(grads):
    """One mid-sized component of W2 scaled by (1 + 1e-3)."""
    out = {name: g.copy() for name, g in grads.items()}
    flat = out["W2"].reshape(-1)
    order = np.argsort(np.abs(flat))
    flat[order[len(order) // 2]] *= 1 + 1e-3
    return out


def main(quick: bool = False) -> None:
    import scipy
    try:
        import torch
        torch.set_num_threads(1)
        torch_version = torch.__version__
    except ImportError:
        torch = None
        torch_version = "not installed"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores (nproc), load average {load} at the start; BLAS threads "
          f"{os.environ['OPENBLAS_NUM_THREADS']}; numpy {np.__version__}, scipy {scipy.__version__}, "
          f"torch {torch_version}")
    print(f"network: MLP D→H tanh→C, softmax cross-entropy, m = {M} examples, float64, one fixed point")
    sizes = [1_000, 10_000] if quick else list(SIZES)

    print("\n(a) overhead of check_gradient = time ÷ (2N × one loss evaluation), target ≤ 1.15")
    print(f"{'N':>8}  {'(D, H, C)':>15}  {'one loss':>10}  {'check':>9}  {'ratio':>6}  {'evals beyond 2N':>15}")
    results = {}
    for N in sizes:
        repeats, blocks = {1_000: (7, 20), 10_000: (5, 10), 100_000: (3, 5)}[N]
        n, t_loss, t_check, ratio, report, extra = overhead(N, repeats, blocks)
        results[N] = (n, t_loss, t_check, report)
        print(f"{n:>8}  {SIZES[N]!s:>15}  {t_loss * 1e6:>8.1f}µs  {t_check:>8.3g}s  {ratio:>6.3f}  {extra:>15}")

    print("\n(b) the same network, point and analytic gradient in each tool: time, max relative error, verdict")
    print(f"{'N':>8}  {'tool':<34}  {'time':>9}  {'max rel. error':>14}  verdict")
    for N in sizes:
        n, t_loss, t_check, report = results[N]
        params, loss, grads_of = mlp(*SIZES[N])
        grads = grads_of(params)
        rows = [("helpers check_gradient (central)", t_check, report.max_relative_error,
                 "passed" if report.passed else "FAILED")]
        if torch is not None:
            estimate = 2 * n * (t_loss + 60e-6) * 2  # gradcheck + its numerical Jacobian again
            if estimate > SLOW_TORCH_LIMIT:
                rows.append(("torch gradcheck slow mode", None, None, f"skipped (estimated {estimate / 60:.0f} min)"))
            else:
                s, e, ok = torch_slow(params, loss, grads_of, grads)
                rows.append(("torch gradcheck slow mode", s, e, "passed" if ok else "FAILED"))
            s, e, ok = torch_fast(params, loss, grads_of, grads)
            rows.append(("torch gradcheck fast_mode=True", s, e, ("passed" if ok else "FAILED") + " (1 direction)"))
        s, e, norm = scipy_check(params, loss, grads)
        rows.append(("scipy check_grad (forward)", s, e, f"returns ‖g − n‖₂ = {norm:.1e}"))
        for tool, seconds, error, verdict in rows:
            time_text = "—" if seconds is None else f"{seconds:.3g}s"
            error_text = "—" if error is None else f"{error:.1e}"
            print(f"{n:>8}  {tool:<34}  {time_text:>9}  {error_text:>14}  {verdict}")

    print("\n(c) sensitivity, N ≈ 1e3: one component of W2 scaled by (1 + 1e-3) — flagged?")
    params, loss, grads_of = mlp(*SIZES[1_000])
    wrong = bugged(grads_of(params))
    report = check_gradient(loss, params, wrong)
    where = f"{report.mismatches[0].name}{list(report.mismatches[0].index)}" if report.mismatches else "—"
    print(f"  helpers check_gradient          : {'FLAGGED ' + where if not report.passed else 'missed'}")
    if torch is not None:
        fn, inputs = torch_function(params, loss, lambda p: wrong)
        slow = torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False)
        fast = torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False,
                                        fast_mode=True)
        print(f"  torch gradcheck slow (defaults) : {'missed (passed)' if slow else 'flagged (no element named)'}")
        print(f"  torch gradcheck fast (defaults) : {'missed (passed)' if fast else 'flagged (no element named)'}")
    _, _, norm = scipy_check(params, loss, wrong)
    _, _, norm_ok = scipy_check(params, loss, grads_of(params))
    print(f"  scipy check_grad                : ‖g − n‖₂ = {norm:.1e} (correct gradient: {norm_ok:.1e}); "
          "no threshold, no element")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
