"""ig_widget: Integrated Gradients on your live PyTorch model, inside the notebook."""

from .engine import IntegratedGradients

__all__ = ["IntegratedGradients", "IGWidget", "attribute_dataset"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # the widget pulls in ipywidgets/anywidget; the engine alone must not need them
    if name == "IGWidget":
        from .widget import IGWidget

        return IGWidget
    if name == "attribute_dataset":
        from .dataset.run import attribute_dataset

        return attribute_dataset
    raise AttributeError(f"module 'ig_widget' has no attribute {name!r}")
