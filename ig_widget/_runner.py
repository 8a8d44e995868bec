"""The widget's background worker: one thread, newest request wins, results cached.

The kernel's thread only records requests (``submit``); one worker thread per widget
computes. A newer request supersedes an older one: the engine's progress callback
raises ``Cancelled`` between chunks once a newer request exists, so stale work stops
early and its result is never shown (a stale computation that got to its last chunk is
kept in the cache, since it is correct for its own settings).

Each request is served in up to two passes: when the path integrates gradients and
``n_steps > COARSE_STEPS``, a coarse result with ``COARSE_STEPS`` nodes is published
first with ``_provisional=True``, then the full one. With ``REUSE_PREVIEW_NODES`` the
preview evaluates ``COARSE_STEPS`` of the full rule's own nodes (spread along the path,
with weights of their own) and the full pass computes only the remaining nodes,
combining all of them with the full rule's weights: ``n_steps`` gradient evaluations
in all instead of ``n_steps + COARSE_STEPS``, and the result of one full pass up to
rounding (the same gradients summed in another order, and BLAS results that can
depend on how many rows a batch has), so not always bit for bit the engine's.
Results are kept in an LRU cache keyed by the settings and the model, so returning to
settings seen before publishes at once (on the submitting thread, without waiting for
the worker).

A widget built with ``compare_model=`` hands the runner one explainer per model
(``"main"``, ``"compare"``); every request names the model it is for, and each result's
readout and settings say which model (its label) computed it.

The exploring requests (a point of the path for the alpha scrubber, the convergence
figure) run on the same thread, as ``Job``s, after the pending main request: the
model is never run by two threads at once (text models get hooks for a computation).
A newer job of the same kind replaces a pending one (a dragged slider asks for many
points; only the newest is computed); a job marked ``cancel_on_settings`` stops at the
model's next forward pass once the settings change. Its answer is published under the
lock by the job's own ``publish``; a failure lands in ``error``, the last good answer
stays.

The explainer builds everything that is published (the payload with its readout, the
warning line); the runner only decides when, and says which request a payload answers
(``_request_id``). Traits are only written through ``apply`` while holding the widget's lock, after
checking that the request is still the newest: the front end never sees a stale or
half-written result. Failures (the model raising, bad settings, out of memory, even a
``KeyboardInterrupt`` raised inside the model) become ``status="error"`` and
``error=<message>``; the last good ``_payload`` stays and the worker lives on. A kept
exception has its frames' locals cleared, so it does not pin the tensors (or GPU memory)
of the failed computation.

The cache is bounded by count (``CACHE_SIZE``) and by size (``CACHE_BYTES``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .engine import Cancelled
from .engine.batching import is_out_of_memory
from .engine.core import NodePlan
from .modality import Explainer, ModelError, Result, Settings

#: nodes of the quick first pass
COARSE_STEPS = 8
#: the preview evaluates nodes of the full rule and the full pass reuses them (see the
#: module docstring). Off: the widget's results then equal a direct engine call bit for
#: bit, which its tests check; on, they agree to rounding (about 1e-16 relative in
#: float64) for ~8 fewer gradient evaluations per request.
REUSE_PREVIEW_NODES = False
#: results kept for revisits
CACHE_SIZE = 32
#: and at most this many bytes of them (large images): the newest result is always kept
CACHE_BYTES = 256 * 2**20
#: seconds between two checks for a kernel interrupt while ``wait`` blocks
WAIT_SLICE = 0.1
#: seconds between two progress updates sent to the front end
PROGRESS_INTERVAL = 0.1
log = logging.getLogger(__name__)

#: seconds ``close`` waits for a computation in the middle of a model call
JOIN_TIMEOUT = 10.0


class SyncLock:
    """A re-entrant lock that knows whether the calling thread holds it.

    The widget's traits change under it; ``held()`` lets ``wait`` and ``close`` refuse to
    block while their own thread holds it (the worker needs it to publish)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._owner: int | None = None  # thread id of the holder, None when free
        self._depth = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        got = self._lock.acquire(blocking, timeout)
        if got:
            self._owner = threading.get_ident()
            self._depth += 1
        return got

    def release(self) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("SyncLock released by a thread that does not hold it.")
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
        self._lock.release()

    def held(self) -> bool:
        """Whether the calling thread holds the lock (only the holder sets its own id)."""
        return self._owner == threading.get_ident()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclasses.dataclass(frozen=True)
class _Request:
    id: int
    settings: Settings
    model: str = "main"


class Job:
    """One exploring request (see the module docstring); ``wait`` gives its answer.

    ``compute(check)`` runs on the worker without the lock and calls ``check()`` where it
    may stop (``check`` raises ``Cancelled`` once the job is stale); ``publish(value)``
    runs under the widget's lock, applies the traits and returns the final answer;
    ``on_cancel()``, if given, runs under the lock when a settings change cancelled it."""

    def __init__(
        self,
        kind: str,
        compute: Callable[[Callable[[], None]], Any],
        publish: Callable[[Any], Any],
        cancel_on_settings: bool,
        request_id: int,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.compute = compute
        self.publish = publish
        self.on_cancel = on_cancel
        self.cancel_on_settings = cancel_on_settings
        self.request_id = request_id  # the newest main request when it was asked for
        self.id = 0
        #: the thread that runs it (set when queued): ``wait`` from there would never end
        self.worker: threading.Thread | None = None
        self._done = threading.Event()
        self._value: Any = None
        self._failure: _Failure | None = None

    def _end(self, value: Any = None, failure: _Failure | None = None) -> None:
        if not self._done.is_set():
            self._value, self._failure = value, failure
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> Any:
        """The published answer; ``RuntimeError`` when it failed, was superseded or
        cancelled, ``TimeoutError`` after ``timeout`` seconds."""
        if not self._done.is_set() and threading.current_thread() is self.worker:
            # the worker would wait for itself: never answered
            raise RuntimeError(
                f"the {self.kind} cannot be waited for from the widget's worker (an "
                "observer or a model callback); call it from ordinary notebook code."
            )
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError(f"the {self.kind} was not ready after {timeout} s.")
            # in slices: a kernel interrupt lands between them
            self._done.wait(WAIT_SLICE if remaining is None else min(remaining, WAIT_SLICE))
        if self._failure is not None:
            raise RuntimeError(self._failure.message) from self._failure.exc
        return self._value


class _Failure:
    def __init__(self, message: str, exc: BaseException | None = None) -> None:
        self.message, self.exc = message, exc


def error_message(
    exc: BaseException, settings: Settings | None = None, explainer: Explainer | None = None
) -> str:
    """A one-line message for the ``error`` trait: what went wrong and what to do."""
    if isinstance(exc, ModelError):
        rows = exc.rows
        name = type(exc.original).__name__
        text = " ".join(str(exc.original).split())
        where = f" on a batch of {rows} path points" if rows else ""
        return (
            f"The model raised {name}: {text} (in its forward pass{where}, not in "
            "ig_widget). Fix the model, then call widget.refresh() to compute again; the "
            "traceback is in widget.last_exception."
        )
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    if isinstance(exc, MemoryError) or is_out_of_memory(exc):
        return _memory_message(name, text, settings, explainer)
    return f"{name}: {text}" if text else name


def _memory_message(
    name: str, text: str, settings: Settings | None, explainer: Explainer | None
) -> str:
    oom = getattr(explainer, "last_oom", None)
    device = getattr(explainer, "device", "the device")
    if oom is not None and "one path step" in text:  # the engine gave up at its smallest chunk
        rows, model_says = oom
        return (
            f"{name}: out of memory even at one path step per forward pass ({rows} "
            f"row(s) of the model: the engine halved its chunks down to that) on {device}; "
            f"the model said: {model_says}. Free memory on the device (delete unused "
            "tensors and models, torch.cuda.empty_cache()) or use a smaller input, then "
            "call widget.refresh()."
        )
    steps = f" (now {settings.n_steps})" if settings is not None else ""
    return (
        f"{name}: out of memory"
        + (f" ({text})" if text else "")
        + f". Lower n_steps{steps} or use a smaller input, then call widget.refresh()."
    )


def release_frames(exc: BaseException | None) -> None:
    """Clear the locals of the finished frames in ``exc``'s tracebacks (and those of its
    causes), so a kept exception does not pin tensors; it still prints its traceback."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if e.__traceback__ is not None:
            traceback.clear_frames(e.__traceback__)
        todo += [e.__cause__, e.__context__]


class Runner:
    """Computes ``explainer`` results for the newest settings on a worker thread.

    Args:
        explainer: the modality adapter that runs the engine.
        apply: ``apply(**traits)`` sets the widget's traits in one synced update; called
            with ``lock`` held.
        lock: the widget's ``SyncLock``, also held while the kernel's thread changes
            traits (and so while it calls ``submit``).
        name: the worker thread's name.
        others: more explainers by model key (``{"compare": ...}``), for requests that
            name them.
        labels: each model key's label, written into results' readouts and settings as
            ``"model"`` (none when empty).
    """

    def __init__(
        self,
        explainer: Explainer,
        apply: Callable[..., None],
        lock: SyncLock,
        name: str = "ig_widget-worker",
        others: dict[str, Explainer] | None = None,
        labels: dict[str, str] | None = None,
    ) -> None:
        self.explainer = explainer
        #: the explainer of each model key ("main" is ``explainer``)
        self.explainers: dict[str, Explainer] = {"main": explainer, **(others or {})}
        self.labels = dict(labels or {})
        self._apply = apply
        self._lock = lock
        self._cond = threading.Condition(threading.RLock())
        self._pending: _Request | None = None
        self._latest = 0  # id of the newest request
        self._done_id = 0  # id of the newest request that finished (result or failure)
        self._done: Result | _Failure | None = None
        self._closed = False
        self._cache: OrderedDict[tuple, Result] = OrderedDict()
        self._sizes: dict[tuple, int] = {}  # bytes per cached result (result_nbytes)
        self._cache_bytes = 0
        self._jobs: dict[str, Job] = {}  # the pending job of each kind
        self._job_count = 0
        self._job_error = False  # whether ``error`` holds a job's failure
        #: exploring jobs computed (not superseded before they ran)
        self.jobs_run = 0
        #: engine calls started (coarse and full passes count separately)
        self.computations = 0
        #: gradient evaluations (quadrature nodes) those calls computed
        self.gradient_evaluations = 0
        #: the latest final (non-provisional) result published
        self.result: Result | None = None
        #: the exception behind the latest ``error``, for debugging
        self.last_exception: BaseException | None = None
        #: seconds per gradient evaluation in the latest computation (for cost estimates)
        self.seconds_per_step: float | None = None
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    # -- kernel side ----------------------------------------------------------------
    def submit(self, settings: Settings, model: str = "main") -> int:
        """Record ``settings`` on the model ``model`` (a key of ``explainers``) as the
        newest request; returns its id. A cached result is published at once. Call with
        the widget's lock held."""
        if model not in self.explainers:
            raise ValueError(f"model={model!r} is not one of {', '.join(self.explainers)}.")
        key = self._key(settings, model)
        with self._cond:
            if self._closed:
                return self._latest
            self._latest += 1
            req = _Request(self._latest, settings, model)
            cached = self._cache_get(key) if key is not None else None
            self._pending = None if cached is not None else req
            self._cond.notify_all()
        if cached is not None:
            with self._lock:
                self._finish(req, cached)
        return req.id

    def wait(self, timeout: float | None = None) -> Result:
        """Block until the newest request is served; return its result or raise
        ``RuntimeError`` with the failure's message (``TimeoutError`` after
        ``timeout`` seconds)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("wait() cannot be called from the widget's worker thread.")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._done_id < self._latest and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(
                        f"the result was not ready after {timeout} s; it is still computing "
                        "(see the widget's progress)."
                    )
                # in slices: a kernel interrupt (KeyboardInterrupt) lands between them,
                # leaving the computation running and the widget usable
                self._cond.wait(WAIT_SLICE if remaining is None else min(remaining, WAIT_SLICE))
            if self._done_id < self._latest:
                raise RuntimeError("the widget was closed before the result was ready.")
            done = self._done
        if isinstance(done, _Failure):
            raise RuntimeError(done.message) from done.exc  # noqa: TRY004 - not a type check
        return done

    def enqueue(self, job: Job) -> Job:
        """Queue an exploring ``job`` after the pending main request; a pending job of
        the same kind is dropped (its ``wait`` raises). Returns at once."""
        with self._cond:
            if self._closed:
                job._end(failure=_Failure("the widget was closed."))
                return job
            self._job_count += 1
            job.id = self._job_count
            job.worker = self._thread
            old = self._jobs.get(job.kind)
            if old is not None:
                old._end(failure=_Failure(f"a newer {job.kind} request replaced this one."))
            self._jobs[job.kind] = job
            self._cond.notify_all()
        return job

    def close(self) -> None:
        """Stop the worker (a running computation stops at its next chunk) and drop the
        cache. Safe to call twice, and from any thread."""
        with self._lock, self._cond:  # no publication is half done once this is set
            self._closed = True
            self._pending = None
            for job in self._jobs.values():
                job._end(failure=_Failure("the widget was closed."))
            self._jobs.clear()
            self._clear_cache()
            self._cond.notify_all()
        if self._lock.held():
            return  # called from an observer: the worker may be waiting for this very lock;
            # it sees ``_closed`` once the observer returns, and ends
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(JOIN_TIMEOUT)

    def clear_cache(self) -> None:
        """Forget every cached result (the model changed)."""
        with self._cond:
            self._clear_cache()

    def _clear_cache(self) -> None:
        self._cache.clear()
        self._sizes.clear()
        self._cache_bytes = 0

    @property
    def latest(self) -> int:
        """The id of the newest request (an exploring ``Job`` remembers it)."""
        return self._latest

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- worker side ------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._jobs and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                req, self._pending = self._pending, None
                job = None
                if req is None:  # the main request first, then the oldest job
                    job = min(self._jobs.values(), key=lambda j: j.id)
                    del self._jobs[job.kind]
            if job is not None:
                self._run_job(job)
                continue
            try:
                self._serve(req)
            except Cancelled:
                pass
            except BaseException as exc:  # noqa: BLE001 - the worker must survive anything,
                # even KeyboardInterrupt or SystemExit raised inside the model
                try:
                    self._fail(req, exc)
                except Exception:
                    log.exception("ig_widget: could not report a failed computation")

    def _job_stale(self, job: Job) -> bool:
        return self._closed or (job.cancel_on_settings and job.request_id != self._latest)

    def _run_job(self, job: Job) -> None:
        def check() -> None:
            if self._job_stale(job):
                raise Cancelled

        try:
            with self._cond:
                self.jobs_run += 1
            check()
            value = job.compute(check)
            with self._lock:
                check()
                final = job.publish(value)
                if self._job_error:
                    self._apply(error="")
                    self._job_error = False
            job._end(final)
        except Cancelled:
            job._end(failure=_Failure(f"the {job.kind} was cancelled: the settings changed."))
            if job.on_cancel is not None:
                try:
                    with self._lock:
                        if not self._closed:
                            job.on_cancel()
                except Exception:
                    log.exception("ig_widget: could not report a cancelled %s", job.kind)
        except BaseException as exc:  # noqa: BLE001 - the worker must survive anything
            release_frames(exc)
            message = f"The {job.kind} failed: {error_message(exc)}"
            if isinstance(exc, ModelError):
                exc = exc.original
            try:
                with self._lock:
                    if not self._closed:
                        self.last_exception = exc
                        self._job_error = True
                        self._apply(error=message)
            except Exception:
                log.exception("ig_widget: could not report a failed %s", job.kind)
            job._end(failure=_Failure(message, exc))

    def _serve(self, req: _Request) -> None:
        s = req.settings
        ex = self.explainers[req.model]
        grads = ex.uses_gradients(s.path)
        key = (req.model, *s.key(grads))
        cached = self._cache_get(key)
        if cached is not None:
            with self._lock:
                self._finish(req, cached)
            return
        coarse = grads and s.tol is None and s.n_steps > COARSE_STEPS
        cost = s.n_steps if grads else 1
        self._update(req, status="running", progress=0.0)
        full_nodes = None
        split = 0.0
        if coarse:
            cs = dataclasses.replace(s, n_steps=COARSE_STEPS)
            early = self._cache_get((req.model, *cs.key(True)))
            if early is None and not REUSE_PREVIEW_NODES:
                split = COARSE_STEPS / (cost + COARSE_STEPS)
                early = self._compute(req, cs, 0.0, split)
            elif early is None:
                # the preview evaluates COARSE_STEPS of the full rule's nodes; the full
                # pass then computes only the others (no gradient is computed twice)
                plan = NodePlan(subset=COARSE_STEPS)
                split = COARSE_STEPS / cost
                early = self._compute(req, s, 0.0, split, nodes=plan, cache=False)
                if plan.evaluations is None:
                    # a path that integrates by its own scheme ignores the node plan:
                    # what came back is already the full result
                    self._cache_put(key, early)
                    with self._lock:
                        self._finish(req, early)
                    return
                full_nodes = NodePlan(reuse=plan.evaluations)
            with self._lock:
                if self._stale(req):
                    raise Cancelled
                self._publish(req, self._stamp(req, early), provisional=True)
        result = self._compute(req, s, split, 1.0, nodes=full_nodes)
        with self._lock:
            self._finish(req, result)

    def _compute(
        self,
        req: _Request,
        settings: Settings,
        lo: float,
        hi: float,
        nodes: NodePlan | None = None,
        cache: bool = True,
    ) -> Result:
        if self._stale(req):
            raise Cancelled
        with self._cond:
            self.computations += 1
        last = [time.monotonic()]

        def progress(fraction: float) -> None:
            if fraction < 1.0 and self._stale(req):
                raise Cancelled
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL:
                last[0] = now
                self._update(req, progress=lo + (hi - lo) * float(fraction))

        ex = self.explainers[req.model]
        began = time.perf_counter()
        if nodes is None:
            result = ex.compute(settings, progress)
        else:
            result = ex.compute_nodes(settings, progress, nodes)
        evaluated = nodes.evaluated if nodes is not None and nodes.evaluated else result.n_evals
        if evaluated:
            self.seconds_per_step = (time.perf_counter() - began) / evaluated
        with self._cond:
            self.gradient_evaluations += evaluated
        if cache:
            self._cache_put((req.model, *settings.key(ex.uses_gradients(settings.path))), result)
        if self._stale(req):
            raise Cancelled
        return result

    # -- publishing (widget lock held) -------------------------------------------------
    def _stale(self, req: _Request) -> bool:
        return self._closed or req.id != self._latest

    def _update(self, req: _Request, **traits: Any) -> None:
        with self._lock:
            if not self._stale(req):
                self._apply(**traits)

    def _publish(self, req: _Request, result: Result, provisional: bool) -> None:
        traits: dict[str, Any] = {
            "_request_id": req.id,
            "_provisional": provisional,
            "_payload": result.payload,
            "warning": self.explainers[req.model].warning(result),
            "error": "",
        }
        self._job_error = False
        if provisional:
            traits.update(status="running")
        else:
            traits.update(status="idle", progress=1.0)
        self._apply(**traits)

    def _finish(self, req: _Request, result: Result) -> None:
        if self._stale(req):
            return
        result = self._stamp(req, self.explainers[req.model].relabel(result, req.settings))
        self._publish(req, result, provisional=False)
        with self._cond:
            self.result = result
            self._done_id, self._done = req.id, result
            self._cond.notify_all()

    def _fail(self, req: _Request, exc: BaseException) -> None:
        release_frames(exc)
        message = error_message(exc, req.settings, self.explainers[req.model])
        if isinstance(exc, ModelError):
            exc = exc.original  # its traceback shows where in the model it failed
        with self._lock:
            if self._stale(req):
                return
            self.last_exception = exc
            self._job_error = False
            self._apply(_provisional=False, status="error", error=message, progress=0.0)
            with self._cond:
                self._done_id, self._done = req.id, _Failure(message, exc)
                self._cond.notify_all()

    # -- cache ----------------------------------------------------------------------------
    def _stamp(self, req: _Request, result: Result) -> Result:
        """``result`` labelled with its model (when the widget has more than one)."""
        label = self.labels.get(req.model)
        if not label or result.settings.get("model") == label:
            return result
        readout = {**result.payload.get("readout", {}), "model": label}
        return dataclasses.replace(
            result,
            settings={**result.settings, "model": label},
            payload={**result.payload, "readout": readout},
        )

    def _key(self, settings: Settings, model: str = "main") -> tuple | None:
        try:
            return (model, *settings.key(self.explainers[model].uses_gradients(settings.path)))
        except Exception:  # noqa: BLE001 - an unknown path: the worker reports it
            return None

    def _cache_get(self, key: tuple | None) -> Result | None:
        if key is None:
            return None
        with self._cond:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _cache_put(self, key: tuple, result: Result) -> None:
        size = result_nbytes(result)
        with self._cond:
            if self._closed:
                return
            self._cache_bytes += size - self._sizes.get(key, 0)
            self._cache[key], self._sizes[key] = result, size
            self._cache.move_to_end(key)
            while len(self._cache) > 1 and (
                len(self._cache) > CACHE_SIZE or self._cache_bytes > CACHE_BYTES
            ):
                old, _ = self._cache.popitem(last=False)
                self._cache_bytes -= self._sizes.pop(old)


def result_nbytes(result: Result) -> int:
    """Roughly the memory a cached ``Result`` holds: its tensors and payload bytes."""
    n = 0
    for t in (result.attributions, result.token_attributions):
        if t is not None:
            n += t.element_size() * t.nelement()
    todo: list[Any] = [result.payload]
    seen: set[int] = set()
    while todo:
        v = todo.pop()
        if isinstance(v, (bytes, bytearray, memoryview)):
            if id(v) not in seen:  # shared bytes (an image's pixels) count for each result
                seen.add(id(v))
                n += len(v) if not isinstance(v, memoryview) else v.nbytes
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
    return n
