"""Tabular payload: feature names, the input values and one attribution per feature."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._serialize import encode_array
from .names import one_per


def feature_names(n_features: int, names: Sequence[Any] | None = None) -> list[str]:
    """``names`` as strings (its length must be ``n_features``), or "x0".."x{F-1}"."""
    if names is None:
        return [f"x{i}" for i in range(n_features)]
    return one_per(
        names,
        n_features,
        arg="feature_names",
        what="name",
        per="feature",
        has=f"the input has {n_features} features",
    )


def tabular_payload(names: Sequence[str], values: np.ndarray, attr: np.ndarray) -> dict:
    """``kind``, ``names``, ``values`` (float64 (F,)) and ``attr`` (float32 (F,))."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    attr = np.asarray(attr).reshape(-1)
    if not len(names) == values.shape[0] == attr.shape[0]:
        raise ValueError(
            f"{len(names)} names, {values.shape[0]} values and {attr.shape[0]} attributions."
        )
    return {
        "kind": "tabular",
        "names": [str(n) for n in names],
        "values": encode_array(values),
        "attr": encode_array(attr.astype(np.float32)),
    }
