"""The keywords the reader knows, by what they constrain.

Annotations never change which values are valid (they are compared as cosmetic);
containers hold reusable schemas (compared where they are used); every keyword not
known here is compared as written and, when it changes, cannot be proved compatible.
"""

from __future__ import annotations

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "$comment",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "id",
        "$anchor",
        "$dynamicAnchor",
        "$recursiveAnchor",
        "$vocabulary",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "discriminator",
    }
)
CONTAINERS = frozenset({"$defs", "definitions"})
NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYS = ("minLength", "maxLength", "pattern", "format")
ARRAY_KEYS = (
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
)
OBJECT_KEYS = (
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
)
COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")
IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "$ref", "$dynamicRef", "dependentSchemas")
UNEVALUATED = ("unevaluatedProperties", "unevaluatedItems")
KNOWN = frozenset(
    {
        *ANNOTATIONS,
        *CONTAINERS,
        *NUMBER_KEYS,
        *STRING_KEYS,
        *ARRAY_KEYS,
        *OBJECT_KEYS,
        *COMBINATORS,
        *UNEVALUATED,
        "type",
        "enum",
        "const",
        "$ref",
    }
)


def is_annotation(key: str) -> bool:
    return key in ANNOTATIONS or key.startswith("x-")
