"""The Integrated Gradients engine: numerics only (torch), nothing about widgets."""

from .core import Attribution, Cancelled, PathTrace
from .integrated_gradients import IntegratedGradients
from .layer_integrated_gradients import LayerIntegratedGradients
from .paths import AllOrderings, Custom, Extremal, GradientPath, Path, StraightLine

__all__ = [
    "AllOrderings",
    "Attribution",
    "Cancelled",
    "Custom",
    "Extremal",
    "GradientPath",
    "IntegratedGradients",
    "LayerIntegratedGradients",
    "Path",
    "PathTrace",
    "StraightLine",
]
