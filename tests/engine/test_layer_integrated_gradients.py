"""LayerIntegratedGradients: captum's numbers (captum is the oracle), our extras, and a
model left exactly as it was (no hook after success, failure, cancellation or threads).

``pytest -s`` prints the largest relative difference to captum per case.
"""

import threading
import warnings

import pytest
import torch

captum_attr = pytest.importorskip("captum.attr")

from ig_widget import LayerIntegratedGradients  # noqa: E402
from ig_widget.engine import Cancelled, Extremal  # noqa: E402
from ig_widget.paths import AllOrderings  # noqa: E402

D = torch.float64
#: largest |ours - captum| / max|captum| per case, printed at the end of the module
REL: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print("\nmax relative difference to captum's LayerIntegratedGradients:")
    for case, rel in sorted(REL.items()):
        print(f"  {case:<40s} {rel:.2e}")


def same(case, ours, theirs, rtol=1e-6):
    """ours == theirs to ``rtol`` relative to the largest value (tensors, tuples, lists)."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, type(theirs)) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs, strict=True):
            same(case, o, t, rtol)
        return
    assert isinstance(ours, torch.Tensor) and ours.shape == theirs.shape
    scale = float(theirs.abs().max())
    rel = float((ours - theirs).abs().max()) / scale if scale else float(ours.abs().max())
    REL[case] = max(REL.get(case, 0.0), rel)
    assert rel <= rtol, f"{case}: relative difference {rel:.3g}"


def hooks_left(model):
    return [
        (name, kind)
        for name, m in model.named_modules()
        for kind in ("_forward_hooks", "_forward_pre_hooks")
        if getattr(m, kind)
    ]


# ------------------------------------------------------------------------ models
class TextNet(torch.nn.Module):
    """Token ids -> embedding -> mean pool -> small MLP; an extra scale argument."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(2)
        self.emb = torch.nn.Embedding(30, 6)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
        )

    def forward(self, ids, scale=1.0):
        return self.mlp(self.emb(ids).mean(1) * scale)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.block = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.Softplus())
        self.head = torch.nn.Sequential(
            torch.nn.Conv2d(4, 2, 3),
            torch.nn.Tanh(),
            torch.nn.Flatten(),
            torch.nn.Linear(2 * 6 * 6, 5),
        )

    def forward(self, x):
        return self.head(self.block(x))


class Split(torch.nn.Module):
    """Returns a tuple of two tensors."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(4, 3)
        self.b = torch.nn.Linear(4, 2)

    def forward(self, x):
        return torch.tanh(self.a(x)), torch.sigmoid(self.b(x))


class TupleNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(4)
        self.split = Split()
        self.out = torch.nn.Linear(5, 2)

    def forward(self, x):
        a, b = self.split(x)
        return self.out(torch.cat([a * b.sum(1, keepdim=True), b], 1))


def text():
    return TextNet().to(D).eval()


def cnn():
    return Cnn().to(D).eval()


def tiny_bert():
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(5)
    config = transformers.BertConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        vocab_size=100,
        num_labels=3,
    )
    return transformers.BertForSequenceClassification(config).to(D).eval()


IDS = torch.tensor([[1, 5, 7, 3, 9], [2, 4, 4, 9, 11]])
BASE_IDS = torch.tensor([[0, 0, 0, 0, 0], [1, 0, 0, 0, 1]])


# ------------------------------------------------------------------ captum parity
@pytest.mark.parametrize(
    "method",
    ["gausslegendre", "riemann_middle", "riemann_left", "riemann_right", "riemann_trapezoid"],
)
def test_embedding_layer_with_baseline_ids(method):
    net = text()
    theirs, their_delta = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(
        IDS, baselines=BASE_IDS, target=1, n_steps=40, method=method, return_convergence_delta=True
    )
    ours, delta = LayerIntegratedGradients(net, net.emb).attribute(
        IDS, baselines=BASE_IDS, target=1, n_steps=40, method=method, return_convergence_delta=True
    )
    if method == "riemann_trapezoid":  # captum's weights sum to (n-1)/n (see test_captum_parity)
        theirs, their_delta = theirs * 40 / 39, None
    same(f"embedding, baseline ids, {method}", ours, theirs)
    assert ours.shape == (2, 5, 6)
    if their_delta is None:
        return
    gap = float((net(IDS) - net(BASE_IDS))[:, 1].detach().abs().max())
    torch.testing.assert_close(delta, their_delta, rtol=0, atol=1e-6 * gap)
    assert not hooks_left(net)


def test_embedding_layer_default_baseline_and_extra_args():
    net = text()
    kw = dict(target=torch.tensor([0, 2]), additional_forward_args=(torch.tensor([[1.5], [0.5]]),))
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(IDS, **kw)
    ours = LayerIntegratedGradients(net, net.emb).attribute(IDS, **kw)
    same("embedding, baseline None (id 0), extra args", ours, theirs)


def test_layer_baselines_equal_baseline_ids_through_the_layer():
    net = text()
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(
        IDS, baselines=BASE_IDS, target=2
    )
    ours = LayerIntegratedGradients(net, net.emb).attribute(
        IDS, layer_baselines=net.emb(BASE_IDS).detach(), target=2
    )
    same("embedding, layer_baselines", ours, theirs)
    # a number is a layer value shared by every element, not a token id
    zero = LayerIntegratedGradients(net, net.emb).attribute(IDS, layer_baselines=0.0, target=2)
    ref = captum_attr.IntegratedGradients(lambda e: net.mlp(e.mean(1))).attribute(
        net.emb(IDS).detach(), target=2
    )
    same("embedding, layer_baselines=0.0", zero, ref)


@pytest.mark.parametrize("to_input", [False, True], ids=["output", "input"])
def test_conv_block(to_input):
    net = cnn()
    torch.manual_seed(0)
    x = torch.rand(2, 3, 8, 8, dtype=D)
    base = torch.full((1, 3, 8, 8), 0.25, dtype=D)
    kw = dict(baselines=base, target=3, n_steps=30, attribute_to_layer_input=to_input)
    theirs = captum_attr.LayerIntegratedGradients(net, net.block).attribute(x, **kw)
    ours = LayerIntegratedGradients(net, net.block).attribute(x, **kw)
    same(f"conv block, layer {'input' if to_input else 'output'}", ours, theirs)
    assert ours.shape == ((2, 3, 8, 8) if to_input else (2, 4, 8, 8))
    assert not hooks_left(net)


def test_multiply_by_inputs_false():
    net = cnn()
    x = torch.rand(1, 3, 8, 8, dtype=D, generator=torch.Generator().manual_seed(1))
    theirs = captum_attr.LayerIntegratedGradients(net, net.block, multiply_by_inputs=False)
    ours = LayerIntegratedGradients(net, net.block, multiply_by_inputs=False)
    assert not ours.multiplies_by_inputs and ours.has_convergence_delta()
    same(
        "conv block, multiply_by_inputs=False",
        ours.attribute(x, target=0),
        theirs.attribute(x, target=0),
    )


@pytest.mark.parametrize(
    "where,to_input",
    [("embeddings", False), ("layer0.output", False), ("layer0.output", True), ("layer1", False)],
)
def test_inside_tiny_bert(where, to_input):
    model = tiny_bert()
    ids = torch.tensor([[2, 17, 43, 8, 3], [2, 60, 61, 9, 3]])
    base = torch.tensor([[2, 0, 0, 0, 3]])
    layer = {
        "embeddings": model.bert.embeddings,
        "layer0.output": model.bert.encoder.layer[0].output,
        "layer1": model.bert.encoder.layer[1],
    }[where]

    def logits(i):
        return model(i).logits

    kw = dict(target=1, n_steps=24, attribute_to_layer_input=to_input)
    theirs = captum_attr.LayerIntegratedGradients(logits, layer).attribute(
        ids, baselines=base.expand(2, -1), **kw
    )
    # ours takes the model itself: it returns a ModelOutput, whose logits are explained
    ours, delta = LayerIntegratedGradients(model, layer).attribute(
        ids, baselines=base, return_convergence_delta=True, **kw
    )
    same(f"tiny BERT {where}, layer {'input' if to_input else 'output'}", ours, theirs)
    if to_input:  # BertOutput(hidden_states, input_tensor): a tuple of two
        assert isinstance(ours, tuple) and len(ours) == 2
    gap = float((logits(ids) - logits(base.expand(2, -1)))[:, 1].detach().abs().max())
    assert float(delta.abs().max()) < 1e-3 * gap
    assert not hooks_left(model)


def test_layer_returning_a_tuple():
    net = TupleNet().to(D).eval()
    x = torch.randn(3, 4, dtype=D, generator=torch.Generator().manual_seed(2))
    theirs, their_delta = captum_attr.LayerIntegratedGradients(net, net.split).attribute(
        x, baselines=0.1, target=1, return_convergence_delta=True
    )
    ours, delta = LayerIntegratedGradients(net, net.split).attribute(
        x, baselines=0.1, target=1, return_convergence_delta=True
    )
    same("layer returning a tuple", ours, theirs)
    assert [t.shape for t in ours] == [(3, 3), (3, 2)]
    torch.testing.assert_close(delta, their_delta, rtol=0, atol=1e-7)
    lb = tuple(t.detach() for t in net.split(torch.full_like(x, 0.1)))
    same(
        "layer returning a tuple, layer_baselines",
        LayerIntegratedGradients(net, net.split).attribute(x, layer_baselines=lb, target=1),
        theirs,
    )


@pytest.mark.filterwarnings("ignore:Multiple layers provided:UserWarning")
def test_list_of_layers():
    net = TupleNet().to(D).eval()
    x = torch.randn(2, 4, dtype=D, generator=torch.Generator().manual_seed(3))
    layers = [net.split.a, net.split.b]
    theirs = captum_attr.LayerIntegratedGradients(net, layers).attribute(x, target=0)
    ours = LayerIntegratedGradients(net, layers).attribute(x, target=0)
    assert isinstance(ours, list) and len(ours) == 2
    same("list of two layers", ours, theirs)


@pytest.mark.parametrize("size", [2, 6, 7])
def test_internal_batch_size(size):
    net = text()
    kw = dict(baselines=BASE_IDS, target=0, n_steps=20)
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(
        IDS, internal_batch_size=size, **kw
    )
    lig = LayerIntegratedGradients(net, net.emb)
    ours = lig.attribute(IDS, internal_batch_size=size, **kw)
    same("embedding, internal_batch_size", ours, theirs)
    torch.testing.assert_close(ours, lig.attribute(IDS, **kw), rtol=1e-12, atol=1e-14)


def test_compute_convergence_delta_matches_captum():
    net = text()
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb)
    ours = LayerIntegratedGradients(net, net.emb)
    attr = ours.attribute(IDS, baselines=BASE_IDS, target=1, n_steps=8, method="riemann_left")
    d_ours = ours.compute_convergence_delta(attr, BASE_IDS, IDS, target=1)
    d_theirs = theirs.compute_convergence_delta(attr, BASE_IDS, IDS, target=1)
    torch.testing.assert_close(d_ours, d_theirs, rtol=1e-10, atol=1e-12)
    assert float(d_ours.abs().max()) > 1e-6  # eight left Riemann steps are not exact


# ----------------------------------------------------------------------- extras
def test_n_steps_auto_meets_tolerance_and_agrees_with_many_steps():
    net = text()
    lig = LayerIntegratedGradients(net, net.emb)
    res = lig.attribute_detailed(IDS, baselines=BASE_IDS, target=1, n_steps="auto", tol=1e-4)
    gap = (res.output - res.baseline_output).abs()
    assert bool((res.delta.abs() <= 1e-4 * gap).all())
    theirs = captum_attr.LayerIntegratedGradients(net, net.emb).attribute(
        IDS, baselines=BASE_IDS, target=1, n_steps=200
    )
    same(
        "embedding, n_steps='auto' (tol 1e-4) vs 200 steps", res.attributions[0], theirs, rtol=1e-3
    )


class LinearHead(torch.nn.Module):
    """A layer followed by a linear map: every path gives (h - h') * w."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(6)
        self.feat = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh())
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.feat(x))


@pytest.mark.parametrize("path", [Extremal([3, 1, 0, 2]), AllOrderings()], ids=repr)
def test_forward_only_paths_at_a_layer(path):
    net = LinearHead().to(D).eval()
    x = torch.randn(2, 3, dtype=D, generator=torch.Generator().manual_seed(7))
    lig = LayerIntegratedGradients(net, net.feat)
    ours, delta = lig.attribute(x, target=1, path=path, return_convergence_delta=True)
    h, h0 = net.feat(x).detach(), net.feat(torch.zeros_like(x)).detach()
    torch.testing.assert_close(ours, (h - h0) * net.head.weight[1].detach(), rtol=1e-12, atol=1e-12)
    assert float(delta.abs().max()) < 1e-12


def test_custom_path_gives_straight_line_result():
    from ig_widget.paths import Custom

    net = text()
    lig = LayerIntegratedGradients(net, net.emb)
    emb, base = net.emb(IDS).detach(), net.emb(BASE_IDS).detach()
    straight = Custom(lambda a: base + a.view(-1, 1, 1, 1) * (emb - base))
    ours = lig.attribute(IDS, layer_baselines=base, target=0, path=straight, n_steps=16)
    ref = lig.attribute(IDS, baselines=BASE_IDS, target=0, n_steps=16)
    torch.testing.assert_close(ours, ref, rtol=1e-10, atol=1e-12)


def test_model_output_with_logits_and_dict():
    net = text()

    class Out:
        def __init__(self, logits):
            self.logits = logits

    ref = LayerIntegratedGradients(net, net.emb).attribute(IDS, target=2)
    for wrap in (lambda i: Out(net(i)), lambda i: {"logits": net(i)}):
        torch.testing.assert_close(
            LayerIntegratedGradients(wrap, net.emb).attribute(IDS, target=2), ref
        )


def test_captum_surface():
    net = text()
    lig = LayerIntegratedGradients(net, net.emb)
    assert lig.multiplies_by_inputs and lig.has_convergence_delta()
    with pytest.raises(NotImplementedError, match="attribute"):
        lig.attribute_future()
    with pytest.raises(ValueError, match="grad_kwargs"):
        lig.attribute(IDS, target=0, grad_kwargs={"retain_graph": True})


# -------------------------------------------------------------- bad input, errors
def test_clear_errors():
    net = text()
    lig = LayerIntegratedGradients(net, net.emb)
    with pytest.raises(ValueError, match="not a submodule"):
        LayerIntegratedGradients(net, torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="layer must be a torch.nn.Module"):
        LayerIntegratedGradients(net, "emb")
    with pytest.raises(TypeError, match="multiply_by_inputs"):
        LayerIntegratedGradients(net, net.emb, [0])
    with pytest.raises(ValueError, match="either baselines= .* or layer_baselines="):
        lig.attribute(IDS, baselines=BASE_IDS, layer_baselines=0.0, target=0)
    with pytest.raises(TypeError, match="layer_baselines="):
        lig.attribute(IDS, baselines=torch.zeros(2, 5, 6, dtype=D), target=0)
    with pytest.raises(ValueError, match=r"baselines has shape \(3, 5\)"):
        lig.attribute(IDS, baselines=torch.zeros(3, 5, dtype=torch.long), target=0)
    with pytest.raises(TypeError, match="has dtype torch.int64, which has no gradient"):
        lig.attribute(IDS, target=0, attribute_to_layer_input=True)


def test_layer_run_twice_or_never_or_by_keyword():
    class Twice(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 3)
            self.unused = torch.nn.Linear(3, 3)

        def forward(self, x):
            return self.lin(self.lin(x))

    net = Twice().to(D).eval()
    x = torch.ones(1, 3, dtype=D)
    with pytest.raises(ValueError, match="called the layer 2 times"):
        LayerIntegratedGradients(net, net.lin).attribute(x, target=0)
    with pytest.raises(ValueError, match="never called"):
        LayerIntegratedGradients(net, net.unused).attribute(x, target=0)
    bert = tiny_bert()  # calls its embeddings with keyword arguments only
    with pytest.raises(ValueError, match="keyword arguments only"):
        LayerIntegratedGradients(bert, bert.bert.embeddings).attribute(
            torch.tensor([[2, 5, 3]]), target=0, attribute_to_layer_input=True
        )
    assert not hooks_left(net) and not hooks_left(bert)


# ----------------------------------------------------------------- hook hygiene
class Flaky(torch.nn.Module):
    """TextNet whose forward raises from the ``fail_at``-th call on."""

    def __init__(self, fail_at):
        super().__init__()
        self.net, self.calls, self.fail_at = TextNet().to(D).eval(), 0, fail_at

    def forward(self, ids):
        self.calls += 1
        h = self.net.emb(ids)
        if self.calls >= self.fail_at:
            raise RuntimeError("boom inside the model")
        return self.net.mlp(h.mean(1))


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_no_hook_left_when_the_forward_raises(fail_at):
    model = Flaky(fail_at)
    with pytest.raises(RuntimeError, match="boom"):
        LayerIntegratedGradients(model, model.net.emb).attribute(
            IDS, baselines=BASE_IDS, target=0, internal_batch_size=4
        )
    assert model.calls == fail_at
    assert not hooks_left(model)


def test_no_hook_left_when_cancelled():
    net = text()
    lig = LayerIntegratedGradients(net, net.emb)
    calls = []

    def progress(fraction):
        calls.append(fraction)
        if len(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        lig.attribute_detailed(IDS, target=0, n_steps=50, internal_batch_size=10, progress=progress)
    assert len(calls) == 2 and calls[-1] < 1
    assert not hooks_left(net)
    # the model still works as before, and a new attribution matches captum
    same(
        "embedding, after a cancelled run",
        lig.attribute(IDS, target=0),
        captum_attr.LayerIntegratedGradients(net, net.emb).attribute(IDS, target=0),
    )


def test_two_threads_at_once_match_sequential():
    """Both threads run each forward in lockstep (a barrier inside the model), so each
    forward sees both threads' hooks on the layer; each must act on its own thread only."""
    net = text()
    barrier = threading.Barrier(2, timeout=30)
    orig = net.mlp.forward
    ids_b = torch.tensor([[3, 3, 8, 1, 0], [9, 2, 5, 5, 7]])
    kw = dict(baselines=BASE_IDS, target=1, n_steps=24, internal_batch_size=8)
    lig = LayerIntegratedGradients(net, net.emb)
    seq = [lig.attribute(IDS, **kw), lig.attribute(ids_b, **kw)]
    results, errors = [None, None], []

    def lockstep(h):
        barrier.wait()
        return orig(h)

    def work(i, ids):
        try:
            results[i] = lig.attribute(ids, **kw)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()

    net.mlp.forward = lockstep
    try:
        threads = [threading.Thread(target=work, args=(i, x)) for i, x in enumerate((IDS, ids_b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        del net.mlp.forward
    assert not errors, errors
    for ours, ref in zip(results, seq, strict=True):
        torch.testing.assert_close(ours, ref, rtol=0, atol=0)
    assert not torch.allclose(results[0], results[1])
    assert not hooks_left(net)


def test_in_place_op_after_the_layer():
    """ReLU(inplace=True) right after the attributed layer changes neither the captured
    values nor the path points."""
    torch.manual_seed(8)
    conv = torch.nn.Conv2d(1, 2, 3, padding=1)
    head = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2 * 4 * 4, 3))
    net = torch.nn.Sequential(conv, torch.nn.ReLU(inplace=True), head).to(D).eval()
    x = torch.randn(2, 1, 4, 4, dtype=D, generator=torch.Generator().manual_seed(9))
    ours, delta = LayerIntegratedGradients(net, conv).attribute(
        x, target=2, return_convergence_delta=True
    )
    from ig_widget import IntegratedGradients

    h, h0 = conv(x).detach(), conv(torch.zeros_like(x)).detach()
    ref = IntegratedGradients(lambda v: head(torch.relu(v))).attribute(h, h0, target=2)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)
    # Gauss-Legendre is not exact across the ReLU kinks, but close
    gap = float((net(x) - net(torch.zeros_like(x)))[:, 2].detach().abs().max())
    assert float(delta.abs().max()) < 0.05 * gap


@pytest.mark.parametrize("nt_type", ["smoothgrad", "vargrad"])
def test_inside_captums_noise_tunnel(nt_type):
    net = cnn()
    x = torch.rand(2, 3, 8, 8, dtype=D, generator=torch.Generator().manual_seed(4))
    out = []
    for cls in (LayerIntegratedGradients, captum_attr.LayerIntegratedGradients):
        torch.manual_seed(0)
        tunnel = captum_attr.NoiseTunnel(cls(net, net.block))
        out.append(
            tunnel.attribute(x, nt_type=nt_type, nt_samples=3, stdevs=0.1, target=1, n_steps=10)
        )
    same(f"conv block in NoiseTunnel ({nt_type})", *out)


def test_training_mode_batch_norm_statistics_are_kept(guard):
    """Every pass of a training-mode model updates BatchNorm's running statistics; the
    capture passes and the integration leave them as they were."""
    torch.manual_seed(10)
    net = guard(
        torch.nn.Sequential(
            torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(), torch.nn.Linear(6, 2)
        ).to(D)
    )
    assert net.training
    x = torch.randn(3, 4, dtype=D, generator=torch.Generator().manual_seed(11))
    with warnings.catch_warnings():  # a warning about training mode is not this test's subject
        warnings.simplefilter("ignore")
        LayerIntegratedGradients(net, net[1]).attribute(x, baselines=0.5, target=0, n_steps=8)
        LayerIntegratedGradients(lambda v: net(v), net[1]).attribute(x, target=1, n_steps=4)
    assert net.training and int(net[1].num_batches_tracked) == 0
