"""Static pictures of attributions, drawn with matplotlib (Agg, no pyplot state).

The same drawings serve an engine ``Attribution`` shown in a notebook (the IPython
extension's display hook), and can serve a widget's static picture: every drawing
function takes plain arrays and a ``readout`` mapping (the widget payload's readout keys)
and returns a ``matplotlib.figure.Figure``; ``to_png`` turns one into PNG bytes.

- ``draw_image(img, attr, ...)``: the input, its heatmap, and the heatmap over the input.
- ``draw_tokens(tokens, attr, ...)``: each token on a background coloured by its share.
- ``draw_bars(names, values, attr, ...)``: signed bars of the top-k features.
- ``attribution_figure(record, ...)``: picks one of the three from the record's shape.

Strings from the user (tokens, feature names, class labels) are drawn as plain
matplotlib text with math parsing off; nothing here produces HTML.
"""

from .bars import draw_bars
from .image import draw_image
from .record import attribution_figure, record_readout
from .style import caption_line, to_png
from .tokens import draw_tokens

__all__ = [
    "attribution_figure",
    "caption_line",
    "draw_bars",
    "draw_image",
    "draw_tokens",
    "record_readout",
    "to_png",
]
