"""'steps: auto' in the widget: the engine's ``n_steps="auto"`` with the user's tolerance.

With ``Settings.tol`` set, the engine refines Gauss-Legendre panels until the
completeness error is at most ``tol`` times |F(x) - F(x')|, spending at most
``n_steps`` gradient evaluations (the steps control becomes the budget). The readout
then says how many steps it took (``auto_steps``) and the tolerance (``auto_tol``).
"""

from __future__ import annotations

from typing import Any


def steps_arguments(settings: Any) -> dict:
    """Keyword arguments of ``attribute_detailed`` for the steps of ``settings``."""
    if settings.tol is None:
        return {"n_steps": settings.n_steps, "method": settings.method}
    return {"n_steps": "auto", "tol": float(settings.tol), "max_steps": int(settings.n_steps)}


def auto_readout(result: Any, settings: Any) -> dict:
    """Readout keys for an auto result ({} for fixed steps)."""
    if getattr(settings, "tol", None) is None:
        return {}
    return {"auto_tol": float(settings.tol), "auto_steps": int(result.n_evals)}
