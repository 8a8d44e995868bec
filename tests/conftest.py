"""Shared fixtures: guards that prove a test left the user's model exactly as it was.

``guard(model)`` (explicit) snapshots a model and checks it when the test ends.

``_model_guard`` (automatic, every test) does the same for every ``nn.Module`` handed to
``IntegratedGradients(...)`` or ``IGWidget(...)`` during the test, found directly, as a
bound method's owner, or in a wrapper function's closure and globals (``lambda x:
net(x)``, ``embedding_forward``'s function). At teardown it first closes the widgets the
test left open (so no worker is mid-computation), then checks parameters, buffers,
``.grad``, ``requires_grad`` flags, train/eval mode and hooks against the snapshot taken
before the library first saw the model. It holds models only weakly: a test may delete
one. Tests that change a model on purpose (or let a model in training mode update its
batch-norm statistics) opt out with ``@pytest.mark.mutates_model("why")``.
"""

from __future__ import annotations

import threading
import types
import weakref
from typing import Any

import pytest
import torch

HOOK_DICTS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_pre_hooks_with_kwargs",
    "_state_dict_hooks",
    "_state_dict_pre_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)
GLOBAL_HOOKS = (
    "_global_forward_hooks",
    "_global_forward_pre_hooks",
    "_global_backward_hooks",
    "_global_backward_pre_hooks",
    "_global_module_registration_hooks",
    "_global_parameter_registration_hooks",
    "_global_buffer_registration_hooks",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mutates_model(reason): the test changes a model on purpose; the automatic "
        "model guard does not check it",
    )


def _hooks(m: torch.nn.Module) -> tuple[tuple, ...]:
    return tuple(tuple(getattr(m, n, {}) or {}) for n in HOOK_DICTS)


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Bit-for-bit equal (NaN equal to NaN); meta tensors hold no values to compare."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.device.type == "meta" or b.device.type == "meta":
        return a.device == b.device
    if a.is_floating_point() or a.is_complex():
        return bool(torch.equal(a, b) or torch.allclose(a, b, rtol=0, atol=0, equal_nan=True))
    return bool(torch.equal(a, b))


def _global_hooks() -> tuple[tuple, ...]:
    mod = torch.nn.modules.module
    return tuple(tuple(getattr(mod, n, {}) or {}) for n in GLOBAL_HOOKS)


class ModelSnapshot:
    """Everything about a model that attribution must not change."""

    def __init__(self, model: torch.nn.Module, weak: bool = False) -> None:
        self._ref = weakref.ref(model) if weak else (lambda m=model: m)
        self.name = type(model).__name__
        self.params = {k: v.detach().clone() for k, v in model.state_dict(keep_vars=True).items()}
        self.buffers = {k: b.detach().clone() for k, b in model.named_buffers()}
        self.param_ids = {k: id(p) for k, p in model.named_parameters()}
        self.requires_grad = {k: p.requires_grad for k, p in model.named_parameters()}
        self.grads = {
            k: None if p.grad is None else p.grad.clone() for k, p in model.named_parameters()
        }
        self.training = {k: m.training for k, m in model.named_modules()}
        self.hooks = {k: _hooks(m) for k, m in model.named_modules()}

    @property
    def model(self) -> torch.nn.Module | None:
        return self._ref()

    def check(self) -> None:
        m = self.model
        if m is None:  # deleted by the test: nothing left to harm
            return
        where = f"{self.name}: "
        for k, v in m.state_dict(keep_vars=True).items():
            assert k in self.params, f"{where}{k} appeared"
            assert _same(v.detach(), self.params[k]), f"{where}{k} changed"
        for k, b in m.named_buffers():
            assert k in self.buffers, f"{where}buffer {k} appeared"
            assert _same(b.detach(), self.buffers[k]), f"{where}buffer {k} changed"
        assert {k: id(p) for k, p in m.named_parameters()} == self.param_ids, (
            f"{where}parameters were replaced"
        )
        for k, p in m.named_parameters():
            assert p.requires_grad == self.requires_grad[k], f"{where}{k}.requires_grad changed"
            before = self.grads[k]
            if before is None:
                assert p.grad is None, f"{where}{k}.grad was left behind"
            else:
                assert p.grad is not None and _same(p.grad, before), f"{where}{k}.grad changed"
        assert {k: mod.training for k, mod in m.named_modules()} == self.training, (
            f"{where}train/eval mode changed"
        )
        assert {k: _hooks(mod) for k, mod in m.named_modules()} == self.hooks, (
            f"{where}hooks added or removed"
        )


@pytest.fixture
def guard():
    """guard(model) snapshots a model; it is checked when the test ends."""
    snaps: list[ModelSnapshot] = []

    def take(model: torch.nn.Module) -> torch.nn.Module:
        snaps.append(ModelSnapshot(model))
        return model

    yield take
    for s in snaps:
        s.check()


# ------------------------------------------------------------------ automatic guard
def modules_in(obj: Any, depth: int = 2) -> list[torch.nn.Module]:
    """The modules ``obj`` is or calls: itself, a bound method's owner, a function's
    closure cells and the globals its code names (wrappers of wrappers, ``depth`` deep)."""
    found: list[torch.nn.Module] = []
    todo, seen = [(obj, 0)], set()
    while todo:
        o, d = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, torch.nn.Module):
            found.append(o)
            continue
        if d >= depth:
            continue
        if isinstance(o, types.MethodType):
            todo.append((o.__self__, d + 1))
            todo.append((o.__func__, d + 1))
        elif isinstance(o, types.FunctionType):
            for cell in o.__closure__ or ():
                try:
                    todo.append((cell.cell_contents, d + 1))
                except ValueError:  # empty cell
                    pass
            g = o.__globals__
            todo.extend((g[n], d + 1) for n in o.__code__.co_names if n in g)
    return found


class _AutoGuard:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snaps: dict[int, ModelSnapshot] = {}
        self.widgets: list[weakref.ref] = []

    def watch(self, obj: Any) -> None:
        for m in modules_in(obj):
            with self.lock:
                old = self.snaps.get(id(m))
                if old is not None and old.model is m:
                    continue  # the first snapshot is the one that counts
            snap = ModelSnapshot(m, weak=True)
            with self.lock:
                self.snaps.setdefault(id(m), snap)

    def check(self) -> None:
        for s in list(self.snaps.values()):
            s.check()


@pytest.fixture(autouse=True)
def _model_guard(request, monkeypatch):
    """Check every model given to the engine or the widget during the test (see above)."""
    if request.node.get_closest_marker("mutates_model") is not None:
        yield None
        return
    from ig_widget.engine import integrated_gradients as ig_mod

    auto = _AutoGuard()
    hooks_before = _global_hooks()
    ig_init = ig_mod.IntegratedGradients.__init__

    def ig_wrapped(self, forward_func, *args, **kwargs):
        auto.watch(forward_func)
        ig_init(self, forward_func, *args, **kwargs)

    monkeypatch.setattr(ig_mod.IntegratedGradients, "__init__", ig_wrapped)
    widget_cls = None
    try:
        from ig_widget.widget import IGWidget as widget_cls
    except ImportError:  # the engine alone, without the widget's dependencies
        pass
    if widget_cls is not None:
        w_init = widget_cls.__init__

        def w_wrapped(self, model, *args, **kwargs):
            auto.watch(model)
            other = kwargs.get("compare_model")
            auto.watch(other[-1] if isinstance(other, tuple) else other)
            auto.widgets.append(weakref.ref(self))
            w_init(self, model, *args, **kwargs)

        monkeypatch.setattr(widget_cls, "__init__", w_wrapped)
    yield auto
    for ref in auto.widgets:  # a worker mid-computation has its temporary hooks on
        w = ref()
        if w is not None and w.__dict__.get("_runner") is not None:
            w.close()
    auto.check()
    assert _global_hooks() == hooks_before, "global module hooks added or removed"


@pytest.fixture
def widgets():
    """``widgets(model, x, **kw)`` builds an IGWidget; all are closed after the test, and
    no worker thread may outlive them."""
    from ig_widget import IGWidget

    made: list = []

    def build(*args, **kwargs):
        w = IGWidget(*args, **kwargs)
        made.append(w)
        return w

    yield build
    for w in made:
        w.close()
    left = [t for t in threading.enumerate() if t.name.startswith("ig_widget-worker")]
    assert not left, "a worker thread outlived its widget"
