"""Browse a whole data set: predictions in a gallery, any example opened in IGWidget."""

from .browser import IGBrowser

__all__ = ["IGBrowser"]
