"""The lean path (``ig_widget.engine.lean``) gives the general path's result bit for bit.

Each case runs ``attribute_detailed`` twice on the same arguments: once as it is (the
lean path, checked to be taken through a spy on ``lean.attribute``) and once with
``lean.applies`` patched to refuse, which forces ``Core.integrate``. Attributions,
delta, F(x), F(x'), the counts and the warnings must be identical, not close.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine import batching, lean
from ig_widget.engine import core as core_mod
from ig_widget.engine.core import NodePlan
from ig_widget.paths import Custom, Extremal, StraightLine


class Spy:
    """Wraps ``lean.attribute``; ``taken`` counts the calls that returned a result."""

    def __init__(self) -> None:
        self.calls = 0
        self.taken = 0
        self._real = lean.attribute

    def __call__(self, *args, **kwargs):
        self.calls += 1
        res = self._real(*args, **kwargs)
        self.taken += res is not None
        return res


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    s = Spy()
    monkeypatch.setattr(lean, "attribute", s)
    return s


def general(monkeypatch: pytest.MonkeyPatch, ig: IntegratedGradients, *args, **kwargs):
    """``attribute_detailed`` with the lean path refused: the general ``Core.integrate``."""
    with monkeypatch.context() as m:
        m.setattr(lean, "applies", lambda *a, **k: False)
        return ig.attribute_detailed(*args, **kwargs)


def assert_identical(a, b) -> None:
    assert len(a.attributions) == len(b.attributions)
    for x, y in zip(a.attributions, b.attributions, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert torch.equal(x, y)
    for name in ("delta", "output", "baseline_output"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and torch.equal(x, y), name
    assert (a.n_evals, a.n_forward) == (b.n_evals, b.n_forward)
    assert a.warnings == b.warnings


def mlp(d: int = 12, classes: int = 3, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(d, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, classes)
    ).eval()


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(1)
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.conv(x)).mean((2, 3)))


class Grid(nn.Module):
    """Outputs shaped (rows, 2, 3): a target is an index pair."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(2)
        self.lin = nn.Linear(6, 6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.lin(x)).reshape(-1, 2, 3)


class DictOut(nn.Module):
    """Returns a mapping with logits, as Hugging Face models do."""

    def __init__(self) -> None:
        super().__init__()
        self.net = mlp(8, 2, seed=3)

    def forward(self, x: torch.Tensor) -> dict:
        return {"logits": self.net(x)}


CASES = {
    "mlp int target": lambda: (mlp(), torch.randn(1, 12), dict(target=1)),
    "mlp batch, random baseline": lambda: (
        mlp(),
        torch.randn(3, 12),
        dict(target=2, baselines=torch.randn(3, 12)),
    ),
    "mlp float64": lambda: (
        mlp().double(),
        torch.randn(2, 12, dtype=torch.float64),
        dict(target=0),
    ),
    "float32 input, float64 model": lambda: (mlp().double(), torch.randn(2, 12), dict(target=0)),
    "per-example list target, trapezoid": lambda: (
        mlp(),
        torch.randn(3, 12),
        dict(target=[0, 2, 1], method="riemann_trapezoid", n_steps=17),
    ),
    "riemann_left, shared baseline number": lambda: (
        mlp(),
        torch.randn(2, 12),
        dict(target=1, baselines=0.5, method="riemann_left", n_steps=9),
    ),
    "cnn per-example tensor target, ends apart": lambda: (
        SmallCNN().eval(),
        torch.randn(4, 3, 40, 40),  # 19,200 elements: F(x), F(x') in a pass of their own
        dict(target=torch.tensor([4, 0, 2, 2]), n_steps=6),
    ),
    "cnn small, ends folded": lambda: (
        SmallCNN().eval(),
        torch.randn(2, 3, 8, 8),
        dict(target=torch.tensor([1, 3]), n_steps=10),
    ),
    "index pair target": lambda: (Grid().eval(), torch.randn(2, 6), dict(target=(1, 2))),
    "per-example index pairs": lambda: (
        Grid().eval(),
        torch.randn(2, 6),
        dict(target=[(0, 1), (1, 2)]),
    ),
    "one output per row, no target": lambda: (
        mlp(classes=1),
        torch.randn(3, 12),
        dict(target=None),
    ),
    "dict output with logits": lambda: (DictOut().eval(), torch.randn(2, 8), dict(target=1)),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("multiply", [True, False])
def test_lean_equals_general_bit_for_bit(
    name: str, multiply: bool, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, x, kwargs = CASES[name]()
    ig = IntegratedGradients(model, multiply_by_inputs=multiply)
    kwargs.setdefault("n_steps", 20)
    fast = ig.attribute_detailed(x, **kwargs)
    assert spy.taken == 1, "the lean path was not taken"
    slow = general(monkeypatch, ig, x, **kwargs)
    assert spy.calls == 1, "the general run went through the lean path"
    assert_identical(fast, slow)


def test_lean_result_through_attribute_and_repeated_targets(spy: Spy, monkeypatch) -> None:
    """``attribute`` (the captum-style call) goes through it too, and a cached seed of
    one target is never reused for another."""
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    for target in (0, 1, 0, 2):
        attr, delta = ig.attribute(x, target=target, n_steps=16, return_convergence_delta=True)
        ref = general(monkeypatch, ig, x, target=target, n_steps=16)
        assert torch.equal(attr, ref.attributions[0])
        assert torch.equal(delta, ref.delta)
    assert spy.taken == 4


def test_additional_forward_args_take_the_lean_path(spy: Spy, monkeypatch) -> None:
    torch.manual_seed(4)
    lin = nn.Linear(5, 3)

    def forward(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        return torch.tanh(lin(x) * scale)

    x, scale = torch.randn(2, 5), torch.rand(2, 1) + 0.5
    ig = IntegratedGradients(forward)
    fast = ig.attribute_detailed(x, target=1, additional_forward_args=(scale,), n_steps=12)
    assert spy.taken == 1
    slow = general(monkeypatch, ig, x, target=1, additional_forward_args=(scale,), n_steps=12)
    assert_identical(fast, slow)


def test_no_differentiable_path_gives_zeros_and_the_warning(spy: Spy, monkeypatch) -> None:
    torch.manual_seed(5)
    lin = nn.Linear(4, 2)

    def forward(x: torch.Tensor) -> torch.Tensor:
        return lin(x.detach())

    x = torch.randn(1, 4)
    ig = IntegratedGradients(forward)
    fast = ig.attribute_detailed(x, target=0, n_steps=8)
    assert spy.taken == 1
    assert torch.equal(fast.attributions[0], torch.zeros_like(x))
    assert any("exactly zero" in w for w in fast.warnings)
    assert_identical(fast, general(monkeypatch, ig, x, target=0, n_steps=8))


X_ONE = torch.linspace(-1.0, 1.0, 12).reshape(1, 12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_steps="auto"),
        dict(trace=True),
        dict(path=Custom(lambda a: a.view(-1, 1, 1) * X_ONE)),
        dict(path=Extremal()),
        dict(_nodes=NodePlan(subset=5)),
    ],
    ids=["auto", "trace", "custom path", "extremal", "node plan"],
)
def test_not_taken_where_the_general_path_is_needed(kwargs, spy: Spy) -> None:
    ig = IntegratedGradients(mlp())
    kwargs = dict(kwargs)
    kwargs.setdefault("n_steps", 20)
    ig.attribute_detailed(X_ONE, target=1, **kwargs)
    assert spy.calls == 0


def test_not_taken_for_tuple_inputs_or_a_training_model(spy: Spy) -> None:
    torch.manual_seed(6)
    a, b = nn.Linear(3, 2), nn.Linear(4, 2)
    ig = IntegratedGradients(lambda x, y: a(x) + b(y))
    ig.attribute((torch.randn(2, 3), torch.randn(2, 4)), target=0, n_steps=8)
    assert spy.calls == 0
    dropout = nn.Sequential(nn.Linear(12, 12), nn.Dropout(0.0), nn.Linear(12, 2))  # training
    with pytest.warns(UserWarning, match="training mode"):
        IntegratedGradients(dropout).attribute(torch.randn(1, 12), target=0, n_steps=8)
    assert spy.calls == 0


def test_half_precision_model_is_left_to_the_general_path(spy: Spy) -> None:
    model = mlp().to(torch.bfloat16)
    res = IntegratedGradients(model).attribute_detailed(torch.randn(1, 12), target=0, n_steps=8)
    assert spy.calls == 0  # the points (float32) enter the model cast to bfloat16
    assert res.attributions[0].dtype == torch.float32


def test_declines_when_the_points_need_several_chunks(spy: Spy, monkeypatch) -> None:
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    res = ig.attribute_detailed(x, target=1, n_steps=20, internal_batch_size=10)
    assert (spy.calls, spy.taken) == (1, 0)  # asked, declined: 5 steps per chunk
    assert_identical(res, general(monkeypatch, ig, x, target=1, n_steps=20, internal_batch_size=10))
    ig.attribute_detailed(x, target=1, n_steps=20, internal_batch_size=40)
    assert spy.taken == 1  # 20 steps x 2 examples fit in 40 rows


def test_out_of_memory_falls_back_to_smaller_chunks(spy: Spy, monkeypatch) -> None:
    model = mlp()
    limit = {"rows": 30}

    def forward(x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] > limit["rows"]:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return model(x)

    x = torch.randn(1, 12)
    res = IntegratedGradients(forward).attribute_detailed(x, target=2, n_steps=40)
    assert (spy.calls, spy.taken) == (1, 0)
    limit["rows"] = 10_000
    ref = IntegratedGradients(forward).attribute_detailed(
        x, target=2, n_steps=40, internal_batch_size=20
    )
    assert torch.allclose(res.attributions[0], ref.attributions[0], rtol=1e-6, atol=1e-7)


def test_errors_are_the_general_paths(spy: Spy) -> None:
    ig = IntegratedGradients(mlp())
    with pytest.raises(ValueError, match="out of range"):
        ig.attribute(torch.randn(1, 12), target=7, n_steps=8)
    with pytest.raises(ValueError, match="target is needed"):
        ig.attribute(torch.randn(1, 12), n_steps=8)
    with pytest.raises(ValueError, match="NaN or inf"):
        ig.attribute(torch.full((1, 12), float("nan")), target=0, n_steps=8)


def test_straight_line_given_explicitly_is_lean(spy: Spy) -> None:
    IntegratedGradients(mlp()).attribute(torch.randn(1, 12), target=0, path=StraightLine())
    assert spy.taken == 1


def test_fold_threshold_is_the_cores(spy: Spy, monkeypatch) -> None:
    """With the threshold lowered, a small input takes the separate pass for F(x) and
    F(x') in both paths; results still agree."""
    monkeypatch.setattr(lean, "FOLD_ENDS_MAX_ELEMENTS", 4)
    monkeypatch.setattr(core_mod, "FOLD_ENDS_MAX_ELEMENTS", 4)
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    fast = ig.attribute_detailed(x, target=1, n_steps=12)
    assert spy.taken == 1
    assert_identical(fast, general(monkeypatch, ig, x, target=1, n_steps=12))


def test_a_lowered_chunk_cap_is_obeyed(spy: Spy, monkeypatch) -> None:
    """Code that lowers ``batching.CPU_CHUNK_ELEMENTS`` (tests of progress and
    cancellation between chunks) gets chunks, not the lean path's single pass."""
    from ig_widget.engine import batching

    monkeypatch.setattr(batching, "CPU_CHUNK_ELEMENTS", 24)  # 2 steps of 1 x 12 per chunk
    seen: list[float] = []
    IntegratedGradients(mlp()).attribute_detailed(
        torch.randn(1, 12), target=0, n_steps=6, progress=seen.append
    )
    assert (spy.calls, spy.taken) == (1, 0)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])


@pytest.mark.parametrize("layout", ["channels_last", "transposed batch", "expanded baseline"])
def test_input_layouts(layout: str, spy: Spy, monkeypatch) -> None:
    model = SmallCNN().eval()
    x = torch.randn(3, 3, 6, 6)
    b = torch.zeros(1, 3, 6, 6)
    if layout == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last)
    elif layout == "transposed batch":
        x = torch.randn(3, 6, 6, 3).permute(0, 3, 1, 2)
    else:
        b = torch.randn(1, 3, 1, 1)
    ig = IntegratedGradients(model)
    kwargs = dict(baselines=b, target=torch.tensor([0, 4, 2]), n_steps=7)
    fast = ig.attribute_detailed(x, **kwargs)
    assert spy.taken == 1
    assert_identical(fast, general(monkeypatch, ig, x, **kwargs))


def test_large_seeds_are_not_kept(spy: Spy, monkeypatch) -> None:
    """A model with many outputs per row (one per pixel) gets a fresh seed each call."""
    monkeypatch.setattr(lean, "MAX_SEED_ELEMENTS", 10)
    monkeypatch.setattr(lean, "_SEEDS", {})
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    fast = ig.attribute_detailed(x, target=1, n_steps=6)
    assert spy.taken == 1 and lean._SEEDS == {}
    assert_identical(fast, general(monkeypatch, ig, x, target=1, n_steps=6))


def test_a_cached_seed_written_to_is_built_again(spy: Spy, monkeypatch) -> None:
    """The cached seed reaches backward hooks on the model as their ``grad_output``; one
    that writes into it in place must not change any later call's seed."""
    monkeypatch.setattr(lean, "_SEEDS", {})
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    clean = ig.attribute_detailed(x, target=1, n_steps=6)
    ((seed, _version),) = lean._SEEDS.values()
    seed.mul_(3.0)  # what such a hook would do
    after = ig.attribute_detailed(x, target=1, n_steps=6)
    assert spy.taken == 2
    assert_identical(after, clean)


def test_kept_seeds_are_bounded_in_values(spy: Spy, monkeypatch) -> None:
    """However many output shapes a session sees, the kept seeds together hold at most
    ``MAX_SEED_TOTAL`` values."""
    monkeypatch.setattr(lean, "_SEEDS", {})
    monkeypatch.setattr(lean, "MAX_SEED_TOTAL", 200)
    model, x = mlp(), torch.randn(2, 12)
    ig = IntegratedGradients(model)
    for n_steps in range(4, 30):
        ig.attribute_detailed(x, target=1, n_steps=n_steps)
        kept = sum(seed.numel() for seed, _ in lean._SEEDS.values())
        assert 0 < kept <= 200
    assert spy.taken == 26


def test_release_memory_drops_kept_seeds(spy: Spy, monkeypatch) -> None:
    """After an out-of-memory error the engine gives back what it holds, seeds included."""
    monkeypatch.setattr(lean, "_SEEDS", {})
    model, x = mlp(), torch.randn(2, 12)
    IntegratedGradients(model).attribute_detailed(x, target=1, n_steps=6)
    assert len(lean._SEEDS) == 1
    batching.release_memory(x.device)
    assert lean._SEEDS == {}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_seeds_are_kept_per_stream(spy: Spy, monkeypatch) -> None:
    """A seed is never shared by two CUDA streams (the allocator would not know the
    second one still reads it), and results on a side stream equal the default's."""
    monkeypatch.setattr(lean, "_SEEDS", {})
    model, x = mlp().cuda(), torch.randn(2, 12, device="cuda")
    ig = IntegratedGradients(model)
    main = ig.attribute_detailed(x, target=1, n_steps=6)
    side_stream = torch.cuda.Stream()
    with torch.cuda.stream(side_stream):
        side = ig.attribute_detailed(x, target=1, n_steps=6)
    torch.cuda.synchronize()
    assert spy.taken == 2 and len(lean._SEEDS) == 2
    assert_identical(side, main)


def test_seed_cache_is_safe_across_threads(monkeypatch) -> None:
    """The widget's worker thread and the user's own calls share the seed cache: misses
    that count, clear and add seeds on two threads, with a third clearing the cache,
    raise nothing (a lazy walk over the dict while another thread adds to it did)."""
    import sys
    import threading
    import time

    from ig_widget.engine.inputs import Target

    monkeypatch.setattr(lean, "_SEEDS", {})
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    errors: list[BaseException] = []
    stop = threading.Event()

    def misses(offset: int) -> None:
        i = 0
        while not stop.is_set():
            try:
                out = torch.empty(2 + i % 50 + offset, 3)
                lean._seed(Target(shared=(1,), batch=1), out, 1, 1)
            except BaseException as err:  # noqa: BLE001 - collected for the assert
                errors.append(err)
                return
            i += 1

    def clears() -> None:
        while not stop.is_set():
            lean.clear_seeds()

    threads = [threading.Thread(target=misses, args=(k,)) for k in (0, 100)]
    threads.append(threading.Thread(target=clears))
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and not errors:
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
        sys.setswitchinterval(old_interval)
    assert errors == []
