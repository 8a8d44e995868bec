"""Attribution results -> what the front end draws (numpy only, no torch).

Each modality module builds its part of the ``_payload`` trait (see
docs/architecture.md); ``trace`` builds the path plot and ``readout`` the numbers line.
Arrays are encoded with ``ig_widget._serialize.encode_array``.
"""

from .image import image_payload, to_rgba
from .readout import readout
from .tabular import feature_names, tabular_payload
from .text import text_payload, token_strings
from .trace import TOP_FEATURES, path_trace

__all__ = [
    "TOP_FEATURES",
    "feature_names",
    "image_payload",
    "path_trace",
    "readout",
    "tabular_payload",
    "text_payload",
    "to_rgba",
    "token_strings",
]
