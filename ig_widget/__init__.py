"""ig_widget: Integrated Gradients on your live PyTorch model, inside the notebook."""

from importlib.metadata import PackageNotFoundError, version

from .engine import IntegratedGradients, LayerIntegratedGradients

__all__ = [
    "IntegratedGradients",
    "LayerIntegratedGradients",
    "IGWidget",
    "IGBrowser",
    "attribute_dataset",
]
try:
    #: the version in pyproject.toml, its one source (the front end gets it as a trait)
    __version__ = version("ig_widget")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str):
    # the widget pulls in ipywidgets/anywidget; the engine alone must not need them
    if name == "IGWidget":
        from .widget import IGWidget

        return IGWidget
    if name == "IGBrowser":
        from .browser import IGBrowser

        return IGBrowser
    if name == "attribute_dataset":
        from .dataset.run import attribute_dataset

        return attribute_dataset
    raise AttributeError(f"module 'ig_widget' has no attribute {name!r}")


def load_ipython_extension(ipython) -> None:
    """``%load_ext ig_widget``: the ``%ig`` magic and pictures of ``Attribution`` records."""
    from .extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    """``%unload_ext ig_widget``: removes what ``load_ipython_extension`` added."""
    from .extension import unload_ipython_extension as unload

    unload(ipython)
