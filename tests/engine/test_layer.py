"""Reading and replacing a layer's values: embeddings for token ids, thread-scoped hooks."""

import threading

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.layer import (
    embedding_forward,
    find_embedding,
    layer_forward,
    layer_hook,
    layer_values,
)


class Bag(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(2)
        self.emb = torch.nn.Embedding(30, 6)
        self.lin = torch.nn.Linear(6, 3)

    def forward(self, ids, scale=1.0):
        return self.lin(torch.tanh(self.emb(ids).sum(1) * scale))


def test_embedding_forward_reproduces_the_model():
    net = Bag().double().eval()
    ids = torch.tensor([[1, 5, 7], [2, 2, 9]])
    emb, f = embedding_forward(net, find_embedding(net), ids)
    assert emb.shape == (2, 3, 6)
    torch.testing.assert_close(f(emb), net(ids))
    stacked = torch.cat([emb, emb * 0.5])  # two path points per example, step-major
    torch.testing.assert_close(f(stacked)[:2], net(ids))


def test_layer_attribution_completeness_and_captum_agreement():
    captum_attr = pytest.importorskip("captum.attr")
    net = Bag().double().eval()
    ids = torch.tensor([[1, 5, 7, 3]])
    attr, delta = IntegratedGradients(embedding_forward(net, net.emb, ids)[1]).attribute(
        embedding_forward(net, net.emb, ids)[0], target=2, n_steps=64, return_convergence_delta=True
    )
    assert abs(delta.item()) < 1e-6
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(
        ids, baselines=None, target=2, n_steps=64
    )
    # captum's layer baseline for ids=None is id 0's embedding; ours here is the zero
    # embedding, so compare with captum given the zero embedding through IG on emb directly
    ref = captum_attr.IntegratedGradients(lambda e: net.lin(torch.tanh(e.sum(1)))).attribute(
        net.emb(ids).detach(), target=2, n_steps=64
    )
    torch.testing.assert_close(attr, ref, rtol=1e-6, atol=1e-9)
    assert theirs.shape == attr.shape


def test_hook_ignores_other_threads():
    net = Bag().eval()
    ids = torch.tensor([[1, 2, 3]])
    emb, f = embedding_forward(net, net.emb, ids)
    seen = {}

    def other():
        seen["out"] = net(ids)

    zero = torch.zeros_like(emb)
    hook_active = threading.Event()
    orig = net.lin.forward

    def lin(x):  # runs while our hook is registered: call the model from another thread
        if not hook_active.is_set():
            hook_active.set()
            t = threading.Thread(target=other)
            t.start()
            t.join()
        return orig(x)

    net.lin.forward = lin
    f(zero)
    del net.lin.forward
    torch.testing.assert_close(seen["out"], net(ids))


def test_no_embedding_layer():
    with pytest.raises(ValueError, match="layer="):
        find_embedding(torch.nn.Linear(3, 3))


def test_input_hook_acts_on_its_own_thread_only():
    net = Bag().double().eval()
    x = torch.ones(1, 6, dtype=torch.float64)
    seen = {}

    def other():
        seen["out"] = net.lin(x)

    with layer_hook(net.lin, lambda args: (args[0] * 0,), on_input=True):
        replaced = net.lin(x)
        t = threading.Thread(target=other)
        t.start()
        t.join()
    torch.testing.assert_close(replaced, net.lin.bias.detach()[None])
    torch.testing.assert_close(seen["out"], net.lin(x))
    assert not net.lin._forward_pre_hooks


def test_captured_values_survive_in_place_ops_after_the_layer():
    conv = torch.nn.Conv1d(1, 2, 3, padding=1).double()
    model = torch.nn.Sequential(conv, torch.nn.ReLU(inplace=True), torch.nn.Flatten()).eval()
    x = torch.randn(1, 1, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    values, _ = layer_values(model, [conv], (x,))
    torch.testing.assert_close(values[0], conv(x).detach())  # not clipped by the ReLU
    f = layer_forward(model, [conv], (x,), [None])
    h = values[0].clone().requires_grad_()
    (g,) = torch.autograd.grad(f(h)[0, 1], h)
    assert float(g.abs().sum()) in (0.0, 1.0)  # d relu(h)[1] / dh: one entry, 0 or 1
    assert torch.equal(h.detach(), values[0])


def test_never_called_and_called_twice():
    net = Bag().double().eval()
    with pytest.raises(ValueError, match="never called"):
        layer_values(net, [torch.nn.Linear(2, 2)], (torch.tensor([[1]]),))
    lin = torch.nn.Linear(3, 3)
    twice = torch.nn.Sequential(lin, torch.nn.Tanh(), lin)
    with pytest.raises(ValueError, match="2 times"):
        layer_values(twice, [lin], (torch.ones(1, 3),))
    assert not lin._forward_hooks
