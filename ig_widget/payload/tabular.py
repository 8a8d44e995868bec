"""Tabular payload: feature names, the input values and one attribution per feature."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._serialize import encode_array


def feature_names(n_features: int, names: Sequence[Any] | None = None) -> list[str]:
    """``names`` as strings (its length must be ``n_features``), or "x0".."x{F-1}"."""
    if names is None:
        return [f"x{i}" for i in range(n_features)]
    if isinstance(names, str):
        raise TypeError(
            "feature_names must be a list of strings (one per feature), not one string."
        )
    names = list(names)
    if len(names) != n_features:
        raise ValueError(
            f"feature_names has {len(names)} entries but the input has {n_features} "
            "features; pass one name per feature."
        )
    return [str(n) for n in names]


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
