"""Sharing a result: the static picture a saved notebook keeps, figures, pages, data.

- ``picture``: the widget's view drawn with matplotlib from its payload alone.
- ``bundle``: what a widget output holds for readers without the widget (PNG, escaped
  HTML, a true ``text/plain`` line).
- ``page``: a standalone HTML page of the view that opens offline.
- ``record``: ``result.json`` + ``result.npz``, written and read back safely.
- ``static``: results without a model (computed elsewhere, or loaded).
- ``files``: ``IGWidget.save`` / ``IGWidget.load`` by file suffix.
"""

from .picture import figure_bytes, payload_figure
from .record import read_record, write_record

__all__ = ["figure_bytes", "payload_figure", "read_record", "write_record"]
