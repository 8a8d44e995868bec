"""Helpers for exploring IG's settings in the widget: display defaults that read at
first glance, and (as they land) comparison pins, the alpha scrubber and convergence
curves. Numpy and torch only; the widget wires them to traits."""
