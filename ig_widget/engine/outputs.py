"""What a model returns, reduced to the tensor that attribution explains.

Hugging Face models return a ``ModelOutput`` (a dict-like object with attributes), other
code returns plain dicts with a ``"logits"`` key or objects with a ``.logits`` attribute.
Users of those models should not have to write ``lambda x: model(x).logits``: the engine
and the widget both take the logits from such outputs, through this one function. Any
other non-tensor output is left alone here and refused, with the fix, by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch


def output_tensor(out: Any) -> Any:
    """Return ``out.logits`` / ``out["logits"]`` when ``out`` carries logits, else ``out``.

    A tensor comes back unchanged, so the common case costs one ``isinstance``. The
    result is not checked here: callers validate shape and dtype with their own message.
    """
    if isinstance(out, torch.Tensor):
        return out
    if isinstance(out, Mapping) or hasattr(out, "keys"):
        try:
            logits = out["logits"]
        except (KeyError, TypeError, IndexError):
            logits = None
        if isinstance(logits, torch.Tensor):
            return logits
    logits = getattr(out, "logits", None)
    if isinstance(logits, torch.Tensor):
        return logits
    return out
