"""What the checker accepts, and how it keeps the caller's arrays safe.

params is one float array (reported as ``theta``) or a dict of named float arrays; grads has the
same structure, shapes and dtypes; loss(params) returns one finite real float, the same one each
time for the same params.  Everything else is refused *before* any perturbation, with a message
that names the parameter and the fix.  During a check a copy of every tensor is kept, so the
caller's arrays are restored bit for bit after any error (:func:`_restore`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from helpers.derivatives import _check_step

_METHODS = ("central", "forward", "complex")
_F64 = np.float64
SINGLE_NAME = "theta"  # the name a bare array of parameters is reported under

def _label(name: str, single: bool) -> str:
    return "theta" if single else f"params[{name!r}]"


def _element(name: str, single: bool, shape: tuple, flat_index: int) -> str:
    index = tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()
    inside = ", ".join(str(i) for i in index)
    return f"{_label(name, single)}[{inside}]"


def _named(params, what: str = "params") -> tuple[dict[str, np.ndarray], bool]:
    """(dict name -> array, single) for an array or a dict of arrays; validates each array."""
    if isinstance(params, np.ndarray):
        named, single = {SINGLE_NAME: params}, True
    elif isinstance(params, Mapping):
        if not params:
            raise ValueError(f"{what} is an empty dict; pass at least one named array")
        named, single = dict(params), False
        for name in named:
            if not isinstance(name, str):
                raise TypeError(f"{what} keys must be strings (tensor names), got {name!r}")
    else:
        raise TypeError(
            f"{what} must be a NumPy array or a dict of NumPy arrays, but got "
            f"{type(params).__name__}; wrap it, e.g. np.asarray(theta, dtype=np.float64)"
        )
    for name, p in named.items():
        label = what if single else f"{what}[{name!r}]"
        if not isinstance(p, np.ndarray):
            raise TypeError(
                f"{label} must be a NumPy array (it is perturbed in place), but got "
                f"{type(p).__name__}; convert it with np.asarray(..., dtype=np.float64)"
            )
    return named, single


def _first_nonfinite(a: np.ndarray):
    """(index, value) of the first NaN or ±inf in a (C order), or None."""
    if not a.size or np.isfinite(a).all():
        return None
    values = a.ravel()
    flat = int(np.flatnonzero(~np.isfinite(values))[0])
    return tuple(int(k) for k in np.unravel_index(flat, a.shape)), values[flat]


def _check_params(named: dict[str, np.ndarray], single: bool, what: str = "theta") -> None:
    """Float dtype, writeable, finite, no two tensors sharing memory."""
    for name, p in named.items():
        label = what if single else _label(name, single)
        if p.dtype.kind in "iub":
            raise TypeError(
                f"{label} has integer dtype {p.dtype}: a step of 1e-5 added to an integer array "
                f"is lost when it is stored; convert it first with {label} = {label}.astype(float)"
            )
        if p.dtype.kind == "c":
            raise TypeError(
                f"{label} is complex ({p.dtype}); gradient checks need real parameters — "
                "for the complex step use real params and method='complex'"
            )
        if p.dtype.kind != "f":
            raise TypeError(f"{label} has dtype {p.dtype}; parameters must be a float array (np.float64)")
        if not p.flags.writeable:
            raise ValueError(
                f"{label} is read-only, so it cannot be perturbed in place; pass a writeable "
                f"copy ({label}.copy())"
            )
        bad = _first_nonfinite(p)
        if bad:
            index, value = bad
            raise ValueError(
                f"{label}{list(index)} is {value}; the gradient is only "
                "defined at finite parameters — fix the initialisation or the update that produced it"
            )
    names = list(named)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            if np.shares_memory(named[names[a]], named[names[b]]):
                raise ValueError(
                    f"params[{names[a]!r}] and params[{names[b]!r}] share memory, so perturbing one "
                    "moves the other; pass separate arrays (.copy()) or one tensor"
                )


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, but got method={method!r}")


def _check_eps(eps) -> None:
    if eps is not None:
        _check_step(eps, "None (default step) or a positive number",
                    "use eps=None for the default step ∛u·max(|θ_i|, s), s the tensor's typical |θ|")


def _check_tol(tol) -> None:
    if tol is not None:
        _check_step(tol, "None (the default rtol) or a positive number",
                    "use tol=None for the default rtol (6.1e-6 for central differences in float64)", name="tol")


def _check_loss(loss) -> None:
    if not callable(loss):
        raise TypeError(f"loss must be a function loss(params) -> float, but got {type(loss).__name__}")


def _check_count(value, name: str, expected: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be {expected}, but got {name}={value!r}")


def _generator(rng) -> np.random.Generator:
    """rng as a Generator: itself, a seed, or None for seed 0 (reports are reproducible)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)


def _check_grads(grads, named: dict, single: bool) -> dict:
    """grads has the structure, shapes and dtypes of params, and is finite."""
    if single:
        if not isinstance(grads, np.ndarray):
            raise TypeError(
                f"params is one array, so grads must be one array of shape {named[SINGLE_NAME].shape}, "
                f"but got {type(grads).__name__}"
            )
        g_named = {SINGLE_NAME: grads}
    else:
        if not isinstance(grads, Mapping):
            raise TypeError(
                f"params is a dict, so grads must be a dict with the same keys {list(named)}, "
                f"but got {type(grads).__name__}"
            )
        missing = [k for k in named if k not in grads]
        extra = [k for k in grads if k not in named]
        if missing:
            raise ValueError(
                f"grads is missing {missing}: every parameter needs its gradient; return "
                f"grads[{missing[0]!r}] from your backward"
            )
        if extra:
            raise ValueError(
                f"grads has keys {extra} that are not in params {list(named)}; rename them to match "
                "(e.g. 'dW1' → 'W1') or drop them"
            )
        g_named = {k: grads[k] for k in named}
    for name, p in named.items():
        g = g_named[name]
        glabel = "grads" if single else f"grads[{name!r}]"
        plabel = _label(name, single)
        if not isinstance(g, np.ndarray):
            raise TypeError(f"{glabel} must be a NumPy array, but got {type(g).__name__}; use np.asarray")
        if g.shape != p.shape:
            hint = ""
            if g.ndim == 2 and g.shape == p.shape[::-1]:
                hint = f" — transposed? (return {glabel}.T, or compute it as dW = dZ @ X.T, not X @ dZ.T)"
            elif g.size == p.size and tuple(n for n in g.shape if n != 1) == tuple(n for n in p.shape if n != 1):
                hint = " (keepdims=True in the sum?)"
            raise ValueError(f"{glabel} has shape {g.shape} but {plabel} has shape {p.shape}{hint}")
        if g.dtype != p.dtype:
            raise TypeError(
                f"{glabel} has dtype {g.dtype} but {plabel} has dtype {p.dtype}; compute the "
                f"gradient in the parameters' precision ({glabel}.astype(np.{p.dtype}))"
            )
        bad = _first_nonfinite(g)
        if bad:
            index, value = bad
            raise ValueError(
                f"{glabel}{list(index)} is {value}: the analytic gradient must be finite — "
                "look for a log(0), a division by zero or an overflow in the backward"
            )
    return g_named


def _changed(named: dict, backup: dict) -> str | None:
    """The first tensor whose bytes differ from the backup, as a message, or None."""
    for name, p in named.items():
        if p.tobytes() != backup[name].tobytes():
            flat_p, flat_b = p.ravel(), backup[name].ravel()
            bad = int(np.flatnonzero((flat_p != flat_b) | (np.signbit(flat_p) != np.signbit(flat_b)))[0])
            index = tuple(int(i) for i in np.unravel_index(bad, p.shape))
            return f"{name}{list(index)} went from {float(flat_b[bad])!r} to {float(flat_p[bad])!r}"
    return None


def _restore(params, named: dict, backup: dict, single: bool) -> None:
    """Put the caller's arrays (objects, keys and bytes) back exactly as they were."""
    if not single:
        for key in [k for k in params if k not in named]:
            del params[key]
        for name, p in named.items():
            if params.get(name) is not p:
                params[name] = p
    for name, p in named.items():
        if p.tobytes() != backup[name].tobytes():
            np.copyto(p, backup[name], casting="no")


def _check_untouched(params, named: dict, backup: dict, single: bool, when: str) -> None:
    if not single:
        if set(params) != set(named):
            raise ValueError(
                f"loss changed the keys of params {when} (now {sorted(params)}, was {sorted(named)}); "
                "a loss must not modify the dict it is given — params restored"
            )
        for name, p in named.items():
            if params[name] is not p:
                raise ValueError(
                    f"loss replaced params[{name!r}] by another array {when}; the check perturbs the "
                    "arrays in place, so the loss must read them, not rebind them — params restored"
                )
    changed = _changed(named, backup)
    if changed:
        raise ValueError(
            f"loss modified its input {when}: {changed}.  A loss must not change the "
            "parameters it is given (no in-place updates such as W -= …, +=, np.clip(..., out=…)); "
            "work on copies — params restored"
        )


def _checked_inputs(params, grads, eps, tol) -> tuple[dict, bool, dict]:
    """Validate eps, tol, params and grads for a check; (named params, single, named grads)."""
    _check_eps(eps)
    _check_tol(tol)
    named, single = _named(params)
    _check_params(named, single)
    if not any(p.size for p in named.values()):
        what = "theta" if single else f"every tensor of params ({', '.join(named)})"
        raise ValueError(
            f"{what} has no elements (size 0), so there is nothing to check: pass the parameters "
            "themselves, not an empty slice"
        )
    return named, single, _check_grads(grads, named, single)


