"""JSON pointers with `*` wildcards, as consumers write them in `depends_on[].uses`, and
what they reach in a provider's JSON Schema."""

from pai_deps.pointers.match import SchemaReach, deprecated_locations, reach
from pai_deps.pointers.syntax import (
    WILDCARD,
    PointerError,
    format_pointer,
    overlaps,
    parse_pointer,
)

__all__ = [
    "WILDCARD",
    "PointerError",
    "SchemaReach",
    "deprecated_locations",
    "format_pointer",
    "overlaps",
    "parse_pointer",
    "reach",
]
