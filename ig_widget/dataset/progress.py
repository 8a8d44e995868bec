"""The progress bar of a data-set run: examples done, examples per second, time left.

``tqdm.auto`` draws a text bar in a terminal and a widget bar in Jupyter. Only one
process of a distributed job draws (rank 0 by default), so N processes do not fight over
one terminal; its bar counts its own examples, and the rate shown is that process's.
"""

from __future__ import annotations

import warnings
from typing import Any


class Progress:
    """A thin wrapper so the run loop never checks whether a bar exists."""

    def __init__(self, enabled: bool, total: int | None, initial: int, desc: str) -> None:
        self.bar: Any = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                warnings.warn(
                    "No progress bar: tqdm is not installed (`pip install tqdm`), or pass "
                    "progress=False.",
                    UserWarning,
                    stacklevel=3,
                )
                return
            self.bar = tqdm(
                total=total, initial=initial, desc=desc, unit="ex", unit_scale=False, smoothing=0.1
            )

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
