"""The results directory: safetensors shards plus one JSON index, written crash-safe.

A data-set run can take hours and may be stopped at any moment (Ctrl-C, a killed job, a
lost machine). So nothing is ever half-written where a reader or a resumed run would
look: every file goes to a temporary name in the same directory, is flushed and fsynced,
then moved into place with ``os.replace`` (atomic on POSIX and Windows). A shard counts
as finished only once an index lists it, and the index is rewritten after every shard,
so the worst a kill can leave behind is one orphan temporary file or one shard file no
index knows about; both are simply redone.

Layout of ``out/``::

    index.json                    settings, shard list, per-example F(x), F(x'), delta
    rank{r}.json                  one process's own index while a multi-process run is going
    rank{r}-shard{k:05d}.safetensors   examples [k * shard_size, (k + 1) * shard_size)

Shard ``k`` always holds the same examples whatever the number of processes, so a run
on one process and on N give the same files' contents and can resume one another.
The format is open: safetensors (readable from numpy, torch, JAX, Rust) and JSON.
"""

from __future__ import annotations

import bisect
import json
import operator
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import torch

FORMAT = "ig_widget.dataset/1"
INDEX = "index.json"
#: per-example values also kept in the index, so a browser can sort without opening shards
SCALARS = ("target", "label", "predicted", "output", "baseline_output", "delta")
_SHARD_RE = re.compile(r"^rank(\d+)-shard(\d+)\.safetensors$")
_RANK_INDEX_RE = re.compile(r"^rank(\d+)\.json$")


def shard_file(rank: int, shard: int) -> str:
    return f"rank{rank}-shard{shard:05d}.safetensors"


def rank_index_file(rank: int) -> str:
    return f"rank{rank}.json"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # directories cannot be opened on Windows; os.replace is enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_json(path: Path, obj: Any) -> None:
    atomic_write(path, json.dumps(obj, indent=1, allow_nan=True).encode())


def read_json(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _safetensors() -> Any:
    try:
        import safetensors.torch
    except ImportError as err:
        raise ImportError(
            "attribute_dataset stores results as safetensors files; install it with "
            "`pip install safetensors`."
        ) from err
    return safetensors


def write_shard(
    out: Path, rank: int, shard: int, start: int, tensors: dict[str, torch.Tensor]
) -> dict:
    """Save one shard and return its index entry (file name, rows, per-example scalars)."""
    save = _safetensors().torch.save
    clean = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    name = shard_file(rank, shard)
    data = save(clean, metadata={"format": FORMAT, "start": str(start)})
    atomic_write(out / name, data)
    entry: dict[str, Any] = {
        "shard": shard,
        "file": name,
        "rank": rank,
        "start": start,
        "count": int(clean["index"].shape[0]),
        "bytes": len(data),
    }
    for key in SCALARS:
        entry[key] = clean[key].tolist() if key in clean else None
    return entry


def index_document(settings: dict, shards: list[dict], complete: bool, **extra: Any) -> dict:
    return {
        "format": FORMAT,
        "settings": settings,
        "complete": complete,
        "n_done": sum(s["count"] for s in shards),
        **extra,
        "shards": sorted(shards, key=lambda s: s["shard"]),
    }


def finished_shards(out: Path) -> tuple[dict | None, dict[int, dict]]:
    """(settings, {shard number: entry}) from every index in ``out``, keeping entries whose
    file is present with the recorded size. Settings are None for a fresh directory."""
    settings, entries = None, {}
    docs = []
    if (out / INDEX).exists():
        docs.append(read_json(out / INDEX))
    for p in sorted(out.glob("rank*.json")):
        if _RANK_INDEX_RE.match(p.name):
            docs.append(read_json(p))
    for doc in docs:
        if doc.get("format") != FORMAT:
            raise ValueError(
                f"{out} holds an index of format {doc.get('format')!r}, not {FORMAT!r}; "
                "pick a new out= directory."
            )
        # union: a process that had nothing left to do wrote no layout keys
        settings = {**doc["settings"], **(settings or {})}
        for e in doc["shards"]:
            f = out / e["file"]
            if f.exists() and f.stat().st_size == e["bytes"]:
                entries[e["shard"]] = e
    return settings, entries


def remove_results(out: Path) -> None:
    """Delete what a run writes in ``out`` (and nothing else the user may keep there)."""
    for p in out.iterdir():
        name = p.name
        if (
            name == INDEX
            or _RANK_INDEX_RE.match(name)
            or _SHARD_RE.match(name)
            or (name.startswith(".") and name.endswith(".tmp"))
        ):
            p.unlink(missing_ok=True)


def remove_orphan_shards(out: Path, indexed: set[str]) -> None:
    """Delete shard files no index lists (written by a process killed before indexing)."""
    for p in out.glob("rank*-shard*.safetensors"):
        if _SHARD_RE.match(p.name) and p.name not in indexed:
            p.unlink(missing_ok=True)


def remove_temporaries(out: Path) -> None:
    for p in out.glob(".*.tmp"):
        p.unlink(missing_ok=True)


class DatasetResults:
    """Read a results directory lazily: shards are opened only when their rows are read.

    ``len(r)`` is the number of finished examples; ``r[i]`` is the i-th of them (in
    data-set order; for a finished run that is example ``i``) as a dict with keys
    ``index`` (position in the data set), ``attributions`` (a tensor shaped like one
    example's input, or a tuple of them for tuple inputs; for ``layer=`` runs the
    layer's output), ``input`` (when stored, else None), ``target``, ``label`` (or None),
    ``predicted`` (ints), ``output`` (F(x)), ``baseline_output`` (F(x')) and ``delta``
    (floats), and ``extra`` (the other tensors of dict examples, e.g. ``attention_mask``,
    when inputs are stored; else None). ``r[a:b]`` (any step) gives the same keys with
    batch-first tensors.
    ``r.settings`` is the run's settings; ``r.column(name)`` one per-example scalar for
    all examples, from the index alone.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise FileNotFoundError(f"{self.path} is not a results directory (no such folder).")
        settings, entries = finished_shards(self.path)
        if settings is None:
            raise FileNotFoundError(
                f"{self.path} holds no {INDEX}; it is not the out= of attribute_dataset, "
                "or the run has not finished its first shard yet."
            )
        doc = read_json(self.path / INDEX) if (self.path / INDEX).exists() else {}
        self.settings: dict[str, Any] = settings
        self.complete: bool = bool(doc.get("complete")) and len(entries) == len(doc["shards"])
        self._shards = [entries[k] for k in sorted(entries)]
        self._ends = []
        total = 0
        for e in self._shards:
            total += e["count"]
            self._ends.append(total)
        self._n_inputs = int(settings.get("n_inputs", 1))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __repr__(self) -> str:
        state = "complete" if self.complete else "partial"
        return f"DatasetResults({str(self.path)!r}, {len(self)} examples, {state})"

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def column(self, name: str) -> torch.Tensor | None:
        """One per-example scalar (``target``, ``label``, ``predicted``, ``output``,
        ``baseline_output``, ``delta``) for every finished example; None if not stored."""
        if name not in SCALARS:
            raise ValueError(f"column {name!r} is not one of {SCALARS}.")
        vals = [e[name] for e in self._shards]
        if not vals or any(v is None for v in vals):
            return None
        return torch.tensor([x for v in vals for x in v])

    def __getitem__(self, key: int | slice) -> dict[str, Any]:
        n = len(self)
        if isinstance(key, slice):
            rows = range(*key.indices(n))
            return self._rows(list(rows))
        key = _as_index(key)
        i = key + n if key < 0 else key
        if not 0 <= i < n:
            raise IndexError(f"index {key} is out of range for {n} finished examples.")
        batch = self._rows([i])
        return {k: _one(v) for k, v in batch.items()}

    def _rows(self, rows: list[int]) -> dict[str, Any]:
        safe_open = _safetensors().safe_open
        parts: list[dict[str, torch.Tensor]] = []
        pos = 0
        while pos < len(rows):
            s = bisect.bisect_right(self._ends, rows[pos])
            lo = self._ends[s - 1] if s else 0
            hi = self._ends[s]
            group = [rows[pos]]
            pos += 1
            while pos < len(rows) and lo <= rows[pos] < hi:
                group.append(rows[pos])
                pos += 1
            local = torch.tensor([r - lo for r in group])
            with safe_open(self.path / self._shards[s]["file"], framework="pt") as f:
                a, b = int(local.min()), int(local.max()) + 1
                parts.append({k: f.get_slice(k)[a:b][local - a] for k in f.keys()})
        return self._assemble(parts)

    def _assemble(self, parts: list[dict[str, torch.Tensor]]) -> dict[str, Any]:
        def cat(name: str) -> torch.Tensor | None:
            if not parts:
                return None
            if name not in parts[0]:
                return None
            return torch.cat([p[name] for p in parts])

        def grouped(prefix: str) -> Any:
            ts = tuple(cat(f"{prefix}.{j}") for j in range(self._n_inputs))
            if ts[0] is None:
                return None
            return ts if self.settings.get("tuple_inputs") else ts[0]

        out: dict[str, Any] = {"index": cat("index")}
        out["attributions"] = grouped("attributions")
        out["input"] = grouped("input")
        names = sorted(k[6:] for k in (parts[0] if parts else {}) if k.startswith("extra."))
        out["extra"] = {n: cat(f"extra.{n}") for n in names} or None
        for k in SCALARS:
            out[k] = cat(k)
        return out


def _as_index(key: Any) -> int:
    """An int from ints, numpy integers and 0-d integer tensors; bools are refused."""
    if not isinstance(key, bool):
        try:
            return operator.index(key)
        except TypeError:
            pass
    raise TypeError(f"index must be an int or a slice, got {type(key).__name__}.")


def _one(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(v[0] for v in value)
    if isinstance(value, dict):
        return {k: v[0] for k, v in value.items()}
    if value.dim() == 1:
        return value[0].item()
    return value[0]


def open_results(path: str | os.PathLike) -> DatasetResults:
    """Open a directory written by ``attribute_dataset`` (finished or still partial)."""
    return DatasetResults(path)


def settings_mismatch(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Names and values of settings that differ between a stored run and a new one."""
    keys = sorted(set(old) | set(new))
    return [
        f"{k}: stored {old.get(k)!r}, now {new.get(k)!r}" for k in keys if old.get(k) != new.get(k)
    ]
