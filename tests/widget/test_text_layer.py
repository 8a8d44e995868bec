"""The text path's layer hooks: stale work cancelled mid-run leaves none on the model,
and the user can run the model from another thread while the widget computes."""

from __future__ import annotations

import threading
import time

import torch

from ig_widget.engine import batching

from .conftest import TextModel

TIMEOUT = 20


class SlowText(TextModel):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.delay = 0.0

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        time.sleep(self.delay)
        return super().forward(ids)


def _hooks(model: torch.nn.Module) -> list[str]:
    return [n for n, m in model.named_modules() if m._forward_hooks or m._forward_pre_hooks]


def test_cancelled_text_work_leaves_no_hook(make, ids, monkeypatch):
    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 60)  # 2 path points per chunk
    model = SlowText()
    model.delay = 0.002
    w = make(model, ids, n_steps=4)
    w.wait(TIMEOUT)
    w.n_steps = 400
    deadline = time.monotonic() + TIMEOUT
    while model.calls < 15 and time.monotonic() < deadline:
        time.sleep(0.001)
    w.n_steps = 2
    calls_then = model.calls
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == 2
    assert model.calls - calls_then < 10  # the 400-step run stopped at a chunk boundary
    assert not _hooks(model)


def test_user_runs_the_model_while_the_widget_computes(make, ids, monkeypatch):
    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 60)  # 2 path points per chunk
    model = SlowText()
    model.delay = 0.005
    with torch.no_grad():
        expected = model(ids[None])
    w = make(model, ids, n_steps=200)
    seen = []
    deadline = time.monotonic() + TIMEOUT
    while model.calls < 10 and time.monotonic() < deadline:  # the widget is mid-run
        time.sleep(0.001)

    def user():
        with torch.no_grad():
            for _ in range(5):
                seen.append(model(ids[None]))

    t = threading.Thread(target=user)
    t.start()
    t.join()
    calls_then = model.calls
    w.wait(TIMEOUT)
    assert model.calls > calls_then + 10  # the widget was still running meanwhile
    for out in seen:  # the widget's embedding swap never reached the user's calls
        assert torch.equal(out, expected)
    assert not _hooks(model)
