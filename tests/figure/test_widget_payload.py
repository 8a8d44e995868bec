"""The drawings take what a widget already holds: its payload's arrays and readout draw
the same picture a static export of the widget would need."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ig_widget._serialize import decode_array
from ig_widget.figure import draw_bars, draw_image

TIMEOUT = 30


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv2d(3, 2, 3, padding=1)
        self.fc = nn.Linear(2, 3)
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.tanh(self.conv(x)).mean(dim=(2, 3)))


def test_image_payload_draws_with_its_readout(widgets):
    x = torch.rand(3, 9, 7, generator=torch.Generator().manual_seed(1))
    w = widgets(Net(), x, n_steps=12)
    w.wait(TIMEOUT)
    p = w._payload
    img, attr = decode_array(p["image"]), decode_array(p["attr"])
    assert img.dtype == np.uint8 and img.shape == (9, 7, 4)  # channels last, RGBA
    fig = draw_image(img, attr, readout=p["readout"])
    panels = [ax for ax in fig.axes if ax.images]
    np.testing.assert_allclose(panels[0].images[0].get_array(), img / 255.0)
    np.testing.assert_allclose(panels[1].images[0].get_array(), attr)
    caption = "\n".join(t.get_text() for t in fig.texts)
    assert "12 steps" in caption and f"delta = {p['readout']['delta']:+.3g}" in caption


def test_tabular_payload_draws_as_bars(widgets):
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 3)).double().eval()
    row = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64)
    w = widgets(model, row, feature_names=["a", "b", "c", "d"])
    w.wait(TIMEOUT)
    p = w._payload
    attr = decode_array(p["attr"])
    fig = draw_bars(p["names"], decode_array(p["values"]), attr, readout=p["readout"])
    ax = next(a for a in fig.axes if a.patches)
    np.testing.assert_allclose(sorted(b.get_width() for b in ax.patches), sorted(attr))
