"""Several inputs at once: ``model(image, features)`` from a tuple, or
``model(pixel_values=..., features=...)`` from a dict of named inputs.

Each float input is attributed (Integrated Gradients over the tuple, one path for all);
integer and boolean entries (masks, ids of a fixed context) go to the model unchanged.
The payload holds one panel per attributed input, drawn by that input's kind (heatmap
for an image, bars for a feature vector), each with its share of the total |attribution|;
the target, readout and path chart are shared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from .. import payload
from .._serialize import encode_array
from ..engine import IntegratedGradients
from ..engine.model_state import buffers_kept
from ..engine.outputs import output_tensor
from ..explore.auto_steps import steps_arguments
from .explainer import Explainer, _model_device, _numpy
from .image import denormalise
from .infer import IMAGE_CHANNELS, as_tensor, check_example, from_table, tabular_like
from .records import Result, Settings


def is_multi(x: Any) -> bool:
    """A tuple/list of inputs, or a dict of named inputs (not a tokenizer's encoding)."""
    if isinstance(x, Mapping):
        return "input_ids" not in x
    return isinstance(x, (tuple, list)) and len(x) > 0 and not _scalars(x)


def _scalars(x: Sequence) -> bool:
    return all(isinstance(v, (int, float, np.number)) for v in x)


def _part_kind(t: torch.Tensor) -> str | None:
    """ "image", "tabular" or None (not attributed: integer or boolean)."""
    if not t.is_floating_point():
        return None
    if t.dim() == 3 and t.shape[0] in IMAGE_CHANNELS:
        return "image"
    if t.dim() == 1:
        return "tabular"
    raise ValueError(
        f"an input of shape {tuple(t.shape)} is neither an image (C, H, W) nor a feature "
        "vector (F,); pass each input as one example without a batch dimension."
    )


class MultiExplainer(Explainer):
    modality = "multi"

    def __init__(
        self,
        model: Any,
        x: Any,
        *,
        feature_names: Any = None,
        mean: Any = None,
        std: Any = None,
        **kw: Any,
    ) -> None:
        if isinstance(x, Mapping):
            names, raw = [str(k) for k in x], list(x.values())
            self.keywords = True
        else:
            raw = list(x)
            names = [f"input {i}" for i in range(len(raw))]
            self.keywords = False
        self.names = names
        parts, columns = [], []
        for name, value in zip(names, raw, strict=True):
            cols = None
            if tabular_like(value):
                value, cols = from_table(value, f"x[{name!r}]")
                value = np.asarray(value).reshape(-1)
            t = as_tensor(value, f"x[{name!r}]")
            parts.append(t)
            columns.append(cols)
        self.kinds = [_part_kind(t) for t in parts]
        self.attributed = [i for i, k in enumerate(self.kinds) if k is not None]
        if not self.attributed:
            raise ValueError(
                "none of the inputs is a float tensor, so there is nothing to attribute; "
                "pass images (C, H, W) or feature vectors (F,) as float tensors."
            )
        for i in self.attributed:
            check_example(parts[i], self.kinds[i])
        device = _model_device(model, parts[self.attributed[0]].device)
        self.parts = [p[None].to(device) for p in parts]
        self.feature_lists = self._feature_lists(feature_names, columns)
        self._mean, self._std = mean, std
        super().__init__(model, self.parts[self.attributed[0]], **kw)
        self.parts = [self._cast(p) if p.is_floating_point() else p for p in self.parts]
        self.rgba = {
            i: payload.to_rgba(denormalise(_numpy(self.parts[i][0]).astype(np.float32), mean, std))
            for i in self.attributed
            if self.kinds[i] == "image"
        }

    def _feature_lists(self, feature_names: Any, columns: list) -> dict[int, list[str]]:
        out = {}
        for i in self.attributed:
            if self.kinds[i] != "tabular":
                continue
            given = None
            if isinstance(feature_names, Mapping):
                given = feature_names.get(self.names[i])
            elif feature_names is not None and len(self.attributed) == 1:
                given = feature_names
            out[i] = payload.feature_names(int(self.parts[i].shape[-1]), given or columns[i])
        return out

    # -- the model on every input -----------------------------------------------------
    def _call(self, parts: Sequence[torch.Tensor], *args: Any) -> Any:
        parts = [self._for_model(p) for p in parts]
        if self.keywords:
            return self.model(*args, **dict(zip(self.names, parts, strict=True)))
        return self.model(*parts, *args)

    def _model_output(self) -> Any:
        with torch.no_grad(), buffers_kept([self.model]):
            return self._call(self.parts, *self.args)

    #: the distributions average one input tensor: several inputs offer none
    distribution_options = ["none"]  # type: ignore[assignment]

    @property
    def inputs(self) -> tuple[torch.Tensor, ...]:  # type: ignore[override]
        return tuple(self.parts[i] for i in self.attributed)

    @property
    def forward(self) -> Callable:
        n = len(self.attributed)
        fixed = {i: p for i, p in enumerate(self.parts) if i not in self.attributed}

        def run(*values: Any) -> Any:
            attributed, args = values[:n], values[n:]
            rows = attributed[0].shape[0]
            parts = list(self.parts)
            for i, v in zip(self.attributed, attributed, strict=True):
                parts[i] = v
            for i, p in fixed.items():
                parts[i] = p.expand((rows,) + tuple(p.shape[1:])) if rows != p.shape[0] else p
            return output_tensor(self._call(parts, *args))

        return run

    # -- baselines ----------------------------------------------------------------------
    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        return {"zeros": lambda: tuple(torch.zeros_like(p) for p in self.inputs)}

    def _user_baseline(self, name: str, value: Any) -> Any:
        """One baseline per attributed input: a tuple / dict by input name (a number
        fills every input)."""
        refs = self.inputs
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            if not math.isfinite(float(value)):
                raise ValueError(f"baselines={{{name!r}: {value}}} is not finite.")
            return tuple(torch.full_like(r, float(value)) for r in refs)
        if isinstance(value, Mapping):
            missing = [self.names[i] for i in self.attributed if self.names[i] not in value]
            if missing:
                raise ValueError(
                    f"baseline {name!r} has no entry for input(s) {', '.join(missing)}; give "
                    "one baseline per input (a number, or a tensor shaped like that input)."
                )
            items = [value[self.names[i]] for i in self.attributed]
        elif isinstance(value, (tuple, list)) and len(value) == len(refs):
            items = list(value)
        else:
            raise ValueError(
                f"baseline {name!r} must hold one entry per attributed input ({len(refs)}: "
                f"{', '.join(self.names[i] for i in self.attributed)}), as a tuple or a dict "
                "by input name."
            )
        out = []
        for ref, item in zip(refs, items, strict=True):
            if isinstance(item, (int, float, np.number)):
                out.append(torch.full_like(ref, float(item)))
                continue
            b = as_tensor(item, f"baselines[{name!r}]").to(dtype=ref.dtype, device=ref.device)
            if b.shape != ref.shape and b.shape != ref.shape[1:]:
                raise ValueError(
                    f"baseline {name!r} has an entry of shape {tuple(b.shape)} for an input of "
                    f"shape {tuple(ref.shape[1:])}; give the input's shape."
                )
            out.append(b.reshape(ref.shape).clone())
        return tuple(out)

    # -- computing ----------------------------------------------------------------------
    def _display_part(self, i: int, attr: torch.Tensor) -> torch.Tensor:
        """One input's attribution per display feature: pixels (summed over channels)
        or features; a leading node dimension is kept."""
        if self.kinds[i] == "image":
            summed = attr.sum(dim=-3)
            return summed.reshape(summed.shape[: summed.dim() - 2] + (-1,))
        return attr

    def compute(
        self, settings: Settings, progress: Callable[[float], None] | None = None
    ) -> Result:
        self.last_oom = None
        ig = IntegratedGradients(self._watched(self.forward))
        res = ig.attribute_detailed(
            self.inputs,
            baselines=self.baseline(settings.baseline),
            target=self.engine_target(settings.target),
            additional_forward_args=self.args or None,
            trace=True,
            progress=progress,
            **steps_arguments(settings),
        )
        attrs = [a[0].detach() for a in res.attributions]
        shown = [
            _numpy(self._display_part(i, a)).reshape(-1)
            for i, a in zip(self.attributed, attrs, strict=True)
        ]
        tr = res.trace
        integrand = None
        if tr is not None and tr.integrand is not None:
            m = tr.integrand[0].shape[0]
            pieces = []
            for j, i in enumerate(self.attributed):
                node = tr.integrand[j][:, 0].reshape((m,) + tuple(attrs[j].shape))
                pieces.append(_numpy(self._display_part(i, node)).reshape(m, -1))
            integrand = np.concatenate(pieces, axis=1)
        names = self._all_feature_names()
        result = self._result(
            res,
            settings,
            torch.cat([a.reshape(-1) for a in attrs]),
            input_attributions=tuple(attrs),
        )
        result.payload = {
            **self._panels(shown),
            "path_trace": self._trace_payload(res, result, np.concatenate(shown), integrand, names),
            "readout": self._readout(result, settings),
        }
        return result

    def _all_feature_names(self) -> list[str]:
        out = []
        for i in self.attributed:
            if self.kinds[i] == "image":
                w = int(self.parts[i].shape[-1])
                n = int(self.parts[i].shape[-2]) * w
                out += [f"{self.names[i]} {payload.image.pixel_name(k, w)}" for k in range(n)]
            else:
                out += [f"{self.names[i]}: {f}" for f in self.feature_lists[i]]
        return out

    def _panels(self, shown: list[np.ndarray]) -> dict:
        mags = [float(np.abs(s).sum()) for s in shown]
        whole = sum(mags) or 1.0
        panels = []
        for i, s, mag in zip(self.attributed, shown, mags, strict=True):
            if self.kinds[i] == "image":
                h, w = self.parts[i].shape[-2:]
                p = payload.image_payload(self.rgba[i], s.reshape(int(h), int(w)))
            else:
                p = payload.tabular_payload(self.feature_lists[i], _numpy(self.parts[i][0]), s)
            p.update(name=self.names[i], share=mag / whole, sum=float(s.sum()))
            panels.append(p)
        return {
            "kind": "multi",
            "attr": encode_array(np.concatenate(shown).astype(np.float32)),
            "panels": panels,
        }

    def _feature_names(self) -> list[str]:
        return self._all_feature_names()

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        raise NotImplementedError  # compute builds the panels itself
