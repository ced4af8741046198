"""Syndication's models, one module per flow.

Import rule: other modules import from ``syndication.models``, never from the submodules.
"""

from .pull import ImportedItem, Source

__all__ = ["ImportedItem", "Source"]
