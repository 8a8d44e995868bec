"""Using the widget leaves the user's model exactly as it was."""

from __future__ import annotations

import pytest
import torch

HOOK_DICTS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_pre_hooks_with_kwargs",
)


def snapshot(model: torch.nn.Module) -> dict:
    return {
        "params": {n: p.detach().clone() for n, p in model.named_parameters()},
        "buffers": {n: b.detach().clone() for n, b in model.named_buffers()},
        "requires_grad": {n: p.requires_grad for n, p in model.named_parameters()},
        "training": {n: m.training for n, m in model.named_modules()},
    }


def assert_untouched(model: torch.nn.Module, before: dict, buffers: bool = True) -> None:
    after = snapshot(model)
    for kind in ("params", "buffers") if buffers else ("params",):
        assert before[kind].keys() == after[kind].keys()
        for n in before[kind]:
            assert torch.equal(before[kind][n], after[kind][n]), n
    assert after["requires_grad"] == before["requires_grad"]
    assert after["training"] == before["training"]
    for n, p in model.named_parameters():
        assert p.grad is None, n
    for name, m in model.named_modules():
        for d in HOOK_DICTS:
            assert not getattr(m, d, {}), f"{name}.{d} left behind"


def exercise(w) -> None:
    w.wait(20)
    for n in (3, 9, 20):
        w.n_steps = n
        w.wait(20)
    for b in w.baseline_options:
        w.baseline = b
        w.wait(20)
    for p in w.path_options:
        w.path = p
        w.wait(20)


@pytest.mark.parametrize(
    "train",
    [
        False,
        pytest.param(
            True,
            marks=pytest.mark.mutates_model(
                "batch norm in training mode updates its running statistics on every forward pass"
            ),
        ),
    ],
)
def test_image_model_untouched(make, cnn, image, train):
    cnn.train(train)
    cnn.fc.weight.requires_grad_(False)  # a frozen layer stays frozen
    before = snapshot(cnn)
    exercise(make(cnn, image))
    # in training mode batch norm updates its running statistics on every forward pass,
    # as it would for any call of the model; the widget warns about that mode
    assert_untouched(cnn, before, buffers=not train)


def test_text_model_untouched(make, text_model, ids):
    text_model.emb.weight.requires_grad_(False)
    before = snapshot(text_model)
    exercise(make(text_model, ids, pad_token_id=0))
    assert_untouched(text_model, before)


def test_tabular_model_untouched(make, mlp, row):
    before = snapshot(mlp)
    exercise(make(mlp, row, background=torch.randn(8, 5, dtype=torch.float64)))
    assert_untouched(mlp, before)


def test_failing_model_leaves_no_hook(make, text_model, ids):
    before = snapshot(text_model)
    w = make(text_model, ids)
    w.wait(20)
    text_model.out.register_forward_hook(lambda *a: (_ for _ in ()).throw(RuntimeError("no")))
    w.n_steps = 4
    with pytest.raises(RuntimeError, match="no"):
        w.wait(20)
    text_model.out._forward_hooks.clear()
    assert_untouched(text_model, before)
