"""Paths for ``IntegratedGradients.attribute(path=...)``; see ``ig_widget.engine.paths``."""

from .engine.paths import AllOrderings, Custom, Extremal, GradientPath, Path, StraightLine

__all__ = ["AllOrderings", "Custom", "Extremal", "GradientPath", "Path", "StraightLine"]
