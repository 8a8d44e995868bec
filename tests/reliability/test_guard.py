"""The model guard of tests/conftest.py: it sees every model and catches every change."""

from __future__ import annotations

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.layer import embedding_forward
from tests.conftest import ModelSnapshot, modules_in

from . import models
from .cases import TIMEOUT


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2)
    ).eval()


def _grad(m):
    m[0].weight.grad = torch.ones_like(m[0].weight)


def _hook(m):
    m[2].register_forward_hook(lambda *a: None)


def _buffer(m):
    m[1].running_mean += 1


def _frozen(m):
    m[2].bias.requires_grad_(False)


def _replace(m):
    m[2].weight = torch.nn.Parameter(m[2].weight.detach().clone())


@pytest.mark.parametrize(
    "change, what",
    [
        (lambda m: m[0].weight.data.add_(1e-6), "0.weight changed"),
        (_buffer, "1.running_mean changed"),
        (_grad, "0.weight.grad was left behind"),
        (_frozen, "2.bias.requires_grad changed"),
        (lambda m: m.train(), "train/eval mode changed"),
        (_hook, "hooks added or removed"),
        (_replace, "parameters were replaced"),
    ],
)
def test_snapshot_catches_every_change(change, what):
    m = _net()
    snap = ModelSnapshot(m, weak=True)
    snap.check()  # untouched: fine
    change(m)
    with pytest.raises(AssertionError, match=what):
        snap.check()


def test_modules_are_found_through_wrappers():
    net = _net()
    text = models.Text()
    _, fwd = embedding_forward(text, text.emb, models.ids()[None])
    assert modules_in(net) == [net]
    assert modules_in(lambda x: net(x)) == [net]  # closure cell
    assert modules_in(net.forward) == [net]  # bound method
    assert text in modules_in(fwd)  # embedding_forward's function of embeddings


def test_the_automatic_guard_watches_engine_and_widget(_model_guard, widgets):
    assert _model_guard is not None
    net = _net()
    IntegratedGradients(lambda x: net(x)).attribute(torch.randn(2, 3), target=0, n_steps=4)
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    watched = {id(s.model) for s in _model_guard.snaps.values()}
    assert {id(net), id(model)} <= watched
