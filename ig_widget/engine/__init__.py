"""The Integrated Gradients engine: numerics only (torch), nothing about widgets."""

from .blur import BlurPath
from .convergence import ConvergenceCurve, convergence_curve
from .core import Attribution, Cancelled, PathTrace
from .distributions import DistributionResult, expected_gradients, smooth_ig
from .groups import paint_groups, patch_segments, sum_by_group
from .guided import GuidedPath
from .integrated_gradients import IntegratedGradients
from .layer_integrated_gradients import LayerIntegratedGradients
from .paths import AllOrderings, Custom, Extremal, GradientPath, Path, StraightLine

__all__ = [
    "AllOrderings",
    "Attribution",
    "BlurPath",
    "Cancelled",
    "ConvergenceCurve",
    "Custom",
    "DistributionResult",
    "Extremal",
    "GradientPath",
    "GuidedPath",
    "IntegratedGradients",
    "LayerIntegratedGradients",
    "Path",
    "PathTrace",
    "StraightLine",
    "convergence_curve",
    "expected_gradients",
    "paint_groups",
    "patch_segments",
    "smooth_ig",
    "sum_by_group",
]
