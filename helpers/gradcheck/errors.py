"""The two relative errors of the series (notebook 04): element-wise and norm-wise."""

from __future__ import annotations

import numpy as np

from helpers.gradcheck.inputs import _named


def relative_error(a, b) -> np.ndarray:
    """Element-wise relative error  |a − b| / max(|a|, |b|),  0 where both are 0 (CS231n).

    a, b: arrays (or numbers) of the same shape; returns a float64 array of that shape.
    Each entry lies in [0, 2]: 1 when one of the two is 0, 2 when they are opposite.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs equal shapes, got a.shape={a.shape} and b.shape={b.shape}")
    difference = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, difference / np.where(scale > 0, scale, 1.0), 0.0)


def gradient_difference(grads, numeric) -> float:
    """The norm-wise difference  ‖g − n‖₂ / (‖g‖₂ + ‖n‖₂)  over all parameters together.

    The one number of the deeplearning.ai assignment.  ``grads`` and ``numeric``: arrays of the
    same shape, or dicts with the same keys and shapes (all tensors are concatenated).
    0 when both are zero; at most 1.
    """
    g_named, _ = _named(grads, "grads")
    n_named, _ = _named(numeric, "numeric")
    if set(g_named) != set(n_named):
        raise ValueError(
            f"grads and numeric must have the same keys, got {sorted(g_named)} and {sorted(n_named)}"
        )
    pairs = []
    for name, g in g_named.items():
        n = n_named[name]
        if g.shape != n.shape:
            raise ValueError(f"grads[{name!r}] has shape {g.shape} but numeric[{name!r}] has shape {n.shape}")
        pairs.append((g.astype(np.float64, copy=False).ravel(), n.astype(np.float64, copy=False).ravel()))
    # the ratio does not change when both are scaled: scale by a power of two near the largest
    # magnitude (exact), so that squares of gradients like 1e-200 or 1e200 neither underflow nor overflow
    largest = max((float(np.max(np.abs(x))) for pair in pairs for x in pair if x.size), default=0.0)
    power = int(np.frexp(largest)[1]) if np.isfinite(largest) else 0
    difference2 = g2 = n2 = 0.0
    for g, n in pairs:
        g, n = np.ldexp(g, -power), np.ldexp(n, -power)
        difference2 += float(np.dot(g - n, g - n))
        g2 += float(np.dot(g, g))
        n2 += float(np.dot(n, n))
    denominator = np.sqrt(g2) + np.sqrt(n2)
    return 0.0 if denominator == 0 else float(np.sqrt(difference2) / denominator)


