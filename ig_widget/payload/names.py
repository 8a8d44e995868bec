"""Lists of display names given by the user: class names, feature names, token strings."""

from __future__ import annotations

from typing import Any


def one_per(names: Any, count: int, *, arg: str, what: str, per: str, has: str) -> list[str]:
    """``names`` as ``count`` strings, one ``what`` per ``per``.

    ``arg`` is the argument's name and ``has`` how the count reads in a message (e.g.
    "the input has 5 features"). One string, a non-iterable or the wrong length raise
    ``TypeError``/``ValueError`` naming the argument and the fix.
    """
    if isinstance(names, (str, bytes)):
        raise TypeError(f"{arg} must be a list of strings (one per {per}), not one string.")
    try:
        names = list(names)
    except TypeError:
        raise TypeError(
            f"{arg} must be a list of strings (one per {per}), got {type(names).__name__}."
        ) from None
    if len(names) != count:
        raise ValueError(f"{arg} has {len(names)} entries but {has}; pass one {what} per {per}.")
    return [str(n) for n in names]
