"""What `discover` and error messages need from a manifest file, without validating it.

Both go through the same guarded reader and YAML loader as `load_manifest` (size cap,
nesting and alias limits), so a hostile file costs `discover` no more than `register`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pai_deps.errors import ManifestError
from pai_deps.manifest.issues import line_of
from pai_deps.manifest.load import decode, read_manifest_bytes
from pai_deps.manifest.yaml12 import load_yaml_document

__all__ = ["key_line", "read_manifest_name"]


def read_manifest_name(path: Path) -> str | None:
    """The `name` a manifest file declares, or None if it cannot be read or parsed.

    Uses the same guarded reader and YAML loader as `load_manifest`, without validating
    the rest: `discover` lists manifests whether or not they are valid.
    """
    try:
        raw = read_manifest_bytes(path)
        # Exact pre-filter: a name key needs the bytes "name", unless spelled with
        # escapes ("\\x6eame") or in UTF-16/32 (NUL bytes). Saves parsing name-less files.
        if b"name" not in raw and b"\\" not in raw and b"\x00" not in raw:
            return None
        _, decoded = decode(_from_bom(raw), str(path))
        _, data = load_yaml_document(decoded, str(path))
    except (ManifestError, RecursionError, MemoryError):
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def key_line(manifest_path: Path, dotted: str) -> int | None:
    """The 1-based line of `dotted` (`provides.cli[0].output_schema`) in a manifest file."""
    loc = tuple(name if name else int(number) for name, number in _PATH_PART.findall(dotted))
    try:
        raw = read_manifest_bytes(manifest_path)
        _, decoded = decode(raw, str(manifest_path))
        node, _ = load_yaml_document(decoded, str(manifest_path))
    except (ManifestError, RecursionError, MemoryError):
        return None
    return line_of(node, loc)


def _from_bom(raw: bytes) -> bytes | str:
    """UTF-16/32 text (with a byte-order mark) as str; anything else as the bytes."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                return raw
    return raw
