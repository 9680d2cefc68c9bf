"""YAML 1.2 with every guard: the one way manifest text becomes data.

The YAML is composed once with ruamel's C parser (libyaml) and a YAML 1.2 resolver whose
tables are built once per process, not once per file. The composed node tree is kept, so
line numbers and the source text of a scalar come from it without a second parse.
Nesting depth is bounded before libyaml sees the text, alias and merge-key expansion
before construction; whatever ruamel raises becomes one `ManifestError` line.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import Node, ScalarNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader, ReaderError
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag

from pai_deps.errors import ManifestError
from pai_deps.manifest.wording import one_line, quote

# Aliases can make a small file expand into a huge structure ("billion laughs").
MAX_EXPANDED_NODES = 1_000_000
# Manifests nest four levels deep; libyaml's recursive composer must never see thousands.
MAX_DEPTH = 100

# --------------------------------------------------------------------------- YAML 1.2 loader


def _build_resolver_table() -> dict[str, list[tuple[Tag, Any]]]:
    table: dict[str, list[tuple[Tag, Any]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for ch in first:
                table.setdefault(ch, []).append((Tag(suffix=tag), regexp))
    return table


_YAML12_RESOLVERS = _build_resolver_table()


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 core schema (`no` is a string) with tables built once, not per document.

    ruamel's own resolver rebuilds its tables for every loader and re-derives the YAML
    version for every scalar: about 45% of the load time of a small manifest. `%YAML 1.1`
    directives are ignored; manifests are YAML 1.2.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _YAML12_RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


try:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    C_LOADER_AVAILABLE = CParser.__module__.endswith("_ruamel_yaml")
except ImportError:  # pragma: no cover - only without ruamel.yaml.clib (e.g. PyPy)
    C_LOADER_AVAILABLE = False


if C_LOADER_AVAILABLE:

    class _Loader(CParser, SafeConstructor, _Yaml12Resolver):  # type: ignore[misc]
        """libyaml parser + safe constructor: about 120 ms per 1,000 manifests."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._parser = self._composer = self
            SafeConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _Yaml12Resolver.__init__(self, version=None, loadumper=self)

else:  # pragma: no cover

    class _Loader(  # type: ignore[no-redef]
        Reader, Scanner, Parser, Composer, SafeConstructor, _Yaml12Resolver
    ):
        """Pure-Python fallback, about ten times slower."""

        def __init__(self, stream: str) -> None:
            self.comment_handling = None
            Reader.__init__(self, stream, loader=self)
            Scanner.__init__(self, loader=self)
            Parser.__init__(self, loader=self)
            Composer.__init__(self, loader=self)
            SafeConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _Yaml12Resolver.__init__(self, version=None, loader=self)


def _nesting_exceeds_limit(text: str) -> int | None:
    """The line where nesting passes `MAX_DEPTH`, or None.

    libyaml's composer recurses in C without Python's recursion guard: a few tens of
    thousands of nested `- ` crash the process. Every nesting level needs one of these
    indicator characters, so counting them is a cheap bound; only files that could be too
    deep pay for an event scan, which is iterative and stops at the limit.
    """
    if sum(text.count(ch) for ch in "[{-:?") <= MAX_DEPTH or not C_LOADER_AVAILABLE:
        return None
    parser = CParser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return int(event.start_mark.line) + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except Exception:
        return None  # a syntax error: the real parse reports it with its line
    finally:
        parser.dispose()
    return None


class _TooLarge(Exception):
    """The document's aliases and merge keys would expand past `MAX_EXPANDED_NODES`."""


def _compose_and_construct(text: str) -> tuple[Node | None, Any]:
    """Parse one YAML document, keeping the node tree for line numbers.

    The expanded size is checked on the node graph before construction: constructing
    a merge-key bomb is what takes minutes and gigabytes.
    """
    loader = _Loader(text)
    try:
        with warnings.catch_warnings():
            # ruamel reports e.g. reused anchors as warnings; they must not reach stderr.
            warnings.simplefilter("ignore")
            node = loader.get_single_node()
            if node is not None and "*" in text:
                from pai_deps.manifest.aliases import expanded_size_exceeds

                if expanded_size_exceeds(node, MAX_EXPANDED_NODES):
                    raise _TooLarge
            data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def load_yaml_document(decoded: str, source: str) -> tuple[Node | None, Any]:
    """One YAML document with every guard: nesting depth, expansion size, one-line errors.

    The only way pai-deps turns manifest text into data (`register`, `sync`, `discover`).
    """
    too_deep_at = _nesting_exceeds_limit(decoded)
    if too_deep_at is not None:
        raise yaml_error(source, too_deep_at, f"nested more than {MAX_DEPTH} levels deep")
    try:
        return _compose_and_construct(decoded)
    except _TooLarge:
        raise yaml_error(
            source, None, f"aliases expand to more than {MAX_EXPANDED_NODES:,} values"
        ) from None
    except RecursionError:
        raise yaml_error(source, None, "nested too deeply") from None
    except MemoryError:
        raise yaml_error(source, None, "too large to load") from None
    except Exception as exc:  # ruamel raises many types; none may escape as a traceback
        line, problem = _describeyaml_error(exc, decoded)
        raise yaml_error(source, line, problem) from None


def yaml_error(source: str, line: int | None, problem: str) -> ManifestError:
    where = f" (line {line})" if line is not None else ""
    return ManifestError(
        f"Invalid YAML at {source}{where}: {problem}",
        details={"file": source, "line": line, "problem": problem},
    )


_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)" with value "', re.DOTALL)


def _describeyaml_error(exc: BaseException, text: str) -> tuple[int | None, str]:
    """One line (and a 1-based line number) from whatever ruamel raised."""
    if isinstance(exc, MarkedYAMLError):
        problem = exc.problem or exc.context or "not valid YAML"
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        duplicate = _DUPLICATE_KEY.search(problem)
        if duplicate:
            return line, f"duplicate key {quote(duplicate.group(1))}"
        if exc.context == "expected a single document in the stream":
            return line, "a second YAML document starts here; a manifest is one document"
        if problem.startswith("found duplicate merge key"):
            return line, "duplicate key '<<'"
        if line is not None and _indented_with_tab(text, line):
            return line, "this line is indented with a tab; YAML forbids tabs for indentation"
        context_mark = exc.context_mark
        if exc.context and exc.problem and context_mark is not None:
            problem = f"{problem} ({exc.context} at line {context_mark.line + 1})"
        return line, one_line(problem)
    if isinstance(exc, ReaderError):
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        character = exc.character
        code = f" U+{character:04X}" if isinstance(character, int) else ""
        return line, one_line(f"character{code} not allowed: {exc.reason}")
    return None, one_line(f"cannot read a value: {exc}" if str(exc) else type(exc).__name__)


def _indented_with_tab(text: str, line: int) -> bool:
    """Whether the 1-based `line` of `text` has a tab in its leading white space."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    source = lines[line - 1]
    return "\t" in source[: len(source) - len(source.lstrip(" \t"))]
