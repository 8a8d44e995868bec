"""Out of memory: the engine retries with smaller chunks and the result still arrives;
when even one path step fails the widget says so with the figures it tried, and the
failed computation's tensors (GPU memory) are released although the error is kept."""

from __future__ import annotations

import gc

import pytest
import torch

from ig_widget import IntegratedGradients

from . import models
from .cases import TIMEOUT


@pytest.mark.parametrize(
    "error",
    [
        torch.cuda.OutOfMemoryError,
        RuntimeError,  # what older torch raises: RuntimeError("CUDA out of memory. ...")
    ],
    ids=["OutOfMemoryError", "RuntimeError"],
)
def test_result_arrives_through_smaller_chunks(widgets, error):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    model.oom_above, model.oom_error = 16, error
    model.rows.clear()
    w.n_steps = 60  # 8 coarse steps (10 rows, fits), then 62 rows in one chunk: too many
    res = w.wait(TIMEOUT)
    assert w.status == "idle" and w.error == ""
    assert model.rows and max(model.rows) <= 16  # halved until it fitted
    model.oom_above = None
    ref = IntegratedGradients(model).attribute_detailed(
        models.row()[None], target=w.target, n_steps=60
    )
    torch.testing.assert_close(res.attributions, ref.attributions[0][0], rtol=1e-12, atol=1e-14)


def test_out_of_memory_at_one_step_names_the_figures_and_recovers(widgets):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    good = w.wait(TIMEOUT)
    payload = w._payload
    model.oom_above = 0  # every call fails
    w.n_steps = 30
    with pytest.raises(RuntimeError, match="out of memory"):
        w.wait(TIMEOUT)
    assert w.status == "error" and w._payload is payload and w.result is good
    assert "one path step per forward pass (3 row(s) of the model" in w.error
    assert "Tried to allocate 2.00 GiB" in w.error and "on cpu" in w.error
    assert isinstance(w.last_exception, MemoryError)
    model.oom_above = None
    w.refresh()
    assert w.wait(TIMEOUT).settings["n_steps"] == 30 and w.status == "idle"


def test_failed_computation_releases_its_tensors(widgets):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    model.seen = []  # weak references to every tensor the model is given
    model.mode = "oom"
    w.n_steps = 30
    with pytest.raises(RuntimeError, match="out of memory"):
        w.wait(TIMEOUT)
    assert w.last_exception is not None  # kept for the user, with its traceback ...
    gc.collect()
    leaked = [r for r in model.seen if r() is not None]
    assert model.seen and not leaked, f"{len(leaked)} tensors of the failed computation live on"
    model.seen = None
    assert "Traceback" not in w.error
    import traceback

    text = "".join(traceback.format_exception(w.last_exception))
    assert "MemoryError" in text  # ... which still prints


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_real_cuda_out_of_memory_gives_the_memory_back(widgets):
    class Greedy(torch.nn.Module):
        """Asks for an impossible amount of memory above ``rows`` rows."""

        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.lin = torch.nn.Linear(256, 10)
            self.rows = None

        def forward(self, x):
            if self.rows is not None and x.shape[0] > self.rows:
                torch.empty(2**50, dtype=torch.uint8, device=x.device)  # 1 PiB: a real OOM
            return self.lin(torch.tanh(x))

    model = Greedy().cuda().eval()
    x = torch.randn(256, device="cuda")
    w = widgets(model, x, n_steps=6)
    w.wait(TIMEOUT)
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    model.rows = 20
    w.n_steps = 100
    res = w.wait(TIMEOUT)  # halved down to 20 rows and finished
    assert w.status == "idle"
    model.rows = None
    ref = IntegratedGradients(model).attribute_detailed(x[None], target=w.target, n_steps=100)
    torch.testing.assert_close(res.attributions, ref.attributions[0][0])
    model.rows = 0  # fails at every size
    w.n_steps = 120
    with pytest.raises(RuntimeError, match="out of memory"):
        w.wait(TIMEOUT)
    assert "Tried to allocate" in w.error and "cuda" in w.error
    del res, ref
    gc.collect()
    torch.cuda.synchronize()
    after = torch.cuda.memory_allocated()
    # what is left is the two cached results (tiny), not the failed chunks
    assert after - before < 2**20, (before, after)
