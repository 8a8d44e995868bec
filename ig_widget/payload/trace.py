"""The path plot: F along the path and the running attribution of the top features."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .._serialize import encode_array

#: how many features the path plot follows
TOP_FEATURES = 5


def path_trace(
    alphas: np.ndarray | None,
    outputs: np.ndarray | None,
    output: float,
    baseline_output: float,
    attr: np.ndarray,
    integrand: np.ndarray | None,
    names: Sequence[str] | Callable[[int], str],
    top: int = TOP_FEATURES,
) -> dict:
    """``{"alphas", "outputs", "features"}`` for the payload.

    Args:
        alphas, outputs: the trace's nodes (m,) and F there (m,), or None when the
            engine kept no trace (then only the two end points are shown).
        output, baseline_output: F(x) and F(x'), put at alpha 1 and 0 when the nodes do
            not include those points.
        attr: (d,) final attribution per display feature (pixel, token, column).
        integrand: (m, d) each node's contribution to each display feature, or None;
            ``features`` is empty without it.
        names: the display features' names, or a function index -> name.
        top: how many features to follow, the largest by |attribution|.

    Each feature's ``cumulative`` is its running attribution: 0 at alpha 0, then after
    every node the sum of the contributions of the nodes up to it (a node exactly at 0
    is counted from the next point on), ending at the total at alpha 1.
    """
    attr = np.asarray(attr, dtype=np.float64).reshape(-1)
    if alphas is None or outputs is None:
        a = np.array([], dtype=np.float64)
        f = np.array([], dtype=np.float64)
        integrand = None
    else:
        a = np.asarray(alphas, dtype=np.float64).reshape(-1)
        f = np.asarray(outputs, dtype=np.float64).reshape(-1)
        order = np.argsort(a, kind="stable")
        a, f = a[order], f[order]
        if integrand is not None:
            integrand = np.asarray(integrand, dtype=np.float64)[order]
    starts = a.size > 0 and a[0] == 0.0
    ends = a.size > 0 and a[-1] == 1.0
    all_a = np.concatenate([[] if starts else [0.0], a, [] if ends else [1.0]])
    all_f = np.concatenate(
        [[] if starts else [float(baseline_output)], f, [] if ends else [float(output)]]
    )
    features = []
    if integrand is not None and attr.size and integrand.shape == (a.size, attr.size):
        k = min(int(top), attr.size)
        idx = np.argsort(-np.abs(attr), kind="stable")[:k]
        running = np.cumsum(integrand[:, idx], axis=0)  # (m, k)
        rows = [np.zeros((1, k))] if not starts else []
        rows.append(running)
        if not ends:
            rows.append(running[-1:] if running.size else np.zeros((1, k)))
        cum = np.concatenate(rows, axis=0)
        cum[0] = 0.0
        name_of = names if callable(names) else (lambda i: str(names[i]))
        features = [
            {"name": str(name_of(int(i))), "cumulative": encode_array(cum[:, j].copy())}
            for j, i in enumerate(idx)
        ]
    return {
        "alphas": encode_array(all_a.astype(np.float64)),
        "outputs": encode_array(all_f.astype(np.float64)),
        "features": features,
    }
