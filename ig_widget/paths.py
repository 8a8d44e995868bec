"""Paths for ``IntegratedGradients.attribute(path=...)``; see ``ig_widget.engine.paths``."""

from .engine.paths import AllOrderings, Custom, Extremal, Path, StraightLine

__all__ = ["AllOrderings", "Custom", "Extremal", "Path", "StraightLine"]
