"""The widget closed, the model deleted or the kernel interrupted mid-computation: the
worker stops cleanly, no exception escapes, no thread is left, the widget stays usable."""

from __future__ import annotations

import _thread
import gc
import signal
import threading
import weakref

import pytest
import torch

from ig_widget import IGWidget, IntegratedGradients
from ig_widget.engine import batching

from . import models
from .cases import TIMEOUT


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def _gate(model: models.Switchable) -> threading.Event:
    """Block the model's next calls until the returned event is set."""
    model.gate = threading.Event()
    model.started.clear()
    return model.gate


def test_close_while_computing(escaped, monkeypatch):
    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 20)  # 4 rows per chunk: many chunks
    before = _threads()
    model = models.Switchable()
    model.delay = 0.002
    w = IGWidget(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    thread = w._runner._thread
    w.n_steps = 1500  # hundreds of chunks
    calls = model.calls
    while model.calls < calls + 5 and thread.is_alive():
        model.started.clear()
        model.started.wait(TIMEOUT)
    w.close()
    at_close = model.calls
    assert not thread.is_alive()
    assert model.calls - at_close <= 1  # stopped at its next chunk
    assert _threads() <= before
    with pytest.raises(RuntimeError, match="closed"):
        w.wait(1)
    w.n_steps = 9  # changes after closing do nothing, and raise nothing
    w.set_state({"method": "riemann_left"})
    w.close()  # twice is fine
    assert model.calls == at_close
    assert escaped == []


def test_model_deleted_while_computing(escaped):
    before = _threads()
    model = models.Switchable()
    twin = models.Switchable()  # same seed, same weights: to check the numbers later
    alive = weakref.ref(model)
    w = IGWidget(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    gate = _gate(model)
    w.n_steps = 7
    assert model.started.wait(TIMEOUT)  # the worker is inside the model
    del model
    gc.collect()
    gate.set()
    res = w.wait(TIMEOUT)  # the widget kept the model alive and finished
    ref = IntegratedGradients(twin).attribute_detailed(
        models.row()[None], target=w.target, n_steps=7
    )
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert w.status == "idle"
    w.close()
    del w, res
    gc.collect()
    assert alive() is None, "the closed widget still holds the model"
    assert _threads() <= before
    assert escaped == []


def test_keyboard_interrupt_while_waiting(widgets, escaped):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    before = _threads()
    gate = _gate(model)
    w.n_steps = 7
    assert model.started.wait(TIMEOUT)
    timer = threading.Timer(0.2, _thread.interrupt_main)  # what "interrupt the kernel" does
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        w.wait(TIMEOUT)
    timer.join()
    gate.set()
    model.gate = None
    assert w.wait(TIMEOUT).settings["n_steps"] == 7  # the computation went on
    w.n_steps = 9
    assert w.wait(TIMEOUT).settings["n_steps"] == 9 and w.status == "idle"
    assert _threads() == before
    assert escaped == []


@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="SIGINT is not Python's default KeyboardInterrupt handler here",
)
def test_real_sigint_while_waiting(widgets, escaped):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    gate = _gate(model)
    w.n_steps = 7
    assert model.started.wait(TIMEOUT)
    main = threading.main_thread().ident
    timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        w.wait(TIMEOUT)
    timer.join()
    gate.set()
    model.gate = None
    assert w.wait(TIMEOUT).settings["n_steps"] == 7
    assert escaped == []


def test_keyboard_interrupt_during_construction_leaves_nothing(escaped):
    before = _threads()
    model = models.Switchable()
    model.mode = "keyboard_interrupt"
    with pytest.raises(KeyboardInterrupt):
        IGWidget(model, models.row())
    assert _threads() <= before
    assert escaped == []


def test_close_from_an_observer_does_not_hang(escaped):
    before = _threads()
    model = models.Switchable()
    w = IGWidget(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    thread = w._runner._thread
    w.observe(lambda change: w.close(), names="top_k")
    w.top_k = 3  # the observer runs with the widget's lock held
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert _threads() <= before
    assert escaped == []


def test_an_observer_that_raises_does_not_stop_the_worker(widgets, escaped):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)

    def observer(change):
        raise ValueError("my observer broke")

    w.observe(observer, names="_payload")
    w.n_steps = 7
    with pytest.raises(RuntimeError, match="my observer broke"):
        w.wait(TIMEOUT)
    assert w.status == "error" and "my observer broke" in w.error
    w.unobserve(observer, names="_payload")
    w.n_steps = 9
    assert w.wait(TIMEOUT).settings["n_steps"] == 9 and w.status == "idle"
    assert escaped == []


def test_many_widgets_opened_and_closed_leave_no_thread(escaped):
    before = _threads()
    for _ in range(20):
        model = models.Switchable()
        w = IGWidget(model, models.row(), n_steps=3)
        w.n_steps = 4
        w.close()
    assert _threads() <= before
    assert escaped == []
