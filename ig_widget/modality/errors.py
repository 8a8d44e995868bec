"""The one exception the adapters add: the user's model failed on the path.

The engine lets a model's exception through unchanged; the adapter wraps it in
``ModelError`` raised ``from`` it, so the worker can tell the model's failures from the
package's own and say on how many rows the model was run."""

from __future__ import annotations


class ModelError(Exception):
    """The model raised while the widget ran it on a batch of path points.

    ``original`` (also ``__cause__``) is the model's own exception, with its traceback;
    ``rows`` is the batch size the model was given, or None when unknown.
    """

    def __init__(self, original: BaseException, rows: int | None) -> None:
        where = f" on a batch of {rows} path points" if rows else ""
        super().__init__(f"the model raised {type(original).__name__}{where}: {original}")
        self.original = original
        self.rows = rows
