"""Matplotlib helpers for the example notebooks.

The notebooks are saved with their outputs so that they read well on GitHub, where
widgets are not drawn; these static figures carry the results there. The plotting code
lives here so that the notebooks' cells show the attribution, not the layout.

    style()            small PNG figures (about 90 dpi) with light axes
    contour(...)       filled contour plot of a function of two inputs
    draw_path(...)     a path from baseline to input drawn over a contour plot
    signed_image(...)  an attribution map in a diverging colormap, centred on zero
    grouped_bars(...)  horizontal bars for several attribution vectors side by side
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.image import AxesImage

DPI = 90
SIGNED_CMAP = "RdBu_r"


def style() -> None:
    """Figures small enough for a saved notebook, with light axes."""
    plt.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def contour(
    ax: Axes,
    f: Callable[[torch.Tensor], torch.Tensor],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: int | Sequence[float] = 12,
    n: int = 241,
    cmap: str = "viridis",
) -> None:
    """Filled contours of ``f`` (a batch (N, 2) -> (N,) function) over a grid, with thin
    level lines and a colour bar."""
    xs = torch.linspace(*xlim, n, dtype=torch.float64)
    ys = torch.linspace(*ylim, n, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = f(torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)).reshape(gx.shape)
    filled = ax.contourf(gx.numpy(), gy.numpy(), z.numpy(), levels=levels, cmap=cmap, extend="both")
    ax.contour(gx.numpy(), gy.numpy(), z.numpy(), levels=filled.levels, colors="k", linewidths=0.3)
    ax.figure.colorbar(filled, ax=ax, shrink=0.85)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def draw_path(
    ax: Axes,
    points: np.ndarray | Sequence[Sequence[float]],
    label: str,
    color: str,
    style: str = "-",
) -> None:
    """A polyline through ``points`` (k, 2) with an arrow head on its last segment."""
    p = np.asarray(points, dtype=float)
    ax.plot(p[:, 0], p[:, 1], style, color=color, lw=2.2, label=label)
    ax.annotate(
        "",
        xy=p[-1],
        xytext=p[-1] - 0.15 * (p[-1] - p[-2]),
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2, "mutation_scale": 14},
    )


def mark(ax: Axes, xy: Sequence[float], text: str, offset: tuple[float, float] = (6, 6)) -> None:
    """A labelled dot (the baseline or the input)."""
    ax.plot(*xy, "o", color="k", ms=5, zorder=5)
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}
    ax.annotate(
        text, xy, xytext=offset, textcoords="offset points", fontsize=10, zorder=5, bbox=box
    )


def signed_image(ax: Axes, attr: np.ndarray, vmax: float | None = None) -> AxesImage:
    """An (H, W) attribution map, red positive and blue negative, with white at zero;
    ``vmax`` defaults to the largest magnitude."""
    a = np.asarray(attr, dtype=float)
    vmax = float(np.abs(a).max()) if vmax is None else float(vmax)
    vmax = vmax if vmax > 0 else 1.0
    im = ax.imshow(a, cmap=SIGNED_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():  # a thin frame, so white edges do not fade out
        spine.set(visible=True, color="0.6", linewidth=0.6)
    return im


def grouped_bars(
    ax: Axes,
    labels: Sequence[str],
    series: dict[str, np.ndarray],
    colors: Sequence[str] | None = None,
) -> None:
    """One row per label (first at the top), one bar per series in each row."""
    k = len(series)
    height = 0.8 / k
    y = np.arange(len(labels))
    colors = colors or [f"C{i}" for i in range(k)]
    for j, ((name, values), color) in enumerate(zip(series.items(), colors, strict=False)):
        ax.barh(y - 0.4 + height * (j + 0.5), values, height=height, label=name, color=color)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    ax.grid(axis="x", alpha=0.3)
