"""Display defaults chosen from the input's size.

With few values (a ten-token sentence, a 30-column row) the 99th percentile of
|attribution| is the largest value, so one strong token sets the colour scale and
every other token stays near white. Below ``SHORT_INPUT`` values the widget starts at
the 80th percentile instead: the few strongest values saturate and the spread of the
rest shows. The colour bar's caption always says which percentile is in force.
"""

from __future__ import annotations

import math

import torch

#: inputs with fewer display values than this start at ``SHORT_CLIP_PERCENTILE``
SHORT_INPUT = 50
SHORT_CLIP_PERCENTILE = 80.0
CLIP_PERCENTILE = 99.0


def display_count(modality: str, x: torch.Tensor) -> int:
    """How many values the view colours for one example ``x`` (batch of 1): pixels for
    an image (channels summed), tokens for text, features for tabular."""
    one = x[0]
    if modality == "image":
        return int(math.prod(one.shape[-2:]))
    return int(one.numel())


def default_clip_percentile(n_values: int) -> float:
    """The ``clip_percentile`` a widget starts with for ``n_values`` display values."""
    return SHORT_CLIP_PERCENTILE if n_values < SHORT_INPUT else CLIP_PERCENTILE
