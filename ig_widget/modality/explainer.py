"""What the widget explains: modality inference and one adapter per modality.

An adapter (``Explainer``) holds the model, the one example (with a batch dimension of 1,
on the model's device), the named baselines and paths it offers, and the model's
prediction; ``compute(settings, progress)`` runs the engine once and returns a
``Result`` whose ``payload`` is the whole ``_payload`` the front end draws (numpy only
from there on). The model checks live here too: at construction (the prediction, the
target's output), on every computation (the device) and on every publication (training
mode). Everything here runs on the widget's worker thread except the constructor,
which validates the arguments and runs the model once for the prediction."""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from .. import payload
from ..engine import IntegratedGradients, PathTrace, StraightLine
from ..engine.batching import is_out_of_memory
from ..engine.inputs import check_output, format_additional_args
from ..engine.model_state import (
    TRAIN_MODE_NOTE,
    buffers_kept,
    find_modules,
    in_training,
    parameter_dtype,
    train_mode_note,
)
from ..engine.outputs import output_tensor
from ..engine.paths import Path
from ..engine.quadrature import METHODS
from ..explore.auto_steps import auto_readout, steps_arguments
from ..explore.completeness import completeness_note
from ..payload.names import one_per
from . import distribution, hf
from .errors import ModelError
from .infer import _describe, as_tensor, with_batch
from .records import Result, Settings

#: what the method select offers, best first
METHOD_OPTIONS = ("gausslegendre",) + tuple(m for m in METHODS if m != "gausslegendre")
#: entries of ``top_classes``
TOP_CLASSES = 5
#: this package's folder: exceptions raised outside it come from the model (or torch)
_PACKAGE_DIR = os.path.realpath(os.path.dirname(os.path.dirname(__file__)))


# ------------------------------------------------------------------- adapters
def _model_device(model: Any, fallback: torch.device) -> torch.device:
    if isinstance(model, torch.nn.Module):
        for t in model.parameters():
            return t.device
        for t in model.buffers():
            return t.device
    return fallback


class Explainer:
    """The model, one example and what can be computed for it; see the module doc."""

    modality = ""
    path_options: tuple[str, ...] = ("straight",)
    #: rows (B, *example) that Expected Gradients draws its baselines from, or None
    background_rows: torch.Tensor | None = None

    def __init__(
        self,
        model: Any,
        x: torch.Tensor,
        *,
        baselines: Any = None,
        additional_forward_args: Any = None,
        class_names: Any = None,
        output_activation: str | None = None,
    ) -> None:
        if isinstance(model, type):
            raise TypeError(
                f"model is the class {model.__name__}, not a model; pass an instance with its "
                f"trained weights, e.g. {model.__name__}(...) loaded and in eval mode."
            )
        if not callable(model):
            raise TypeError(
                f"model must be callable (a torch.nn.Module), got {type(model).__name__}."
            )
        self.last_oom: tuple[int | None, str] | None = None
        self.model = model
        self.device = _model_device(model, x.device)
        #: notes added to every result's warnings (e.g. the input was cast)
        self.notes: list[str] = []
        self.model_dtype = parameter_dtype(find_modules(model))
        self.x = self._cast(with_batch(x, self.modality).to(self.device))
        self.args = format_additional_args(additional_forward_args)
        self._memo: dict[str, torch.Tensor] = {}
        self._activation = hf.check_activation(output_activation)
        self._predict(class_names)
        self._user_baselines = self._normalise_user_baselines(baselines)

    def _cast(self, x: torch.Tensor) -> torch.Tensor:
        """Float64 data for a float32 (or half) model is cast to float32, with a note; a
        half-precision model still gets float32 path points (the engine casts them as they
        enter the model), since half precision is too coarse to integrate in."""
        want = self.model_dtype
        if not x.is_floating_point() or want is None or x.dtype == want:
            return x
        if x.dtype == torch.float64:
            to = torch.float32 if want in (torch.float16, torch.bfloat16) else want
            self.notes.append(
                f"x is float64 but the model's parameters are {str(want).replace('torch.', '')}: "
                f"x was cast to {str(to).replace('torch.', '')} (cast it yourself to silence "
                "this note)."
            )
            return x.to(to)
        return x

    def _for_model(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` in the model's dtype for a plain forward pass."""
        want = self.model_dtype
        if x.is_floating_point() and want is not None and x.dtype != want:
            return x.to(want)
        return x

    # -- prediction and targets -------------------------------------------------------
    def _model_output(self) -> Any:
        with torch.no_grad(), buffers_kept([self.model]):
            return self.model(self._for_model(self.x), *self.args)

    #: how many classes ``top_classes`` lists
    top_count = TOP_CLASSES

    def _default_labels(self, n: int) -> Mapping[int, str] | None:
        """Class names when the user gave none: ``model.config.id2label``."""
        return hf.config_labels(self.model, n)

    def _predict(self, class_names: Any) -> None:
        try:
            out = output_tensor(self._model_output())  # logits of ModelOutput-style results
        except Exception as exc:
            if raised_by_model(exc):
                _add_note(
                    exc,
                    f"(raised by the model when IGWidget ran it once on x, shape "
                    f"{tuple(self.x.shape)}, to predict its classes: check that "
                    "the model runs on this input, with additional_forward_args= "
                    "if it needs more arguments.)",
                )
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
        if class_names is None:
            class_names = self._default_labels(self.n_outputs)
        self.labels = _labels(class_names, self.n_outputs)
        self.activation = self._activation or hf.guess_activation(self.model, self.n_outputs)
        probs = hf.scores(logits, self.activation)
        ranked = torch.nan_to_num(logits, nan=-math.inf)
        order = torch.argsort(ranked, descending=True, stable=True)[: self.top_count]
        self.top_classes = [
            {
                "index": int(i),
                "label": self.labels[int(i)],
                "prob": float(probs[i]),
                "activation": self.activation,
            }
            for i in order
        ]
        self.default_target = int(order[0])

    def resolve_target(self, target: Any) -> Any:
        """A label (a class name, or a token such as " Paris") as its index. The exact
        label wins, then the label with surrounding spaces trimmed, then the same ignoring
        case. Anything else, a string that is no label included, comes back as it is
        (the target trait says what is wrong with it)."""
        if not isinstance(target, str):
            return target
        for match in (
            lambda lab: lab == target,
            lambda lab: lab.strip() == target.strip(),
            lambda lab: lab.strip().lower() == target.strip().lower(),
        ):
            for i, lab in enumerate(self.labels):
                if match(lab):
                    return i
        return target

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
        if isinstance(baselines, (torch.Tensor, np.ndarray, int, float, np.number)):
            baselines = {"custom": baselines}
        if not isinstance(baselines, Mapping):
            raise TypeError(
                "baselines must be a tensor or a dict {name: tensor} (or a number), got "
                f"{type(baselines).__name__}."
            )
        out = {}
        for name, value in baselines.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"baseline names must be non-empty strings, got {name!r}.")
            out[name] = self._user_baseline(name, value)
        return out

    def _user_baseline(self, name: str, value: Any) -> torch.Tensor:
        """A user baseline shaped like the attributed input (1, ...): a number fills it,
        a tensor may have any shape that broadcasts to it (a (C, 1, 1) per-channel mean
        for an image, the input's shape with or without the batch dimension)."""
        ref = self.inputs
        if isinstance(value, (bool, np.bool_)):
            raise TypeError(
                f"baselines={{{name!r}: {value!r}}}: give a number or a tensor, not a bool."
            )
        b = as_tensor(value) if not isinstance(value, (int, float, np.number)) else None
        if b is None or b.dim() == 0:
            number = float(value if b is None else b)
            if not math.isfinite(number):
                raise ValueError(
                    f"baselines={{{name!r}: {number}}} is not finite; give a finite number."
                )
            return torch.full_like(ref, number)
        b = b.to(dtype=ref.dtype, device=ref.device)
        try:
            fits = torch.broadcast_shapes(b.shape, ref.shape) == ref.shape
        except RuntimeError:
            fits = False
        if not fits:
            raise ValueError(
                f"baseline {name!r} has shape {tuple(b.shape)}; it needs the input's shape "
                f"{tuple(ref.shape[1:])} (or {tuple(ref.shape)}), a shape that broadcasts to "
                f"it such as {(ref.shape[1],) + (1,) * (ref.dim() - 2)}, or a number: fix "
                "that entry of baselines=."
            )
        return b.expand_as(ref).clone()

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
        raise ValueError(
            f"path={name!r} is not offered; use one of {', '.join(self.path_options)}."
        )

    def uses_gradients(self, path: str) -> bool:
        return self.path(path).uses_gradients

    def path_for(self, settings: Settings) -> Path:
        """The engine path ``settings`` ask for (the image adapter adds the patch size)."""
        return self.path(settings.path)

    def path_detail_for(self, settings: Settings) -> str:
        return self.path_detail(settings.path)

    @property
    def distribution_options(self) -> list[str]:
        """What the distribution select offers: Expected Gradients needs background rows."""
        rows = self.background_rows
        eg = rows is not None and rows.shape[0] >= distribution.MIN_BACKGROUND
        return [d for d in distribution.DISTRIBUTIONS if d != "expected_gradients" or eg]

    # -- computing ----------------------------------------------------------------------
    @property
    def inputs(self) -> torch.Tensor:
        """What Integrated Gradients integrates over, with the batch dimension."""
        return self.x

    @property
    def forward(self) -> Callable:
        model = self.model

        def logits(*args: Any) -> Any:  # the logits of ModelOutput-style results
            return output_tensor(model(*args))

        return logits

    def _watched(self, fn: Callable) -> Callable:
        """``fn`` whose failures become ``ModelError`` (with the rows it got), raised from
        the model's own exception. Out-of-memory errors pass through unchanged, so the
        engine can halve its chunks; the model's last message is kept for the error line."""

        def forward(*args: Any) -> Any:
            try:
                return fn(*args)
            except BaseException as exc:  # KeyboardInterrupt raised in the model too
                rows = int(args[0].shape[0]) if args and isinstance(args[0], torch.Tensor) else None
                if is_out_of_memory(exc):
                    line = str(exc).strip().splitlines()
                    self.last_oom = (rows, line[0] if line else type(exc).__name__)
                    raise
                raise ModelError(exc, rows) from exc

        return forward

    def compute_nodes(
        self, settings: Settings, progress: Callable[[float], None] | None, nodes: Any
    ) -> Result:
        """``compute`` for one of the runner's two passes: ``nodes`` is an
        ``engine.core.NodePlan``. With ``subset=k``, a preview from ``k`` of the rule's
        nodes, labelled ``n_steps=k``; with ``reuse``, the full result, computing only
        the nodes not reused. (Handed over on the instance, so that subclasses'
        ``compute`` overrides pass it through unchanged; one worker thread calls this.)"""
        self._nodes = nodes
        try:
            return self.compute(settings, progress)
        finally:
            self._nodes = None

    def compute(
        self, settings: Settings, progress: Callable[[float], None] | None = None
    ) -> Result:
        self.last_oom = None
        nodes = getattr(self, "_nodes", None)
        now = _model_device(self.model, self.device)
        if now != self.device:
            raise ValueError(
                f"The model is on {now} now, but it was on {self.device} when the widget was "
                f"built and the widget's input is there; move the model back with "
                f"model.to('{self.device}'), or build a new IGWidget for the model where it is."
            )
        if settings.distribution != "none":
            return distribution.compute(self, settings, progress)
        ig = IntegratedGradients(self._watched(self.forward))
        res = ig.attribute_detailed(
            self.inputs,
            baselines=self.baseline(settings.baseline),
            target=self.engine_target(settings.target),
            additional_forward_args=self.args or None,
            path=self.path_for(settings),
            trace=True,
            **steps_arguments(settings),
            progress=progress,
            _nodes=nodes,
        )
        if nodes is not None and nodes.evaluations is not None:  # a preview, not the result
            settings = dataclasses.replace(settings, n_steps=res.n_evals)
        attr = res.attributions[0][0].detach()
        per_feature = self._display(attr)  # (d,) torch
        integrand = None
        tr = res.trace
        if tr is not None and tr.integrand is not None:
            m = tr.integrand[0].shape[0]
            integrand = self._display(
                tr.integrand[0][:, 0].reshape((m,) + tuple(attr.shape)), nodes=True
            )
        result = self._result(res, settings, attr)
        shown = _numpy(per_feature)
        result.payload = {
            **self._view(result, shown),
            "path_trace": self._trace_payload(
                res,
                result,
                shown,
                None if integrand is None else _numpy(integrand),
                self._feature_names(),
            ),
            "readout": self._readout(result, settings),
        }
        return result

    def _result(self, res: Any, settings: Settings, attributions: torch.Tensor, **extra) -> Result:
        """The widget's record of the engine's ``res`` (one example) for ``settings``."""
        tr = res.trace
        return Result(
            attributions=attributions,
            delta=float(res.delta[0]),
            output=float(res.output[0]),
            baseline_output=float(res.baseline_output[0]),
            settings=settings.as_dict(),
            trace=None if tr is None else PathTrace(tr.alphas, tr.outputs, None),
            n_evals=res.n_evals,
            warnings=list(res.warnings) + self.notes,
            **extra,
        )

    @staticmethod
    def _trace_payload(
        res: Any,
        result: Result,
        shown: np.ndarray,
        integrand: np.ndarray | None,
        names: Sequence[str] | None,
    ) -> dict:
        """The payload's ``path_trace``: F along the path and the features' running sums."""
        tr = res.trace
        return payload.path_trace(
            None if tr is None else _numpy(tr.alphas),
            None if tr is None else _numpy(tr.outputs[:, 0]),
            result.output,
            result.baseline_output,
            shown,
            integrand,
            names,
        )

    def relabel(self, result: Result, settings: Settings) -> Result:
        """``result`` labelled with ``settings``: a forward-only path's result serves every
        ``n_steps`` and ``method``, and its readout says which were asked for."""
        if result.settings == settings.as_dict():
            return result
        return dataclasses.replace(
            result,
            settings=settings.as_dict(),
            payload={**result.payload, "readout": self._readout(result, settings)},
        )

    def warning(self, result: Result) -> str:
        """The ``warning`` line for publishing ``result``: the engine's notes, then what is
        wrong with the model now (checked on every publication, since a cached result
        outlives a change of mode)."""
        notes = [n for n in result.warnings if not n.startswith(TRAIN_MODE_NOTE)]
        notes.append(self._completeness_note(result))
        notes = [n for n in notes if n]
        training = in_training(find_modules(self.model))
        if training:
            notes.append(train_mode_note(training))
        return " ".join(notes)

    def _completeness_note(self, result: Result) -> str:
        s = result.settings
        path = s.get("path", "straight")
        return completeness_note(
            result.delta,
            result.output,
            result.baseline_output,
            n_steps=s.get("n_steps"),
            uses_gradients=path not in self.path_options or self.uses_gradients(path),
        )

    def path_detail(self, name: str) -> str:
        """What a forward-only path computed, for the settings line ("" for gradient
        paths, whose steps and method say it)."""
        return ""

    def _readout(self, result: Result, settings: Settings) -> dict:
        """The payload's numbers line for ``result``, labelled with ``settings``."""
        return {
            **self._readout_numbers(result, settings),
            "path_detail": self.path_detail_for(settings),
            **auto_readout(result, settings),
            **distribution.readout(self, settings, result),
            **({"patch": settings.patch} if settings.patch else {}),
        }

    def _readout_numbers(self, result: Result, settings: Settings) -> dict:
        return payload.readout(
            output=result.output,
            baseline_output=result.baseline_output,
            total=float(result.attributions.double().sum()),
            delta=result.delta,
            target=settings.target,
            target_label=self.label(settings.target),
            n_steps=settings.n_steps,
            method=settings.method,
            baseline=settings.baseline,
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
    if (
        isinstance(value, torch.Tensor)
        and value.numel() == 1
        and not value.is_floating_point()
        and not value.is_complex()
        and value.dtype != torch.bool
    ):
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
    """A display array: float16/bfloat16 become float32 (numpy has no bfloat16)."""
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    return t.cpu().numpy()


def _labels(class_names: Any, n: int) -> list[str]:
    default = "output" if n == 1 else None
    if class_names is None:
        return [default or f"class {i}" for i in range(n)]
    if isinstance(class_names, Mapping):
        return [str(class_names.get(i, default or f"class {i}")) for i in range(n)]
    return one_per(
        class_names,
        n,
        arg="class_names",
        what="label",
        per="output",
        has=f"the model has {n} output(s)",
    )
