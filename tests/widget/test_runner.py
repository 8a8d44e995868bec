"""Background computation: coarse-then-full, cancellation, caching, errors, closing."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from ig_widget._runner import SyncLock, error_message
from ig_widget.engine import batching
from ig_widget.modality import ModelError, Settings

TIMEOUT = 20


def record_payloads(w) -> list[tuple[bool, int, int]]:
    """Append (provisional, n_steps, request_id) for every published _payload."""
    seen: list[tuple[bool, int, int]] = []
    w.observe(
        lambda ch: seen.append((w._provisional, ch["new"]["readout"]["n_steps"], w._request_id)),
        names="_payload",
    )
    return seen


def test_coarse_result_first_then_full(make, mlp, row):
    mlp.delay = 0.01
    w = make(mlp, row, n_steps=40)
    seen = record_payloads(w)  # the first request may already be running
    w.n_steps = 30
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == 30
    assert seen[-1][:2] == (False, 30)
    assert (True, 8) in [s[:2] for s in seen]  # the coarse pass was shown first
    assert w._provisional is False and w.status == "idle" and w.progress == 1.0
    ids = [s[2] for s in seen]
    assert ids == sorted(ids)


def test_no_coarse_pass_at_or_below_eight_steps(make, mlp, row):
    w = make(mlp, row, n_steps=8)
    w.wait(TIMEOUT)
    assert w._runner.computations == 1
    w.n_steps = 5
    w.wait(TIMEOUT)
    assert w._runner.computations == 2


def test_no_coarse_pass_for_forward_only_paths(make, mlp, row):
    w = make(mlp, row, path="extremal", n_steps=50)
    w.wait(TIMEOUT)
    assert w._runner.computations == 1
    w.n_steps = 70  # extremal paths do not use n_steps: same result, from the cache
    assert w.wait(TIMEOUT).settings["n_steps"] == 70
    assert w._runner.computations == 1
    assert w._payload["readout"]["n_steps"] == 70  # labelled with what was asked for


def test_burst_of_changes_ends_with_last_settings(make, mlp, row):
    mlp.delay = 0.02  # each computation outlasts the whole burst of assignments
    w = make(mlp, row)
    w.wait(TIMEOUT)
    before = w._runner.computations
    seen = record_payloads(w)
    for n in range(60, 110):  # none of these is cached
        w.n_steps = n
    res = w.wait(TIMEOUT)
    ran = w._runner.computations - before
    assert res.settings["n_steps"] == 109
    assert w._payload["readout"]["n_steps"] == 109
    assert ran <= 6, f"{ran} computations for 50 changes"
    # nothing stale was shown: only the coarse and final results of the last request
    assert {n for _, n, _ in seen} <= {8, 109}


def test_stale_work_stops_between_chunks(make, mlp, row, monkeypatch):
    # 4 rows per chunk: a 400-step computation is 100 chunks of 4 model rows
    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 20)
    mlp.delay = 0.002
    w = make(mlp, row, n_steps=4)
    w.wait(TIMEOUT)
    w.n_steps = 400
    deadline = time.monotonic() + TIMEOUT
    while mlp.calls < 15 and time.monotonic() < deadline:  # the full pass is under way
        time.sleep(0.001)
    w.n_steps = 2
    calls_then = mlp.calls
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == 2
    # the 400-step pass stopped at its next chunk instead of running ~100 more
    assert mlp.calls - calls_then < 10
    assert w._payload["readout"]["n_steps"] == 2


def test_display_only_traits_compute_nothing(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    before, payload = w._runner.computations, w._payload
    w.sign = "absolute"
    w.colormap = "viridis"
    w.opacity = 0.2
    w.clip_percentile = 95.0
    w.top_k = 3
    w.debounce_ms = 0
    w.set_state({"sign": "negative", "colormap": "magma", "opacity": 1.0, "top_k": 2})
    time.sleep(0.05)
    assert w._runner.computations == before
    assert w._payload is payload
    assert w.wait(TIMEOUT).settings["n_steps"] == 50


def test_revisit_comes_from_the_cache(make, mlp, row):
    w = make(mlp, row, n_steps=20)
    first = w.wait(TIMEOUT)
    w.n_steps = 30
    w.wait(TIMEOUT)
    w.method = "riemann_middle"
    w.wait(TIMEOUT)
    before = w._runner.computations
    w.method = "gausslegendre"
    w.n_steps = 20
    again = w.wait(TIMEOUT)
    assert w._runner.computations == before
    assert torch.equal(again.attributions, first.attributions)
    assert w._payload["readout"]["n_steps"] == 20
    assert w._payload["readout"]["method"] == "gausslegendre"
    assert w.status == "idle"


def test_error_keeps_the_last_good_result(make, mlp, row):
    w = make(mlp, row)
    good = w.wait(TIMEOUT)
    payload = w._payload
    mlp.fail = True
    w.n_steps = 7  # no coarse pass: nothing new to show
    with pytest.raises(RuntimeError, match="broke on purpose"):
        w.wait(TIMEOUT)
    assert w.status == "error"
    assert "RuntimeError: the model broke on purpose" in w.error
    assert w._payload is payload
    assert w.result is good
    assert w._provisional is False
    assert type(w._runner.last_exception) is RuntimeError  # the model's own exception
    mlp.fail = False
    w.n_steps = 13
    assert w.wait(TIMEOUT).settings["n_steps"] == 13
    assert w.status == "idle" and w.error == ""


def test_bad_settings_from_the_engine_reach_error(make, mlp, row):
    w = make(mlp, row, n_steps=1)
    w.wait(TIMEOUT)
    w.method = "riemann_trapezoid"  # needs two steps
    with pytest.raises(RuntimeError, match="at least 2"):
        w.wait(TIMEOUT)
    assert w.status == "error" and "n_steps=1" in w.error


def test_nan_output_reaches_error(make, mlp, row):
    w = make(mlp, row)
    payload = (w.wait(TIMEOUT), w._payload)[1]
    bias = mlp.net[2].bias.data
    kept = float(bias[w.target])
    bias[w.target] = float("nan")  # the model breaks after the first result
    w.n_steps = 7
    with pytest.raises(RuntimeError, match="NaN"):
        w.wait(TIMEOUT)
    assert w.status == "error" and w._payload is payload
    bias[w.target] = kept


def test_nan_output_at_construction_is_refused(row):
    from ig_widget import IGWidget

    with pytest.raises(ValueError, match=r"output for target 0 .* is nan.*overflow"):
        IGWidget(lambda x: torch.log(x[:, :2] - 10.0), row)


def test_memory_error_reaches_error(make, mlp, row, monkeypatch):
    w = make(mlp, row)
    w.wait(TIMEOUT)

    def boom(*a, **k):
        raise MemoryError()

    monkeypatch.setattr(w._explainer, "compute", boom)
    w.n_steps = 3
    with pytest.raises(RuntimeError, match="out of memory"):
        w.wait(TIMEOUT)
    assert w.error.startswith("MemoryError")


@pytest.mark.mutates_model(
    "switches the model to eval mode; batch norm in training mode updates its running statistics"
)
def test_training_mode_warning(make, cnn, image):
    cnn.train()
    w = make(cnn, image, n_steps=4)
    w.wait(TIMEOUT)
    assert "training mode" in w.warning
    assert cnn.training  # left as the user had it
    cnn.eval()
    w.n_steps = 5
    w.wait(TIMEOUT)
    assert w.warning == ""


def test_engine_warning_reaches_warning(make, row):
    model = lambda x: (x.detach() ** 2).sum(1, keepdim=True)
    w = make(model, row)
    w.wait(TIMEOUT)
    assert "exactly zero" in w.warning


def test_close_stops_the_worker(mlp, row):
    from ig_widget import IGWidget

    mlp.delay = 0.01
    w = IGWidget(mlp, row, n_steps=200)
    thread = w._runner._thread
    assert thread.is_alive()
    w.close()
    assert not thread.is_alive()
    with pytest.raises(RuntimeError, match="closed"):
        w.wait(1)
    w.close()  # twice is fine


def test_wait_timeout(make, mlp, row):
    mlp.delay = 0.05
    w = make(mlp, row, n_steps=100)
    with pytest.raises(TimeoutError):
        w.wait(0.01)


def test_traits_from_another_thread(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    threads = [threading.Thread(target=lambda n=n: setattr(w, "n_steps", n)) for n in (11, 12, 13)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == w.n_steps
    assert w._payload["readout"]["n_steps"] == w.n_steps


def test_wait_inside_an_observer_refuses_instead_of_hanging(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    caught = []

    def observer(change):
        try:
            w.wait(1)
        except RuntimeError as exc:
            caught.append(str(exc))

    w.observe(observer, names="top_k")
    w.top_k = 4
    assert caught and "observer" in caught[0]


def test_model_failure_becomes_a_model_error_from_the_original(make, mlp, row):
    w = make(mlp, row, n_steps=4)
    w.wait(TIMEOUT)
    mlp.fail = True
    with pytest.raises(ModelError) as info:
        w._explainer.compute(Settings(4, "gausslegendre", "zeros", "straight", w.target))
    err = info.value
    assert isinstance(err.original, RuntimeError) and err.__cause__ is err.original
    assert "broke on purpose" in str(err.original) and err.rows and err.rows >= 1
    assert "on a batch of" in error_message(err) and "The model raised RuntimeError" in (
        error_message(err)
    )


def test_sync_lock_knows_its_holder():
    lock = SyncLock()
    seen = []
    other = lambda: seen.append(lock.held())
    assert not lock.held()
    with lock:
        with lock:  # re-entrant
            assert lock.held()
        assert lock.held()
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert not lock.held() and seen == [False]
    with pytest.raises(RuntimeError, match="does not hold it"):
        lock.release()
