"""The Integrated Gradients engine: numerics only (torch), nothing about widgets."""

from .integrated_gradients import Attribution, Cancelled, IntegratedGradients, PathTrace
from .layer_integrated_gradients import LayerIntegratedGradients
from .paths import AllOrderings, Custom, Extremal, Path, StraightLine

__all__ = [
    "AllOrderings",
    "Attribution",
    "Cancelled",
    "Custom",
    "Extremal",
    "IntegratedGradients",
    "LayerIntegratedGradients",
    "Path",
    "PathTrace",
    "StraightLine",
]
