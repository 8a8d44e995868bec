"""Text payload: the raw token strings and one attribution per token.

Token strings are passed through unchanged (they may contain markup such as
``<img src=x onerror=...>``); the front end inserts them as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._serialize import encode_array
from .names import one_per


def token_strings(
    ids: Sequence[int], tokens: Sequence[Any] | None = None, tokenizer: Any = None
) -> list[str]:
    """One display string per token id: ``tokens`` when given (its length must match),
    else ``tokenizer.convert_ids_to_tokens(ids)``, else the ids as decimal strings."""
    ids = [int(i) for i in ids]
    if tokens is not None:
        return one_per(
            tokens,
            len(ids),
            arg="tokens",
            what="string",
            per="token id",
            has=f"the input has {len(ids)} token ids",
        )
    if tokenizer is not None and hasattr(tokenizer, "convert_ids_to_tokens"):
        out = list(tokenizer.convert_ids_to_tokens(ids))
        if len(out) != len(ids):
            raise ValueError(
                f"tokenizer.convert_ids_to_tokens returned {len(out)} tokens for {len(ids)} ids."
            )
        return ["" if t is None else str(t) for t in out]
    return [str(i) for i in ids]


def text_payload(tokens: Sequence[str], attr: np.ndarray) -> dict:
    """``kind``, ``tokens`` (list of str) and ``attr`` (float32 (T,))."""
    attr = np.asarray(attr).reshape(-1)
    if len(tokens) != attr.shape[0]:
        raise ValueError(f"{len(tokens)} tokens but {attr.shape[0]} attributions.")
    return {
        "kind": "text",
        "tokens": [str(t) for t in tokens],
        "attr": encode_array(attr.astype(np.float32)),
    }
