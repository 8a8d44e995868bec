"""What the browser was given, as one indexable source of examples and labels.

``IGBrowser`` takes a torch ``Dataset``, a ``DataLoader``, a tensor (or numpy) batch, a
pandas ``DataFrame``, or the results directory of ``attribute_dataset``. Each becomes a
``Source``: ``len(source)``, ``source.batches(n)`` for the prediction pass (which also
collects labels a dataset yields), and ``source.get(indices)`` for the examples on screen.
A DataLoader is read once, during the prediction pass, and kept: a shuffling loader would
otherwise change the order on every pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch

from ..modality.infer import infer_modality

_KINDS = (
    "a torch Dataset (items x or (x, y)), a DataLoader, a tensor batch (N, ...), a numpy "
    "array, a pandas DataFrame, or a results directory of attribute_dataset"
)


def _split_item(item: Any) -> tuple[Any, Any]:
    """(x, y) of one dataset item or loader batch; y is None for bare inputs."""
    if isinstance(item, (tuple, list)):
        if len(item) == 0:
            raise ValueError("dataset: an item is an empty tuple; yield x or (x, y).")
        return item[0], (item[1] if len(item) > 1 else None)
    if isinstance(item, dict):
        for xk in ("x", "input", "inputs", "input_ids", "pixel_values"):
            if xk in item:
                yk = next((k for k in ("y", "label", "labels", "target") if k in item), None)
                return item[xk], (item[yk] if yk else None)
        raise ValueError(
            f"dataset: a dict item needs an input key such as 'x' or 'input_ids', got keys "
            f"{sorted(item)}."
        )
    return item, None


def _as_tensor(x: Any, what: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x.detach()
    if isinstance(x, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(x))
    raise TypeError(f"{what} must be a tensor or numpy array, got {type(x).__name__}.")


def _label_array(y: Any, n: int, what: str = "labels") -> np.ndarray:
    a = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    a = a.reshape(-1) if a.ndim > 1 and a.size == n else a
    if a.shape != (n,):
        raise ValueError(
            f"{what} must hold one class index per example ({n}), got shape {a.shape}."
        )
    if a.dtype.kind == "f" and np.all(np.mod(a, 1) == 0):
        a = a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise TypeError(
            f"{what} must be integer class indices, got dtype {a.dtype}; map class names to "
            "indices first (and pass the names as class_names=)."
        )
    if n and a.min() < 0:
        raise ValueError(f"{what} hold a negative class index ({int(a.min())}).")
    return a.astype(np.int64)


class Source:
    """Examples ``0..N-1`` of one modality and, when known, their labels."""

    def __init__(self) -> None:
        self.labels: np.ndarray | None = None
        self.feature_names: list[str] | None = None
        self.modality: str = ""
        #: True when the caller passed labels=: labels the data yields are then ignored
        self.fixed_labels = False

    def __len__(self) -> int:
        raise NotImplementedError

    def get(self, indices: Sequence[int]) -> torch.Tensor:
        """The examples at ``indices`` stacked into one batch."""
        raise NotImplementedError

    def batches(self, batch_size: int) -> Iterator[tuple[np.ndarray, torch.Tensor]]:
        """(indices, batch) over the whole source, in order; collects labels on the way."""
        n = len(self)
        for start in range(0, n, batch_size):
            idx = np.arange(start, min(n, start + batch_size))
            yield idx, self.get(idx)

    def _set_modality(self, first: torch.Tensor, modality: str | None) -> None:
        self.modality = infer_modality(first, modality)


class TensorSource(Source):
    """A batch already in memory: (N, ...) with one example per row."""

    def __init__(self, x: torch.Tensor, modality: str | None = None) -> None:
        super().__init__()
        if x.dim() < 2 or len(x) == 0:
            raise ValueError(
                f"dataset: a tensor batch needs shape (N, ...) with N >= 1 examples, got "
                f"{tuple(x.shape)}; for one example use IGWidget."
            )
        self.x = x
        self._set_modality(x[0], modality)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def get(self, indices: Sequence[int]) -> torch.Tensor:
        return self.x[torch.as_tensor(np.asarray(indices, dtype=np.int64))]


class DatasetSource(Source):
    """A map-style dataset: ``len(ds)`` and ``ds[i]`` -> x or (x, y); read lazily."""

    def __init__(self, ds: Any, modality: str | None = None) -> None:
        super().__init__()
        self.ds = ds
        n = len(ds)
        if n == 0:
            raise ValueError("dataset is empty; there is nothing to browse.")
        x0, y0 = _split_item(ds[0])
        self._set_modality(_as_tensor(x0, "dataset item"), modality)
        self._has_labels = y0 is not None
        self._labels = np.zeros(n, dtype=np.int64) if self._has_labels else None

    def __len__(self) -> int:
        return len(self.ds)

    def _items(self, indices: Sequence[int]) -> tuple[torch.Tensor, list]:
        xs, ys = [], []
        for i in indices:
            x, y = _split_item(self.ds[int(i)])
            xs.append(_as_tensor(x, "dataset item"))
            ys.append(y)
        try:
            return torch.stack(xs), ys
        except RuntimeError as e:
            raise ValueError(
                "dataset: examples differ in shape and cannot be batched; pad or resize them "
                f"to one shape ({e})."
            ) from e

    def get(self, indices: Sequence[int]) -> torch.Tensor:
        return self._items(indices)[0]

    def batches(self, batch_size: int) -> Iterator[tuple[np.ndarray, torch.Tensor]]:
        n = len(self)
        for start in range(0, n, batch_size):
            idx = np.arange(start, min(n, start + batch_size))
            x, ys = self._items(idx)
            if self._labels is not None and not self.fixed_labels:
                self._labels[idx] = _label_array(
                    torch.stack([torch.as_tensor(y) for y in ys]), len(idx), "dataset labels"
                )
            yield idx, x
        if not self.fixed_labels:
            self.labels = self._labels


class LoaderSource(Source):
    """A DataLoader (or any iterable of batches), read once during the prediction pass."""

    def __init__(self, loader: Any, modality: str | None = None) -> None:
        super().__init__()
        self.loader = loader
        self.modality_hint = modality
        self.x: torch.Tensor | None = None
        try:
            self._n = len(loader.dataset)
        except (AttributeError, TypeError):
            self._n = None

    def __len__(self) -> int:
        if self.x is not None:
            return int(self.x.shape[0])
        if self._n is None:
            raise RuntimeError("the loader's length is known once the prediction pass ends.")
        return self._n

    def get(self, indices: Sequence[int]) -> torch.Tensor:
        if self.x is None:
            raise RuntimeError("the loader is read by the prediction pass; wait for it.")
        return self.x[torch.as_tensor(np.asarray(indices, dtype=np.int64))]

    def batches(self, batch_size: int) -> Iterator[tuple[np.ndarray, torch.Tensor]]:
        xs, ys, start = [], [], 0
        for batch in self.loader:
            x, y = _split_item(batch)
            x = _as_tensor(x, "a loader batch's input")
            if not self.modality:
                self._set_modality(x[0], self.modality_hint)
            xs.append(x)
            ys.append(y)
            idx = np.arange(start, start + len(x))
            start += len(x)
            yield idx, x
        if not xs:
            raise ValueError("dataset: the DataLoader yielded no batches.")
        self.x = torch.cat(xs)
        if not self.fixed_labels and all(y is not None for y in ys):
            self.labels = _label_array(torch.cat([torch.as_tensor(y) for y in ys]), start)


class ResultsSource(Source):
    """A results directory of ``ig_widget.attribute_dataset`` (read through
    ``ig_widget.dataset.open_results``): its stored inputs and labels, and its stored
    attributions, so that thumbnails need no new computation."""

    def __init__(self, results: Any, modality: str | None = None) -> None:
        super().__init__()
        self.results = results
        n = len(results)
        if n == 0:
            raise ValueError("dataset: the results directory holds no finished example yet.")
        first = results[0]
        x0 = first.get("input")
        if x0 is None:
            raise ValueError(
                "dataset: these results were written with store_inputs=False, so the inputs "
                "are not there to show; run attribute_dataset with store_inputs=True, or pass "
                "the original dataset instead."
            )
        if isinstance(x0, tuple) or isinstance(first.get("attributions"), tuple):
            raise TypeError("dataset: results of tuple inputs cannot be browsed; one input only.")
        self._set_modality(_as_tensor(x0, "a stored input"), modality)
        self.settings = dict(getattr(results, "settings", {}) or {})
        labels = results.column("label") if hasattr(results, "column") else None
        if labels is not None:
            self.labels = _label_array(labels, n, "the stored labels")

    def __len__(self) -> int:
        return len(self.results)

    def _stack(self, indices: Sequence[int], key: str) -> torch.Tensor:
        return torch.stack([_as_tensor(self.results[int(i)][key], key) for i in indices])

    def get(self, indices: Sequence[int]) -> torch.Tensor:
        return self._stack(indices, "input")

    def attributions(self, indices: Sequence[int]) -> torch.Tensor:
        """The stored attributions of ``indices``, batch first."""
        return self._stack(indices, "attributions")

    def batches(self, batch_size: int) -> Iterator[tuple[np.ndarray, torch.Tensor]]:
        n = len(self)
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            yield np.arange(start, stop), _as_tensor(self.results[start:stop]["input"], "input")


def _is_results(data: Any) -> bool:
    return all(hasattr(data, a) for a in ("settings", "column", "__getitem__", "__len__"))


def _open_results(path: Any) -> Any:
    try:
        from ..dataset import open_results
    except ImportError as e:
        raise TypeError(
            f"dataset={str(path)!r} is a folder, but this ig_widget cannot read results "
            "directories (ig_widget.dataset.open_results is missing)."
        ) from e
    return open_results(path)


def make_source(data: Any, labels: Any = None, modality: str | None = None) -> Source:
    """The ``Source`` for ``data``; ``labels`` (a sequence, or for a DataFrame a column
    name) override labels the data yields."""
    source: Source
    if isinstance(data, (str, os.PathLike)) and os.path.isdir(data):
        data = _open_results(data)
    if _is_results(data):
        source = ResultsSource(data, modality)
    elif type(data).__name__ == "DataFrame" and hasattr(data, "columns"):
        frame = data
        if isinstance(labels, str):
            if labels not in frame.columns:
                raise ValueError(
                    f"labels={labels!r} is not a column of the DataFrame; columns are "
                    f"{list(map(str, frame.columns))[:20]}."
                )
            label_col = frame[labels].to_numpy()
            frame = frame.drop(columns=[labels])
            labels = label_col
        bad = [
            str(c) for c, k in zip(frame.columns, frame.dtypes, strict=True) if k.kind not in "biuf"
        ]
        if bad:
            raise TypeError(
                f"dataset: DataFrame columns {bad[:5]} are not numeric; encode them as numbers "
                "(e.g. pandas.get_dummies) or drop them, and pass the label column as labels=."
            )
        x = torch.from_numpy(np.array(frame.to_numpy(dtype=np.float32), copy=True))
        source = TensorSource(x, modality or "tabular")
        source.feature_names = [str(c) for c in frame.columns]
    elif isinstance(data, (torch.Tensor, np.ndarray)):
        source = TensorSource(_as_tensor(data, "dataset"), modality)
    elif isinstance(data, torch.utils.data.DataLoader):
        source = LoaderSource(data, modality)
    elif (
        hasattr(data, "__getitem__")
        and hasattr(data, "__len__")
        and not isinstance(data, (str, bytes))
    ):
        source = DatasetSource(data, modality)
    else:
        raise TypeError(f"dataset must be {_KINDS}; got {type(data).__name__}.")
    if labels is not None:
        if isinstance(labels, str):
            raise TypeError("labels= as a column name works only with a DataFrame dataset.")
        n = len(source) if not isinstance(source, LoaderSource) or source._n is not None else None
        arr = _label_array(labels, n if n is not None else len(np.asarray(labels)))
        source.labels = arr
        source.fixed_labels = True
    return source
