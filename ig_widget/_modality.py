"""What the widget explains: modality inference and one adapter per modality.

An adapter (``Explainer``) holds the model, the one example (with a batch dimension of 1,
on the model's device), the named baselines and paths it offers, and the model's
prediction; ``compute(settings, progress)`` runs the engine once and returns a
``Result`` whose ``view`` is the modality's part of the ``_payload`` (numpy only from
there on). Everything here runs on the widget's worker thread except the constructor,
which validates the arguments and runs the model once for the prediction.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from . import payload
from ._serialize import encode_array
from .engine import AllOrderings, Extremal, IntegratedGradients, PathTrace, StraightLine
from .engine import baselines as bl
from .engine.batching import is_out_of_memory
from .engine.inputs import check_output, format_additional_args
from .engine.layer import embedding_forward, find_embedding
from .engine.paths import Path
from .engine.quadrature import METHODS

MODALITIES = ("image", "text", "tabular")
#: image channel counts recognised without ``modality=``
IMAGE_CHANNELS = (1, 3, 4)
#: what the method select offers, best first
METHOD_OPTIONS = ("gausslegendre",) + tuple(m for m in METHODS if m != "gausslegendre")
#: entries of ``top_classes``
TOP_CLASSES = 5
#: AllOrderings enumerates exactly up to this many features, else samples orders
EXACT_SHAPLEY_MAX_FEATURES = 12
SHAPLEY_SAMPLES = 64
#: the largest image the widget takes (2048 x 2048): every result travels to the browser
#: as 8 bytes per pixel, and the engine runs the model on whole images. Raise it at your
#: own risk; ``IntegratedGradients`` itself has no such limit.
MAX_IMAGE_PIXELS = 2048 * 2048
#: this package's folder: exceptions raised outside it come from the model (or torch)
_PACKAGE_DIR = os.path.realpath(os.path.dirname(__file__))


# ------------------------------------------------------------------ inference
def _describe(x: torch.Tensor) -> str:
    return f"shape {tuple(x.shape)} and dtype {x.dtype}"


def as_tensor(x: Any) -> torch.Tensor:
    """``x`` as a tensor (numpy arrays are converted); anything else is a TypeError."""
    if isinstance(x, torch.Tensor):
        return x.detach()
    if isinstance(x, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(x))
    raise TypeError(
        f"x must be a torch.Tensor (or a numpy array), got {type(x).__name__}; convert it "
        "with torch.as_tensor(x) (float for images and features, integer token ids for text)."
    )


def infer_modality(x: Any, modality: str | None = None) -> str:
    """"image", "text" or "tabular" for one example ``x``.

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
        hint = (f" It looks like a batch of {x.shape[0]} examples; the widget explains one "
                "example: pass x[0].")
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
        ok = (not x.is_floating_point() and not x.is_complex() and x.dtype != torch.bool
              and (x.dim() == 1 or (x.dim() == 2 and x.shape[0] == 1)))
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
    example_dims = {"image": 3, "text": 1, "tabular": 1}[modality]
    return x.unsqueeze(0) if x.dim() == example_dims else x


# -------------------------------------------------------------------- records
@dataclass(frozen=True)
class Settings:
    """What one computation depends on (the cache key)."""

    n_steps: int
    method: str
    baseline: str
    path: str
    target: int

    def key(self, uses_gradients: bool) -> tuple:
        """Forward-only paths ignore ``n_steps`` and ``method``, so they share results."""
        if uses_gradients:
            return (self.n_steps, self.method, self.baseline, self.path, self.target)
        return (None, None, self.baseline, self.path, self.target)

    def as_dict(self) -> dict:
        return {"n_steps": self.n_steps, "method": self.method, "baseline": self.baseline,
                "path": self.path, "target": self.target}


@dataclass
class Result:
    """One finished Integrated Gradients computation for the widget's example.

    ``attributions`` is shaped like the example without its batch dimension: (C, H, W)
    for an image, (F,) for a tabular row, (T, D) (the embeddings) for text, where
    ``token_attributions`` (T,) sums it over the embedding dimension. ``delta`` is
    sum(attributions) - (output - baseline_output). ``trace`` holds the path's alphas and
    outputs (its per-feature integrand is dropped to keep the cache small).
    """

    attributions: torch.Tensor
    delta: float
    output: float
    baseline_output: float
    settings: dict
    token_attributions: torch.Tensor | None = None
    trace: PathTrace | None = None
    n_evals: int = 0
    warnings: list[str] = field(default_factory=list)
    #: the modality's payload parts and ``path_trace`` (private: the runner's)
    view: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        s = self.settings
        return (f"Result(target={s.get('target')}, baseline={s.get('baseline')!r}, "
                f"path={s.get('path')!r}, n_steps={s.get('n_steps')}, "
                f"method={s.get('method')!r}, output={self.output:.6g}, "
                f"baseline_output={self.baseline_output:.6g}, delta={self.delta:.3g}, "
                f"attributions={tuple(self.attributions.shape)})")


# ------------------------------------------------------------------- adapters
def _model_device(model: Any, fallback: torch.device) -> torch.device:
    if isinstance(model, torch.nn.Module):
        for t in model.parameters():
            return t.device
        for t in model.buffers():
            return t.device
    return fallback


def training_modules(model: Any) -> list[str]:
    """Names of the model's modules in training mode ("" is the model itself)."""
    if not isinstance(model, torch.nn.Module):
        return []
    return [name for name, m in model.named_modules() if m.training]


class Explainer:
    """The model, one example and what can be computed for it; see the module doc."""

    modality = ""
    path_options: tuple[str, ...] = ("straight",)

    def __init__(self, model: Any, x: torch.Tensor, *, baselines: Any = None,
                 additional_forward_args: Any = None, class_names: Any = None) -> None:
        if isinstance(model, type):
            raise TypeError(
                f"model is the class {model.__name__}, not a model; pass an instance with its "
                f"trained weights, e.g. {model.__name__}(...) loaded and in eval mode."
            )
        if not callable(model):
            raise TypeError(f"model must be callable (a torch.nn.Module), got {type(model).__name__}.")
        self.last_oom: tuple[int | None, str] | None = None
        self.model = model
        self.device = _model_device(model, x.device)
        self.x = with_batch(x, self.modality).to(self.device)
        self.args = format_additional_args(additional_forward_args)
        self._memo: dict[str, torch.Tensor] = {}
        self._predict(class_names)
        self._user_baselines = self._normalise_user_baselines(baselines)

    # -- prediction and targets -------------------------------------------------------
    def _model_output(self) -> Any:
        with torch.no_grad():
            return self.model(self.x, *self.args)

    def _predict(self, class_names: Any) -> None:
        try:
            out = self._model_output()
        except Exception as exc:
            if raised_by_model(exc):
                _add_note(exc, f"(raised by the model when IGWidget ran it once on x, shape "
                               f"{tuple(self.x.shape)}, to predict its classes: check that "
                               "the model runs on this input, with additional_forward_args= "
                               "if it needs more arguments.)")
            raise
        if not isinstance(out, torch.Tensor):
            check_output(out, 1)  # TypeError naming the fix for None, tuples and dicts
        if out.dim() == 0 or out.shape[0] != 1 or out.dim() > 2 or not out.is_floating_point():
            raise ValueError(
                f"The model returned {_describe(out)} for one example; the widget needs "
                "float outputs of shape (1, n_classes) or (1,). Wrap the model to return "
                "those (e.g. select the output position to explain)."
            )
        logits = out.detach().reshape(-1).double().cpu()
        self.logits = logits
        self.n_outputs = int(logits.numel())
        self.single_output = out.dim() == 1 or self.n_outputs == 1
        self.labels = _labels(class_names, self.n_outputs)
        # NaN outputs count as impossible classes; JSON has no NaN
        probs = torch.softmax(torch.nan_to_num(logits, nan=-math.inf), 0)
        probs = torch.nan_to_num(probs, nan=0.0)
        order = torch.argsort(probs, descending=True, stable=True)[:TOP_CLASSES]
        self.top_classes = [
            {"index": int(i), "label": self.labels[int(i)], "prob": float(probs[i])}
            for i in order
        ]
        self.default_target = int(order[0])

    def check_target(self, target: Any) -> int:
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
            raise TypeError(f"target must be an int class index, got {type(target).__name__}.")
        t = int(target)
        if not 0 <= t < self.n_outputs:
            raise ValueError(
                f"target={t} is out of range: the model has {self.n_outputs} output(s); "
                f"use 0..{self.n_outputs - 1}."
            )
        return t

    def check_finite_output(self, target: int) -> None:
        """Refuse a target whose output on ``x`` is NaN or infinite: no attribution of it
        can be finite."""
        value = float(self.logits[target])
        if not math.isfinite(value):
            raise ValueError(
                f"The model's output for target {target} ({self.label(target)!r}) on x is "
                f"{value}, so its attributions would be NaN. Check x and the model for "
                "overflow (float16 models overflow easily: try model.float() and "
                "x.float()), or pick a target whose output is finite."
            )

    def engine_target(self, target: int) -> int | None:
        return None if self.single_output else int(target)

    def label(self, target: int) -> str:
        return self.labels[target] if 0 <= target < len(self.labels) else str(target)

    # -- baselines and paths ------------------------------------------------------------
    @property
    def baseline_options(self) -> list[str]:
        names = list(self._user_baselines)
        return names + [n for n in self._builtin_baselines() if n not in names]

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        raise NotImplementedError

    def _normalise_user_baselines(self, baselines: Any) -> dict[str, torch.Tensor]:
        if baselines is None:
            return {}
        if isinstance(baselines, (torch.Tensor, np.ndarray)):
            baselines = {"custom": baselines}
        if not isinstance(baselines, Mapping):
            raise TypeError(
                "baselines must be a tensor or a dict {name: tensor}, got "
                f"{type(baselines).__name__}."
            )
        out = {}
        for name, value in baselines.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"baseline names must be non-empty strings, got {name!r}.")
            out[name] = self._user_baseline(name, value)
        return out

    def _user_baseline(self, name: str, value: Any) -> torch.Tensor:
        """A user baseline shaped like the attributed input (1, ...)."""
        ref = self.inputs
        b = as_tensor(value) if not isinstance(value, (int, float)) else torch.tensor(float(value))
        if b.dim() == 0:
            return torch.full_like(ref, float(b))
        b = b.to(dtype=ref.dtype, device=ref.device)
        if tuple(b.shape) == tuple(ref.shape[1:]):
            b = b.unsqueeze(0)
        if tuple(b.shape) != tuple(ref.shape):
            raise ValueError(
                f"baseline {name!r} has shape {tuple(as_tensor(value).shape)}; it needs the "
                f"input's shape {tuple(ref.shape[1:])} (or {tuple(ref.shape)})."
            )
        return b

    def forget_baselines(self) -> None:
        """Drop the built-in baselines built so far (they are rebuilt on next use)."""
        self._memo.clear()

    def baseline(self, name: str) -> torch.Tensor:
        """The baseline tensor called ``name`` (built on first use, then kept)."""
        if name in self._user_baselines:
            return self._user_baselines[name]
        if name not in self._memo:
            builders = self._builtin_baselines()
            if name not in builders:
                raise ValueError(
                    f"baseline={name!r} is not offered; use one of "
                    f"{', '.join(self.baseline_options)}."
                )
            self._memo[name] = builders[name]()
        return self._memo[name]

    def path(self, name: str) -> Path:
        if name == "straight":
            return StraightLine()
        raise ValueError(f"path={name!r} is not offered; use one of {', '.join(self.path_options)}.")

    def uses_gradients(self, path: str) -> bool:
        return self.path(path).uses_gradients

    # -- computing ----------------------------------------------------------------------
    @property
    def inputs(self) -> torch.Tensor:
        """What Integrated Gradients integrates over, with the batch dimension."""
        return self.x

    @property
    def forward(self) -> Callable:
        return self.model

    def _watched(self, fn: Callable) -> Callable:
        """``fn`` that marks the exceptions it raises as the model's own (with the rows it
        got) and remembers the model's last out-of-memory message for the error line."""

        def forward(*args: Any) -> Any:
            try:
                return fn(*args)
            except BaseException as exc:  # KeyboardInterrupt raised in the model too
                rows = int(args[0].shape[0]) if args and isinstance(args[0], torch.Tensor) else None
                if is_out_of_memory(exc):
                    line = str(exc).strip().splitlines()
                    self.last_oom = (rows, line[0] if line else type(exc).__name__)
                else:
                    with contextlib.suppress(Exception):  # an exception refusing attributes
                        exc._ig_widget_model_rows = rows  # read by the runner's error line
                raise

        return forward

    def compute(self, settings: Settings, progress: Callable[[float], None] | None = None) -> Result:
        self.last_oom = None
        now = _model_device(self.model, self.device)
        if now != self.device:
            raise ValueError(
                f"The model is on {now} now, but it was on {self.device} when the widget was "
                f"built and the widget's input is there; move the model back with "
                f"model.to('{self.device}'), or build a new IGWidget for the model where it is."
            )
        ig = IntegratedGradients(self._watched(self.forward))
        res = ig.attribute_detailed(
            self.inputs,
            baselines=self.baseline(settings.baseline),
            target=self.engine_target(settings.target),
            additional_forward_args=self.args or None,
            n_steps=settings.n_steps,
            method=settings.method,
            path=self.path(settings.path),
            trace=True,
            progress=progress,
        )
        attr = res.attributions[0][0].detach()
        per_feature = self._display(attr)  # (d,) torch
        integrand = None
        tr = res.trace
        if tr is not None and tr.integrand is not None:
            m = tr.integrand[0].shape[0]
            integrand = self._display(tr.integrand[0][:, 0].reshape((m,) + tuple(attr.shape)),
                                      nodes=True)
        result = Result(
            attributions=attr,
            delta=float(res.delta[0]),
            output=float(res.output[0]),
            baseline_output=float(res.baseline_output[0]),
            settings=settings.as_dict(),
            trace=None if tr is None else PathTrace(tr.alphas, tr.outputs, None),
            n_evals=res.n_evals,
            warnings=list(res.warnings),
        )
        shown = _numpy(per_feature)
        view = self._view(result, shown)
        view["path_trace"] = payload.path_trace(
            None if tr is None else _numpy(tr.alphas),
            None if tr is None else _numpy(tr.outputs[:, 0]),
            result.output, result.baseline_output, shown,
            None if integrand is None else _numpy(integrand), self._feature_names(),
        )
        result.view = view
        return result

    def readout(self, result: Result, settings: Settings) -> dict:
        """The payload's numbers line for ``result``, labelled with ``settings``."""
        return payload.readout(
            output=result.output, baseline_output=result.baseline_output,
            total=float(result.attributions.double().sum()), delta=result.delta,
            target=settings.target, target_label=self.label(settings.target),
            n_steps=settings.n_steps, method=settings.method, baseline=settings.baseline,
            path=settings.path,
        )

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        """Attribution (or per-node integrand with ``nodes``) per display feature:
        flattened (d,) or (m, d)."""
        return attr.reshape((attr.shape[0], -1) if nodes else (-1,))

    def _feature_names(self) -> Sequence[str] | Callable[[int], str]:
        raise NotImplementedError

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        raise NotImplementedError


def plain_int(value: Any) -> Any:
    """numpy integers and one-element integer tensors as ``int``; anything else as is (the
    widget's trait validation names what is wrong with it)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if (isinstance(value, torch.Tensor) and value.numel() == 1
            and not value.is_floating_point() and not value.is_complex()
            and value.dtype != torch.bool):
        return int(value.item())
    return value


def raised_by_model(exc: BaseException) -> bool:
    """Whether ``exc`` was raised outside this package (in the model, or in torch called by
    it) rather than by ig_widget's own checks."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    filename = os.path.realpath(last.tb_frame.f_code.co_filename)
    return not filename.startswith(_PACKAGE_DIR + os.sep)


def _add_note(exc: BaseException, note: str) -> None:
    add = getattr(exc, "add_note", None)  # Python 3.11+
    if add is not None:
        add(note)


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


def _labels(class_names: Any, n: int) -> list[str]:
    default = "output" if n == 1 else None
    if class_names is None:
        return [default or f"class {i}" for i in range(n)]
    if isinstance(class_names, str):
        raise TypeError("class_names must be a list of labels (one per class) or a dict, not a string.")
    if isinstance(class_names, Mapping):
        return [str(class_names.get(i, default or f"class {i}")) for i in range(n)]
    names = list(class_names)
    if len(names) != n:
        raise ValueError(
            f"class_names has {len(names)} entries but the model has {n} output(s); pass one "
            "label per output."
        )
    return [str(c) for c in names]


class ImageExplainer(Explainer):
    modality = "image"

    def __init__(self, model: Any, x: torch.Tensor, **kw: Any) -> None:
        super().__init__(model, x, **kw)
        self.rgba = payload.to_rgba(_numpy(self.x[0]))
        self._rgba_record = encode_array(self.rgba)  # encoded once, shared by every result
        self.width = int(self.x.shape[-1])

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        return {name: (lambda f=f: f(self.x)) for name, f in bl.IMAGE.items()}

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over channels: (C, H, W) -> (H*W,), (m, C, H, W) -> (m, H*W)
        summed = attr.sum(dim=-3)
        return summed.reshape((summed.shape[0], -1) if nodes else (-1,))

    def _feature_names(self) -> Callable[[int], str]:
        return lambda i: payload.image.pixel_name(i, self.width)

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        h, w = self.x.shape[-2:]
        return payload.image_payload(self.rgba, shown.reshape(h, w), encoded=self._rgba_record)


class TextExplainer(Explainer):
    modality = "text"

    def __init__(self, model: Any, x: torch.Tensor, *, layer: Any = None, tokens: Any = None,
                 tokenizer: Any = None, pad_token_id: Any = None, **kw: Any) -> None:
        if layer is None:
            if not isinstance(model, torch.nn.Module):
                raise ValueError("For text, pass layer=<the embedding module> (the model is not an nn.Module).")
            layer = find_embedding(model)
        self.layer = layer
        if pad_token_id is None and tokenizer is not None:
            pad_token_id = getattr(tokenizer, "pad_token_id", None)
        if pad_token_id is not None:
            if isinstance(pad_token_id, bool) or not isinstance(pad_token_id, (int, np.integer)):
                raise TypeError(f"pad_token_id must be an int token id, got {pad_token_id!r}.")
            pad_token_id = int(pad_token_id)
        self.pad_token_id = pad_token_id
        self._embeddings: torch.Tensor | None = None
        self._fwd: Callable | None = None
        self.tokens = payload.token_strings(x.reshape(-1).tolist(), tokens, tokenizer)
        super().__init__(model, x.long(), **kw)

    def _model_output(self) -> Any:
        emb, fwd = embedding_forward(self.model, self.layer, self.x, *self.args)
        t = self.x.shape[1]
        if emb.dim() < 3 or tuple(emb.shape[:2]) != (1, t):
            raise ValueError(
                f"The embedding layer returned shape {tuple(emb.shape)} for ids of shape "
                f"{tuple(self.x.shape)}; the widget needs (1, {t}, embedding_dim), batch first."
            )
        if not emb.is_floating_point():
            raise ValueError(f"The embedding layer returned dtype {emb.dtype}; it must be float.")
        self._embeddings, self._fwd = emb, fwd
        return super()._model_output()

    def _user_baseline(self, name: str, value: Any) -> torch.Tensor:
        b = as_tensor(value) if not isinstance(value, (int, float)) else None
        if b is not None and not b.is_floating_point() and b.dim() in (1, 2):
            # token ids: the baseline is their embeddings
            ids = b.reshape(1, -1).to(device=self.x.device, dtype=torch.long)
            if ids.shape != self.x.shape:
                raise ValueError(
                    f"baseline {name!r} holds {ids.shape[1]} token ids but the input has "
                    f"{self.x.shape[1]}; pass one token id per input token (or embeddings "
                    f"of shape ({self.x.shape[1]}, embedding_dim))."
                )
            emb, _ = embedding_forward(self.model, self.layer, ids, *self.args)
            return emb
        return super()._user_baseline(name, value)

    @property
    def inputs(self) -> torch.Tensor:
        return self._embeddings

    @property
    def forward(self) -> Callable:
        return self._fwd

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        out = {}
        if self.pad_token_id is not None:
            out["pad"] = lambda: bl.pad_embeddings(self.model, self.layer, self.x,
                                                   self.pad_token_id, *self.args)
        out["zero embedding"] = lambda: bl.zero_embeddings(self._embeddings)
        return out

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over the embedding dims: (T, D) -> (T,), (m, T, D) -> (m, T)
        lead = 2 if nodes else 1
        return attr.reshape(attr.shape[:lead] + (-1,)).sum(-1)

    def _feature_names(self) -> list[str]:
        return self.tokens

    def compute(self, settings: Settings, progress: Callable[[float], None] | None = None) -> Result:
        result = super().compute(settings, progress)
        result.token_attributions = self._display(result.attributions)
        return result

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        return payload.text_payload(self.tokens, shown)


class TabularExplainer(Explainer):
    modality = "tabular"
    path_options = ("straight", "extremal", "all_orderings")

    def __init__(self, model: Any, x: torch.Tensor, *, feature_names: Any = None,
                 background: Any = None, **kw: Any) -> None:
        n = int(x.shape[-1])
        self.names = payload.feature_names(n, feature_names)
        super().__init__(model, x, **kw)
        self._background = None
        if background is not None:
            self._background = bl.background_mean(self.x, as_tensor(background))

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        out = {"zeros": lambda: bl.zeros(self.x)}
        if self._background is not None:
            out["background mean"] = lambda: self._background
        return out

    def path(self, name: str) -> Path:
        if name == "extremal":
            return Extremal()
        if name == "all_orderings":
            d = int(self.x[0].numel())
            return AllOrderings() if d <= EXACT_SHAPLEY_MAX_FEATURES else AllOrderings(samples=SHAPLEY_SAMPLES)
        return super().path(name)

    def _feature_names(self) -> list[str]:
        return self.names

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        return payload.tabular_payload(self.names, _numpy(self.x[0]), shown)


def make_explainer(model: Any, x: Any, *, modality: str | None = None, baselines: Any = None,
                   additional_forward_args: Any = None, class_names: Any = None,
                   feature_names: Any = None, tokens: Any = None, layer: Any = None,
                   pad_token_id: Any = None, tokenizer: Any = None,
                   background: Any = None) -> Explainer:
    """Infer the modality of ``x`` and build its adapter; arguments as ``IGWidget``."""
    x = as_tensor(x)
    kind = infer_modality(x, modality)
    misplaced = {
        "feature_names": (feature_names, "tabular"), "background": (background, "tabular"),
        "tokens": (tokens, "text"), "layer": (layer, "text"),
        "tokenizer": (tokenizer, "text"), "pad_token_id": (pad_token_id, "text"),
    }
    for arg, (value, applies) in misplaced.items():
        if value is not None and applies != kind:
            raise ValueError(
                f"{arg}= applies to {applies} inputs, but this input is {kind} ({_describe(x)}); "
                f"drop it, or pass modality='{applies}' if the input is {applies}."
            )
    common = {"baselines": baselines, "additional_forward_args": additional_forward_args,
              "class_names": class_names}
    if kind == "image":
        return ImageExplainer(model, x, **common)
    if kind == "text":
        return TextExplainer(model, x, layer=layer, tokens=tokens, tokenizer=tokenizer,
                             pad_token_id=pad_token_id, **common)
    return TabularExplainer(model, x, feature_names=feature_names, background=background,
                            **common)
