"""The user's model after attribution is exactly the model before it."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.layer import embedding_forward, find_embedding
from ig_widget.paths import AllOrderings, Extremal


class TextNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.emb = torch.nn.Embedding(20, 8, padding_idx=0)
        self.drop = torch.nn.Dropout(0.1)
        self.norm = torch.nn.BatchNorm1d(8)
        self.out = torch.nn.Linear(8, 2)

    def forward(self, ids):
        h = self.drop(self.emb(ids)).mean(1)
        return self.out(self.norm(h))


def test_eval_model_with_grads_frozen_params_and_existing_hooks(guard):
    net = TextNet().eval()
    net.out.weight.grad = torch.ones_like(net.out.weight)  # user's own leftover grad
    net.emb.weight.requires_grad_(False)
    net.out.register_forward_hook(lambda m, i, o: None)  # user's own hook stays
    guard(net)
    ids = torch.tensor([[3, 4, 5, 0]])
    emb, f = embedding_forward(net, find_embedding(net), ids)
    for path in (None, Extremal(), AllOrderings(samples=3)):
        IntegratedGradients(f).attribute(emb, target=1, n_steps=8, path=path)


def test_train_mode_is_left_as_is(guard):
    net = guard(
        torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 2))
    )
    assert net.training
    with pytest.warns(UserWarning, match=r"training mode.*depend on the batch.*model\.eval\(\)"):
        IntegratedGradients(net).attribute(torch.randn(2, 3), target=0, n_steps=5)
    assert net.training


def test_error_inside_forward_leaves_no_hook(guard):
    net = guard(TextNet().eval())

    class Boom(Exception):
        pass

    def f(ids):
        raise Boom

    emb, fwd = embedding_forward(net, net.emb, torch.tensor([[1, 2]]))
    net.forward = f  # the next call raises inside the model
    with pytest.raises(Boom):
        IntegratedGradients(fwd).attribute(emb, target=0, n_steps=4)
    del net.forward
