"""What kind of example the widget was given: modality inference and input checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

MODALITIES = ("image", "text", "tabular")
#: image channel counts recognised without ``modality=``
IMAGE_CHANNELS = (1, 3, 4)
#: the largest image the widget takes (2048 x 2048): every result travels to the browser
#: as 8 bytes per pixel, and the engine runs the model on whole images. Raise it at your
#: own risk; ``IntegratedGradients`` itself has no such limit.
MAX_IMAGE_PIXELS = 2048 * 2048


# ------------------------------------------------------------------ inference
def _describe(x: torch.Tensor) -> str:
    return f"shape {tuple(x.shape)} and dtype {x.dtype}"


def as_tensor(x: Any, arg: str = "x") -> torch.Tensor:
    """``x`` as a tensor (numpy arrays are converted); anything else is a TypeError naming
    the argument ``arg``."""
    if isinstance(x, torch.Tensor):
        return x.detach()
    if isinstance(x, np.ndarray):
        if x.dtype == object or not (
            np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.bool_)
        ):
            raise TypeError(
                f"{arg} is a numpy array of dtype {x.dtype}, not numbers; convert it with "
                f"np.asarray({arg}, dtype=np.float32) (encode text or category columns first)."
            )
        x = np.ascontiguousarray(x)
        return torch.from_numpy(x if x.flags.writeable else x.copy())
    if tabular_like(x):
        return as_tensor(from_table(x, arg)[0], arg)
    raise TypeError(
        f"{arg} must be a torch.Tensor (or a numpy array), got {type(x).__name__}; convert "
        f"it with torch.as_tensor({arg}) (float for images and features, integer token ids "
        "for text); a pandas Series or one-row DataFrame is taken as it is."
    )


def _numeric(dtype: Any) -> bool:
    try:
        return bool(np.issubdtype(dtype, np.number))
    except TypeError:  # pandas' own dtypes (strings, categories)
        return False


def tabular_like(x: Any) -> bool:
    """A pandas Series or DataFrame (recognised without importing pandas)."""
    return type(x).__name__ in ("Series", "DataFrame") and hasattr(x, "to_numpy")


def from_table(x: Any, arg: str) -> tuple[Any, list[str] | None]:
    """A pandas Series / DataFrame as a float array and its feature names (the Series'
    index, the DataFrame's columns); other values come back as they are. ``x`` must hold
    one row; ``background`` may hold many."""
    if not tabular_like(x):
        return x, None
    frame = type(x).__name__ == "DataFrame"
    names = [str(c) for c in (x.columns if frame else x.index)]
    if frame and arg == "x" and len(x) != 1:
        raise ValueError(
            f"{arg} is a DataFrame with {len(x)} rows; the widget explains one row: pass "
            f"{arg}.iloc[[i]] (or {arg}.iloc[i])."
        )
    try:
        values = x.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        kinds = x.dtypes if frame else [x.dtype]
        bad = [n for n, k in zip(names, kinds, strict=False) if not _numeric(k)]
        raise TypeError(
            f"{arg} holds columns that are not numbers ({', '.join(bad) or 'object'}); encode "
            f"them as numbers first (e.g. pandas.get_dummies({arg}))."
        ) from exc
    return values, names


def infer_modality(x: Any, modality: str | None = None) -> str:
    """ "image", "text" or "tabular" for one example ``x``.

    Without ``modality``: a float (C, H, W) or (1, C, H, W) tensor with C in 1, 3, 4 is an
    image; an integer (T,) or (1, T) tensor holds token ids (text); a float (F,) or (1, F)
    tensor is a tabular row. Anything else raises ``ValueError`` asking for
    ``modality=``. With ``modality`` the input is checked against that modality.
    """
    x = as_tensor(x)
    if modality is not None:
        if modality not in MODALITIES:
            raise ValueError(
                f"modality={modality!r} is not known; use one of {', '.join(MODALITIES)}."
            )
        _check_shape(x, modality)
        check_example(x, modality)
        return modality
    is_float = x.is_floating_point()
    is_int = not is_float and not x.is_complex() and x.dtype != torch.bool
    single = x.dim() >= 1 and (x.dim() == 1 or x.shape[0] == 1)
    image3 = x.dim() == 3 and x.shape[0] in IMAGE_CHANNELS
    image4 = x.dim() == 4 and x.shape[0] == 1 and x.shape[1] in IMAGE_CHANNELS
    kind = None
    if is_float and (image3 or image4):
        kind = "image"
    elif is_int and x.dim() in (1, 2) and single:
        kind = "text"
    elif is_float and x.dim() in (1, 2) and single:
        kind = "tabular"
    if kind is not None:
        check_example(x, kind)
        return kind
    hint = ""
    if x.dim() >= 2 and x.shape[0] > 1 and x.dim() in (2, 4):
        hint = (
            f" It looks like a batch of {x.shape[0]} examples; the widget explains one "
            "example: pass x[0]."
        )
    raise ValueError(
        f"Cannot tell what kind of input has {_describe(x)}.{hint} Expected a float image "
        "(C, H, W) with C in 1, 3, 4, integer token ids (T,), or a float feature vector "
        "(F,); pass modality='image', 'text' or 'tabular' to say which it is."
    )


def _check_shape(x: torch.Tensor, modality: str) -> None:
    if modality == "image":
        ok = x.is_floating_point() and (x.dim() == 3 or (x.dim() == 4 and x.shape[0] == 1))
        want = "a float tensor (C, H, W) or (1, C, H, W)"
    elif modality == "text":
        ok = (
            not x.is_floating_point()
            and not x.is_complex()
            and x.dtype != torch.bool
            and (x.dim() == 1 or (x.dim() == 2 and x.shape[0] == 1))
        )
        want = "an integer tensor of token ids (T,) or (1, T)"
    else:
        ok = x.is_floating_point() and (x.dim() == 1 or (x.dim() == 2 and x.shape[0] == 1))
        want = "a float tensor (F,) or (1, F)"
    if not ok:
        fix = ""
        if modality == "image" and not x.is_floating_point():
            fix = " Convert it with x.float() / 255 (or however the model expects pixels)."
        elif modality == "text" and x.is_floating_point():
            fix = " Pass the token ids as integers: x.long()."
        elif modality == "tabular" and not x.is_floating_point():
            fix = " Convert the features with x.float() (token ids would be modality='text')."
        raise ValueError(f"modality={modality!r} needs {want}; got {_describe(x)}.{fix}")


_EMPTY = {
    "image": "an image with no pixels; pass an image of at least 1x1 pixel",
    "text": "no token ids (0 tokens); pass at least one token id",
    "tabular": "no features; pass a row with at least one feature",
}


def check_example(x: torch.Tensor, modality: str) -> None:
    """Refuse an example the widget cannot explain: empty, too large an image, or holding
    NaN/inf values. Each message names the problem and the fix."""
    if x.numel() == 0:
        raise ValueError(
            f"x is empty ({_describe(x)}): {_EMPTY[modality]}; there is nothing to explain."
        )
    if modality == "image":
        h, w = int(x.shape[-2]), int(x.shape[-1])
        if h * w > MAX_IMAGE_PIXELS:
            raise ValueError(
                f"x is a {h}x{w} image ({h * w:,} pixels); the widget takes at most "
                f"{MAX_IMAGE_PIXELS:,} pixels (e.g. 2048x2048), since every result travels to "
                "the browser as 8 bytes per pixel. Resize or crop it first, e.g. "
                "torch.nn.functional.interpolate(x[None], size=(512, 512), mode='bilinear')[0], "
                "or use ig_widget.IntegratedGradients on the full image without the widget."
            )
    if x.is_floating_point():
        bad = ~torch.isfinite(x)
        if bool(bad.any()):
            n = int(bad.sum())
            first = tuple(int(i) for i in torch.nonzero(bad)[0])
            raise ValueError(
                f"x contains {n} NaN or infinite value(s) (the first at index {first}); the "
                "model's output and every attribution would be NaN. Replace them before "
                "explaining, e.g. x = torch.nan_to_num(x), or impute missing features."
            )


def with_batch(x: torch.Tensor, modality: str) -> torch.Tensor:
    """The example with a leading batch dimension of 1."""
    example_dims = {"image": 3, "text": 1, "tabular": 1}.get(modality)
    return x.unsqueeze(0) if x.dim() == example_dims else x
