"""Same numbers as captum for every method and argument form (captum is a test oracle).

Where captum is wrong we are right, and the test says how: its riemann_trapezoid weights
sum to (n-1)/n, so its results are ours scaled by (n-1)/n.
"""

import pytest
import torch

captum_attr = pytest.importorskip("captum.attr")

from ig_widget import IntegratedGradients  # noqa: E402

D = torch.float64
METHODS = ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"]
#: largest |ours - captum| seen in this module, printed at the end (-s) for the notes
WORST = {"abs": 0.0}


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
    """Two input tensors, a tensor and a non-tensor forward argument, 2-d output per row."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.a = torch.nn.Linear(4, 6)
        self.b = torch.nn.Conv1d(2, 3, 3)

    def forward(self, x1, x2, scale, mode):
        h = self.a(x1) + self.b(x2).flatten(1)[:, :6] * scale
        h = torch.tanh(h) if mode == "tanh" else torch.sigmoid(h)
        return h.view(-1, 3, 2)


def compare(ours, theirs, n, method):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for o, c in zip(ours, theirs, strict=True):
        if method == "riemann_trapezoid":
            c = c * n / (n - 1)
        WORST["abs"] = max(WORST["abs"], float((o - c).abs().max()))
        torch.testing.assert_close(o, c, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "baselines",
    [None, 0.5, "tensor", "batch1"],
    ids=["none", "scalar", "tensor", "shared"],
)
@pytest.mark.parametrize("target", [0, "list", "tensor"], ids=["int", "list", "tensor"])
def test_single_input(method, baselines, target):
    net = _net()
    x = torch.randn(3, 5, dtype=D)
    if baselines == "tensor":
        baselines = torch.randn(3, 5, dtype=D)
    elif baselines == "batch1":
        baselines = torch.randn(1, 5, dtype=D)
    if target == "list":
        target = [2, 0, 1]
    elif target == "tensor":
        target = torch.tensor([1, 1, 2])
    kw = dict(
        baselines=baselines, target=target, n_steps=13, method=method, return_convergence_delta=True
    )
    ours, d_ours = IntegratedGradients(net).attribute(x, **kw)
    theirs, d_theirs = captum_attr.IntegratedGradients(net).attribute(x, **kw)
    compare(ours, theirs, 13, method)
    if method != "riemann_trapezoid":
        # the delta is a small difference of large sums: compare it on the scale of the
        # attributions (captum's float32 weights alone move it by ~1e-8 here)
        scale = float(ours.abs().sum(1).max())
        torch.testing.assert_close(d_ours, d_theirs, rtol=0, atol=1e-6 * scale)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("internal_batch_size", [None, 2, 7, 1000])
def test_tuple_inputs_mixed_baselines_tuple_target_and_forward_args(method, internal_batch_size):
    model = TwoInputs().double().eval()
    x1, x2 = torch.randn(2, 4, dtype=D), torch.randn(2, 2, 5, dtype=D)
    scale = torch.tensor([[0.5], [2.0]], dtype=D)
    kw = dict(
        baselines=(torch.randn(2, 4, dtype=D), 0.25),
        target=(1, 0),
        additional_forward_args=(scale, "tanh"),
        n_steps=9,
        method=method,
        internal_batch_size=internal_batch_size,
        return_convergence_delta=True,
    )
    ours, d_ours = IntegratedGradients(model).attribute((x1, x2), **kw)
    theirs, _ = captum_attr.IntegratedGradients(model).attribute((x1, x2), **kw)
    assert isinstance(ours, tuple) and len(ours) == 2
    compare(ours, theirs, 9, method)
    assert d_ours.shape == (2,)


def test_per_example_tuple_targets_and_multiply_by_inputs_false():
    model = TwoInputs().double().eval()
    x1, x2 = torch.randn(2, 4, dtype=D), torch.randn(2, 2, 5, dtype=D)
    kw = dict(target=[(0, 1), (2, 0)], additional_forward_args=(1.5, "sigmoid"), n_steps=11)
    for mbi in (True, False):
        ours = IntegratedGradients(model, multiply_by_inputs=mbi).attribute((x1, x2), **kw)
        theirs = captum_attr.IntegratedGradients(model, multiply_by_inputs=mbi).attribute(
            (x1, x2), **kw
        )
        compare(ours, theirs, 11, "gausslegendre")


def test_single_output_model_without_target():
    torch.manual_seed(3)
    net = torch.nn.Sequential(
        torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)
    ).double()
    x = torch.randn(4, 5, dtype=D)
    ours = IntegratedGradients(net).attribute(x, n_steps=20)
    theirs = captum_attr.IntegratedGradients(net).attribute(x, n_steps=20)
    compare(ours, theirs, 20, "gausslegendre")


def test_image_cnn_float32_matches_captum():
    torch.manual_seed(4)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 5),
    ).eval()
    x = torch.rand(2, 3, 12, 12)
    ours = IntegratedGradients(net).attribute(x, target=3, n_steps=32)
    theirs = captum_attr.IntegratedGradients(net).attribute(x, target=3, n_steps=32)
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-6)


def test_internal_batch_size_never_changes_the_result():
    net = _net(seed=5)
    x = torch.randn(3, 5, dtype=D)
    ig = IntegratedGradients(net)
    ref = ig.attribute(x, target=1, n_steps=40)
    for ibs in (1, 3, 4, 10, 119, 120, 121, 10_000):
        torch.testing.assert_close(
            ig.attribute(x, target=1, n_steps=40, internal_batch_size=ibs),
            ref,
            rtol=1e-12,
            atol=1e-14,
        )


def test_worst_difference_is_reported(capsys):
    # runs last in this module (pytest keeps file order): prints the figure for the notes
    with capsys.disabled():
        print(f"\n[captum parity] max |ours - captum| over this module: {WORST['abs']:.3e}")
    assert WORST["abs"] < 1e-6
