"""The base classes of every JSON document: camelCase keys, one envelope, one error shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@cache
def list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    """The validator of a list of `model`, built once per model. Thousands of rows or
    document parts validate in one call for about a third of one model at a time."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[model])  # type: ignore[valid-type]


# Parts validated per call by `validate_many`: big enough that the per-call cost vanishes,
# small enough that the input dicts never outweigh the models.
BATCH = 1024


def validate_many(model: type[M], items: Iterable[Mapping[str, Any]]) -> list[M]:
    """Thousands of a document's parts from dicts, a batch per call: about the speed of
    one call, with only one batch of the dicts alive at a time (all of 50,000 chains'
    dicts at once cost 50 MB)."""
    adapter = list_adapter(model)
    parts: list[M] = []
    pending = iter(items)
    while batch := list(islice(pending, BATCH)):
        parts += adapter.validate_python(batch)
    return parts


class CamelModel(BaseModel):
    """Python names in code, camelCase keys in JSON (`debt_score` is `debtScore`).

    The one place the predecessor's key style is decided: rows, document parts and whole
    documents all derive from it. Validators build on first use, so a command pays only
    for the models it prints.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        # A key printed whatever its value is required in the schema of what is printed.
        json_schema_serialization_defaults_required=True,
    )

    def document(self) -> dict[str, Any]:
        """The JSON-ready dict (what `--json` prints), keys as aliases, omitted keys dropped."""
        return self.model_dump(mode="json", by_alias=True)


def _is_none(value: object) -> bool:
    return value is None


# A key that is left out of the document when its value is None (rather than printed as
# null), for documents whose shape the predecessor's scripts rely on.
OmitNone = Annotated[T | None, Field(default=None, exclude_if=_is_none)]


class Envelope(CamelModel):
    """A command's whole answer: `success` first, then the command's own keys."""

    success: bool = True


class ErrorDocument(CamelModel):
    """What every failure prints under `--json`; `details` keys are merged in beside these."""

    model_config = ConfigDict(extra="allow")

    success: bool = False
    error: str
    code: str
