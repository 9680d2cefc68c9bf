"""pai-deps: a dependency and contract registry for a developer's own tools."""

__version__ = "0.1.0"
