"""Integrated Gradients over a whole data set, written to disk as it goes.

``attribute_dataset`` (``run.py``) streams a Dataset, a DataLoader or a tensor batch
through the engine and writes shards (``store.py``); ``open_results`` reads a results
directory back lazily, by index or by slice. ``distributed.py`` splits the work over the
processes of a ``torch.distributed`` job, ``progress.py`` draws the progress bar.
"""

from __future__ import annotations

from .store import DatasetResults, open_results

__all__ = ["DatasetResults", "attribute_dataset", "open_results"]


def __getattr__(name: str):
    if name == "attribute_dataset":
        from .run import attribute_dataset

        return attribute_dataset
    raise AttributeError(f"module 'ig_widget.dataset' has no attribute {name!r}")
