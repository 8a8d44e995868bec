"""Colormap lookup tables from matplotlib."""

from __future__ import annotations

import matplotlib
import numpy as np

from ig_widget._colormaps import DIVERGING, SEQUENTIAL, colormaps


def test_luts_match_matplotlib():
    maps = colormaps()
    assert list(maps) == list(DIVERGING + SEQUENTIAL)
    for name, cm in maps.items():
        assert cm["kind"] == ("diverging" if name in DIVERGING else "sequential")
        lut = np.frombuffer(cm["lut"], dtype=np.uint8).reshape(256, 3)
        ref = np.round(matplotlib.colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255)
        np.testing.assert_array_equal(lut, ref)
    rdbu = np.frombuffer(maps["RdBu_r"]["lut"], dtype=np.uint8).reshape(256, 3)
    assert rdbu[0, 2] > rdbu[0, 0] and rdbu[-1, 0] > rdbu[-1, 2]  # blue low, red high
    assert colormaps() is not maps  # each widget gets its own dict
