"""Half-precision models, and the same results on a CUDA device when one is present."""

import pytest
import torch

from ig_widget import IntegratedGradients


def _net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.GELU(), torch.nn.Linear(16, 4)
    ).eval()


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_models_work_and_stay_close_to_float32(dtype):
    net = _net()
    x = torch.randn(2, 8)
    ref = IntegratedGradients(net).attribute(x, target=1, n_steps=32)
    half = _net().to(dtype)
    attr, delta = IntegratedGradients(half).attribute(
        x.to(dtype), target=1, n_steps=32, return_convergence_delta=True
    )
    assert attr.dtype == dtype
    # the path points and the model run in half precision (about 3 significant digits);
    # the weighted sum over steps is accumulated in float32
    err = (attr.float() - ref).abs().max() / ref.abs().max()
    assert err < 0.05
    assert delta.dtype == torch.float32 and delta.abs().max() < 0.05


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.gpu
@cuda
def test_cuda_matches_cpu_and_stays_on_device():
    net = _net().double()
    x = torch.randn(3, 8, dtype=torch.float64)
    ref = IntegratedGradients(net).attribute(x, target=[0, 1, 2], n_steps=50)
    gnet, gx = net.cuda(), x.cuda()
    attr, delta = IntegratedGradients(gnet).attribute(
        gx, target=torch.tensor([0, 1, 2], device="cuda"), n_steps=50, return_convergence_delta=True
    )
    assert attr.device.type == "cuda" and delta.device.type == "cuda"
    torch.testing.assert_close(attr.cpu(), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.gpu
@cuda
def test_cuda_automatic_chunks_and_memory_returns():
    torch.manual_seed(0)
    net = (
        torch.nn.Sequential(
            torch.nn.Conv2d(3, 64, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.Conv2d(64, 64, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1),
            torch.nn.Flatten(),
            torch.nn.Linear(64, 10),
        )
        .cuda()
        .eval()
    )
    x = torch.rand(1, 3, 224, 224, device="cuda")
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    attr, delta = IntegratedGradients(net).attribute(
        x, target=3, n_steps=1000, return_convergence_delta=True
    )
    torch.cuda.synchronize()
    assert attr.shape == x.shape and bool(torch.isfinite(attr).all())
    del attr, delta
    torch.cuda.empty_cache()
    assert torch.cuda.memory_allocated() - before < 1 << 20


@pytest.mark.gpu
@cuda
def test_cuda_autocast_bfloat16():
    net = _net().cuda()
    x = torch.randn(2, 8, device="cuda")
    ref = IntegratedGradients(net).attribute(x, target=1, n_steps=32)
    with torch.autocast("cuda", dtype=torch.bfloat16):
        attr = IntegratedGradients(net).attribute(x, target=1, n_steps=32)
    assert (attr - ref).abs().max() / ref.abs().max() < 0.05
