"""Load: 500 control changes in a tight loop end in the result of the final settings,
after far fewer computations than changes; memory and threads stay flat over 100
recomputations (the 1,000-recomputation soak is tests/reliability/soak.py)."""

from __future__ import annotations

import gc
import threading
import weakref

import torch

from ig_widget import IntegratedGradients
from ig_widget._runner import CACHE_SIZE
from ig_widget.modality import METHOD_OPTIONS

from . import models, soak
from .cases import TIMEOUT, from_front_end, workers

CHANGES = 500
BACKGROUND = torch.randn(20, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(5))


def _change(i: int, baselines: list[str]) -> dict:
    """The i-th control change: one trait at a time, cycling through all five."""
    kind = i % 5
    if kind == 0:
        return {"n_steps": 20 + i}
    if kind == 1:
        return {"method": METHOD_OPTIONS[(i // 5) % len(METHOD_OPTIONS)]}
    if kind == 2:
        return {"baseline": baselines[(i // 5) % len(baselines)]}
    if kind == 3:
        return {"target": (i // 5) % 3}
    return {"path": ("straight", "straight", "extremal")[(i // 5) % 3]}


def _fresh(model, w):
    """The engine's result for the widget's current settings, computed from scratch."""
    from ig_widget.paths import Extremal

    base = (
        torch.zeros(1, 5, dtype=torch.float64)
        if w.baseline == "zeros"
        else BACKGROUND.mean(0, keepdim=True)
    )
    path = Extremal() if w.path == "extremal" else None
    return IntegratedGradients(model).attribute_detailed(
        models.row()[None],
        baselines=base,
        target=w.target,
        n_steps=w.n_steps,
        method=w.method,
        path=path,
    )


def _burst(widgets, apply) -> None:
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6, background=BACKGROUND)
    w.wait(TIMEOUT)
    threads = threading.active_count()
    gate = model.gate = threading.Event()  # the worker blocks in the model ...
    model.started.clear()
    w.n_steps = 7
    assert model.started.wait(TIMEOUT)
    before = w._runner.computations
    for i in range(CHANGES):  # ... while the kernel makes 500 changes
        apply(w, _change(i, w.baseline_options))
    gate.set()
    model.gate = None
    res = w.wait(TIMEOUT)
    ran = w._runner.computations - before
    assert ran <= 3, f"{ran} computations for {CHANGES} changes"  # the blocked one, coarse, full
    final = (w.n_steps, w.method, w.baseline, w.target, w.path)
    assert res.settings == dict(
        zip(("n_steps", "method", "baseline", "target", "path"), final, strict=True)
    )
    assert w._payload["readout"]["n_steps"] == w.n_steps and w.status == "idle"
    ref = _fresh(model, w)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert threading.active_count() == threads and len(workers()) == 1


def test_500_changes_from_python(widgets):
    def apply(w, change):
        for k, v in change.items():
            setattr(w, k, v)

    _burst(widgets, apply)


def test_500_changes_from_the_front_end(widgets):
    def apply(w, change):
        from_front_end(w, **change)
        if "n_steps" in change:
            from_front_end(w, n_steps=0)  # and a bad one now and then: refused, not applied

    _burst(widgets, apply)


def test_memory_and_threads_flat_over_100_recomputations():
    """RSS growth stays under 40 MB over 100 recomputations of a 3x256x256 image (after a
    warm-up that fills the cache); keeping every result would add about 100 MB."""
    threads = threading.active_count()
    kept: list[weakref.ref] = []
    runs = []

    def recompute_and_track(w, settings, timeout=60.0):
        res = original(w, settings, timeout)
        kept.append(weakref.ref(res))
        return res

    original = soak.recompute
    soak.recompute = recompute_and_track
    try:
        f = soak.run(100, warmup=40, size=256, echo=runs.append)
    finally:
        soak.recompute = original
    print("\n[memory] " + "\n[memory] ".join(runs))
    gc.collect()
    assert f["growth"] < 40 * 2**20, runs
    assert f["threads_after"] == threads and not workers()
    assert f["computations"] == 100
    alive = sum(1 for r in kept if r() is not None)
    assert alive == 0, f"{alive} results outlived the closed widget"
    assert f["cached"] <= CACHE_SIZE
