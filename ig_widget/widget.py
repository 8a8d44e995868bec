"""``IGWidget``: Integrated Gradients of a live PyTorch model, recomputed as controls move.

The traits below are the contract with the front end (docs/architecture.md). Control
traits that change the computation (``n_steps``, ``method``, ``baseline``, ``path``,
``target``) schedule one request on the widget's worker (``_runner.py``); display traits
(``sign``, ``colormap``, ``opacity``, ``clip_percentile``, ``top_k``) only redraw in the
front end. No torch math happens here.

Threading: every trait change, from the front end, from Python, or from the worker,
runs under one re-entrant lock (``SyncLock``), so observers see consistent settings and
the front end gets each result as one update.

The front end may write only the traits declared here that are not ``read_only``
(``FRONT_END_TRAITS``); the limits and the version it shows come from the kernel
(``max_steps``, ``_version``), so each constant has one source.
"""

from __future__ import annotations

import os
import pathlib
import time
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from . import __version__
from ._colormaps import colormaps
from ._runner import Job, Runner, SyncLock
from .explore import compare_models
from .explore import pins as pins_lib
from .explore.convergence import convergence_figure
from .explore.display import default_clip_percentile, display_count
from .explore.image_paths import GROUPED_PATHS, SEGMENTS
from .explore.scrubber import check_alpha
from .explore.scrubber import scrub_point as _scrub_point
from .modality import METHOD_OPTIONS, Result, Settings, make_explainer, plain_int
from .modality import distribution as dist
from .modality.image import with_segments

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_STATIC = pathlib.Path(__file__).parent / "static"
_ESM_FILE = _STATIC / "widget.js"
_CSS_FILE = _STATIC / "widget.css"

#: shown instead of the widget when the front-end bundle was not built
_MISSING_ESM = """
export default {
  render({ el }) {
    el.textContent = "ig_widget: the front-end bundle ig_widget/static/widget.js is missing; " +
      "build it with `npm run build` (the Python side still works: see widget.result).";
  },
};
"""


def _static(path: pathlib.Path) -> pathlib.Path | str:
    """What ``_esm``/``_css`` point at: the file itself with hot reload on
    (``ANYWIDGET_HMR=1``, development), else its text. anywidget connects every instance
    to a file's change signal through a strong reference, which would keep every widget,
    and the model it holds, alive after ``close()``; plain text has no such signal."""
    if os.environ.get("ANYWIDGET_HMR") == "1":
        return path
    text = path.read_text(encoding="utf-8")
    return text if "\n" in text else text + "\n"  # one line could pass for a file name


SIGNS = ("signed", "positive", "negative", "absolute")
#: the most steps the widget computes (each is one forward and backward pass)
MAX_STEPS = 2000
STATUSES = ("idle", "running", "error")
#: traits that schedule a computation
COMPUTE_TRAITS = (
    "n_steps",
    "method",
    "baseline",
    "path",
    "target",
    "generation_step",
    "steps_auto",
    "auto_tol",
    "model_choice",
    "distribution",
    "samples",
    "noise",
    "patch_size",
)
#: traits that change the static picture a displayed widget keeps in its output
PICTURE_TRAITS = ("note", "sign", "colormap", "opacity", "clip_percentile", "top_k")


class IGWidget(anywidget.AnyWidget):
    """Integrated Gradients of ``model`` on one example ``x``, live in the notebook.

    Args:
        model: a ``torch.nn.Module`` (or callable) returning logits ``(1, n_classes)``
            or one value per example ``(1,)``. It is used as is: its mode, hooks, grads
            and ``requires_grad`` flags are never changed.
        x: one example: a float image (C, H, W), integer token ids (T,), or a float
            feature vector (F,); a leading batch dimension of 1 is accepted.
        target: class to explain (an index, or a label such as "positive" or " Paris");
            None picks the top predicted class.
        baselines: a tensor, or a dict ``{name: tensor}``, listed before the built-in
            baselines (image: zero, blur, noise, mean colour; text: pad, zero embedding;
            tabular: zeros, background mean). Text baselines are embeddings (T, D) or
            token ids (T,).
        n_steps, method, path: the initial integration settings (see the traits).
        modality: "image", "text" or "tabular" when it cannot be inferred from ``x``.
        feature_names: tabular column names (one per feature).
        tokens: text token strings (one per id); else from ``tokenizer``, else the ids.
        layer: text: the module whose output is attributed (default: the first
            ``nn.Embedding``).
        additional_forward_args: extra arguments passed to the model after ``x``.
        class_names: labels of the outputs (a list, or a dict index -> label).
        pad_token_id: text: the id behind the "pad" baseline (default
            ``tokenizer.pad_token_id``).
        tokenizer: text: used for token strings and the pad id.
        background: examples shaped like ``x`` with a batch first: tabular rows (B, F)
            (their mean is also the "background mean" baseline), images (B, C, H, W), or
            token ids (B, T) of the input's length; Expected Gradients draws its
            baselines from them (``distribution``).
        output_activation: "softmax" | "sigmoid" | "none": how the scores next to each
            class are computed (default: guessed from the model; see ``top_classes``).
        mean, std: image: per-channel normalisation of ``x`` (e.g. an image processor's
            ``image_mean`` / ``image_std``), undone for the picture under the heatmap.
        generate_steps: causal language models: continue the prompt greedily by this many
            tokens; ``generation_step`` picks which generated token is explained.
        compare_model: a second model with the same input and outputs (e.g. another
            checkpoint), or a ``(label, model)`` pair; ``model_choice = "compare"`` (the
            "model" control) computes the same settings on it, so pins can hold results
            of both. Its label defaults to its class name. Built with the same arguments
            as ``model`` (text: each model's own embedding layer, so no ``layer=``).
        segments: images: an integer label map (H, W), one group label per pixel (e.g.
            superpixels from ``skimage.segmentation.slic``, or a hand-made mask; labels
            need not be contiguous, at most 256 groups). The extremal and all-orderings
            paths move these groups instead of a grid of patches, and the "per patch"
            display sums the attribution over them (``patch_size = -1``, the default
            then; the grid sizes stay offered).

    ``x`` may also be a string (with ``tokenizer=``), a tokenizer's encoding (every entry
    goes to the model by keyword), a pandas Series or one-row DataFrame, or a numpy array.

    ``w.result`` is the latest finished ``Result``; ``w.wait()`` blocks until the result
    for the current settings is ready; ``w.last_exception`` is the exception behind the
    latest ``error``; ``w.refresh()`` computes again after the model was fixed.

    Bad arguments raise here (``TypeError``/``ValueError``/``TraitError`` naming the fix);
    later failures (a bad value from the controls, the model raising, out of memory) end
    in ``status == "error"`` with the message in ``error``, the last good result stays
    on screen, and the next change computes again.
    """

    _esm = _static(_ESM_FILE) if _ESM_FILE.is_file() else _MISSING_ESM
    if _CSS_FILE.is_file():
        _css = _static(_CSS_FILE)

    # ---------------------------------------------------------------- controls
    n_steps = t.Int(
        50,
        help="int 1..max_steps, default 50: quadrature nodes (gradient evaluations) along "
        "the path.",
    ).tag(sync=True)
    method = t.Unicode(
        "gausslegendre",
        help="str, one of method_options, default 'gausslegendre': the quadrature rule.",
    ).tag(sync=True)
    baseline = t.Unicode(
        "",
        help="str, one of baseline_options, default the first: the reference input x'.",
    ).tag(sync=True)
    path = t.Unicode(
        "straight",
        help="str, one of path_options, default 'straight': the path from x' to x "
        "(tabular also offers 'extremal' and 'all_orderings').",
    ).tag(sync=True)
    target = t.Int(
        0,
        help="int, default the top predicted class: the output index explained.",
    ).tag(sync=True)
    sign = t.Enum(
        SIGNS,
        default_value="signed",
        help="'signed' | 'positive' | 'negative' | 'absolute', default 'signed': which "
        "attributions are drawn (display only).",
    ).tag(sync=True)
    colormap = t.Unicode(
        "RdBu_r",
        help="str, a key of _colormaps, default 'RdBu_r': colours (display only).",
    ).tag(sync=True)
    opacity = t.Float(
        0.6,
        min=0.0,
        max=1.0,
        help="float 0..1, default 0.6: heatmap opacity over the image (display only).",
    ).tag(sync=True)
    clip_percentile = t.Float(
        99.0,
        min=50.0,
        max=100.0,
        help="float 50..100, default 99 (80 for inputs of fewer than 50 tokens, features or "
        "pixels, so one strong value does not leave the rest uncoloured): |attribution| "
        "percentile mapped to full colour; larger values saturate (display only).",
    ).tag(sync=True)
    top_k = t.Int(
        10,
        min=1,
        help="int >= 1, default 10: tabular rows shown (display only).",
    ).tag(sync=True)
    debounce_ms = t.Int(
        150,
        min=0,
        help="int >= 0, default 150: front-end delay before a slider change is sent.",
    ).tag(sync=True)
    note = t.Unicode(
        "",
        help="str, default '': the user's note on what the result shows; kept in the "
        "notebook and written into every export and the static picture.",
    ).tag(sync=True)

    # ------------------------------------------------------------ read-only state
    max_steps = t.Int(
        MAX_STEPS,
        read_only=True,
        help=f"int, {MAX_STEPS}: the largest n_steps the widget computes (the slider's end).",
    ).tag(sync=True)
    status = t.Enum(
        STATUSES,
        default_value="running",
        read_only=True,
        help="'idle' | 'running' | 'error': what the worker is doing.",
    ).tag(sync=True)
    progress = t.Float(
        0.0,
        read_only=True,
        help="float 0..1: fraction of the current computation done.",
    ).tag(sync=True)
    error = t.Unicode(
        "",
        read_only=True,
        help="str: message of the last failure, '' when none.",
    ).tag(sync=True)
    warning = t.Unicode(
        "",
        read_only=True,
        help="str: non-fatal notes (e.g. model in training mode, all-zero gradients).",
    ).tag(sync=True)
    modality = t.Unicode(
        read_only=True,
        help="'image' | 'text' | 'tabular': the kind of input.",
    ).tag(sync=True)
    method_options = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the methods the select offers.",
    ).tag(sync=True)
    baseline_options = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the baselines the select offers.",
    ).tag(sync=True)
    path_options = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the paths the select offers.",
    ).tag(sync=True)
    top_classes = t.List(
        t.Dict(),
        read_only=True,
        help="list of {'index': int, 'label': str, 'prob': float}: the top-5 predicted "
        "classes with softmax probabilities.",
    ).tag(sync=True)
    computable = t.Bool(
        True,
        read_only=True,
        help="bool: False for a result shown without its model (IGWidget.load, "
        "IGWidget.from_attributions); the front end then disables the compute controls.",
    ).tag(sync=True)

    generation_step = t.Int(
        0,
        help="int, default 0: with generate_steps, which generated token is explained "
        "(0: the one right after the prompt); set target to that token too.",
    ).tag(sync=True)
    generated_tokens = t.List(
        t.Dict(),
        read_only=True,
        help="list of {'index', 'label', 'position'}: the tokens generate_steps produced.",
    ).tag(sync=True)
    class_labels = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the label of every output, for the searchable target picker.",
    ).tag(sync=True)

    # ------------------------------------------------ exploring settings (controls)
    steps_auto = t.Bool(
        False,
        help="bool, default False: 'steps: auto': Gauss-Legendre panels refined until the "
        "completeness error is under auto_tol; n_steps is then the most steps to spend.",
    ).tag(sync=True)
    auto_tol = t.Float(
        0.01,
        min=1e-6,
        max=0.5,
        help="float 1e-6..0.5, default 0.01: with steps_auto, the allowed completeness "
        "error as a fraction of |F(x) - F(x')|.",
    ).tag(sync=True)

    model_choice = t.Unicode(
        "main",
        help="'main' | 'compare', default 'main': which model is explained; 'compare' "
        "needs compare_model=. Labels in model_labels.",
    ).tag(sync=True)

    distribution = t.Unicode(
        "none",
        help="'none' | 'smoothgrad' | 'expected_gradients' (one of distribution_options), "
        "default 'none': average straight-line IG over noisy copies of x (SmoothGrad) or "
        "over baselines drawn from background= (Expected Gradients); the view then also "
        "shows the spread (std across samples).",
    ).tag(sync=True)
    samples = t.Int(
        dist.DEFAULT_SAMPLES,
        help=f"int 2..{dist.MAX_SAMPLES}, default {dist.DEFAULT_SAMPLES}: the distribution's "
        "samples (Expected Gradients: baselines drawn; at least the background's size uses "
        "every row once).",
    ).tag(sync=True)
    noise = t.Float(
        dist.DEFAULT_NOISE,
        min=0.0,
        max=1.0,
        help=f"float 0..1, default {dist.DEFAULT_NOISE}: SmoothGrad's noise standard deviation "
        "as a fraction of the input's range (max - min of x).",
    ).tag(sync=True)
    patch_size = t.Int(
        0,
        help="int, one of patch_size_options (images; default the 4 x 4 grid's size, or -1 "
        "with segments=): the patch size in pixels of the extremal and all-orderings paths, "
        "-1 for the given segments.",
    ).tag(sync=True)

    patch_display = t.Bool(
        False,
        help="bool, default False: images: draw the attribution summed per patch of the "
        "patch_size grid, or per given segment (display only).",
    ).tag(sync=True)

    # ------------------------------------------- exploring settings (read-only)
    distribution_options = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the distributions offered ('expected_gradients' needs background=).",
    ).tag(sync=True)
    patch_size_options = t.List(
        t.Int(),
        read_only=True,
        help="list[int]: the patch sizes (pixels) offered for images, the default first "
        "(-1 first with segments=: the given segments); empty for other inputs.",
    ).tag(sync=True)
    model_labels = t.Dict(
        read_only=True,
        help="{'main': label, 'compare': label} with compare_model= (class names unless "
        "given), else {}; results' readouts and pins say their model's label.",
    ).tag(sync=True)
    forward_only_paths = t.List(
        t.Unicode(),
        read_only=True,
        help="list[str]: the paths computed with forward passes only (extremal, all "
        "orderings): n_steps and method do not apply to them.",
    ).tag(sync=True)
    pins = t.List(
        t.Dict(),
        read_only=True,
        help="list of pinned results drawn beside the current one ({'id', 'kind', 'attr', "
        "'readout', ...}, see explore/pins.py); w.pin() / w.unpin(id), or the pin button.",
    ).tag(sync=True)
    scrub_point = t.Dict(
        read_only=True,
        help="the alpha scrubber's point: {'alpha', 'output', 'grad', and 'image' | 'mix' | "
        "'values'} (see explore/scrubber.py); w.scrub(alpha) or the slider under the view.",
    ).tag(sync=True)
    convergence = t.Dict(
        read_only=True,
        help="delta against n_steps per method for the current baseline and target "
        "({'curves': {method: [[n, relative error], ...]}, 'n_evals', ...}, see "
        "explore/convergence.py); w.convergence_curve() or the button in the widget.",
    ).tag(sync=True)

    # ---------------------------------------------------------------- internal
    _colormaps = t.Dict(
        read_only=True,
        help="name -> {'kind': 'diverging' | 'sequential', 'lut': 768 bytes}.",
    ).tag(sync=True)
    _payload = t.Dict(
        read_only=True,
        help="the latest finished result, for drawing (see the contract).",
    ).tag(sync=True)
    _provisional = t.Bool(
        False,
        read_only=True,
        help="True while _payload is a coarse result that a finer one will replace.",
    ).tag(sync=True)
    _request_id = t.Int(
        0,
        read_only=True,
        help="id of the request _payload answers; increases with every request.",
    ).tag(sync=True)
    _version = t.Unicode(
        __version__,
        read_only=True,
        help="the package's version, shown by the front end (one source: the package).",
    ).tag(sync=True)
    _comm_id = t.Unicode(
        "",
        read_only=True,
        help="the widget's model id: the front end looks its own model up by it to see "
        "whether a kernel is connected (a saved page has none).",
    ).tag(sync=True)
    _shown = t.Dict(
        read_only=True,
        help="the readout of the result the widget's first output kept when the next cell "
        "started; a saved page says so when the view's result differs from it.",
    ).tag(sync=True)

    def __init__(
        self,
        model: Any,
        x: Any,
        target: int | str | None = None,
        baselines: Any = None,
        n_steps: int = 50,
        method: str = "gausslegendre",
        modality: str | None = None,
        feature_names: Any = None,
        tokens: Any = None,
        layer: Any = None,
        additional_forward_args: Any = None,
        class_names: Any = None,
        pad_token_id: int | None = None,
        tokenizer: Any = None,
        background: Any = None,
        path: str = "straight",
        output_activation: str | None = None,
        mean: Any = None,
        std: Any = None,
        generate_steps: int = 0,
        compare_model: Any = None,
        segments: Any = None,
        **kwargs: Any,
    ) -> None:
        self._sync_lock = SyncLock()
        self._runner: Runner | None = None
        self._static_result: Result | None = None
        self._static_input: Any = None
        self._displays: dict[str, dict] = {}
        self._picture: tuple[str, bytes] | None = None
        self._pictures: Any = None
        explain_args = dict(
            modality=modality,
            baselines=baselines,
            additional_forward_args=additional_forward_args,
            class_names=class_names,
            feature_names=feature_names,
            tokens=tokens,
            layer=layer,
            pad_token_id=pad_token_id,
            tokenizer=tokenizer,
            background=background,
            output_activation=output_activation,
            mean=mean,
            std=std,
            generate_steps=generate_steps,
        )
        self._explainer = with_segments(make_explainer(model, x, **explain_args), segments)
        others, labels = {}, {}
        if compare_model is not None:
            label, other = compare_models.split_compare_model(compare_model)
            others["compare"] = compare_models.build_compare_explainer(
                self._explainer,
                model,
                other,
                lambda m: with_segments(make_explainer(m, x, **explain_args), segments),
                layer=layer,
                generate_steps=generate_steps,
            )
            labels = compare_models.model_labels(model, label, other)
        self._labels = labels
        if target is None:
            target = self._explainer.default_target
        else:  # a label (class name, token) names its output
            target = self._explainer.resolve_target(plain_int(target))
        try:
            checked = self._explainer.check_target(target)
        except (TypeError, ValueError):
            pass  # the trait's validation below says what is wrong
        else:
            self._explainer.check_finite_output(checked)
        self._next_pin = 1
        kwargs.setdefault("baseline", self._explainer.baseline_options[0])
        kwargs.setdefault(
            "clip_percentile",
            default_clip_percentile(display_count(self._explainer.modality, self._explainer.x)),
        )
        super().__init__(
            n_steps=plain_int(n_steps), method=method, path=path, target=target, **kwargs
        )
        self._apply(_comm_id=self.model_id)
        self.on_msg(self._on_front_end_msg)
        try:
            self._runner = Runner(
                self._explainer,
                self._apply,
                self._sync_lock,
                name=f"ig_widget-worker-{self.model_id}",
                others=others,
                labels=labels,
            )
            with self._sync_lock:
                self._runner.submit(self._settings(), self.model_choice)
        except BaseException:  # even a kernel interrupt: leave no thread or comm behind
            self.close()
            raise

    # ------------------------------------------------------------ public helpers
    @property
    def result(self) -> Result | None:
        """The latest finished (non-provisional) result, or None before the first."""
        if self._runner is None:
            return self.__dict__.get("_static_result")
        return self._runner.result

    def wait(self, timeout: float | None = None) -> Result:
        """Block until the result for the current settings is ready and return it.

        Raises ``RuntimeError`` with the message when that computation failed, and
        ``TimeoutError`` after ``timeout`` seconds. Do not call it from an observer.
        """
        if self._runner is None:
            if self.__dict__.get("_static_result") is not None:
                return self._static_result
            raise RuntimeError("the widget is not initialised.")
        if self._sync_lock.held():
            # the worker needs this lock to publish: waiting here would never end
            raise RuntimeError(
                "wait() cannot be called from a trait observer or while the widget is "
                "updating; call it from ordinary notebook code."
            )
        began = time.monotonic()
        result = self._runner.wait(timeout)
        pictures = self.__dict__.get("_pictures")
        if pictures is not None:  # the outputs' picture of this result, for saved notebooks
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - began))
            pictures.wait(left)
        return result

    @property
    def last_exception(self) -> BaseException | None:
        """The exception behind the latest ``error`` (its traceback shows where the model
        failed), or None."""
        return None if self._runner is None else self._runner.last_exception

    def refresh(self) -> None:
        """Compute the current settings again, forgetting cached results and baselines:
        call it after fixing or changing the model. (The prediction behind
        ``top_classes`` and, for text, the input's embeddings stay from construction:
        build a new widget after retraining.)"""
        if self._runner is None:
            raise RuntimeError(
                "this widget shows a result without its model and cannot compute; build "
                "IGWidget(model, x) to recompute."
            )
        with self._sync_lock:
            for explainer in self._runner.explainers.values():
                explainer.forget_baselines()
            self._runner.clear_cache()
            self._runner.submit(self._settings(), self.model_choice)

    def pin(self) -> dict:
        """Pin the result on screen, to compare later settings with it; returns the pin."""
        with self._sync_lock:
            pin = pins_lib.make_pin(self._payload, self._next_pin)
            self._next_pin += 1
            self._apply(pins=pins_lib.add_pin(list(self.pins), pin))
            return pin

    def unpin(self, pin_id: int) -> None:
        """Remove the pin numbered ``pin_id`` (its ``"id"``)."""
        with self._sync_lock:
            self._apply(pins=pins_lib.remove_pin(list(self.pins), pin_id))

    def compare_models(self) -> dict:
        """Pin the result on screen, then explain the other model with the same settings
        (the "compare models" button); returns the pin. Needs ``compare_model=``."""
        if not self.model_labels:
            raise ValueError(
                "compare_models() needs a second model: build the widget with "
                "IGWidget(model, x, compare_model=other)."
            )
        with self._sync_lock:
            pin = self.pin()
            self.model_choice = "compare" if self.model_choice == "main" else "main"
            return pin

    def scrub(self, alpha: float, timeout: float | None = None) -> dict:
        """Show the straight path's point at ``alpha`` (0 = baseline, 1 = input): the
        interpolated input, the gradient there times (x - x'), and F there. Computed on
        the widget's worker after the current result; blocks until it is shown."""
        return self._wait_job(self._scrub_job(alpha), timeout)

    def convergence_curve(self, timeout: float | None = None) -> dict:
        """Compute delta against n_steps for every method (current model, baseline and
        target) from shared nested nodes, show it in the widget and return it. Computed
        on the worker; a settings change meanwhile cancels it (``RuntimeError``)."""
        return self._wait_job(self._convergence_job(), timeout)

    def _job_context(self) -> tuple[Any, dict]:
        """The explainer of the chosen model and what an exploring answer is labelled with."""
        if self._runner is None:
            raise RuntimeError(
                "this widget shows a result without its model and cannot compute; build "
                "IGWidget(model, x) to explore it."
            )
        label = self.model_labels.get(self.model_choice)
        return self._runner.explainers[self.model_choice], {"model": label} if label else {}

    def _scrub_job(self, alpha: Any) -> Job:
        """Queue the point at ``alpha`` on the worker (a newer one replaces it while it
        waits); returns at once. A bad ``alpha`` raises here."""
        a = check_alpha(alpha)
        with self._sync_lock:
            explainer, label = self._job_context()
            baseline, target = self.baseline, int(self.target)
            asked = (self.model_choice, baseline, target)

            def publish(point: dict) -> dict:
                # a point for a model, baseline or target the view has since left is
                # returned to its caller but not drawn (the page asks for a new one)
                if (self.model_choice, self.baseline, int(self.target)) == asked:
                    self._apply(scrub_point=point)
                return point

            return self._runner.enqueue(
                Job(
                    "scrub",
                    lambda _check: {**_scrub_point(explainer, baseline, target, a), **label},
                    publish,
                    cancel_on_settings=False,
                    request_id=self._runner.latest,
                )
            )

    def _convergence_job(self) -> Job:
        """Queue the convergence figure on the worker; a settings change cancels it."""
        with self._sync_lock:
            explainer, label = self._job_context()
            baseline, target, n = self.baseline, int(self.target), int(self.n_steps)

            def publish(fig: dict) -> dict:
                fig = {**fig, **label, "run": int(self.convergence.get("run", 0)) + 1}
                self._apply(convergence=fig)  # "run": a rerun is a change too
                return fig

            return self._runner.enqueue(
                Job(
                    "convergence",
                    lambda check: convergence_figure(explainer, baseline, target, n, check=check),
                    publish,
                    cancel_on_settings=True,
                    request_id=self._runner.latest,
                    # the page's button waits for an answer: tell it there is none
                    on_cancel=lambda: self.send({"type": "convergence", "cancelled": True}),
                )
            )

    def _wait_job(self, job: Job, timeout: float | None) -> Any:
        if self._sync_lock.held():
            # the worker needs this lock to publish: waiting here would never end
            raise RuntimeError(
                "scrub() and convergence_curve() cannot wait in a trait observer or while "
                "the widget is updating; call them from ordinary notebook code."
            )
        return job.wait(timeout)

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Messages from the page: the picture for the download button, pin and unpin,
        "compare models", the alpha scrubber, the convergence figure. The last two only
        queue work for the worker. A bad message ends in ``error`` (or, for the
        picture, in an answer that says what went wrong), never a raise."""
        if not isinstance(content, dict):
            return
        if content.get("type") == "png":
            self._send_picture()
            return
        try:
            if content.get("type") == "pin":
                self.pin()
            elif content.get("type") == "unpin":
                self.unpin(content.get("id"))
            elif content.get("type") == "compare_models":
                self.compare_models()
            elif content.get("type") == "scrub":
                self._scrub_job(content.get("alpha"))
            elif content.get("type") == "convergence":
                self._convergence_job()
        except (TypeError, ValueError, RuntimeError, t.TraitError) as exc:
            self._apply(error=str(exc))

    def __repr__(self) -> str:
        # text/plain, what a front end without widget support shows (never HTML)
        try:
            return self._summary()
        except Exception:  # noqa: BLE001 - half-built widget
            return "IGWidget(...)"

    def _summary(self) -> str:
        from .export.bundle import summary_line

        return summary_line(
            self.modality,
            self.status,
            (self._payload or {}).get("readout"),
            error=self.error,
            note=self.note,
        )

    # ------------------------------------------------------------ sharing
    @property
    def model_name(self) -> str:
        """The class name of the model explained (with ``compare_model=``, of the one
        ``model_choice`` picks; "" when the result came without one)."""
        runner = self.__dict__.get("_runner")
        explainer = self._explainer if runner is None else runner.explainers[self.model_choice]
        model = getattr(explainer, "model", None)
        if model is None:
            return self.__dict__.get("_source_model", "")
        return type(model).__name__

    def to_figure(self) -> Figure:
        """The current view as a matplotlib ``Figure`` (input and overlay side by side for
        images, colour bar, settings, delta and the note in the caption) to edit further.
        Raises ``ValueError`` before the first result (call ``wait()`` first)."""
        from .export.files import widget_figure

        return widget_figure(self)

    def save(self, path: str | os.PathLike) -> list[pathlib.Path]:
        """Save the view or the result; the format follows the suffix and the written
        files are returned.

        - ``.png`` / ``.svg`` / ``.pdf``: the figure of ``to_figure()``.
        - ``.html``: a standalone page of the view that opens offline, without a kernel
          (display controls work, compute controls are disabled).
        - ``.json``: attributions, input, settings, F(x), F(x'), delta, target and label,
          model class name, library versions, time and the note; the arrays go to an
          ``.npz`` beside it. ``IGWidget.load`` reads it back.
        """
        from .export.files import save_widget

        return save_widget(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> IGWidget:
        """A widget showing a result saved with ``save("....json")``, without the model
        (its compute controls are disabled). Reads JSON and numeric arrays only; nothing
        is unpickled."""
        from .export.files import load_kwargs

        kwargs = load_kwargs(path)
        display = kwargs.pop("display")
        w = cls.from_attributions(**kwargs)
        try:
            w.set_trait("note", kwargs["note"])
            for name, value in display.items():
                setattr(w, name, value)
        except (t.TraitError, TypeError, ValueError):
            pass  # a bad display setting in the file: the defaults stay
        return w

    @classmethod
    def from_attributions(
        cls,
        x: Any,
        attributions: Any,
        *,
        modality: str | None = None,
        target: int = 0,
        target_label: str | None = None,
        output: Any = None,
        baseline_output: Any = None,
        delta: Any = None,
        tokens: Any = None,
        feature_names: Any = None,
        n_steps: int | None = None,
        method: str = "",
        baseline: str = "",
        path: str = "",
        note: str = "",
        model_name: str = "",
    ) -> IGWidget:
        """Show attributions computed elsewhere (captum, another library) in this view.

        Args:
            x: the example: an image (C, H, W), token ids (T,), or features (F,).
            attributions: shaped like ``x`` (text: (T,) or (T, D)); a leading batch
                dimension of 1 is accepted on both.
            target, target_label: the output explained and its name.
            output, baseline_output: F(x) and F(x'), when known.
            delta: the completeness delta (e.g. captum's ``return_convergence_delta``);
                by default sum(attributions) - (output - baseline_output).
            tokens, feature_names: strings for text tokens and tabular columns.
            n_steps, method, baseline, path: how they were computed (shown in the
                caption and the controls, which are disabled: there is no model).
            note: the note shown under the view and in every export.
            model_name: the model's class name, kept in saved results.
        """
        from .export.static import source_for, static_result

        result = static_result(
            x,
            attributions,
            modality=modality,
            target=plain_int(target),
            target_label=target_label,
            output=output,
            baseline_output=baseline_output,
            delta=delta,
            tokens=tokens,
            feature_names=feature_names,
            n_steps=n_steps,
            method=method,
            baseline=baseline,
            path=path,
        )
        kind = result.payload["kind"]
        w = cls.__new__(cls)
        w._sync_lock = SyncLock()
        w._runner = None
        w._displays = {}
        w._picture = None
        w._pictures = None
        w._static_result = result
        w._static_input = x
        w._source_model = str(model_name)
        w._explainer = source_for(result, kind)
        traits: dict[str, Any] = {
            "method": str(method),
            "baseline": str(baseline),
            "path": str(path),
            "target": int(result.payload["readout"]["target"]),
            "note": str(note),
        }
        if n_steps is not None:
            traits["n_steps"] = plain_int(n_steps)
        anywidget.AnyWidget.__init__(w, **traits)
        w.on_msg(w._on_front_end_msg)
        w._apply(
            computable=False,
            status="idle",
            progress=1.0,
            _payload=result.payload,
            _comm_id=w.model_id,
        )
        return w

    def _input_array(self) -> Any:
        """The example explained, as a numpy array without the batch dimension."""
        import numpy as np

        x = self.__dict__.get("_static_input")
        if x is None:
            x = self._explainer.x
            if self.modality == "text":
                x = getattr(self._explainer, "ids", x)
            x = x[0] if x.dim() > 1 and x.shape[0] == 1 else x
        if hasattr(x, "detach"):
            x = x.detach().cpu().numpy()
        x = np.asarray(x)
        return x[0] if x.ndim in (2, 4) and x.shape[0] == 1 and self.modality != "image" else x

    def _attribution_array(self) -> Any:
        result = self.result
        if result is None:
            return None
        return result.attributions.detach().cpu().numpy()

    # ------------------------------------------------------- the saved picture
    def _ipython_display_(self) -> None:
        """Show the view with a static picture and a true text line beside it, under a
        display id that every later result refreshes (see ``export/bundle.py``)."""
        from IPython.display import display

        with self._sync_lock:
            if self._payload and not self._provisional and self._picture is None:
                # drawn here, in the cell that shows it: a notebook run headlessly keeps it
                self._picture = self._draw_picture(self._picture_snapshot())[0]
            bundle = self._bundle()
        handle = display(bundle, raw=True, display_id=True)
        if handle is None:
            return
        with self._sync_lock:
            final = bool(self._payload) and not self._provisional
            self._displays[handle.display_id] = {"frozen": False, "final": final}
            self._watch_cells()
            if self._pictures is None:
                from .export.refresher import PictureRefresher

                self._pictures = PictureRefresher(
                    self._sync_lock,
                    self._picture_snapshot,
                    self._draw_picture,
                    self._publish_picture,
                    name=f"ig_widget-picture-{self.model_id}",
                )

    def _bundle(self) -> dict:
        from .export.bundle import mime_bundle

        view = super()._repr_mimebundle_()
        view = view[0] if isinstance(view, tuple) else view
        widget_view = (view or {}).get("application/vnd.jupyter.widget-view+json")
        return mime_bundle(widget_view, self._summary(), self._picture)

    def _picture_snapshot(self) -> tuple[dict, bool] | None:
        """What the picture depends on now (under the lock), or None before a result."""
        from .export.files import picture_settings

        if not (self._payload or {}).get("kind"):
            return None
        return picture_settings(self), not self._provisional

    @staticmethod
    def _draw_picture(snapshot: tuple[dict, bool]) -> tuple[tuple[str, bytes], bool]:
        from .export.picture import notebook_picture

        settings, final = snapshot
        return notebook_picture(settings), final

    def _publish_picture(self, drawn: tuple[tuple[str, bytes], bool]) -> None:
        """Refresh every output still following the widget (lock held)."""
        picture, final = drawn
        self._picture = picture
        live = [d for d, info in self._displays.items() if not info["frozen"]]
        if not live:
            return
        from IPython.display import update_display

        bundle = self._bundle()
        for display_id in live:
            update_display(bundle, raw=True, display_id=display_id)
            self._displays[display_id]["final"] = final

    def _request_picture(self) -> None:
        pictures = self.__dict__.get("_pictures")
        if pictures is not None:
            pictures.request()

    def _send_picture(self) -> None:
        """The download button asks for the picture: ``{"type": "png"}`` is answered with
        ``{"type": "png"}`` and the PNG (100 dpi) as a binary buffer, or with
        ``{"type": "png", "error": str}``. The picture is not a synced trait: it would be
        saved a second time in every notebook's widget state."""
        from .export.files import picture_settings
        from .export.picture import figure_bytes, payload_figure

        try:
            with self._sync_lock:
                settings = picture_settings(self)
            png = figure_bytes(payload_figure(**settings), "png")
        except Exception as exc:  # noqa: BLE001 - the answer says what went wrong
            self.send({"type": "png", "error": str(exc)})
            return
        self.send({"type": "png"}, buffers=[png])

    def _watch_cells(self) -> None:
        """Freeze a display's picture when another cell starts once it holds a final
        result, so a saved output shows what its own cell produced."""
        if self.__dict__.get("_cell_hook"):
            return
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
        if shell is None:
            return
        displays = self._displays

        def freeze(*_: Any) -> None:
            for info in displays.values():
                if info.get("final") and not info["frozen"]:
                    info["frozen"] = True
                    if not self._shown:
                        readout = (self._payload or {}).get("readout") or {}
                        self._apply(_shown=dict(readout))
            if all(info["frozen"] for info in displays.values()):
                try:
                    shell.events.unregister("pre_run_cell", freeze)
                except ValueError:
                    pass
                self.__dict__["_cell_hook"] = None

        shell.events.register("pre_run_cell", freeze)
        self.__dict__["_cell_hook"] = freeze

    def close(self) -> None:
        """Stop the worker thread and close the widget."""
        runner = self.__dict__.get("_runner")
        if runner is not None:
            runner.close()
        pictures = self.__dict__.get("_pictures")
        if pictures is not None:
            pictures.close()
        hook = self.__dict__.pop("_cell_hook", None)
        if hook is not None:
            try:
                from IPython import get_ipython

                get_ipython().events.unregister("pre_run_cell", hook)
            except (ImportError, AttributeError, ValueError):
                pass
        super().close()

    # ------------------------------------------------------------------ defaults
    @t.default("modality")
    def _default_modality(self) -> str:
        return self._explainer.modality

    @t.default("method_options")
    def _default_method_options(self) -> list[str]:
        return list(getattr(self._explainer, "method_options", METHOD_OPTIONS))

    @t.default("baseline_options")
    def _default_baseline_options(self) -> list[str]:
        return list(self._explainer.baseline_options)

    @t.default("path_options")
    def _default_path_options(self) -> list[str]:
        return list(self._explainer.path_options)

    @t.default("forward_only_paths")
    def _default_forward_only_paths(self) -> list[str]:
        return [p for p in self._explainer.path_options if not self._explainer.uses_gradients(p)]

    @t.default("model_labels")
    def _default_model_labels(self) -> dict:
        return dict(self.__dict__.get("_labels") or {})

    @t.default("distribution_options")
    def _default_distribution_options(self) -> list[str]:
        return list(getattr(self._explainer, "distribution_options", ["none"]))

    @t.default("patch_size_options")
    def _default_patch_size_options(self) -> list[int]:
        return list(getattr(self._explainer, "patch_sizes", []))

    @t.default("patch_size")
    def _default_patch_size(self) -> int:
        return (self.patch_size_options or [0])[0]

    @t.validate("distribution")
    def _valid_distribution(self, proposal: Any) -> str:
        self._no_model("distribution")
        if proposal["value"] not in self.distribution_options:
            raise t.TraitError(dist.unavailable(self._explainer, proposal["value"]))
        return proposal["value"]

    @t.validate("samples")
    def _valid_samples(self, proposal: Any) -> int:
        self._no_model("samples")
        n = proposal["value"]
        if isinstance(n, bool) or not 2 <= n <= dist.MAX_SAMPLES:
            raise t.TraitError(
                f"samples={n!r} must be a whole number from 2 (a spread needs two) to "
                f"{dist.MAX_SAMPLES}; each sample costs n_steps gradient evaluations."
            )
        return n

    @t.validate("patch_size")
    def _valid_patch_size(self, proposal: Any) -> int:
        self._no_model("patch_size")
        options, n = self.patch_size_options or [0], proposal["value"]
        if isinstance(n, bool) or n not in options:
            raise t.TraitError(
                f"patch_size={n!r} is not offered; use one of {', '.join(map(str, options))} "
                "(pixels, -1 for the given segments; patch_size_options lists them)."
            )
        return n

    @t.default("top_classes")
    def _default_top_classes(self) -> list[dict]:
        return [dict(c) for c in self._explainer.top_classes]

    @t.default("generated_tokens")
    def _default_generated_tokens(self) -> list[dict]:
        return list(getattr(self._explainer, "generated_tokens", []))

    @t.validate("generation_step")
    def _valid_generation_step(self, proposal: Any) -> int:
        check = getattr(self._explainer, "check_step", None)
        value = proposal["value"]
        try:
            return check(value) if check is not None else _zero_step(value)
        except (TypeError, ValueError) as exc:
            raise t.TraitError(str(exc)) from None

    @t.default("class_labels")
    def _default_class_labels(self) -> list[str]:
        return list(self._explainer.labels)

    @t.default("_colormaps")
    def _default_colormaps(self) -> dict:
        return colormaps()

    # ---------------------------------------------------------------- validation
    @staticmethod
    def _one_of(name: str, value: Any, options: Any) -> Any:
        if not isinstance(value, str) or value not in options:
            raise t.TraitError(
                f"{name}={value!r} is not offered; use one of {', '.join(map(repr, options))}."
            )
        return value

    def _no_model(self, name: str) -> None:
        """A widget showing a result without its model refuses compute settings."""
        if self.__dict__.get("_static_result") is not None and self._payload:
            raise t.TraitError(
                f"cannot change {name}: this widget shows a result without its model, so "
                "nothing can be recomputed; build IGWidget(model, x) to recompute."
            )

    @t.validate("n_steps")
    def _valid_n_steps(self, proposal: Any) -> int:
        self._no_model("n_steps")
        n = proposal["value"]
        if isinstance(n, bool):
            raise t.TraitError(f"n_steps={n} is a bool; pass a whole number of steps such as 50.")
        if n < 1:
            raise t.TraitError(
                f"n_steps={n} is too small: at least 1 step (gradient evaluation) is needed; "
                "50 is a good default."
            )
        if n > MAX_STEPS:
            runner = self.__dict__.get("_runner")
            per_step = None if runner is None else runner.seconds_per_step
            took = ""
            if per_step:
                took = (
                    f", about {_duration(n * per_step)} at the {per_step * 1e3:.3g} ms per "
                    "step measured here"
                )
            raise t.TraitError(
                f"n_steps={n:,} is over the widget's limit of {MAX_STEPS:,}: it would cost "
                f"{n:,} forward and backward passes of the model{took}. Gauss-Legendre with "
                "50-300 steps is accurate for almost every model (check the delta); for more, "
                "call ig_widget.IntegratedGradients directly."
            )
        return n

    @t.validate("method")
    def _valid_method(self, proposal: Any) -> str:
        self._no_model("method")
        return self._one_of("method", proposal["value"], self.method_options)

    @t.validate("baseline")
    def _valid_baseline(self, proposal: Any) -> str:
        self._no_model("baseline")
        return self._one_of("baseline", proposal["value"], self.baseline_options)

    @t.validate("path")
    def _valid_path(self, proposal: Any) -> str:
        self._no_model("path")
        return self._one_of("path", proposal["value"], self.path_options)

    @t.validate("model_choice")
    def _valid_model_choice(self, proposal: Any) -> str:
        self._no_model("model_choice")
        if proposal["value"] == "compare" and not self.model_labels:
            raise t.TraitError(
                "model_choice='compare' needs a second model: build the widget with "
                "IGWidget(model, x, compare_model=other)."
            )
        return self._one_of("model_choice", proposal["value"], compare_models.MODEL_KEYS)

    @t.validate("colormap")
    def _valid_colormap(self, proposal: Any) -> str:
        return self._one_of("colormap", proposal["value"], list(self._colormaps))

    @t.validate("target")
    def _valid_target(self, proposal: Any) -> int:
        self._no_model("target")
        try:
            return self._explainer.check_target(proposal["value"])
        except (TypeError, ValueError) as exc:
            raise t.TraitError(str(exc)) from None

    # ------------------------------------------------------------------ syncing
    def _settings(self) -> Settings:
        averaged = self.distribution != "none"  # the distribution's steps are fixed
        auto = self.steps_auto and self.path not in self.forward_only_paths and not averaged
        sizes = self.patch_size_options
        # the default grid is patch 0; given segments always say so (-1), so results and
        # records keep which grouping they used
        grouped = (
            self.path in GROUPED_PATHS
            and sizes
            and (self.patch_size != sizes[0] or self.patch_size == SEGMENTS)
        )
        return Settings(
            int(self.n_steps),
            self.method,
            self.baseline,
            self.path,
            int(self.target),
            step=int(self.generation_step),
            tol=float(self.auto_tol) if auto else None,
            distribution=self.distribution,
            samples=int(self.samples) if averaged else 0,
            noise=float(self.noise) if self.distribution == "smoothgrad" else 0.0,
            patch=int(self.patch_size) if grouped else 0,
        )

    @t.observe(*COMPUTE_TRAITS)
    def _on_settings(self, change: Any) -> None:
        # runs under _sync_lock (see notify_change); only records the request
        if self._runner is not None:
            self._runner.submit(self._settings(), self.model_choice)

    @t.observe("model_choice")
    def _on_model_choice(self, change: Any) -> None:
        # the target picker lists the chosen model's predictions
        if self._runner is not None:
            ex = self._runner.explainers[change["new"]]
            self._apply(top_classes=[dict(c) for c in ex.top_classes])

    @t.observe(*PICTURE_TRAITS)
    def _on_picture_setting(self, change: Any) -> None:
        self._request_picture()

    def notify_change(self, change: Any) -> None:
        lock = self.__dict__.get("_sync_lock")
        if lock is None:
            super().notify_change(change)
            return
        with lock:
            super().notify_change(change)

    def set_state(self, sync_data: dict) -> None:
        """Apply a state update from the front end; a bad value ends in ``error``."""
        with self._sync_lock:
            data = {k: v for k, v in sync_data.items() if k in FRONT_END_TRAITS}
            if not data:
                return
            try:
                super().set_state(data)
            except (t.TraitError, ValueError, TypeError) as exc:
                if self._runner is not None:
                    self._runner.last_exception = exc
                self._apply(status="error", error=f"Refused a change from the controls: {exc}")
                # put the front end's controls back to the values in force
                self.send_state([k for k in data if k in self.keys])

    def _apply(self, **traits: Any) -> None:
        """Set several traits (read-only ones included) as one synced update."""
        with self._sync_lock, self.hold_sync():
            for name, value in traits.items():
                self.set_trait(name, value)
            if "_payload" in traits and not self._provisional:
                self._request_picture()  # drawn on its own thread: the result goes out now


#: what the front end may write: the traits declared on IGWidget that are not read-only
#: (anywidget's and ipywidgets' own traits, such as ``_esm``, stay the kernel's)
FRONT_END_TRAITS = frozenset(
    name for name, trait in IGWidget.class_own_traits(sync=True).items() if not trait.read_only
)


def _zero_step(value: Any) -> int:
    """``generation_step`` of a widget that generated nothing: only 0."""
    if value != 0:
        raise ValueError("generation_step applies to a causal LM built with generate_steps=k.")
    return 0


def _duration(seconds: float) -> str:
    """``seconds`` for a person: "40 s", "12 min", "3.5 h"."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
