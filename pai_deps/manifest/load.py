"""Reading a manifest: a file (or a directory holding one) or text (git's index), through
the one guarded reader, parsed and validated; every failure, whatever the bytes, is a
`ManifestError`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import (
    ValidationError,
)

from pai_deps.errors import ManifestError
from pai_deps.manifest.issues import (
    MAX_ISSUES,
    Issue,
    KeyIndex,
    format_path,
    invalid,
    issue_from_error,
    line_of,
    root_issue,
    unknown_keys,
)
from pai_deps.manifest.model import Manifest
from pai_deps.manifest.wording import one_line, quote
from pai_deps.manifest.yaml12 import load_yaml_document, yaml_error

MANIFEST_FILENAME = "pai-manifest.yaml"
# Real manifests are a few hundred bytes; the cap keeps a stray huge file from stalling sync.
MAX_MANIFEST_BYTES = 1024 * 1024

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ParsedManifest:
    """A validated manifest from text (e.g. git's index), with what loading noticed."""

    manifest: Manifest
    warnings: list[str]
    content_hash: str  # sha256 hex of the UTF-8 bytes; lets sync skip unchanged files


@dataclass(frozen=True, slots=True)
class LoadedManifest(ParsedManifest):
    """A validated manifest from disk and where it lives."""

    manifest_path: Path  # absolute, symlinks not resolved (the path the user gave)
    tool_dir: Path  # manifest_path.parent; commands run here


# --------------------------------------------------------------------------- paths and reading


def resolve_manifest_path(path: Path | str) -> Path:
    """The manifest file for `path`: the file itself, or `<dir>/pai-manifest.yaml`.

    Absolute and normalised but not symlink-resolved, so the registry records the path
    the user knows.
    """
    absolute = Path(os.path.abspath(os.fspath(path)))
    if not _exists(absolute):
        raise ManifestError(
            f"Path not found: {absolute}",
            code="manifest_not_found",
            details={"path": str(absolute)},
        )
    if absolute.is_dir():
        candidate = absolute / MANIFEST_FILENAME
        if not candidate.is_file():
            raise ManifestError(
                f"Manifest not found: {candidate}",
                code="manifest_not_found",
                details={"path": str(candidate)},
            )
        return candidate
    if not absolute.is_file():
        raise ManifestError(
            f"Cannot read {absolute}: not a regular file", details={"file": str(absolute)}
        )
    return absolute


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False
    except OSError as exc:
        raise ManifestError(
            f"Cannot read {path}: {exc.strerror or exc}", details={"file": str(path)}
        ) from None
    except ValueError:  # e.g. an embedded NUL byte in the path
        return False
    return True


def load_manifest(path: Path | str, *, strict: bool = False) -> LoadedManifest:
    """Read, parse and validate a manifest file (or a directory holding one).

    Unknown keys are warnings, or errors with `strict=True`. Raises `ManifestError` for
    every failure.
    """
    manifest_path = resolve_manifest_path(path)
    return manifest_from_bytes(read_manifest_bytes(manifest_path), manifest_path, strict=strict)


def read_manifest_bytes(manifest_path: Path) -> bytes:
    """The file's bytes, through the one guarded reader: regular files of at most 1 MiB."""
    from pai_deps.safeio import FileGuardError, read_regular_file

    try:
        return read_regular_file(manifest_path, limit=MAX_MANIFEST_BYTES)
    except FileGuardError as exc:
        if exc.code == "file_too_large":
            raise too_large(str(manifest_path)) from None
        raise ManifestError(exc.message, details={"file": str(manifest_path)}) from None


def manifest_from_bytes(raw: bytes, manifest_path: Path, *, strict: bool) -> LoadedManifest:
    """Parse and validate bytes already read from `manifest_path` (see `load_manifest`)."""
    parsed = parse_manifest_text(raw, str(manifest_path), strict=strict)
    return LoadedManifest(
        manifest=parsed.manifest,
        warnings=parsed.warnings,
        content_hash=parsed.content_hash,
        manifest_path=manifest_path,
        tool_dir=manifest_path.parent,
    )


def parse_manifest_text(text: str | bytes, source: str, *, strict: bool = False) -> ParsedManifest:
    """Parse and validate manifest text; `source` names the file in messages.

    Used for manifests that are not files on disk (git's index), with the same errors as
    `load_manifest`.
    """
    raw, decoded = decode(text, source)
    content_hash = hashlib.sha256(raw).hexdigest()
    try:
        manifest, found_warnings = _parse(decoded, source, strict=strict)
    except ManifestError:
        raise
    except (RecursionError, MemoryError):
        raise yaml_error(source, None, "nested too deeply or too large to load") from None
    except Exception as exc:  # pragma: no cover - a bug, but never a traceback for a file
        raise ManifestError(
            f"Invalid manifest at {source}: could not be processed ({one_line(repr(exc))})",
            details={"file": source},
        ) from exc
    return ParsedManifest(manifest=manifest, warnings=found_warnings, content_hash=content_hash)


def _parse(decoded: str, source: str, *, strict: bool) -> tuple[Manifest, list[str]]:
    node, data = load_yaml_document(decoded, source)
    if not isinstance(data, dict):
        raise invalid(source, [root_issue(data, node)])

    try:
        unknown = list(unknown_keys(data, Manifest, ()))
        manifest: Manifest | None = None
        errors: list[ValidationError] = []
        try:
            manifest = Manifest.model_validate(data, by_alias=True, by_name=False)
        except ValidationError as exc:
            errors.append(exc)
    except RecursionError:
        raise yaml_error(source, None, "nested too deeply") from None

    if manifest is not None and not unknown:
        return manifest, []

    # Something to report: only now pay for line numbers.
    index = KeyIndex()
    issues = [issue_from_error(err, node, index) for exc in errors for err in exc.errors()]
    unknown_warnings: list[str] = []
    for key_path in unknown:
        if not strict and len(unknown_warnings) >= MAX_ISSUES:
            unknown_warnings.append(
                f"... and {len(unknown) - MAX_ISSUES} more unknown keys ignored"
            )
            break
        line = line_of(node, key_path, index)
        if strict:
            issues.append(Issue(format_path(key_path), "unknown key", line))
        else:
            where = f" (line {line})" if line is not None else ""
            key, parent = quote(key_path[-1]), format_path(key_path[:-1])
            unknown_warnings.append(f"Unknown key {key} at {parent}{where} ignored")
    if issues or manifest is None:
        raise invalid(source, issues)
    return manifest, unknown_warnings


def decode(text: str | bytes, source: str) -> tuple[bytes, str]:
    if isinstance(text, str):
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            raise ManifestError(
                f"Cannot read {source} (line {line}): not valid UTF-8 text",
                details={"file": source, "line": line},
            ) from None
    else:
        raw = bytes(text)
    if len(raw) > MAX_MANIFEST_BYTES:
        raise too_large(source)
    if isinstance(text, str):
        return raw, text
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ManifestError(
            f"Cannot read {source} (line {line}): not UTF-8 text "
            f"(byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            details={"file": source, "line": line},
        ) from None


def too_large(source: str) -> ManifestError:
    return ManifestError(
        f"Cannot read {source}: too large (over {MAX_MANIFEST_BYTES:,} bytes; "
        "a manifest is a few hundred)",
        details={"file": source, "limit": MAX_MANIFEST_BYTES},
    )
