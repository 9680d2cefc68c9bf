"""Find `pai-manifest.yaml` files below a set of root directories.

Pure: no database, no printing. The walk fixes the reference tool's weaknesses:
gitignore files apply relative to their own directory with real git semantics
(anchors, negation, directory-only patterns, deeper files override shallower ones,
`.git/info/exclude`), a directory's own manifest is always checked however big the
directory is, output is sorted, and the name is read by parsing YAML.

Decisions worth knowing:

* Hidden directories *below* a root are skipped (they hold caches, VCS data and
  editor state, rarely tools); a root may itself be hidden (`~/.claude/skills`).
* Symlinks (to directories and to manifests) are followed only to places inside one
  of the roots: a repository from someone else must not lead the walk (and then
  `register` and `verify`) anywhere on the machine with `ln -s .. up`. A link that
  leads out is skipped with a warning; `follow_external_links=True` follows it (tool
  collections such as `~/.claude/skills` are commonly built from symlinks). Each real
  directory is walked once (tracked by device and inode), so loops and overlapping
  roots terminate and never report a manifest twice; the first path met, in sorted
  walk order, is reported.
* Gitignore files are read from each root downwards; files above a root are not
  consulted (the root is what was asked for). Entering a nested git repository
  starts a fresh gitignore context, as git does: the outer repository's patterns do
  not apply inside it, while that repository's `.git/info/exclude` does.
* Ignore rules prune directories only; a manifest in a visited directory is reported
  even if a pattern would match the file itself.
* `excludes` use gitignore syntax relative to each root and always win over
  gitignore negations; they apply even with `use_gitignore=False`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathspec import GitIgnoreSpec

from pai_deps.errors import PaiDepsError

if TYPE_CHECKING:
    from pai_deps.results.setup import Discovered

MANIFEST_FILENAME = "pai-manifest.yaml"

BUILTIN_EXCLUDES: frozenset[str] = frozenset(
    {
        "node_modules",
        ".git",
        "dist",
        "build",
        ".cache",
        "coverage",
        ".next",
        ".turbo",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "venv",
        ".venv",
        ".tox",
    }
)


@dataclass(frozen=True)
class FoundManifest:
    """One manifest file: its path, its directory and the parsed `name` (or None)."""

    path: Path
    dir: Path
    name: str | None


@dataclass
class DiscoveryResult:
    """What a walk found; `warnings` lists directories that could not be read."""

    manifests: list[FoundManifest] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    missing_roots: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Layer:
    """Patterns of one ignore file, applying to paths below `base` (root-relative)."""

    base: str
    spec: Any  # GitIgnoreSpec; pathspec's generics are not worth spelling out here


class _SpecCache:
    """Compiles each distinct ignore-file text once; many repositories share templates."""

    def __init__(self) -> None:
        self._specs: dict[str, Any] = {}

    def layer(self, path: str, base: str) -> _Layer | None:
        text = _read_small_text(path)
        if text is None:
            return None
        spec = self._specs.get(text)
        if spec is None:
            spec = self._specs[text] = GitIgnoreSpec.from_lines(text.splitlines())
        return _Layer(base, spec) if len(spec.patterns) else None


# Ignore files and git pointers are small; a FIFO or /dev/zero in their place is hostile.
_MAX_IGNORE_FILE_BYTES = 1024 * 1024


def _read_small_text(path: str | Path) -> str | None:
    """A small regular file's text, or None (missing, special, huge, unreadable)."""
    from pai_deps.safeio import FileGuardError, read_regular_file

    try:
        raw = read_regular_file(path, limit=_MAX_IGNORE_FILE_BYTES)
    except FileGuardError:
        return None
    return raw.decode("utf-8", errors="replace")


def _git_info_exclude(git_entry: Path) -> str | None:
    """Where `info/exclude` lives for a `.git` directory or a `.git` file (worktree)."""
    if git_entry.is_dir():
        return str(git_entry / "info" / "exclude")
    text = (_read_small_text(git_entry) or "").strip()
    if not text.startswith("gitdir:"):
        return None
    git_dir = Path(text[len("gitdir:") :].strip())
    if not git_dir.is_absolute():
        git_dir = git_entry.parent / git_dir
    common = git_dir / "commondir"
    if common.is_file():
        pointer = _read_small_text(common)
        if pointer is None:
            return None
        git_dir = git_dir / pointer.strip()
    return str(git_dir / "info" / "exclude")


def _relative_to(rel: str, base: str) -> str:
    return rel if not base else rel[len(base) + 1 :]


def _is_ignored(rel_dir: str, layers: Sequence[_Layer]) -> bool:
    """Git precedence: the deepest ignore file with a matching pattern decides."""
    for layer in reversed(layers):
        result = layer.spec.check_file(_relative_to(rel_dir, layer.base) + "/")
        if result.include is not None:
            return bool(result.include)
    return False


class _NameReader:
    """Reads `name` through the manifest loader: the same size cap and YAML guards."""

    def __init__(self) -> None:
        from pai_deps.manifest.lookup import read_manifest_name

        self.read = read_manifest_name


def discover(
    roots: Sequence[Path],
    *,
    excludes: Sequence[str] = (),
    max_depth: int | None = 10,
    use_gitignore: bool = True,
    read_names: bool = True,
    follow_external_links: bool = False,
) -> DiscoveryResult:
    """Walk `roots` and return every manifest found, sorted by directory.

    Depth counts from the root (0); with `max_depth=2`, `root/a/b` is visited and
    `root/a/b/c` is not. `None` means unlimited (loops are still impossible).
    `read_names=False` skips the YAML parse for callers that load each manifest anyway.
    """
    result = DiscoveryResult()
    seen_roots: set[Path] = set()
    for given in roots:
        expanded = Path(os.path.expanduser(given))
        root = expanded.resolve()
        if not root.is_dir():
            result.missing_roots.append(expanded)
        elif root not in seen_roots:
            seen_roots.add(root)
            result.roots.append(root)
    walker = _Walker(
        result,
        excludes=excludes,
        max_depth=max_depth,
        use_gitignore=use_gitignore,
        follow_external_links=follow_external_links,
    )
    reader = _NameReader() if read_names else None
    for directory in walker.walk():
        dir_path = Path(directory)
        manifest_path = dir_path / MANIFEST_FILENAME
        tool_name = reader.read(manifest_path) if reader is not None else None
        result.manifests.append(FoundManifest(path=manifest_path, dir=dir_path, name=tool_name))
    # Path order compares components, so a directory sorts before its subdirectories.
    result.manifests.sort(key=lambda m: m.dir)
    return result


def discovered(
    roots: Sequence[Path],
    *,
    excludes: Sequence[str] = (),
    max_depth: int | None = 10,
    use_gitignore: bool = True,
    follow_external_links: bool = False,
) -> Discovered:
    """`discover`: the manifests below `roots`, with their names; no usable root at all is
    an error (`no_roots`)."""
    from pai_deps.results.setup import Discovered, FoundManifestEntry

    result = discover(
        roots,
        excludes=excludes,
        max_depth=max_depth,
        use_gitignore=use_gitignore,
        follow_external_links=follow_external_links,
    )
    if not result.roots:
        raise PaiDepsError(
            "No valid root directories: " + ", ".join(str(r) for r in result.missing_roots),
            code="no_roots",
            details={"missingRoots": [str(r) for r in result.missing_roots]},
        )
    return Discovered(
        manifests=[
            FoundManifestEntry(path=str(m.path), dir=str(m.dir), name=m.name)
            for m in result.manifests
        ],
        roots=[str(r) for r in result.roots],
        missing_roots=[str(r) for r in result.missing_roots],
        warnings=result.warnings,
        count=len(result.manifests),
    )


# A directory still to visit: path, root-relative path, depth, ignore layers, (dev, inode).
_Pending = tuple[str, str, int, tuple[_Layer, ...], tuple[int, int]]


class _Walker:
    """One walk over the roots of `result`, which collects its warnings."""

    def __init__(
        self,
        result: DiscoveryResult,
        *,
        excludes: Sequence[str],
        max_depth: int | None,
        use_gitignore: bool,
        follow_external_links: bool,
    ) -> None:
        self.result = result
        self.max_depth = max_depth
        self.use_gitignore = use_gitignore
        self.follow_external_links = follow_external_links
        self.exclude_spec: Any = GitIgnoreSpec.from_lines(list(excludes)) if excludes else None
        self.root_texts = [str(root) for root in result.roots]
        self.specs = _SpecCache()
        self.visited: set[tuple[int, int]] = set()

    def walk(self) -> list[str]:
        """The directories holding a manifest, in walk order.

        An explicit stack (children pushed in reverse) gives the same pre-order as
        recursion, without Python's recursion limit on deep trees. Paths stay strings
        here: pathlib objects cost more than the walk itself.
        """
        stack: list[_Pending] = []
        for root in reversed(self.result.roots):
            st = root.stat()
            stack.append((str(root), "", 0, (), (st.st_dev, st.st_ino)))
        found: list[str] = []
        while stack:
            path, rel, depth, layers, key = stack.pop()
            if key in self.visited:
                continue
            self.visited.add(key)
            entries = self._scan(path)
            if entries is None:
                continue
            names = {e.name: e for e in entries}
            manifest = names.get(MANIFEST_FILENAME)
            if manifest is not None and manifest.is_file() and not self._leads_out(manifest):
                found.append(path)
            if self.max_depth is not None and depth >= self.max_depth:
                continue
            if self.use_gitignore:
                layers = self._layers(path, rel, names, layers)
            stack.extend(reversed(self._children(entries, rel, depth, layers)))
        return found

    def _scan(self, path: str) -> list[os.DirEntry[str]] | None:
        try:
            with os.scandir(path) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.result.warnings.append(
                f"Skipped unreadable directory {path}: {exc.strerror or exc}"
            )
            return None

    def _leads_out(self, entry: os.DirEntry[str]) -> bool:
        """A symlink whose target is outside every root (warned about once, here)."""
        if self.follow_external_links or not entry.is_symlink():
            return False
        target = os.path.realpath(entry.path)
        if any(
            target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in self.root_texts
        ):
            return False
        self.result.warnings.append(
            f"Skipped {entry.path}: a link to {target}, outside the searched roots "
            "(--follow-external-links follows it)"
        )
        return True

    def _layers(
        self, path: str, rel: str, names: dict[str, os.DirEntry[str]], layers: tuple[_Layer, ...]
    ) -> tuple[_Layer, ...]:
        """The ignore layers that apply below `path`."""
        if ".git" in names:
            # A repository boundary: git reads only this repository's ignore files.
            layers = ()
            exclude_file = _git_info_exclude(Path(path, ".git"))
            info = self.specs.layer(exclude_file, rel) if exclude_file else None
            if info is not None:
                layers = (info,)
        if ".gitignore" in names:
            own = self.specs.layer(os.path.join(path, ".gitignore"), rel)
            if own is not None:
                layers = (*layers, own)
        return layers

    def _children(
        self,
        entries: list[os.DirEntry[str]],
        rel: str,
        depth: int,
        layers: tuple[_Layer, ...],
    ) -> list[_Pending]:
        children: list[_Pending] = []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in BUILTIN_EXCLUDES:
                continue
            try:
                if not entry.is_dir():
                    continue
                st = entry.stat()
            except OSError:
                continue
            child_key = (st.st_dev, st.st_ino)
            if child_key in self.visited or self._leads_out(entry):
                continue
            child_rel = f"{rel}/{name}" if rel else name
            if self.exclude_spec is not None and self.exclude_spec.match_file(child_rel + "/"):
                continue
            if layers and _is_ignored(child_rel, layers):
                continue
            children.append((entry.path, child_rel, depth + 1, layers, child_key))
        return children


def config_path() -> Path:
    """`$XDG_CONFIG_HOME/pai-deps/config.toml`, falling back to `~/.config` per XDG."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    config_home = Path(base) if base else Path.home() / ".config"
    return config_home / "pai-deps" / "config.toml"


def default_roots() -> list[Path]:
    """Roots from the user's config (`roots = [...]`), else the current directory.

    `~` is expanded; relative entries are taken relative to the config file's
    directory, since a working-directory-relative root in a global file means nothing.
    """
    path = config_path()
    if not path.is_file():
        return [Path.cwd()]
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PaiDepsError(f"Invalid config file {path}: {exc}", code="invalid_config") from exc
    roots = data.get("roots")
    if roots is None:
        return [Path.cwd()]
    if not isinstance(roots, list) or not all(isinstance(r, str) and r for r in roots):
        raise PaiDepsError(
            f"Invalid config file {path}: 'roots' must be a list of non-empty strings",
            code="invalid_config",
        )
    return [path.parent / Path(r).expanduser() for r in roots]
