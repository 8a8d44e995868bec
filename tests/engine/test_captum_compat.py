"""Code written for captum's IntegratedGradients runs unchanged on ours (captum is the oracle).

captum's own ``NoiseTunnel`` wraps our class exactly as it wraps captum's (every nt_type
and option), ``compute_convergence_delta`` and the rest of captum's public members give
captum's numbers, baselines broadcast and outputs with trailing singleton dimensions
select as in captum. ``pytest -s`` prints the largest difference per feature.
"""

import typing

import numpy as np
import pytest
import torch

captum_attr = pytest.importorskip("captum.attr")
captum_gradient = pytest.importorskip("captum._utils.gradient")

from ig_widget import IntegratedGradients  # noqa: E402

D = torch.float64
#: per feature, the largest |ours - captum| / max |captum| seen; printed by the last test
WORST: dict[str, float] = {}
#: captum rounds its quadrature weights (and Riemann nodes) to float32 even for float64
#: inputs (README, "Where we differ from captum"), so results agree to float32 rounding,
#: about 6e-8 relative, not to float64's 1e-16
CAPTUM_FLOAT32_WEIGHTS = 2e-7


def _record(feature: str, ours, theirs) -> float:
    ours = ours if isinstance(ours, (tuple, list)) else (ours,)
    theirs = theirs if isinstance(theirs, (tuple, list)) else (theirs,)
    assert len(ours) == len(theirs)
    worst = 0.0
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape, (a.shape, b.shape)
        scale = max(float(b.double().abs().max()), 1e-300)
        worst = max(worst, float((a.double() - b.double()).abs().max()) / scale)
    WORST[feature] = max(WORST.get(feature, 0.0), worst)
    return worst


def _record_delta(feature: str, ours: torch.Tensor, theirs: torch.Tensor) -> float:
    """Deltas are near zero, so they are compared absolutely (captum's float32 weights
    leave about 1e-8 of F in its delta)."""
    worst = float((ours.double() - theirs.double()).abs().max())
    WORST[feature] = max(WORST.get(feature, 0.0), worst)
    return worst


def _net(seed=0, n_in=5, n_out=3):
    torch.manual_seed(seed)
    return (
        torch.nn.Sequential(
            torch.nn.Linear(n_in, 8), torch.nn.Softplus(), torch.nn.Linear(8, n_out)
        )
        .double()
        .eval()
    )


class TwoInputs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.a = torch.nn.Linear(4, 3)
        self.b = torch.nn.Linear(6, 3)

    def forward(self, x1, x2, scale):
        return torch.tanh(self.a(x1) + self.b(x2.flatten(1))) * scale


# ------------------------------------------------------------------ NoiseTunnel
def _both_tunnels(model, inputs, seed=0, **kw):
    """Ours and captum's IG, each inside captum's NoiseTunnel, from the same seeds."""
    out = []
    for cls in (IntegratedGradients, captum_attr.IntegratedGradients):
        torch.manual_seed(seed)
        np.random.seed(seed)  # draw_baseline_from_distrib draws with numpy
        out.append(captum_attr.NoiseTunnel(cls(model)).attribute(inputs, **kw))
    return out


@pytest.mark.parametrize("nt_type", ["smoothgrad", "smoothgrad_sq", "vargrad"])
@pytest.mark.parametrize("batch_size", [None, 2, 3])
def test_noise_tunnel_matches_captum(nt_type, batch_size):
    net = _net()
    x = torch.randn(3, 5, dtype=D)
    ours, theirs = _both_tunnels(
        net,
        x,
        nt_type=nt_type,
        nt_samples=5,
        nt_samples_batch_size=batch_size,
        stdevs=0.2,
        target=[0, 1, 2],
        n_steps=20,
    )
    assert _record(f"NoiseTunnel {nt_type}", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


@pytest.mark.parametrize("nt_type", ["smoothgrad", "smoothgrad_sq", "vargrad"])
def test_noise_tunnel_with_delta_baseline_distribution_and_stdevs_per_input(nt_type):
    model = TwoInputs().double().eval()
    x1, x2 = torch.randn(2, 4, dtype=D), torch.randn(2, 2, 3, dtype=D)
    # a distribution of 6 baselines per input, drawn from by the tunnel
    b1, b2 = torch.randn(6, 4, dtype=D), torch.randn(6, 2, 3, dtype=D)
    (oa, od), (ta, td) = _both_tunnels(
        model,
        (x1, x2),
        nt_type=nt_type,
        nt_samples=7,
        nt_samples_batch_size=3,
        stdevs=(0.1, 0.3),
        draw_baseline_from_distrib=True,
        baselines=(b1, b2),
        target=1,
        additional_forward_args=(torch.tensor(1.5, dtype=D),),
        n_steps=16,
        method="riemann_middle",
        return_convergence_delta=True,
    )
    assert isinstance(oa, tuple) and len(oa) == 2
    assert (
        _record(f"NoiseTunnel {nt_type} (tuple, distrib, delta)", oa, ta) < CAPTUM_FLOAT32_WEIGHTS
    )
    assert od.shape == td.shape == (2 * 7,)
    assert _record_delta("NoiseTunnel delta (absolute)", od, td) < CAPTUM_FLOAT32_WEIGHTS


def test_noise_tunnel_with_a_shared_baseline_and_tensor_target():
    net = _net(seed=3)
    x = torch.randn(4, 5, dtype=D)
    ours, theirs = _both_tunnels(
        net,
        x,
        nt_type="smoothgrad",
        nt_samples=4,
        stdevs=0.5,
        baselines=torch.randn(1, 5, dtype=D),
        target=torch.tensor([2, 0, 1, 1]),
        n_steps=10,
    )
    assert _record("NoiseTunnel smoothgrad", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_noise_tunnel_sees_captums_members():
    nt = captum_attr.NoiseTunnel(IntegratedGradients(_net(), multiply_by_inputs=False))
    assert nt.has_convergence_delta() is True
    assert nt.multiplies_by_inputs is False


# --------------------------------------------------------- convergence delta
@pytest.mark.parametrize(
    "start",
    [None, 0.5, "tensor", "shared"],
)
def test_compute_convergence_delta_matches_captum(start):
    net = _net(seed=2)
    x = torch.randn(3, 5, dtype=D)
    start_point = {
        "tensor": torch.randn(3, 5, dtype=D),
        "shared": torch.randn(1, 5, dtype=D),
    }.get(start, start)
    ours_ig, theirs_ig = IntegratedGradients(net), captum_attr.IntegratedGradients(net)
    attr = theirs_ig.attribute(x, baselines=start_point, target=[2, 1, 0], n_steps=7)
    ours = ours_ig.compute_convergence_delta(attr, start_point, x, target=[2, 1, 0])
    theirs = theirs_ig.compute_convergence_delta(attr, start_point, x, target=[2, 1, 0])
    assert ours.shape == theirs.shape == (3,)
    assert _record("compute_convergence_delta", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_compute_convergence_delta_with_tuple_inputs_and_forward_args():
    model = TwoInputs().double().eval()
    ends = (torch.randn(2, 4, dtype=D), torch.randn(2, 2, 3, dtype=D))
    starts = (torch.zeros(1, 4, dtype=D), 0.25)
    attr = (torch.randn(2, 4, dtype=D), torch.randn(2, 2, 3, dtype=D))
    scale = torch.tensor([[2.0], [3.0]], dtype=D)
    kw = dict(target=2, additional_forward_args=(scale,))
    ours = IntegratedGradients(model).compute_convergence_delta(attr, starts, ends, **kw)
    theirs = captum_attr.IntegratedGradients(model).compute_convergence_delta(
        attr, starts, ends, **kw
    )
    assert _record("compute_convergence_delta", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_attribute_delta_equals_compute_convergence_delta():
    net = _net(seed=4)
    x, b = torch.randn(2, 5, dtype=D), torch.randn(2, 5, dtype=D)
    ig = IntegratedGradients(net)
    attr, delta = ig.attribute(x, b, target=1, n_steps=9, return_convergence_delta=True)
    torch.testing.assert_close(
        ig.compute_convergence_delta(attr, b, x, target=1), delta, rtol=0, atol=1e-12
    )


def test_compute_convergence_delta_refuses_mismatched_attributions():
    net = _net()
    with pytest.raises(ValueError, match="first dimension must be the batch size"):
        IntegratedGradients(net).compute_convergence_delta(
            torch.zeros(3, 5, dtype=D), None, torch.zeros(2, 5, dtype=D), target=0
        )


# --------------------------------------------------------- the other members
def test_captums_public_members_exist_and_behave_alike():
    net = _net()
    ours, theirs = IntegratedGradients(net), captum_attr.IntegratedGradients(net)
    public = {n for n in dir(theirs) if not n.startswith("_")}
    assert public <= set(dir(ours)), public - set(dir(ours))
    assert ours.has_convergence_delta() is theirs.has_convergence_delta() is True
    assert ours.multiplies_by_inputs is theirs.multiplies_by_inputs is True
    assert IntegratedGradients(net, multiply_by_inputs=False).multiplies_by_inputs is False
    assert ours.get_name() == theirs.get_name() == "Integrated Gradients"
    assert ours.forward_func is net
    with pytest.raises(NotImplementedError):
        ours.attribute_future()
    x = torch.randn(2, 5, dtype=D)
    g_ours = ours.gradient_func(net, (x,), 1)
    g_theirs = captum_gradient.compute_gradients(net, (x.clone().requires_grad_(),), 1)
    assert _record("gradient_func", g_ours, g_theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_attribute_overloads_follow_return_convergence_delta():
    overloads = typing.get_overloads(IntegratedGradients.attribute.__wrapped__)
    assert len(overloads) == 2
    flags = {typing.get_type_hints(o)["return_convergence_delta"] for o in overloads}
    assert flags == {typing.Literal[True], typing.Literal[False]}
    assert callable(IntegratedGradients.attribute.__wrapped__)


# ------------------------------------------------------------------ baselines
@pytest.mark.parametrize("shape", [(1, 3, 1, 1), (3, 1, 1), (1, 1, 1, 4), (4,), (1, 1, 1, 1)])
def test_baselines_that_broadcast_are_accepted(shape):
    torch.manual_seed(0)
    net = (
        torch.nn.Sequential(
            torch.nn.Conv2d(3, 4, 3), torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.Linear(16, 2)
        )
        .double()
        .eval()
    )
    x = torch.rand(2, 3, 4, 4, dtype=D)
    b = torch.rand(shape, dtype=D)
    ours = IntegratedGradients(net).attribute(x, b, target=1, n_steps=12)
    # captum accepts (1, ...) shapes directly; every shape equals its full expansion
    theirs = captum_attr.IntegratedGradients(net).attribute(
        x, b.expand_as(x).contiguous(), target=1, n_steps=12
    )
    assert _record("broadcast baselines", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS
    if shape[0] == 1 and len(shape) == 4:
        direct = captum_attr.IntegratedGradients(net).attribute(x, b, target=1, n_steps=12)
        assert _record("broadcast baselines", ours, direct) < CAPTUM_FLOAT32_WEIGHTS


def test_baseline_that_does_not_broadcast_is_refused():
    net = _net()
    with pytest.raises(ValueError, match=r"broadcast to it"):
        IntegratedGradients(net).attribute(
            torch.zeros(2, 5, dtype=D), torch.zeros(2, 1, 5, dtype=D), target=0
        )


# -------------------------------------------------------------------- outputs
class Singleton(torch.nn.Module):
    """One value per example, shaped (N, 1, 1, 1)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(5)
        self.lin = torch.nn.Linear(5, 1)

    def forward(self, x):
        return torch.sigmoid(self.lin(x)).view(-1, 1, 1, 1)


@pytest.mark.parametrize("target", [None, 0, (0, 0), (0, 0, 0)])
def test_trailing_singleton_outputs_select_like_captum(target):
    net = Singleton().double().eval()
    x = torch.randn(3, 5, dtype=D)
    ours, od = IntegratedGradients(net).attribute(
        x, target=target, n_steps=11, return_convergence_delta=True
    )
    theirs, td = captum_attr.IntegratedGradients(net).attribute(
        x, target=target, n_steps=11, return_convergence_delta=True
    )
    assert _record("trailing singleton outputs", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS
    assert od.shape == td.shape == (3,)
    assert _record_delta("trailing singleton delta (absolute)", od, td) < CAPTUM_FLOAT32_WEIGHTS


class WithLogits:
    def __init__(self, logits):
        self.logits = logits


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: {"logits": t, "hidden": t * 0},
        lambda t: WithLogits(t),
    ],
    ids=["dict", "attribute"],
)
def test_outputs_carrying_logits_are_attributed_on_them(wrap):
    net = _net(seed=6)
    x = torch.randn(2, 5, dtype=D)
    ours = IntegratedGradients(lambda v: wrap(net(v))).attribute(x, target=2, n_steps=8)
    theirs = captum_attr.IntegratedGradients(net).attribute(x, target=2, n_steps=8)
    assert _record("outputs with logits", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_hugging_face_model_output_is_attributed_on_its_logits():
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=30,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=16,
        num_labels=3,
    )
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config).double().eval()
    ids = torch.tensor([[2, 5, 7, 9, 3]])
    emb = model.bert.embeddings.word_embeddings(ids).detach()

    def forward(e):
        return model(inputs_embeds=e)  # a SequenceClassifierOutput

    ours = IntegratedGradients(forward).attribute(emb, target=1, n_steps=6)
    theirs = captum_attr.IntegratedGradients(lambda e: forward(e).logits).attribute(
        emb, target=1, n_steps=6
    )
    assert _record("Hugging Face ModelOutput", ours, theirs) < CAPTUM_FLOAT32_WEIGHTS


def test_worst_difference_per_feature_is_reported(capsys):
    # runs last in this module (pytest keeps file order): prints the figures for the notes
    with capsys.disabled():
        print("\n[captum compat] max |ours - captum| / max |captum| per feature:")
        for feature, worst in sorted(WORST.items()):
            print(f"  {feature:48s} {worst:.3e}")
    assert WORST and max(WORST.values()) < CAPTUM_FLOAT32_WEIGHTS
