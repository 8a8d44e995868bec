"""Shared fixtures: a guard that proves a test left the user's model exactly as it was."""

from __future__ import annotations

import pytest
import torch


class ModelSnapshot:
    """Everything about a model that attribution must not change."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.params = {k: v.detach().clone() for k, v in model.state_dict(keep_vars=True).items()}
        self.requires_grad = {k: p.requires_grad for k, p in model.named_parameters()}
        self.grads = {k: None if p.grad is None else p.grad.clone() for k, p in model.named_parameters()}
        self.training = {k: m.training for k, m in model.named_modules()}
        self.hooks = {k: _hook_counts(m) for k, m in model.named_modules()}

    def check(self) -> None:
        m = self.model
        for k, v in m.state_dict(keep_vars=True).items():
            assert torch.equal(v.detach(), self.params[k]), f"{k} changed"
        for k, p in m.named_parameters():
            assert p.requires_grad == self.requires_grad[k], f"{k}.requires_grad changed"
            before = self.grads[k]
            if before is None:
                assert p.grad is None, f"{k}.grad was left behind"
            else:
                assert p.grad is not None and torch.equal(p.grad, before), f"{k}.grad changed"
        assert {k: mod.training for k, mod in m.named_modules()} == self.training, "train/eval mode changed"
        assert {k: _hook_counts(mod) for k, mod in m.named_modules()} == self.hooks, "hooks left behind"


def _hook_counts(m: torch.nn.Module) -> tuple[int, ...]:
    names = ["_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks",
             "_state_dict_hooks", "_load_state_dict_pre_hooks"]
    return tuple(len(getattr(m, n, {})) for n in names)


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
