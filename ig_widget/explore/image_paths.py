"""The image paths the widget offers beyond the straight line: Guided IG and Blur IG.

Guided IG builds its own path from the gradients in ``GUIDED_STEPS`` steps (the
steps and method controls do not apply); Blur IG goes from a Gaussian blur of the
input (sigma ``BLUR_SIGMA`` pixels) to the input and makes its own baseline, so the
baseline select does not apply to it. Each says so in the readout's ``path_detail``.
"""

from __future__ import annotations

from ..engine.blur import BlurPath
from ..engine.guided import GuidedPath
from ..engine.paths import Path

GUIDED_STEPS = 200
BLUR_SIGMA = 50.0

#: the image path names after "straight"
IMAGE_PATHS = ("guided", "blur")


def image_path(name: str) -> Path | None:
    """The engine path for ``name``, or None for a name this module does not offer."""
    if name == "guided":
        return GuidedPath(steps=GUIDED_STEPS)
    if name == "blur":
        return BlurPath(max_sigma=BLUR_SIGMA)
    return None


def image_path_detail(name: str) -> str:
    """What the settings line says about ``name`` ("" for the straight line)."""
    if name == "guided":
        return f"{GUIDED_STEPS} gradient steps, lowest-gradient pixels moved first"
    return ""
