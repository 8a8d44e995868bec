"""Where the examples come from, cut into fixed shards of consecutive examples.

Whatever the user passes (a tensor batch, a tuple of tensors, a map-style Dataset or a
DataLoader over one, or a DataLoader that can only be iterated), the run sees the same
thing: shard ``k`` is examples ``[k * shard_size, (k + 1) * shard_size)`` in data-set
order, delivered in batches of at most ``batch_size``. A fixed order is what makes a run
resumable and lets N processes each take every N-th shard; that is why a shuffling
DataLoader is refused. Batches keep the structure the data set gives them (a tensor,
``(x, y)`` or a dict); ``parse_batch`` turns that into inputs, labels and extra
keyword arguments for the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.utils.data import (
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    default_collate,
)

Batch = Any
#: keys tried, in order, for the model input of a dict example (Hugging Face names first)
INPUT_KEYS = ("input_ids", "pixel_values", "input_values", "inputs_embeds", "inputs", "x")
LABEL_KEYS = ("labels", "label", "y", "target")


@dataclass
class Parsed:
    """One batch split into what the model attributes and what rides along."""

    inputs: tuple[torch.Tensor, ...]
    is_tuple: bool
    labels: torch.Tensor | None
    kwargs: dict[str, torch.Tensor] = field(default_factory=dict)
    input_key: str | None = None


def parse_batch(batch: Batch, input_key: str | None = None) -> Parsed:
    """Split a collated batch: ``x``, ``(x, y)``, ``((x1, x2), y)`` or a dict."""
    if isinstance(batch, torch.Tensor):
        return Parsed((batch,), False, None)
    if isinstance(batch, Mapping):
        return _parse_dict(batch, input_key)
    if isinstance(batch, (tuple, list)) and len(batch) in (1, 2):
        x = batch[0]
        y = batch[1] if len(batch) == 2 else None
        if y is not None and not isinstance(y, torch.Tensor):
            y = torch.as_tensor(y)
        if isinstance(x, torch.Tensor):
            return Parsed((x,), False, y)
        if isinstance(x, (tuple, list)) and x and all(isinstance(t, torch.Tensor) for t in x):
            return Parsed(tuple(x), True, y)
    raise TypeError(
        f"Each example must be a tensor x, a pair (x, y), a pair ((x1, x2, ...), y) or a "
        f"dict such as {{'input_ids': ..., 'labels': ...}}; got a batch of type "
        f"{type(batch).__name__}. Make the data set return one of those."
    )


def _parse_dict(batch: Mapping, input_key: str | None) -> Parsed:
    keys = [input_key] if input_key else [k for k in INPUT_KEYS if k in batch]
    if not keys or keys[0] not in batch:
        raise ValueError(
            f"Found no model input among the example's keys {sorted(batch)}; pass "
            f"input_key=<the key to attribute> (tried {', '.join(INPUT_KEYS)})."
        )
    key = keys[0]
    label_key = next((k for k in LABEL_KEYS if k in batch and k != key), None)
    labels = batch[label_key] if label_key else None
    kwargs = {
        k: v for k, v in batch.items() if k not in (key, label_key) and isinstance(v, torch.Tensor)
    }
    return Parsed((batch[key],), False, labels, kwargs, key)


def slice_batch(batch: Batch, a: int, b: int) -> Batch:
    """Rows ``a:b`` of a collated batch, keeping its structure."""
    if isinstance(batch, torch.Tensor):
        return batch[a:b]
    if isinstance(batch, Mapping):
        return {k: slice_batch(v, a, b) for k, v in batch.items()}
    if isinstance(batch, tuple):
        return tuple(slice_batch(v, a, b) for v in batch)
    if isinstance(batch, list):
        if batch and all(isinstance(v, torch.Tensor) for v in batch):
            return [slice_batch(v, a, b) for v in batch]  # a collated (x, y) pair
        return batch[a:b]
    return batch


def cat_batches(parts: Sequence[Batch]) -> Batch:
    first = parts[0]
    if len(parts) == 1:
        return first
    if isinstance(first, torch.Tensor):
        return torch.cat(list(parts))
    if isinstance(first, Mapping):
        return {k: cat_batches([p[k] for p in parts]) for k in first}
    if isinstance(first, (tuple, list)):
        if isinstance(first, list) and not all(isinstance(v, torch.Tensor) for v in first):
            return [v for p in parts for v in p]
        return type(first)(cat_batches([p[i] for p in parts]) for i in range(len(first)))
    raise TypeError(f"Cannot join batches of type {type(first).__name__}.")


def batch_len(batch: Batch) -> int:
    if isinstance(batch, torch.Tensor):
        return batch.shape[0]
    if isinstance(batch, Mapping):
        return batch_len(next(iter(batch.values())))
    if isinstance(batch, (tuple, list)):
        return batch_len(batch[0])
    raise TypeError(f"Cannot tell the batch size of a {type(batch).__name__}.")


ShardIter = Iterator[tuple[int, int, Iterator[tuple[torch.Tensor, Batch]]]]


class Source:
    """Examples in a fixed order; ``shards`` yields (k, start, batches) for wanted shards."""

    n: int | None
    default_batch_size: int

    def shards(self, wanted: Callable[[int], bool], shard_size: int, batch_size: int) -> ShardIter:
        raise NotImplementedError

    def first(self) -> Batch | None:
        """A batch holding the first example, to size batches; None when unknown cheaply."""
        return None


class IndexedSource(Source):
    """Random access: a tensor batch, a tuple of tensors, a map-style Dataset."""

    def __init__(self, get: Callable[[int, int], Batch], n: int, default_batch_size: int) -> None:
        self.get, self.n, self.default_batch_size = get, n, default_batch_size

    def first(self) -> Batch | None:
        return self.get(0, 1) if self.n else None

    def shards(self, wanted, shard_size, batch_size):
        for k in range(math.ceil(self.n / shard_size)):
            if wanted(k):
                start, stop = k * shard_size, min((k + 1) * shard_size, self.n)
                yield k, start, self._batches(start, stop, batch_size)

    def _batches(self, start: int, stop: int, batch_size: int):
        for a in range(start, stop, batch_size):
            b = min(a + batch_size, stop)
            yield torch.arange(a, b), self.get(a, b)


class LoaderSource(Source):
    """A DataLoader over a map-style data set in order: its workers, collate function and
    pinned memory load exactly the batches of the wanted shards (one loader for the
    whole run, so worker processes start once)."""

    def __init__(self, loader: DataLoader) -> None:
        self.loader = loader
        self.n = len(loader.dataset)
        self.default_batch_size = loader.batch_size or 32

    def first(self) -> Batch | None:
        return self.loader.collate_fn([self.loader.dataset[0]]) if self.n else None

    def shards(self, wanted, shard_size, batch_size):
        plan = [
            (k, k * shard_size, min((k + 1) * shard_size, self.n))
            for k in range(math.ceil(self.n / shard_size))
            if wanted(k)
        ]
        if not plan:
            return
        src = self.loader
        extra = {}
        if src.num_workers > 0:
            extra = {
                "prefetch_factor": src.prefetch_factor,
                "multiprocessing_context": src.multiprocessing_context,
                "worker_init_fn": src.worker_init_fn,
                "timeout": src.timeout,
            }
        loader = DataLoader(
            src.dataset,
            batch_sampler=_PlannedBatches(plan, batch_size),
            num_workers=src.num_workers,
            collate_fn=src.collate_fn,
            pin_memory=src.pin_memory,
            **extra,
        )
        it = iter(loader)
        for k, start, stop in plan:
            yield (
                k,
                start,
                ((torch.arange(a, b), next(it)) for a, b in _spans(start, stop, batch_size)),
            )


class _PlannedBatches:
    """Index lists of the planned shards' batches, in order, made as the loader asks."""

    def __init__(self, plan: list[tuple[int, int, int]], batch_size: int) -> None:
        self.plan, self.batch_size = plan, batch_size

    def __iter__(self) -> Iterator[list[int]]:
        for _, start, stop in self.plan:
            for a, b in _spans(start, stop, self.batch_size):
                yield list(range(a, b))


def _spans(start: int, stop: int, size: int) -> Iterator[tuple[int, int]]:
    for a in range(start, stop, size):
        yield a, min(a + size, stop)


class StreamSource(Source):
    """Iteration only (an IterableDataset, a custom sampler): every process reads the
    whole stream once and keeps the rows of its own shards."""

    def __init__(self, loader: DataLoader, n: int | None) -> None:
        self.loader, self.n = loader, n
        self.default_batch_size = loader.batch_size or 32

    def shards(self, wanted, shard_size, batch_size):
        pos, buf = 0, []
        for batch in self.loader:
            size = batch_len(batch)
            a = 0
            while a < size:
                k = (pos + a) // shard_size
                end = min(size, (k + 1) * shard_size - pos)
                if wanted(k):
                    buf.append(slice_batch(batch, a, end))
                if pos + end == (k + 1) * shard_size:
                    if buf:
                        yield (
                            k,
                            k * shard_size,
                            _rebatch(cat_batches(buf), k * shard_size, batch_size),
                        )
                    buf = []
                a = end
            pos += size
        if buf:
            k = (pos - 1) // shard_size
            yield k, k * shard_size, _rebatch(cat_batches(buf), k * shard_size, batch_size)
        self.n = pos


def _rebatch(batch: Batch, start: int, batch_size: int):
    size = batch_len(batch)
    for a in range(0, size, batch_size):
        b = min(a + batch_size, size)
        yield torch.arange(start + a, start + b), slice_batch(batch, a, b)


def make_source(data: Any) -> Source:
    """Wrap what the user passed; refuse what has no stable order, with the fix."""
    if isinstance(data, torch.Tensor):
        if data.dim() == 0:
            raise ValueError("data is a 0-d tensor; give a batch with examples along dim 0.")
        return IndexedSource(lambda a, b: data[a:b], data.shape[0], 32)
    if isinstance(data, tuple) and data and all(isinstance(t, torch.Tensor) for t in data):
        n = {t.shape[0] for t in data}
        if len(n) != 1:
            raise ValueError(
                f"data is a tuple of tensors with different lengths {sorted(n)}; give "
                "(x, y) with one row per example in each."
            )
        if len(data) > 2:
            raise ValueError(
                "data is a tuple of more than two tensors; give (x, y), or ((x1, x2), y) as "
                "a Dataset for several inputs."
            )
        return IndexedSource(lambda a, b: tuple(t[a:b] for t in data), n.pop(), 32)
    if isinstance(data, DataLoader):
        return _loader_source(data)
    if isinstance(data, IterableDataset):
        return StreamSource(DataLoader(data, batch_size=32), None)
    if isinstance(data, Dataset) or (hasattr(data, "__getitem__") and hasattr(data, "__len__")):
        return IndexedSource(_dataset_getter(data, default_collate), len(data), 32)
    raise TypeError(
        f"data must be a Dataset, a DataLoader, a tensor batch or a tuple (x, y) of tensors; "
        f"got {type(data).__name__}."
    )


def _dataset_getter(ds: Any, collate: Callable) -> Callable[[int, int], Batch]:
    def get(a: int, b: int) -> Batch:
        return collate([ds[i] for i in range(a, b)])

    return get


def _loader_source(loader: DataLoader) -> Source:
    if isinstance(loader.sampler, RandomSampler):
        raise ValueError(  # noqa: TRY004 (a value of the loader, not a wrong type)
            "The DataLoader shuffles (shuffle=True); a resumable run needs a fixed order. "
            "Pass a DataLoader with shuffle=False, or the Dataset itself."
        )
    ds = loader.dataset
    if (
        isinstance(loader.sampler, SequentialSampler)
        and not isinstance(ds, IterableDataset)
        and loader.batch_size is not None
    ):
        return LoaderSource(loader)
    try:
        n = len(ds)
    except TypeError:
        n = None
    return StreamSource(loader, n)
