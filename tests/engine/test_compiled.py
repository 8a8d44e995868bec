"""The opt-in compiled forward: same attributions as eager, compiled once per shape.

The reuse and error tests use dynamo's "aot_eager" backend (the same tracing, guards
and AOT autograd as inductor, without generating C++), which keeps them to seconds;
one test compiles with inductor itself, on a tiny model.
"""

from __future__ import annotations

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine import compiled


def _mlp() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)
    ).double()


def _inputs():
    g = torch.Generator().manual_seed(1)
    return torch.randn(2, 6, generator=g, dtype=torch.float64)


def test_aot_eager_equals_eager_and_is_reused():
    model = _mlp()
    x = _inputs()
    eager = IntegratedGradients(model).attribute(x, target=1, n_steps=20)
    ig = IntegratedGradients(model, compile="aot_eager")
    before = compiled.compile_count()
    first = ig.attribute(x, target=1, n_steps=20)
    after_first = compiled.compile_count()
    assert after_first > before  # it did compile
    second = ig.attribute(x * 0.5, target=1, n_steps=20)  # same shapes, new values
    # a second IntegratedGradients of the same model reuses the same compiled forward
    third = IntegratedGradients(model, compile="aot_eager").attribute(x, target=1, n_steps=20)
    assert compiled.compile_count() == after_first
    assert compiled.compiled_forward(model, "aot_eager") is ig._forward
    # the same float64 operations in the same order: equal to rounding
    torch.testing.assert_close(first, eager, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(third, eager, rtol=1e-12, atol=1e-14)
    expected = IntegratedGradients(model).attribute(x * 0.5, target=1, n_steps=20)
    torch.testing.assert_close(second, expected, rtol=1e-12, atol=1e-14)


def test_compiled_leaves_no_grad_on_parameters():
    model = _mlp()
    IntegratedGradients(model, compile="aot_eager").attribute(_inputs(), target=0, n_steps=8)
    assert all(p.grad is None for p in model.parameters())
    assert all(p.requires_grad for p in model.parameters())


def test_inductor_equals_eager():
    model = _mlp().float()
    x = _inputs().float()
    eager = IntegratedGradients(model).attribute(x, target=2, n_steps=16)
    ours = IntegratedGradients(model, compile=True).attribute(x, target=2, n_steps=16)
    # inductor fuses and reorders float32 reductions (the 16-wide hidden layer's sums,
    # the tanh derivative): rounding of a few float32 ulps of the largest attribution
    scale = eager.abs().max()
    torch.testing.assert_close(ours, eager, rtol=0, atol=float(scale) * 1e-5)


def test_compile_needs_a_module():
    with pytest.raises(TypeError, match="nn.Module"):
        IntegratedGradients(lambda x: x.sum(1), compile=True)


def test_compile_argument_type():
    with pytest.raises(TypeError, match="compile="):
        IntegratedGradients(_mlp(), compile=1)


def test_backend_failure_is_explained():
    from torch._dynamo import register_backend

    @register_backend(name="igw_test_broken")
    def broken(gm, example_inputs):
        raise RuntimeError("no C++ compiler here")

    ig = IntegratedGradients(_mlp(), compile="igw_test_broken")
    with pytest.raises(compiled.CompileUnavailable, match="compile=False"):
        ig.attribute(_inputs(), target=0, n_steps=4)
