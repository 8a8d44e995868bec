"""Draws a displayed widget's picture on its own thread, so results reach the view at once.

Drawing a picture with matplotlib takes a few hundred milliseconds for an image. Done
where a result is published, it would hold back the result's message to the front end
and, through the widget's lock, every control change in the meantime. So the worker only
asks for a picture (``request``); this thread copies what the picture depends on under
the lock, draws outside it, and publishes under the lock again, unless a newer request
came meanwhile. ``wait`` blocks until the picture for the latest request is published:
``IGWidget.wait`` calls it, so a notebook run headlessly saves the final picture.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: how long ``wait`` sleeps between checks (a kernel interrupt lands between slices)
WAIT_SLICE = 0.2


class PictureRefresher:
    """One daemon thread per displayed widget.

    Args:
        lock: the widget's lock (held while ``snapshot`` and ``publish`` run).
        snapshot: returns what to draw, or None when there is nothing to draw.
        draw: turns a snapshot into the picture (runs without the lock).
        publish: shows a picture (runs with the lock held).
        name: the thread's name.
    """

    def __init__(
        self,
        lock: Any,
        snapshot: Callable[[], Any],
        draw: Callable[[Any], Any],
        publish: Callable[[Any], None],
        name: str = "ig_widget-picture",
    ) -> None:
        self._lock = lock
        self._snapshot, self._draw, self._publish = snapshot, draw, publish
        self._cond = threading.Condition()
        self._wanted = 0  # id of the newest request
        self._done = 0  # id of the newest request served
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Ask for a picture of the widget as it is now (cheap; any thread)."""
        with self._cond:
            self._wanted += 1
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the newest request is served; False after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._done < self._wanted and not self._closed:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(WAIT_SLICE if left is None else min(left, WAIT_SLICE))
        return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._done >= self._wanted and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                wanted = self._wanted
            try:
                with self._lock:
                    snap = self._snapshot()
                picture = None if snap is None else self._draw(snap)
                with self._lock:
                    with self._cond:
                        current = wanted == self._wanted and not self._closed
                    if current and picture is not None:
                        self._publish(picture)
            except Exception:  # noqa: BLE001 - a picture must never take the widget down
                log.exception("ig_widget: could not draw the widget's picture")
            with self._cond:
                self._done = max(self._done, wanted)
                self._cond.notify_all()
