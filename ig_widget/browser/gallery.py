"""``GalleryView``: the gallery of a whole data set, one page at a time.

The traits below are the contract with ``js/browser/gallery.js``. The front end writes
the controls (sort, filters, page, ``opened``); the kernel answers with one page of cards
(``_items``, thumbnails as binary buffers), the counts and the confusion matrix. The
whole set is never sent: a page is ``page_size`` cards.

Work off the kernel's message loop: the prediction pass (one thread, started by the
constructor, ``progress`` after every batch) and the attribution thumbnails of the page
on screen (``ThumbWorker``: the newest page replaces older requests). Every trait change
runs under one re-entrant lock, so the front end sees each page as one update.
"""

from __future__ import annotations

import pathlib
import threading
import time
from collections.abc import Callable
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets as t

from .._serialize import encode_array
from ..widget import _static
from . import table
from .attr_thumbs import ThumbWorker, attribution_thumbs, reduce_attributions
from .predict import Cancelled, predict
from .source import ResultsSource, Source
from .thumbs import image_thumb, tabular_snippet, text_snippet

_STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"
_ESM_FILE = _STATIC / "browser.js"
_CSS_FILE = _STATIC / "browser.css"
_MISSING_ESM = """
export default {
  render({ el }) {
    el.textContent = "ig_widget: the front-end bundle ig_widget/static/browser.js is missing; " +
      "build it with `npm run build`.";
  },
};
"""
STATUSES = ("predicting", "ready", "error")
MAX_PAGE_SIZE = 500
#: traits that change which examples are shown, in which order
VIEW_TRAITS = (
    "sort_by",
    "descending",
    "misclassified",
    "true_class",
    "predicted_class",
    "page_size",
)
#: the least time between two progress updates sent to the front end
PROGRESS_EVERY_S = 0.1


def _check_labels(labels: np.ndarray | None, probs: np.ndarray) -> None:
    if labels is None:
        return
    if len(labels) != len(probs):
        raise ValueError(
            f"labels hold {len(labels)} entries for {len(probs)} examples; pass one class "
            "index per example."
        )
    if len(labels) and labels.max() >= probs.shape[1]:
        raise ValueError(
            f"labels hold class {int(labels.max())}, but the model has only {probs.shape[1]} "
            "outputs."
        )


class GalleryView(anywidget.AnyWidget):
    """A page of example cards with the true label, the prediction and its probability;
    sorting, filters, a confusion matrix and attribution thumbnails. Built by
    ``IGBrowser``; use that."""

    _esm = _static(_ESM_FILE) if _ESM_FILE.is_file() else _MISSING_ESM
    if _CSS_FILE.is_file():
        _css = _static(_CSS_FILE)

    # ---------------------------------------------------------------- controls
    sort_by = t.Enum(
        table.SORT_KEYS,
        default_value="index",
        help="'index' | 'loss' | 'confidence' | 'margin', default 'index': the card order.",
    ).tag(sync=True)
    descending = t.Bool(False, help="bool, default False: largest first.").tag(sync=True)
    misclassified = t.Bool(
        False, help="bool, default False: show only examples whose prediction is wrong."
    ).tag(sync=True)
    true_class = t.Int(-1, help="int, default -1 (any): show only this true class.").tag(sync=True)
    predicted_class = t.Int(-1, help="int, default -1 (any): show only this predicted class.").tag(
        sync=True
    )
    page = t.Int(0, help="int >= 0, default 0: the page shown (clamped to the last).").tag(
        sync=True
    )
    page_size = t.Int(
        48, min=1, max=MAX_PAGE_SIZE, help="int 1..500, default 48: cards per page."
    ).tag(sync=True)
    opened = t.Int(
        -1, help="int, default -1: the example open in the single-example view, -1 for none."
    ).tag(sync=True)
    attr_thumbnails = t.Bool(
        True, help="bool, default True: compute attribution thumbnails for the page shown."
    ).tag(sync=True)

    # ------------------------------------------------------------ read-only state
    status = t.Enum(STATUSES, default_value="predicting", read_only=True).tag(sync=True)
    progress = t.Float(0.0, read_only=True, help="float 0..1: the prediction pass.").tag(sync=True)
    error = t.Unicode("", read_only=True, help="str: the last failure, '' when none.").tag(
        sync=True
    )
    modality = t.Unicode("", read_only=True).tag(sync=True)
    class_names = t.List(t.Unicode(), read_only=True).tag(sync=True)
    has_labels = t.Bool(False, read_only=True).tag(sync=True)
    n_examples = t.Int(0, read_only=True, help="int: examples in the data set.").tag(sync=True)
    n_shown = t.Int(0, read_only=True, help="int: examples that pass the filters.").tag(sync=True)
    n_pages = t.Int(1, read_only=True).tag(sync=True)
    accuracy = t.Float(
        -1.0, read_only=True, help="float: fraction correct, -1 without labels."
    ).tag(sync=True)
    confusion = t.List(
        t.List(t.Int()), read_only=True, help="C x C counts: row true, column predicted."
    ).tag(sync=True)
    thumb_note = t.Unicode("", read_only=True).tag(sync=True)

    # ---------------------------------------------------------------- internal
    _items = t.List(t.Dict(), help="the cards of the page shown.").tag(sync=True)
    _attr_thumbs = t.Dict(help="str(index) -> array record in [-1, 1], for cards shown.").tag(
        sync=True
    )

    def __init__(
        self,
        model: Any,
        source: Source,
        class_names: list[str] | None = None,
        token_strings: Callable[[torch.Tensor], list[str]] | None = None,
        layer: Any = None,
        pad_token_id: int | None = None,
        thumb_steps: int = 16,
        batch_size: int = 256,
        **kwargs: Any,
    ) -> None:
        self._lock = threading.RLock()
        self._model = model
        self._source = source
        self._names_given = class_names
        self._token_strings = token_strings
        self._layer = layer
        self._pad_token_id = pad_token_id
        self._in_refresh = False
        self._thumb_steps = int(thumb_steps)
        self._batch_size = int(batch_size)
        self.scores: table.Scores | None = None
        #: example indices on the current page, in the order shown
        self.page_indices = np.zeros(0, dtype=np.int64)
        self._stop = threading.Event()
        self._thumb_generation = 0
        self._thumbs: ThumbWorker | None = None
        super().__init__(**kwargs)
        self.set_trait("modality", source.modality)
        self._predictor = threading.Thread(
            target=self._predict, name=f"ig_widget-predict-{self.model_id}", daemon=True
        )
        self._ready = threading.Event()
        self._predictor.start()

    # ------------------------------------------------------------ public helpers
    def wait(self, timeout: float | None = None) -> None:
        """Block until the prediction pass has finished; raise its error if it failed."""
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the prediction pass did not finish in {timeout} s.")
        if self.status == "error":
            raise RuntimeError(self.error)

    @property
    def thumbs(self) -> ThumbWorker | None:
        """The attribution-thumbnail worker (None until predictions are ready)."""
        return self._thumbs

    def pause_thumbnails(self) -> None:
        """Stop background thumbnails (while an example is open), drop them from the
        page, and wait for the chunk in progress to end."""
        if self._thumbs is None:
            return
        with self._lock:
            self._thumb_generation = -1  # a chunk still running publishes nothing
            self._thumbs.cancel()
            self.set_trait("_attr_thumbs", {})
        self._thumbs.wait_idle(60)

    def resume_thumbnails(self) -> None:
        with self._lock:
            self._request_thumbs()

    def close(self) -> None:
        self._stop.set()
        thumbs = self.__dict__.get("_thumbs")
        if thumbs is not None:
            thumbs.close()
        predictor = self.__dict__.get("_predictor")
        if predictor is not None and predictor is not threading.current_thread():
            predictor.join(timeout=30)
        super().close()

    # ------------------------------------------------------------ prediction pass
    def _predict(self) -> None:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or done >= total:
                last[0] = now
                with self._lock:
                    self.set_trait("progress", min(1.0, done / max(total, 1)))

        try:
            self._predict_and_publish(progress)
        except Cancelled:
            pass
        except Exception as e:  # noqa: BLE001 - shown in the widget, raised by wait()
            with self._lock, self.hold_sync():
                self.set_trait("error", f"{type(e).__name__}: {e}")
                self.set_trait("status", "error")
        finally:
            self._ready.set()

    def _predict_and_publish(self, progress: Callable[[int, int], None]) -> None:
        probs = predict(self._model, self._source, self._batch_size, progress, self._stop)
        labels = self._source.labels
        _check_labels(labels, probs)
        scores = table.scores(probs, labels)
        names = self._class_names(scores.n_classes)
        with self._lock:
            if self._stop.is_set():
                return
            self.scores = scores
            with self.hold_sync():
                self.set_trait("modality", self._source.modality)  # a loader's is known now
                self.set_trait("class_names", names)
                self.set_trait("n_examples", len(scores))
                self.set_trait("has_labels", scores.labels is not None)
                if scores.labels is not None:
                    self.set_trait("accuracy", float(np.mean(scores.predicted == scores.labels)))
                    self.set_trait("confusion", table.confusion(scores).tolist())
                self.set_trait("thumb_note", self._thumb_note())
                self.set_trait("progress", 1.0)
                self._refresh()
                self._thumbs = ThumbWorker(
                    self._compute_thumbs,
                    self._publish_thumbs,
                    self._thumbs_failed,
                    name=f"ig_widget-thumbs-{self.model_id}",
                )
                self._request_thumbs()
                self.set_trait("status", "ready")

    def _thumb_note(self) -> str:
        if isinstance(self._source, ResultsSource):
            st = self._source.settings
            return (
                f"attribution thumbnails: stored results (target {st.get('target', '?')}, "
                f"{st.get('n_steps', '?')} steps, {st.get('method', '?')})"
            )
        return f"attribution thumbnails: predicted class, zero baseline, {self._thumb_steps} steps"

    def _class_names(self, n: int) -> list[str]:
        given = self._names_given
        if given is None:
            return [str(i) for i in range(n)]
        if isinstance(given, dict):
            return [str(given.get(i, i)) for i in range(n)]
        names = [str(c) for c in given]
        if len(names) < n:
            raise ValueError(
                f"class_names has {len(names)} names but the model has {n} outputs; give "
                "one name per output."
            )
        return names[:n]

    # ------------------------------------------------------------ view and pages
    def view_indices(self) -> np.ndarray:
        """All example indices that pass the filters, in the order shown."""
        if self.scores is None:
            return np.zeros(0, dtype=np.int64)
        chosen = table.select(
            self.scores, self.misclassified, self.true_class, self.predicted_class
        )
        return table.order(self.scores, chosen, self.sort_by, self.descending)

    def _refresh(self) -> None:
        """Send the current page (call with the lock held)."""
        if self.scores is None or self._in_refresh:
            return
        self._in_refresh = True
        try:
            self._send_page()
        finally:
            self._in_refresh = False

    def _send_page(self) -> None:
        view = self.view_indices()
        start, stop, page = table.page_slice(len(view), self.page, self.page_size)
        self.page_indices = view[start:stop]
        with self.hold_sync():
            self.set_trait("n_shown", int(len(view)))
            self.set_trait("n_pages", max(1, -(-len(view) // self.page_size)))
            if page != self.page:
                self.page = page
            self.set_trait("_items", self._cards(self.page_indices))
            self._request_thumbs()

    def _cards(self, indices: np.ndarray) -> list[dict]:
        s = self.scores
        if s is None or len(indices) == 0:
            return []
        x = self._source.get(indices)
        cards = []
        for row, i in enumerate(indices):
            i = int(i)
            card: dict[str, Any] = {
                "index": i,
                "label": -1 if s.labels is None else int(s.labels[i]),
                "predicted": int(s.predicted[i]),
                "prob": float(s.confidence[i]),
                "margin": float(s.margin[i]),
                "loss": None if s.loss is None else float(s.loss[i]),
            }
            if self.modality == "image":
                card["thumb"] = encode_array(image_thumb(x[row]))
            elif self.modality == "text":
                card["tokens"] = text_snippet(self._tokens_of(x[row]))
            else:
                names = self._source.feature_names or [f"x{j}" for j in range(x.shape[-1])]
                card["cells"] = tabular_snippet(names, x[row].reshape(-1).float().cpu().numpy())
            cards.append(card)
        return cards

    def _tokens_of(self, ids: torch.Tensor) -> list[str]:
        kept = self._kept_tokens(ids)
        strings = self._token_strings(ids.reshape(-1)) if self._token_strings else None
        if strings is None:
            strings = [str(int(v)) for v in ids.reshape(-1)]
        return [strings[k] for k in kept]

    def _kept_tokens(self, ids: torch.Tensor) -> np.ndarray:
        flat = ids.reshape(-1).cpu().numpy()
        pad = self._pad_token_id
        return np.flatnonzero(flat != pad) if pad is not None else np.arange(len(flat))

    # ------------------------------------------------------------ thumbnails
    def _request_thumbs(self) -> None:
        if self._thumbs is None:
            return
        if not self.attr_thumbnails or self.opened >= 0:
            self._thumbs.cancel()
            self.set_trait("_attr_thumbs", {})
            return
        shown = self._thumbs.cached(self.page_indices)
        self.set_trait("_attr_thumbs", {str(i): encode_array(a) for i, a in shown.items()})
        self._thumb_generation = self._thumbs.request(self.page_indices)

    def _compute_thumbs(self, indices: np.ndarray) -> list[np.ndarray]:
        s = self.scores
        x = self._source.get(indices)
        keep = None
        if self.modality == "text":
            keep = [self._kept_tokens(row) for row in x]
        if isinstance(self._source, ResultsSource):  # stored: nothing to compute
            return reduce_attributions(self.modality, self._source.attributions(indices), keep)
        return attribution_thumbs(
            self._model,
            self.modality,
            x,
            s.predicted[indices],
            n_steps=self._thumb_steps,
            layer=self._layer,
            keep=keep,
        )

    def _publish_thumbs(self, generation: int, found: dict[int, np.ndarray]) -> None:
        with self._lock:
            if generation != self._thumb_generation or self._stop.is_set():
                return
            merged = dict(self._attr_thumbs)
            merged.update({str(i): encode_array(a) for i, a in found.items()})
            self.set_trait("_attr_thumbs", merged)

    def _thumbs_failed(self, e: BaseException) -> None:
        with self._lock:
            self.set_trait("thumb_note", f"attribution thumbnails failed: {type(e).__name__}: {e}")

    # ------------------------------------------------------------ observers
    @t.validate("true_class", "predicted_class")
    def _valid_class(self, proposal: Any) -> int:
        v = proposal["value"]
        n = len(self.class_names)
        if v < -1 or (n and v >= n):
            name = proposal["trait"].name
            raise t.TraitError(f"{name}={v} is not a class; use -1 (any) or 0..{n - 1}.")
        if proposal["trait"].name == "true_class" and v >= 0 and self.scores is not None:
            if self.scores.labels is None:
                raise t.TraitError("true_class needs labels; pass labels= to IGBrowser.")
        return v

    @t.validate("misclassified")
    def _valid_misclassified(self, proposal: Any) -> bool:
        if proposal["value"] and self.scores is not None and self.scores.labels is None:
            raise t.TraitError("misclassified needs labels; pass labels= to IGBrowser.")
        return proposal["value"]

    @t.validate("sort_by")
    def _valid_sort(self, proposal: Any) -> str:
        if proposal["value"] == "loss" and self.scores is not None and self.scores.labels is None:
            raise t.TraitError("sort_by='loss' needs labels; pass labels= to IGBrowser.")
        return proposal["value"]

    @t.validate("opened")
    def _valid_opened(self, proposal: Any) -> int:
        v = proposal["value"]
        if v == -1:
            return v
        if self.scores is None:
            raise t.TraitError("opened: the prediction pass is still running; wait for it.")
        if not 0 <= v < len(self.scores):
            raise t.TraitError(f"opened={v} is not an example index (0..{len(self.scores) - 1}).")
        return v

    @t.observe(*VIEW_TRAITS)
    def _on_view(self, change: Any) -> None:
        with self._lock:
            if self.page != 0:
                self.page = 0  # the page observer refreshes
            else:
                self._refresh()

    @t.observe("page")
    def _on_page(self, change: Any) -> None:
        with self._lock:
            self._refresh()

    @t.observe("attr_thumbnails")
    def _on_attr_thumbnails(self, change: Any) -> None:
        with self._lock:
            self._request_thumbs()
