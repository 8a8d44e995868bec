"""``model_state.model_facts`` answers ``parameter_dtype`` and "does any submodule train"
in one walk: checked on models where the order of the walk matters."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ig_widget.engine.model_state import in_training, model_facts, parameter_dtype


class BufferFirst(nn.Module):
    """A float64 buffer in the first child, the float32 parameters in the second."""

    def __init__(self) -> None:
        super().__init__()
        self.stats = nn.Module()
        self.stats.register_buffer("mean", torch.zeros(3, dtype=torch.float64))
        self.lin = nn.Linear(3, 2)


def shared() -> nn.Module:
    lin = nn.Linear(4, 4)
    return nn.Sequential(lin, nn.ReLU(), lin).eval()


def deep_half() -> nn.Module:
    inner = nn.Sequential(nn.Sequential(nn.Linear(2, 2).to(torch.float16)), nn.Linear(2, 2))
    return nn.Sequential(nn.Identity(), inner).eval()


def dropout_deep_in_train() -> nn.Module:
    model = nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.Dropout(0.1), nn.Linear(3, 1)))
    model.eval()
    model[1][0].train()
    return model


def buffers_only() -> nn.Module:
    m = nn.Module()
    m.register_buffer("ids", torch.arange(3))
    m.register_buffer("w", torch.ones(2, dtype=torch.bfloat16))
    return m.eval()


MODELS = {
    "buffer before parameters": lambda: [BufferFirst().eval()],
    "shared layer": lambda: [shared()],
    "nested half first": lambda: [deep_half()],
    "one dropout training": lambda: [dropout_deep_in_train()],
    "all training": lambda: [nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))],
    "buffers only": lambda: [buffers_only()],
    "no modules": lambda: [],
    "empty module": lambda: [nn.Module().eval()],
    "two models, first without parameters": lambda: [
        buffers_only(),
        nn.Linear(2, 2).double().eval(),
    ],
    "two models, second training": lambda: [nn.Linear(2, 2).eval(), nn.Dropout(0.5)],
    "plain layer training": lambda: [nn.Sequential(nn.Linear(2, 2), nn.Tanh())],
}


@pytest.mark.parametrize("name", list(MODELS))
def test_model_facts_match_the_two_questions(name: str) -> None:
    modules = MODELS[name]()
    trains = any(sub.training for m in modules for sub in m.modules())
    assert model_facts(modules) == (parameter_dtype(modules), trains)
    if not trains:
        assert in_training(modules) == []


def test_sees_rows_alone() -> None:
    """Modules and callables marked ``row_wise = True`` see each row on their own; a
    plain callable, a mark other than True, and anything marked ``step_major`` do not."""
    from ig_widget.engine.model_state import sees_rows_alone

    net = torch.nn.Linear(2, 2)

    def plain(v):
        return net(v)

    def marked(v):
        return net(v)

    marked.row_wise = True

    def truthy(v):
        return net(v)

    truthy.row_wise = "yes"
    stepped = torch.nn.Linear(2, 2)
    stepped.step_major = True
    assert sees_rows_alone(net) and sees_rows_alone(marked)
    assert not sees_rows_alone(plain) and not sees_rows_alone(truthy)
    assert not sees_rows_alone(stepped) and not sees_rows_alone(lambda v: net(v))
