"""Discovery walks real trees: gitignore semantics, excludes, depth, links, names."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.errors import PaiDepsError
from pai_deps.registry.discovery import BUILTIN_EXCLUDES, MANIFEST_FILENAME, default_roots, discover


def manifest(directory: Path, body: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST_FILENAME
    path.write_text(body if body is not None else f"name: {directory.name}\ntype: cli\n")
    return path


def found_dirs(root: Path, **kwargs: object) -> list[str]:
    result = discover([root], **kwargs)  # type: ignore[arg-type]
    return [m.dir.relative_to(root.resolve()).as_posix() for m in result.manifests]


def test_root_and_nested_manifests_sorted(tmp_path: Path) -> None:
    for rel in ["zeta", "alpha", "alpha/inner", ".", "mid/deep/er"]:
        manifest(tmp_path / rel)
    result = discover([tmp_path])
    rels = [m.dir.relative_to(tmp_path.resolve()).as_posix() for m in result.manifests]
    assert rels == [".", "alpha", "alpha/inner", "mid/deep/er", "zeta"]
    assert [m.dir for m in result.manifests] == sorted(m.dir for m in result.manifests)
    assert all(m.path == m.dir / MANIFEST_FILENAME for m in result.manifests)
    assert result.roots == [tmp_path.resolve()]
    assert result.missing_roots == []
    assert result.warnings == []


def test_builtin_excludes_and_hidden_dirs_skipped(tmp_path: Path) -> None:
    for name in BUILTIN_EXCLUDES:
        manifest(tmp_path / name)
        manifest(tmp_path / "pkg" / name)
    manifest(tmp_path / ".hidden")
    manifest(tmp_path / "pkg" / ".config")
    manifest(tmp_path / "pkg" / "ok")
    assert found_dirs(tmp_path) == ["pkg/ok"]


def test_hidden_root_is_walked(tmp_path: Path) -> None:
    root = tmp_path / ".claude" / "skills"
    manifest(root / "skill-a")
    assert found_dirs(root) == ["skill-a"]


def test_big_directory_keeps_its_own_manifest(tmp_path: Path) -> None:
    big = tmp_path / "big"
    manifest(big)
    for i in range(1500):
        (big / f"f{i}.txt").touch()
    manifest(big / "sub")
    assert found_dirs(tmp_path) == ["big", "big/sub"]


def test_nested_gitignore_is_relative_to_its_own_directory(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("gen-*\nsub/skipped\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("# comment\n/anchored\ntmp/\n!gen-keep\n")
    for rel in [
        "gen-a",  # root pattern
        "sub/gen-b",  # root pattern, unanchored, applies below
        "sub/gen-keep",  # re-included by the deeper .gitignore
        "sub/skipped",  # root pattern with a slash is anchored to the root
        "other/sub/skipped",  # ... so it does not match here
        "sub/anchored",  # anchored in sub/.gitignore
        "sub/x/anchored",  # not at sub/'s top level: kept
        "anchored",  # sub/.gitignore does not reach its parent
        "sub/x/tmp",  # directory-only pattern at any depth below sub
    ]:
        manifest(tmp_path / rel)
    (tmp_path / "sub" / "y").mkdir()
    (tmp_path / "sub" / "y" / "tmp").write_text("a file named tmp is not a directory\n")
    assert found_dirs(tmp_path) == [
        "anchored",
        "other/sub/skipped",
        "sub/gen-keep",
        "sub/x/anchored",
    ]


def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("private/\n")
    (repo / ".gitignore").write_text("!private-but-kept/\n")
    manifest(repo / "private")
    manifest(repo / "pkg" / "private")
    manifest(repo / "public")
    assert found_dirs(tmp_path) == ["repo/public"]


def test_gitignore_overrides_info_exclude(tmp_path: Path) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local*/\n")
    (tmp_path / ".gitignore").write_text("!local-shared/\n")
    manifest(tmp_path / "local-mine")
    manifest(tmp_path / "local-shared")
    assert found_dirs(tmp_path) == ["local-shared"]


def test_nested_repository_starts_a_fresh_ignore_context(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("scratch/\n")
    inner = tmp_path / "inner-repo"
    (inner / ".git").mkdir(parents=True)
    manifest(tmp_path / "scratch")
    manifest(inner / "scratch")
    assert found_dirs(tmp_path) == ["inner-repo/scratch"]


def test_no_gitignore_disables_ignore_files_but_not_builtins(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("excluded/\n")
    for rel in ["ignored", "excluded", "node_modules/x", ".hidden"]:
        manifest(tmp_path / rel)
    assert found_dirs(tmp_path) == []
    assert found_dirs(tmp_path, use_gitignore=False) == ["excluded", "ignored"]


def test_excludes_use_gitignore_syntax_relative_to_root_and_win(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("!fixtures/\n")
    for rel in ["fixtures", "a/fixtures", "vendor", "a/vendor", "keep"]:
        manifest(tmp_path / rel)
    result = found_dirs(tmp_path, excludes=["fixtures", "/vendor"])
    assert result == ["a/vendor", "keep"]
    assert found_dirs(tmp_path, excludes=["fixtures"], use_gitignore=False) == [
        "a/vendor",
        "keep",
        "vendor",
    ]


def test_max_depth(tmp_path: Path) -> None:
    for rel in [".", "a", "a/b", "a/b/c", "a/b/c/d"]:
        manifest(tmp_path / rel)
    assert found_dirs(tmp_path, max_depth=2) == [".", "a", "a/b"]
    assert found_dirs(tmp_path, max_depth=0) == ["."]
    assert found_dirs(tmp_path, max_depth=None) == [".", "a", "a/b", "a/b/c", "a/b/c/d"]


def test_symlink_loops_terminate_and_linked_dirs_are_followed(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "tool"
    manifest(real)
    root = tmp_path / "root"
    manifest(root / "a")
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    (root / "a" / "self").symlink_to(root / "a", target_is_directory=True)
    (root / "linked").symlink_to(real, target_is_directory=True)
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    assert found_dirs(root, max_depth=None, follow_external_links=True) == ["a", "linked"]


def test_links_out_of_the_roots_are_not_followed_by_default(tmp_path: Path) -> None:
    manifest(tmp_path / "outside" / "tool")
    root = tmp_path / "repo"
    manifest(root / "inside")
    (root / "up").symlink_to("..", target_is_directory=True)
    (root / "alias").symlink_to(root / "inside", target_is_directory=True)
    (root / "file-link").mkdir()
    (root / "file-link" / MANIFEST_FILENAME).symlink_to(
        tmp_path / "outside" / "tool" / MANIFEST_FILENAME
    )
    result = discover([root], max_depth=None)
    # The internal link is followed (and, met first in sorted order, reported).
    assert [m.dir.relative_to(root.resolve()).as_posix() for m in result.manifests] == ["alias"]
    assert sorted(result.warnings) == [
        f"Skipped {root.resolve() / 'file-link' / MANIFEST_FILENAME}: a link to "
        f"{tmp_path.resolve() / 'outside' / 'tool' / MANIFEST_FILENAME}, outside the searched "
        "roots (--follow-external-links follows it)",
        f"Skipped {root.resolve() / 'up'}: a link to {tmp_path.resolve()}, outside the "
        "searched roots (--follow-external-links follows it)",
    ]
    both = discover([root, tmp_path / "outside"], max_depth=None)
    assert len(both.manifests) == 3  # the file link now leads into a root
    assert [w.split(":")[0] for w in both.warnings] == [f"Skipped {root.resolve() / 'up'}"]


def test_overlapping_roots_report_each_manifest_once(tmp_path: Path) -> None:
    manifest(tmp_path / "a" / "b")
    result = discover([tmp_path, tmp_path / "a", tmp_path / "missing", tmp_path])
    assert [m.dir for m in result.manifests] == [(tmp_path / "a" / "b").resolve()]
    assert result.roots == [tmp_path.resolve(), (tmp_path / "a").resolve()]
    assert result.missing_roots == [tmp_path / "missing"]


def test_file_given_as_root_is_missing(tmp_path: Path) -> None:
    file_root = manifest(tmp_path)
    result = discover([file_root])
    assert result.roots == []
    assert result.missing_roots == [file_root]


def test_unreadable_directory_is_skipped_with_a_warning(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    manifest(locked / "inside")
    manifest(tmp_path / "open")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK | os.X_OK):
            pytest.skip("this user can read a mode-000 directory (running as root?)")
        result = discover([tmp_path])
    finally:
        locked.chmod(0o755)
    assert [m.dir.name for m in result.manifests] == ["open"]
    assert len(result.warnings) == 1
    assert str(locked) in result.warnings[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('name: "quoted tool"\ntype: cli\n', "quoted tool"),
        ("name: 'single'\n", "single"),
        ("type: cli\ndescription: a name is not here\n", None),
        ("type: cli\n", None),
        ("name: [unclosed\n", None),
        ("name: ok\nname: duplicate\n", None),
        ("name: 1.0\n", None),
        ("name: yes\n", "yes"),  # YAML 1.2: a string, not a boolean
        ("- name: in-a-list\n", None),
        ("", None),
        ('"\\x6eame": escaped-key\n', "escaped-key"),
        ("# c\nname: plain  # trailing comment\n", "plain"),
        ("name: >\n  folded\n  text\n", "folded text\n"),
    ],
)
def test_names_are_parsed_from_yaml(tmp_path: Path, body: str, expected: str | None) -> None:
    manifest(tmp_path / "t", body)
    [found] = discover([tmp_path]).manifests
    assert found.name == expected


def test_utf16_manifest_name(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / MANIFEST_FILENAME).write_bytes("name: café\n".encode("utf-16"))
    [found] = discover([tmp_path]).manifests
    assert found.name == "café"


def test_read_names_false_skips_parsing(tmp_path: Path) -> None:
    manifest(tmp_path / "t")
    [found] = discover([tmp_path], read_names=False).manifests
    assert found.name is None
    assert found.dir == (tmp_path / "t").resolve()


def test_tilde_root_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    manifest(tmp_path / "work" / "tool")
    result = discover([Path("~/work")])
    assert [m.name for m in result.manifests] == ["tool"]


# ----------------------------------------------------------------------- default_roots


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xdg" / "pai-deps" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def test_default_roots_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = write_config(tmp_path, 'roots = ["~/work", "/abs/path", "rel"]\n')
    assert default_roots() == [
        tmp_path / "home" / "work",
        Path("/abs/path"),
        config.parent / "rel",
    ]


def test_default_roots_without_config_is_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert default_roots() == [tmp_path]
    write_config(tmp_path, "other = 1\n")
    assert default_roots() == [tmp_path]


def test_default_roots_falls_back_to_dot_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / ".config" / "pai-deps" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('roots = ["/srv/tools"]\n')
    assert default_roots() == [Path("/srv/tools")]


@pytest.mark.parametrize("text", ["roots = [\n", 'roots = "not-a-list"\n', "roots = [1]\n"])
def test_malformed_config_is_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = write_config(tmp_path, text)
    with pytest.raises(PaiDepsError) as info:
        default_roots()
    assert str(config) in info.value.message
    assert "\n" not in info.value.message
    assert info.value.code == "invalid_config"


# --------------------------------------------------------------------------- property

NAMES = st.sampled_from(["a", "b", "c", ".h", "node_modules", "dist", "src"])
TREES = st.lists(st.lists(NAMES, min_size=1, max_size=5), max_size=12)


def naive_walk(root: Path, max_depth: int | None) -> list[Path]:
    """The obvious reference: os.walk with the built-in and hidden-dir pruning."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).relative_to(root).parts)
        if MANIFEST_FILENAME in filenames:
            found.append(Path(dirpath) / MANIFEST_FILENAME)
        if max_depth is not None and depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in BUILTIN_EXCLUDES]
    return sorted(found, key=lambda p: p.parent)


@settings(max_examples=60, deadline=None)
@given(
    trees=TREES,
    with_manifest=st.lists(st.booleans(), max_size=12),
    depth=st.none() | st.integers(0, 4),
)
def test_discover_equals_naive_walk(
    trees: list[list[str]], with_manifest: list[bool], depth: int | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        for i, parts in enumerate(trees):
            directory = root.joinpath(*parts)
            directory.mkdir(parents=True, exist_ok=True)
            if i < len(with_manifest) and with_manifest[i]:
                (directory / MANIFEST_FILENAME).write_text("name: x\n")
        result = discover([root], max_depth=depth)
        assert [m.path for m in result.manifests] == naive_walk(root, depth)
