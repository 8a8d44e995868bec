"""``IGBrowser``: a whole data set in a gallery, one example at a time in ``IGWidget``.

The browser is a ``VBox`` of two parts: the gallery (``GalleryView``, an anywidget) and a
detail area. Opening an example (a click, or ``open_example(i)``) builds an ``IGWidget`` for it
with the browser's model, class names and IGWidget arguments, after closing the previous
one (its worker thread ends) and pausing the gallery's background thumbnails; "back"
closes it again and the gallery is where it was: same filters, sort and page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import torch

from .gallery import GalleryView
from .source import make_source


def _token_strings(tokens: Any, tokenizer: Any) -> Callable[[torch.Tensor], list[str]] | None:
    """ids -> token strings, from ``tokens`` (a callable or a vocabulary) or a tokenizer."""
    if tokens is not None:
        if callable(tokens):
            return lambda ids: [str(s) for s in tokens(ids)]
        if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Sequence | dict):
            raise TypeError(
                "tokens must be a callable ids -> list of token strings, or a vocabulary "
                f"(a list or dict id -> string), got {type(tokens).__name__}."
            )
        vocab = tokens

        def lookup(ids: torch.Tensor) -> list[str]:
            out = []
            for i in ids.reshape(-1).tolist():
                try:
                    out.append(str(vocab[i]))
                except (IndexError, KeyError):
                    out.append(str(i))
            return out

        return lookup
    if tokenizer is not None and hasattr(tokenizer, "convert_ids_to_tokens"):
        return lambda ids: [
            str(s) for s in tokenizer.convert_ids_to_tokens(ids.reshape(-1).tolist())
        ]
    return None


class IGBrowser(widgets.VBox):
    """Browse a data set's predictions and open any example in ``IGWidget``.

    Args:
        model: the ``torch.nn.Module`` (or callable) returning class scores (N, C) or an
            output with ``.logits``; used as is, never changed.
        dataset: a torch ``Dataset`` (items ``x`` or ``(x, y)``), a ``DataLoader``, a
            tensor or numpy batch (N, ...), a pandas ``DataFrame`` (one numeric column
            per feature; column names become feature names), or a results directory of
            ``ig_widget.attribute_dataset`` (its path, or ``open_results(path)``) written
            with ``store_inputs=True``: thumbnails then show the stored attributions
            (nothing recomputed; predictions still take one forward pass).
        labels: true class per example (a sequence or tensor), or for a DataFrame the
            name of its label column; default: the ``y`` the dataset yields, if any.
        class_names: labels of the outputs (a list, or a dict index -> label).
        tokens: text: a callable ``ids -> list[str]`` or a vocabulary (list or dict
            id -> token string); default ``tokenizer`` (from ``widget_kwargs``), else ids.
        feature_names: tabular column names (default: the DataFrame's columns).
        page_size: cards per page (default 48).
        thumb_steps: integration steps of the attribution thumbnails (default 16).
        attr_thumbnails: compute attribution thumbnails for the page shown (default True).
        batch_size: examples per forward pass of the prediction pass (default 256).
        modality: "image", "text" or "tabular" when it cannot be inferred.
        **widget_kwargs: passed to every ``IGWidget`` opened (``n_steps``, ``method``,
            ``baselines``, ``layer``, ``pad_token_id``, ``tokenizer``, ``background``...).

    ``b.gallery`` holds the gallery's traits (``sort_by``, ``misclassified``,
    ``true_class``, ``predicted_class``, ``page``...), ``b.detail`` the open ``IGWidget``
    or None; ``b.open_example(i)`` / ``b.back()`` do what a click does; ``b.wait()`` blocks until
    the predictions are in; ``b.close()`` stops every thread.
    """

    def __init__(
        self,
        model: Any,
        dataset: Any,
        labels: Any = None,
        class_names: Any = None,
        *,
        tokens: Any = None,
        feature_names: Sequence[str] | None = None,
        page_size: int = 48,
        thumb_steps: int = 16,
        attr_thumbnails: bool = True,
        batch_size: int = 256,
        modality: str | None = None,
        **widget_kwargs: Any,
    ) -> None:
        if "additional_forward_args" in widget_kwargs:
            raise ValueError(
                "IGBrowser runs the model as model(x) for the whole data set; "
                "additional_forward_args is not supported here: wrap the model, e.g. "
                "lambda x: model(x, extra), or use IGWidget for one example."
            )
        for name in ("x", "target", "feature_names", "tokens", "class_names"):
            if name in widget_kwargs:
                raise TypeError(f"IGBrowser: {name}= is set per example; do not pass it.")
        source = make_source(dataset, labels, modality)
        if feature_names is not None:
            source.feature_names = [str(n) for n in feature_names]
        self._model = model
        self._class_names = class_names
        self._widget_kwargs = dict(widget_kwargs)
        if modality is not None:
            self._widget_kwargs["modality"] = modality
        self._token_strings = _token_strings(tokens, widget_kwargs.get("tokenizer"))
        pad = widget_kwargs.get("pad_token_id")
        tokenizer = widget_kwargs.get("tokenizer")
        if pad is None and tokenizer is not None:
            pad = getattr(tokenizer, "pad_token_id", None)
        self.gallery = GalleryView(
            model,
            source,
            class_names=class_names,
            token_strings=self._token_strings,
            layer=widget_kwargs.get("layer"),
            pad_token_id=pad,
            thumb_steps=thumb_steps,
            batch_size=batch_size,
            page_size=page_size,
            attr_thumbnails=attr_thumbnails,
        )
        self.source = source
        #: the open single-example view, or None
        self.detail: Any = None
        self._detail_box = widgets.VBox()
        self._detail_box.add_class("igb-detail")
        super().__init__([self.gallery, self._detail_box])
        self.add_class("igb-browser")
        self.gallery.observe(self._on_opened, "opened")

    # ------------------------------------------------------------ public helpers
    def wait(self, timeout: float | None = None) -> None:
        """Block until every example has its prediction; raise if the pass failed."""
        self.gallery.wait(timeout)

    def open_example(self, index: int) -> Any:
        """Open example ``index`` in an ``IGWidget`` (as a click on its card does)."""
        self.gallery.opened = int(index)
        if self.detail is None:
            raise RuntimeError(self.gallery.error or f"example {index} could not be opened.")
        return self.detail

    def back(self) -> None:
        """Close the open example and show the gallery where it was."""
        self.gallery.opened = -1

    def close(self) -> None:
        self._close_detail()
        for part in (self.__dict__.get("gallery"), self.__dict__.get("_detail_box")):
            if part is not None:
                part.close()
        super().close()

    def __repr__(self) -> str:
        g = self.gallery
        return (
            f"IGBrowser({g.modality}, {g.n_examples} examples, status={g.status!r}, "
            f"opened={g.opened})"
        )

    # ------------------------------------------------------------ open / back
    def _example_kwargs(self, x: torch.Tensor) -> dict:
        kw = dict(self._widget_kwargs)
        stored = getattr(self.source, "settings", None)
        if stored:  # a results directory: open with the settings it was computed with
            if isinstance(stored.get("n_steps"), int) and not isinstance(stored["n_steps"], bool):
                kw.setdefault("n_steps", stored["n_steps"])
            if isinstance(stored.get("method"), str):
                kw.setdefault("method", stored["method"])
        kw["class_names"] = self.gallery.class_names or self._class_names
        modality = self.gallery.modality
        if modality == "tabular" and self.source.feature_names is not None:
            kw["feature_names"] = self.source.feature_names
        if modality == "text" and self._token_strings is not None:
            kw["tokens"] = self._token_strings(x)
        return kw

    def _close_detail(self) -> None:
        detail = self.__dict__.get("detail")
        self.detail = None
        if detail is not None:
            detail.close()
        box = self.__dict__.get("_detail_box")
        if box is not None:
            box.children = ()

    def _on_opened(self, change: Any) -> None:
        from ..widget import IGWidget

        self._close_detail()
        index = change["new"]
        if index < 0:
            self.gallery.resume_thumbnails()
            return
        self.gallery.pause_thumbnails()
        try:
            x = self.source.get([index])[0]
            w = IGWidget(self._model, x, **self._example_kwargs(x))
        except Exception as e:  # noqa: BLE001 - shown in the gallery, the browser lives on
            self.gallery.set_trait("error", f"example {index} could not be opened: {e}")
            self.gallery.opened = -1
            return
        self.gallery.set_trait("error", "")
        self.detail = w
        self._detail_box.children = (w,)
