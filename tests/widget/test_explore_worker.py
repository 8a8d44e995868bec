"""The alpha scrubber and the convergence figure run on the widget's worker: the page's
message handler only queues them, a newer point replaces a waiting one, a settings
change cancels a running figure, and answers are published under the widget's lock."""

from __future__ import annotations

import threading

import pytest
import torch
from torch import nn

from ig_widget import IGWidget
from ig_widget.engine import batching
from ig_widget.explore.convergence import convergence_figure
from ig_widget.explore.scrubber import scrub_point

from .test_scrubber import until

TIMEOUT = 20


class GatedMLP(nn.Module):
    """An MLP whose forward waits while ``gate`` is closed: a model too slow to run in
    the kernel's message handler. ``calls`` counts forward passes."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        self.double().eval()
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = threading.Event()  # set while a forward waits at the gate
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if not self.gate.is_set():
            self.waiting.set()
            self.gate.wait(TIMEOUT)
            self.waiting.clear()
        return self.net(x)


@pytest.fixture
def gated() -> GatedMLP:
    return GatedMLP()


def busy(w, model: GatedMLP, n_steps: int) -> None:
    """Start a computation that holds the worker at the model's gate."""
    model.gate.clear()
    w.n_steps = n_steps
    assert model.waiting.wait(TIMEOUT), "the worker never reached the model"


def test_handler_returns_while_the_model_computes(make, gated, row):
    w = make(gated, row)
    w.wait(TIMEOUT)
    busy(w, gated, 60)
    calls = gated.calls
    for msg in ({"type": "scrub", "alpha": 0.4}, {"type": "convergence"}):
        handler = threading.Thread(target=w._handle_custom_msg, args=(msg, []))
        handler.start()
        handler.join(TIMEOUT)
        # computed in the handler, it would wait at the gate with the worker
        assert not handler.is_alive(), f"the handler blocked on {msg['type']}"
    assert gated.calls == calls and w.scrub_point == {} and w.convergence == {}
    gated.gate.set()
    until(lambda: w.scrub_point.get("alpha") == 0.4 and bool(w.convergence))
    assert w.wait(TIMEOUT).settings["n_steps"] == 60
    assert w.convergence["baseline"] == w.baseline


def test_answers_equal_the_direct_functions(make, mlp, row):
    w = make(mlp, row, n_steps=100)
    w.wait(TIMEOUT)
    ex = w._runner.explainer
    got = w.scrub(0.3)
    want = scrub_point(ex, w.baseline, w.target, 0.3)
    assert got == want and w.scrub_point == want
    fig = w.convergence_curve()
    direct = convergence_figure(ex, w.baseline, w.target, 100)
    assert fig == {**direct, "run": 1} and w.convergence == fig
    assert fig["n_max"] == 128


def test_a_newer_point_replaces_a_waiting_one(make, gated, row):
    w = make(gated, row)
    w.wait(TIMEOUT)
    shown: list[float] = []
    w.observe(lambda ch: shown.append(ch["new"]["alpha"]), names="scrub_point")
    busy(w, gated, 60)
    before = w._runner.jobs_run
    first = w._scrub_job(0.1)  # the Python side of a request: its answer, or why none
    for a in (0.2, 0.3, 0.7):
        w._handle_custom_msg({"type": "scrub", "alpha": a}, [])
    with pytest.raises(RuntimeError, match="newer scrub request replaced"):
        first.wait(TIMEOUT)
    gated.gate.set()
    until(lambda: w.scrub_point.get("alpha") == 0.7)
    w.wait(TIMEOUT)
    assert shown == [0.7] and w._runner.jobs_run == before + 1


def test_a_settings_change_cancels_a_running_figure(make, gated, row, monkeypatch):
    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 20)  # 4 path points per forward
    w = make(gated, row, n_steps=4)
    w.wait(TIMEOUT)
    sent: list[dict] = []
    w.send = lambda content, buffers=None: sent.append(content)  # what the page is told
    gated.gate.clear()
    job = w._convergence_job()
    assert gated.waiting.wait(TIMEOUT)  # the figure's first forward pass waits
    w.n_steps = 5
    calls = gated.calls
    gated.gate.set()
    with pytest.raises(RuntimeError, match="convergence was cancelled"):
        job.wait(TIMEOUT)
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == 5 and w.convergence == {}
    until(lambda: sent == [{"type": "convergence", "cancelled": True}])  # the button frees
    # the figure stopped at its next forward pass: what ran since is the new result
    assert gated.calls - calls <= res.n_evals + 4
    assert w.convergence_curve()["run"] == 1  # asked again, it completes


def test_failures_land_in_error_and_keep_the_last_answer(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    good = w.scrub(0.5)
    mlp.fail = True
    w._handle_custom_msg({"type": "scrub", "alpha": 0.6}, [])
    until(lambda: "the model broke on purpose" in w.error)
    assert w.error == "The scrub failed: RuntimeError: the model broke on purpose"
    assert w.scrub_point == good and w.status == "idle"
    assert isinstance(w.last_exception, RuntimeError)
    with pytest.raises(RuntimeError, match="broke on purpose"):
        w.convergence_curve()
    assert w.convergence == {}
    mlp.fail = False
    assert w.scrub(0.6)["alpha"] == 0.6
    assert w.error == ""  # a good answer clears the exploring failure


def test_published_under_the_lock_on_the_worker(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    seen: list[tuple[str, bool]] = []

    def observer(change):
        seen.append((threading.current_thread().name, w._sync_lock.held()))

    w.observe(observer, names=["scrub_point", "convergence"])
    w.scrub(0.2)
    w.convergence_curve()
    assert len(seen) == 2
    for thread, held in seen:
        assert thread.startswith("ig_widget-worker") and held


def test_waiting_inside_an_observer_is_refused(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    errors: list[Exception] = []

    def observer(change):
        for call in (lambda: w.scrub(0.5), w.convergence_curve):
            try:
                call()
            except RuntimeError as exc:
                errors.append(exc)

    w.observe(observer, names="note")
    w.note = "look"
    assert len(errors) == 2 and all("trait observer" in str(e) for e in errors)


def test_closing_ends_waiting_requests(make, gated, row):
    w = make(gated, row)
    w.wait(TIMEOUT)
    busy(w, gated, 60)
    job = w._scrub_job(0.5)
    opener = threading.Timer(0.2, gated.gate.set)  # close() waits for the model's chunk
    opener.start()
    w.close()  # the worker stops after the model's chunk; the point never runs
    opener.join()
    with pytest.raises(RuntimeError, match="closed"):
        job.wait(TIMEOUT)


def test_a_result_without_its_model_cannot_be_explored(row):
    w = IGWidget.from_attributions(row, row * 0.5)
    try:
        for call in (lambda: w.scrub(0.5), w.convergence_curve):
            with pytest.raises(RuntimeError, match="without its model"):
                call()
        w._handle_custom_msg({"type": "scrub", "alpha": 0.5}, [])  # from the page: a message
        assert "without its model" in w.error and w.scrub_point == {}
    finally:
        w.close()


class TwoInputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(4)
        self.conv = nn.Conv2d(3, 2, 3)
        self.lin = nn.Linear(4, 2)
        self.out = nn.Linear(4, 3)
        self.eval()

    def forward(self, img: torch.Tensor, tab: torch.Tensor) -> torch.Tensor:
        return self.out(torch.cat([self.conv(img).mean((2, 3)), self.lin(tab)], 1))


def test_several_inputs_have_no_scrubber_but_a_convergence_figure(make):
    g = torch.Generator().manual_seed(5)
    w = make(TwoInputs(), (torch.rand(3, 8, 8, generator=g), torch.randn(4, generator=g)))
    w.wait(TIMEOUT)
    with pytest.raises(RuntimeError, match="several, so it has no scrubber"):
        w.scrub(0.5)
    assert set(w.convergence_curve()["curves"]) >= {"gausslegendre", "riemann_left"}


def test_waiting_for_a_request_on_the_worker_itself_is_refused(make, mlp, row):
    """A job can only be answered by the worker: waiting for one there (a model or
    callback that asks for a scrub) raises at once instead of hanging."""
    from ig_widget._runner import Job

    w = make(mlp, row)
    w.wait(TIMEOUT)
    seen: list[BaseException] = []

    def compute(_check):
        inner = w._runner.enqueue(
            Job("inner", lambda _c: 1, lambda v: v, cancel_on_settings=False, request_id=0)
        )
        try:
            inner.wait(2)
        except (RuntimeError, TimeoutError) as exc:
            seen.append(exc)
        return 0

    outer = w._runner.enqueue(
        Job("outer", compute, lambda v: v, cancel_on_settings=False, request_id=0)
    )
    assert outer.wait(TIMEOUT) == 0
    assert len(seen) == 1 and isinstance(seen[0], RuntimeError), seen
    assert "worker" in str(seen[0])


def test_a_point_for_settings_the_view_has_left_is_not_drawn(make, gated, row):
    w = make(gated, row)
    w.wait(TIMEOUT)
    w.scrub(0.25, timeout=TIMEOUT)
    drawn = dict(w.scrub_point)
    busy(w, gated, 7)  # the worker waits inside the model: the next point queues
    job = w._scrub_job(0.75)
    w.target = (int(w.target) + 1) % 3  # the view moves on before the point is computed
    gated.gate.set()
    point = job.wait(TIMEOUT)
    assert point["alpha"] == 0.75  # the caller gets its answer
    w.wait(TIMEOUT)
    assert w.scrub_point == drawn  # but the view keeps what matches it
