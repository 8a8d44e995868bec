"""``attribute_dataset``: Integrated Gradients for every example of a data set, on disk.

The loop is deliberately plain: for each shard this process owns and has not finished,
take its examples in batches, find each batch's targets (one forward pass without
graph gives the predicted class and feeds "predicted" or a callable), run the engine
once per batch, and write the shard. The engine already splits a batch's path points
into chunks that fit in memory and halves them on CUDA out-of-memory; here a batch that
still does not fit (the no-graph forward, the engine's smallest chunk) is split in two
and retried, down to one example.

Everything that decides the numbers (steps, rule, target rule, baselines, layer, shard
size, model layout, data-set length) is recorded as the run's settings. A run pointed at
an existing directory checks them: equal settings resume (finished shards are skipped,
never recomputed), different ones raise with the fix (a new ``out=`` or
``overwrite=True``).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from ..engine import IntegratedGradients
from ..engine.layer import embedding_forward
from ..engine.model_state import sees_rows_alone
from ..engine.outputs import output_tensor
from . import store
from .distributed import Group, current_group
from .progress import Progress
from .source import Parsed, make_source, parse_batch

TargetRule = str | int | Callable[[torch.Tensor, torch.Tensor | None], Any] | None
#: on the CPU, input elements of the path points in one engine call (see cpu_batch_size)
CPU_CALL_ELEMENTS = 2**19
CPU_MAX_BATCH = 32
#: settings that describe the stored tensors' layout, learnt from the first batch
_LAYOUT_KEYS = ("n_inputs", "tuple_inputs", "input_key")


def attribute_dataset(
    model: Callable,
    data: Any,
    target: TargetRule = "predicted",
    baselines: Any = None,
    n_steps: int = 50,
    method: str = "gausslegendre",
    out: str | os.PathLike = "attributions",
    *,
    layer: torch.nn.Module | str | None = None,
    batch_size: int | None = None,
    shard_size: int | None = None,
    internal_batch_size: int | None = None,
    store_inputs: bool = True,
    input_key: str | None = None,
    device: torch.device | str | None = None,
    overwrite: bool = False,
    progress: bool | None = None,
) -> store.DatasetResults:
    """Attribute every example of ``data`` and write the results to ``out``.

    Args:
        model: the model (or any function of the inputs); Hugging Face outputs with
            ``.logits`` are understood. A model dispatched over several devices with
            accelerate (``device_map=...``) gets its inputs on its first device.
        data: a ``Dataset``, a ``DataLoader`` without shuffling, a tensor batch, or a
            tuple ``(x, y)`` of tensors. Items may be ``x``, ``(x, y)``,
            ``((x1, x2), y)`` or dicts (``{"input_ids": ..., "attention_mask": ...,
            "labels": ...}``; other tensor entries are passed to the model by name).
        target: ``"predicted"`` (argmax of the model's output), ``"label"`` (the data
            set's y), an int class index, None (the model returns one value per
            example), or ``callable(outputs, labels) -> one target per example``.
        baselines: None (zeros), a number, a tensor shaped like one example (or a batch
            of 1), or ``callable(inputs) -> baselines`` for each batch. With ``layer=``
            they live in the layer's output space.
        n_steps, method, internal_batch_size: as in ``IntegratedGradients.attribute``.
        out: the results directory; created if missing, resumed if it holds this run.
        layer: attribute at this module's output (a module of ``model`` or its dotted
            name), for inputs without gradients such as token ids.
        batch_size: examples per engine call. Default on the CPU: as many as keep a
            call near 2**19 input elements (n_steps x the example's size), at most 32;
            elsewhere the DataLoader's batch size, else 32. It does not change results
            beyond rounding.
        shard_size: examples per file (default: 8 batches, at least 64); the unit of
            resumption.
        store_inputs: also keep each example's input next to its attributions.
        input_key: for dict examples, the key to attribute (default: ``input_ids``,
            ``pixel_values``, ... whichever is present).
        device: where inputs go (default: the model's first device).
        overwrite: delete an existing run in ``out`` instead of resuming it.
        progress: draw a progress bar (default: on the first process only).

    Returns:
        ``DatasetResults`` reading ``out`` lazily (``len(r)``, ``r[i]``, ``r[a:b]``).

    Inside a ``torch.distributed`` job each process takes every N-th shard and rank 0
    writes the merged index after a barrier.
    """
    group = current_group()
    src = make_source(data)
    if not callable(model):
        raise TypeError(f"model must be callable (a torch.nn.Module), got {type(model).__name__}.")
    layer_module, layer_name = _resolve_layer(model, layer)
    _check_target_rule(target)
    dev = torch.device(device) if device is not None else input_device(model)
    if batch_size is None and dev.type == "cpu":
        batch_size = cpu_batch_size(src, n_steps, layer_module, input_key)
    batch_size = _positive("batch_size", batch_size, src.default_batch_size)
    shard_size = _positive("shard_size", shard_size, max(8 * batch_size, 64))
    out = Path(out)
    settings = {
        "n_steps": n_steps,
        "method": method,
        "target": _describe(target),
        "baselines": _describe(baselines),
        "layer": layer_name,
        "shard_size": shard_size,
        "n_examples": src.n,
        "store_inputs": bool(store_inputs),
        "model": model_fingerprint(model),
    }
    done = _prepare(out, settings, overwrite, group)
    runner = _BatchRunner(
        model, target, baselines, n_steps, method, internal_batch_size, layer_module, dev
    )
    todo = None
    if src.n is not None:
        n_shards = -(-src.n // shard_size)
        mine = [k for k in range(n_shards) if group.owns(k)]
        todo = sum(min(shard_size, src.n - k * shard_size) for k in mine if k not in done)
    show = (group.rank == 0) if progress is None else bool(progress)
    bar = Progress(show, todo, 0, f"IG rank {group.rank}" if group.active else "IG")
    layout: dict[str, Any] = {}
    try:
        for k, start, batches in src.shards(
            lambda k: group.owns(k) and k not in done, shard_size, batch_size
        ):
            parts = []
            for idx, batch in batches:
                parsed = parse_batch(batch, input_key)
                layout = {
                    "n_inputs": len(parsed.inputs),
                    "tuple_inputs": parsed.is_tuple,
                    "input_key": parsed.input_key,
                }
                parts.append(runner(idx, parsed, store_inputs))
                bar.update(len(idx))
            shard = {key: torch.cat([p[key] for p in parts]) for key in parts[0]}
            done[k] = store.write_shard(out, group.rank, k, start, shard)
            _write_progress_index(out, settings | layout, done, group)
    finally:
        bar.close()
    runner.emit_warnings()
    _finish(out, settings, layout, done, group, src.n, shard_size)
    return store.DatasetResults(out)


def cpu_batch_size(
    src: Any, n_steps: Any, layer: torch.nn.Module | None, input_key: str | None
) -> int | None:
    """Examples per engine call on the CPU: as many as keep one call's path points near
    ``CPU_CALL_ELEMENTS`` input elements, at most ``CPU_MAX_BATCH``.

    On the CPU bigger calls are not faster: once a call's activations leave the caches,
    time per row grows (a small CNN on 3x64x64 ran about 1.8 times slower per example
    with 8 examples of 32 steps per call than with 1). None when the first example is
    not cheaply available (an iterable data set): the caller's default applies.
    """
    try:
        first = src.first()
        if first is None:
            return None
        inputs = parse_batch(first, input_key).inputs
    except Exception:  # noqa: BLE001 - only a size hint: the run reads (and reports) itself
        return None
    elements = sum(x[:1].numel() for x in inputs)
    if layer is not None:
        elements *= int(getattr(layer, "embedding_dim", 1))
    steps = n_steps if isinstance(n_steps, int) and not isinstance(n_steps, bool) else 64
    return max(1, min(CPU_MAX_BATCH, CPU_CALL_ELEMENTS // max(1, steps * elements)))


def _positive(name: str, value: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}={value!r} must be a positive int (or None for the default).")
    return value


def _check_target_rule(target: Any) -> None:
    if target is None or callable(target) or target in ("predicted", "label"):
        return
    if isinstance(target, int) and not isinstance(target, bool) and target >= 0:
        return
    raise ValueError(
        f"target={target!r} must be 'predicted', 'label', a class index (int >= 0), None "
        "(one output per example) or a callable(outputs, labels) returning one per example."
    )


def _resolve_layer(model: Any, layer: Any) -> tuple[torch.nn.Module | None, str | None]:
    if layer is None:
        return None, None
    if not isinstance(model, torch.nn.Module):
        raise TypeError("layer= needs model to be a torch.nn.Module that contains the layer.")
    if isinstance(layer, str):
        try:
            return model.get_submodule(layer), layer
        except AttributeError as err:
            raise ValueError(
                f"layer={layer!r} is not a submodule of the model; give a dotted name from "
                "model.named_modules(), e.g. 'embeddings.word_embeddings'."
            ) from err
    if isinstance(layer, torch.nn.Module):
        for name, m in model.named_modules():
            if m is layer:
                return layer, name
        raise ValueError("layer is not a submodule of the model; pass one of model's modules.")
    raise TypeError(f"layer must be a module or its dotted name, got {type(layer).__name__}.")


def _describe(value: Any) -> Any:
    """A JSON value that changes when ``value`` would change the results."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, torch.Tensor):
        t = value.detach().to("cpu").contiguous()
        digest = hashlib.sha256(
            t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.float().numpy().tobytes()
        ).hexdigest()[:16]
        return f"tensor{tuple(t.shape)}:{t.dtype}:{digest}"
    if isinstance(value, (tuple, list)):
        return [_describe(v) for v in value]
    if callable(value):
        return f"callable:{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    return repr(value)


def model_fingerprint(model: Any) -> str:
    """Class, parameter names, shapes and dtypes: catches resuming with another model
    without reading gigabytes of weights."""
    name = f"{type(model).__module__}.{type(model).__qualname__}"
    if not isinstance(model, torch.nn.Module):
        return name
    h = hashlib.sha256()
    n = 0
    for pname, p in model.named_parameters():
        h.update(f"{pname}:{tuple(p.shape)}:{p.dtype};".encode())
        n += p.numel()
    return f"{name}:{n}:{h.hexdigest()[:16]}"


def input_device(model: Any) -> torch.device:
    """Where the model takes its inputs: the first device of an accelerate device map,
    else the device of its first parameter, else the CPU."""
    device_map = getattr(model, "hf_device_map", None)
    if isinstance(device_map, dict) and device_map:
        first = next(iter(device_map.values()))
        if isinstance(first, int):
            return torch.device("cuda", first)
        if first not in ("disk", "meta"):
            return torch.device(first)
        return torch.device("cpu")
    if isinstance(model, torch.nn.Module):
        for p in model.parameters():
            if p.device.type != "meta":
                return p.device
    return torch.device("cpu")


def _prepare(out: Path, settings: dict, overwrite: bool, group: Group) -> dict[int, dict]:
    if out.exists() and not out.is_dir():
        raise ValueError(f"out={str(out)!r} is a file; give a directory for the results.")
    if group.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        if overwrite:
            store.remove_results(out)
        store.remove_temporaries(out)
    group.barrier()
    stored, done = store.finished_shards(out)
    if stored is not None:
        stored = {k: v for k, v in stored.items() if k not in _LAYOUT_KEYS}
        diff = store.settings_mismatch(stored, settings)
        if diff:
            raise ValueError(
                f"out={str(out)!r} holds a run with other settings ({'; '.join(diff)}). "
                "Use a new out= directory, or overwrite=True to discard the stored results."
            )
    return done


def _write_progress_index(out: Path, settings: dict, done: dict, group: Group) -> None:
    """After each shard: this process's index (several processes) or the index."""
    if group.active:
        store.write_json(
            out / store.rank_index_file(group.rank),
            store.index_document(settings, list(done.values()), False, rank=group.rank),
        )
    else:
        store.write_json(
            out / store.INDEX, store.index_document(settings, list(done.values()), False)
        )


def _finish(
    out: Path,
    settings: dict,
    layout: dict,
    done: dict,
    group: Group,
    n: int | None,
    shard_size: int,
) -> None:
    """Barrier; rank 0 writes the one merged index and removes the per-process ones and
    any shard file no index lists; barrier, so every process returns a finished view."""
    if group.active:
        # every process writes its index even with no new shard, so rank 0 sees the layout
        _write_progress_index(out, settings | layout, done, group)
    group.barrier()
    if group.rank == 0:
        stored, every = store.finished_shards(out)
        merged = stored or (settings | layout)
        if n is None:
            n = sum(e["count"] for e in every.values())
        complete = sorted(every) == list(range(-(-n // shard_size)))
        store.write_json(
            out / store.INDEX,
            store.index_document(merged, list(every.values()), complete, n_examples=n),
        )
        for p in out.glob("rank*.json"):
            p.unlink(missing_ok=True)
        store.remove_orphan_shards(out, {e["file"] for e in every.values()})
    group.barrier()


class _BatchRunner:
    """Targets, engine call and OOM splitting for one batch of examples."""

    def __init__(
        self,
        model: Callable,
        target: TargetRule,
        baselines: Any,
        n_steps: Any,
        method: str,
        internal_batch_size: int | None,
        layer: torch.nn.Module | None,
        device: torch.device,
    ) -> None:
        self.model, self.target, self.baselines = model, target, baselines
        self.n_steps, self.method, self.ibs = n_steps, method, internal_batch_size
        self.layer, self.device = layer, device
        self.warnings: set[str] = set()

    def __call__(self, idx: torch.Tensor, parsed: Parsed, store_inputs: bool) -> dict:
        try:
            return self._run(idx, parsed, store_inputs)
        except (RuntimeError, MemoryError) as err:
            if not _is_oom(err) or len(idx) == 1:
                raise
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        h = len(idx) // 2
        halves = [
            self(idx[a:b], _slice_parsed(parsed, a, b), store_inputs)
            for a, b in ((0, h), (h, len(idx)))
        ]
        return {k: torch.cat([p[k] for p in halves]) for k in halves[0]}

    def _call_model(self, parsed: Parsed) -> Callable[..., Any]:
        """A function of (the attributed input(s), *extra tensors) returning the model's
        output tensor (the logits of a Hugging Face output)."""
        keys = list(parsed.kwargs)
        model, key = self.model, parsed.input_key
        if key is None:

            def call(*args: torch.Tensor) -> Any:
                return output_tensor(model(*args))

            call.row_wise = sees_rows_alone(model)
            return call

        def call_by_name(x: torch.Tensor, *extra: torch.Tensor) -> Any:
            return output_tensor(model(**{key: x}, **dict(zip(keys, extra, strict=True))))

        # the other entries come as arguments, row by row: each row on its own when the
        # model sees it so
        call_by_name.row_wise = sees_rows_alone(model)
        return call_by_name

    def _run(self, idx: torch.Tensor, parsed: Parsed, store_inputs: bool) -> dict:
        dev = self.device
        xs = tuple(x.to(dev) for x in parsed.inputs)
        extra = tuple(v.to(dev) for v in parsed.kwargs.values())
        labels = parsed.labels.to(dev) if parsed.labels is not None else None
        call = self._call_model(parsed)
        with torch.no_grad():
            logits = call(*xs, *extra)
        if not isinstance(logits, torch.Tensor):
            raise TypeError(
                f"The model returned a {type(logits).__name__}; attribute_dataset needs a tensor "
                "of outputs (or an output with .logits)."
            )
        predicted = (
            logits.argmax(-1)
            if logits.dim() >= 2
            else torch.full((len(idx),), -1, device=logits.device)
        )
        tgt = self._targets(logits, predicted, labels, len(idx))
        if self.layer is not None:
            emb, func = embedding_forward(call, self.layer, xs[0], *extra)
            attr_inputs: Any = emb
        else:
            func, attr_inputs = call, (xs if parsed.is_tuple else xs[0])
        bl = self.baselines(attr_inputs) if callable(self.baselines) else self.baselines
        res = IntegratedGradients(func).attribute_detailed(
            attr_inputs,
            baselines=bl,
            target=tgt,
            additional_forward_args=extra or None,
            n_steps=self.n_steps,
            method=self.method,
            internal_batch_size=self.ibs,
        )
        self.warnings.update(res.warnings)
        rec = {"index": idx.to(torch.int64)}
        for j, a in enumerate(res.attributions):
            rec[f"attributions.{j}"] = a.detach().cpu()
        if store_inputs:
            for j, x in enumerate(xs):
                rec[f"input.{j}"] = x.detach().cpu()
            for name, v in parsed.kwargs.items():  # e.g. the attention mask of padded text
                rec[f"extra.{name}"] = v.detach().cpu()
        rec["target"] = (
            tgt.detach().cpu().to(torch.int64) if tgt is not None else torch.full((len(idx),), -1)
        )
        if labels is not None and labels.dim() == 1 and labels.shape[0] == len(idx):
            rec["label"] = labels.detach().cpu()
        rec["predicted"] = predicted.detach().cpu().to(torch.int64)
        rec["output"] = res.output.detach().cpu()
        rec["baseline_output"] = res.baseline_output.detach().cpu()
        rec["delta"] = res.delta.detach().cpu()
        return rec

    def _targets(self, logits, predicted, labels, batch: int) -> torch.Tensor | None:
        t = self.target
        if t is None:
            return None
        if t == "predicted":
            if logits.dim() < 2:
                raise ValueError(
                    "target='predicted' needs a model with one output per class; this one "
                    "returns one value per example, so use target=None."
                )
            return predicted
        if t == "label":
            if labels is None:
                raise ValueError(
                    "target='label' but the data set gives no labels; make its items (x, y) "
                    "(or dicts with 'labels'), or use target='predicted'."
                )
            return labels.to(torch.int64).reshape(batch)
        if isinstance(t, int):
            return torch.full((batch,), t, dtype=torch.int64, device=logits.device)
        got = t(logits, labels)
        got = torch.as_tensor(got, device=logits.device)
        if got.is_floating_point() or got.shape != (batch,):
            raise ValueError(
                f"target callable returned {tuple(got.shape)} {got.dtype}; it must return one "
                f"integer class index per example, shape ({batch},)."
            )
        return got.to(torch.int64)

    def emit_warnings(self) -> None:
        for message in sorted(self.warnings):
            warnings.warn(f"Some batches: {message}", UserWarning, stacklevel=3)


def _slice_parsed(p: Parsed, a: int, b: int) -> Parsed:
    return Parsed(
        tuple(x[a:b] for x in p.inputs),
        p.is_tuple,
        p.labels[a:b] if p.labels is not None else None,
        {k: v[a:b] for k, v in p.kwargs.items()},
        p.input_key,
    )


def _is_oom(err: BaseException) -> bool:
    """CUDA's error, the engine's MemoryError (no chunk fits), or an allocator's message."""
    if isinstance(err, (torch.OutOfMemoryError, MemoryError)):
        return True
    text = str(err).lower()
    return "out of memory" in text or "can't allocate memory" in text
