"""Paths for ``IntegratedGradients.attribute(path=...)``; see ``ig_widget.engine.paths``."""

from .engine.blur import BlurPath
from .engine.guided import GuidedPath
from .engine.paths import AllOrderings, Custom, Extremal, GradientPath, Path, StraightLine

__all__ = [
    "AllOrderings",
    "BlurPath",
    "Custom",
    "Extremal",
    "GradientPath",
    "GuidedPath",
    "Path",
    "StraightLine",
]
