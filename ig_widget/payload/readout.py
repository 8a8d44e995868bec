"""The numbers line under the plot: F(x), F(x'), the attribution sum and the delta."""

from __future__ import annotations


def readout(
    *,
    output: float,
    baseline_output: float,
    total: float,
    delta: float,
    target: int,
    target_label: str,
    n_steps: int,
    method: str,
    baseline: str,
    path: str,
) -> dict:
    """The contract's ``readout`` dict, with plain Python numbers (JSON-safe)."""
    return {
        "output": float(output),
        "baseline_output": float(baseline_output),
        "sum": float(total),
        "delta": float(delta),
        "target": int(target),
        "target_label": str(target_label),
        "n_steps": int(n_steps),
        "method": str(method),
        "baseline": str(baseline),
        "path": str(path),
    }
