"""Models in training mode come back unchanged; inputs in another dtype than the model's
are cast with a note instead of a raw torch error."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.model_state import find_modules
from ig_widget.paths import Extremal

TRAIN_NOTE = r"training mode.*depend on the batch.*model\.eval\(\)"


def _bn_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 8),
        torch.nn.BatchNorm1d(8),
        torch.nn.Dropout(0.2),
        torch.nn.Linear(8, 3),
    )


def _buffers(net):
    return {k: b.clone() for k, b in net.named_buffers()}


@pytest.mark.parametrize("wrap", [lambda n: n, lambda n: lambda x: n(x), lambda n: n.forward])
def test_batch_norm_statistics_survive_training_mode(guard, wrap):
    net = guard(_bn_net())  # the guard checks every buffer bit for bit at teardown
    before = _buffers(net)
    x = torch.rand(2, 3, 4, 4)
    with pytest.warns(UserWarning, match=TRAIN_NOTE):
        IntegratedGradients(wrap(net)).attribute(x, target=1, n_steps=6, internal_batch_size=4)
    after = _buffers(net)
    assert before.keys() == after.keys() and len(after) == 6
    for k in before:
        assert torch.equal(before[k], after[k]), k
    assert net.training


def test_buffers_are_restored_when_the_model_fails(guard):
    net = guard(_bn_net())
    calls = {"n": 0}

    def flaky(x):
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("boom")
        return net(x)

    with pytest.raises(RuntimeError, match="boom"):  # (notes are shown only with a result)
        IntegratedGradients(flaky).attribute(
            torch.rand(2, 3, 4, 4), target=0, n_steps=40, internal_batch_size=8
        )
    assert calls["n"] == 2


def test_batch_norm_on_one_row_in_training_mode_says_eval():
    net = _bn_net()
    x = torch.rand(1, 3, 4, 4)
    with pytest.raises(ValueError, match=r"training mode.*model\.eval\(\)"):
        IntegratedGradients(net).compute_convergence_delta(torch.zeros_like(x), None, x, target=0)
    with pytest.raises(ValueError, match=r"model\.eval\(\)"):
        IntegratedGradients(net).attribute(x, target=0, path=Extremal(), internal_batch_size=1)


def test_eval_models_get_no_training_note(recwarn):
    net = _bn_net().eval()
    IntegratedGradients(net).attribute(torch.rand(2, 3, 4, 4), target=0, n_steps=4)
    assert not [w for w in recwarn if "training mode" in str(w.message)]


def test_find_modules_looks_through_wrappers():
    import functools

    net = _bn_net()
    assert find_modules(net) == [net]
    assert find_modules(net.forward) == [net]
    assert find_modules(lambda x: net(x)) == [net]
    assert find_modules(functools.partial(net)) == [net]

    def outer(x):
        return inner(x)

    def inner(x):
        return net(x)

    assert find_modules(lambda x: outer(x)) == [net]  # closures of closures
    assert find_modules(len) == []
    layer = net[1]
    assert find_modules(lambda x: (layer, net(x))) == [net]  # a submodule is the model's


# ------------------------------------------------------------------------- dtypes
def _mlp():
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(6, 10), torch.nn.Tanh(), torch.nn.Linear(10, 2))


@pytest.mark.parametrize(
    "model_dtype, input_dtype", [(torch.float64, torch.float32), (torch.float32, torch.float64)]
)
def test_inputs_are_cast_to_the_models_dtype_with_a_note(model_dtype, input_dtype):
    net = _mlp().to(model_dtype).eval()
    x = torch.randn(2, 6, dtype=input_dtype)
    with pytest.warns(UserWarning, match=r"parameters are float\d\d.*cast"):
        attr, delta = IntegratedGradients(net).attribute(
            x, target=1, n_steps=30, return_convergence_delta=True
        )
    # the result is in the more precise dtype of the two
    assert attr.dtype == torch.float64
    ref = IntegratedGradients(net).attribute(x.to(model_dtype), target=1, n_steps=30)
    tol = 1e-12 if model_dtype == torch.float64 else 1e-5
    torch.testing.assert_close(attr, ref.to(torch.float64), rtol=tol, atol=tol)


def test_float32_inputs_for_a_bfloat16_model():
    net = _mlp().eval()
    x = torch.randn(2, 6)
    ref = IntegratedGradients(net).attribute(x, target=0, n_steps=32)
    half = _mlp().to(torch.bfloat16).eval()
    with pytest.warns(UserWarning, match="parameters are bfloat16"):
        attr = IntegratedGradients(half).attribute(x, target=0, n_steps=32)
    assert attr.dtype == torch.float32
    assert float((attr - ref).abs().max() / ref.abs().max()) < 0.05
