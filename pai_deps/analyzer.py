"""Guess a manifest for `pai-deps init --analyze` from a project's own files.

Pure: reads files, never runs anything. Python sources are read with `ast` and
JavaScript/TypeScript with a small tokenizer, so comments, docstrings and string
contents never count (the reference tool's regexes turned doc comments into
dependencies). Names match whole and normalised (PEP 503: case, `-`, `_`, `.`),
never as substrings, against the tools the registry already knows.

Decisions worth knowing:

* Python: `[project.dependencies]` (or `[tool.poetry.dependencies]`) only; optional
  and dev dependency groups are not runtime dependencies. Node: `dependencies` and
  `peerDependencies`, not `devDependencies`, for the same reason.
* A known tool found as a package dependency or an import is a `library` edge in
  both ecosystems (`npm` is left for packages outside the registry); one called as a
  program (`subprocess.run(["tool", ...])`, `spawn("tool")`) is a `cli` edge. When the
  same tool shows up more than once, the first kind in that order wins.
* An MCP server usually ships a script that only starts the server. So with MCP
  detected, the project is `cli+mcp` only when a CLI framework is in use too (typer
  or click commands found, or commander/yargs-like packages); otherwise it is `mcp`
  and the script becomes the `mcp_start` suggestion instead of a CLI command.
* Tests, docs, examples, hidden directories, virtualenvs and build output are not
  scanned: what they use is not what the tool uses at run time. At most
  `MAX_SOURCE_FILES` files of at most `MAX_FILE_BYTES` each are read.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import sys
import tomllib
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pai_deps.errors import UsageError
from pai_deps.models import TOOL_TYPES, ToolType

# The dependency kinds source analysis can tell apart (a subset of the manifest's).
DetectedType = Literal["cli", "mcp", "library", "npm"]

MAX_SOURCE_FILES = 2000
MAX_FILE_BYTES = 1_000_000

SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "venv",
        "env",
        "site-packages",
        "dist",
        "build",
        "out",
        "coverage",
        "__pycache__",
        "tests",
        "test",
        "__tests__",
        "docs",
        "examples",
        "bench",
        "benchmarks",
    }
)

PY_MCP_PACKAGES = frozenset({"mcp", "fastmcp"})
NODE_MCP_PACKAGES = frozenset({"@modelcontextprotocol/sdk", "fastmcp"})
NODE_CLI_PACKAGES = frozenset({"commander", "yargs", "cac", "clipanion", "citty", "meow", "oclif"})
SUBPROCESS_FUNCS = frozenset({"run", "Popen", "call", "check_call", "check_output"})
JS_SPAWN_FUNCS = frozenset(
    {"spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "execa", "execaSync"}
)


@dataclass(frozen=True)
class DetectedDependency:
    """One `depends_on` entry the analysis proposes."""

    name: str
    type: DetectedType


@dataclass
class Analysis:
    """What the project's files say about it; `sources` lists the files read."""

    name: str
    version: str | None = None
    description: str | None = None
    type: ToolType | None = None
    cli_commands: list[str] = field(default_factory=list)
    mcp_tools: list[str] = field(default_factory=list)
    depends_on: list[DetectedDependency] = field(default_factory=list)
    mcp_start: str | None = None
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def normalize_name(name: str) -> str:
    """PEP 503 normalisation, also used for module and program names."""
    return re.sub(r"[-_.]+", "-", name).lower()


def strip_scope(name: str) -> str:
    """`@scope/pkg` → `pkg`."""
    return name.split("/", 1)[1] if name.startswith("@") and "/" in name else name


class _Deps:
    """Ordered, de-duplicated dependencies on known tools (first kind wins)."""

    def __init__(self, known_tools: Collection[str], own_names: Collection[str]) -> None:
        self._known = {normalize_name(t): t for t in known_tools}
        self.own = {normalize_name(n) for n in own_names if n}
        self.items: dict[str, DetectedDependency] = {}

    def match(self, candidate: str) -> str | None:
        key = normalize_name(candidate)
        if not key or key in self.own:
            return None
        return self._known.get(key)

    def add(self, candidate: str, kind: DetectedType) -> None:
        tool = self.match(candidate)
        if tool is not None and tool not in self.items:
            self.items[tool] = DetectedDependency(tool, kind)


# ----------------------------------------------------------------------------- files


def _iter_sources(root: Path, suffixes: tuple[str, ...], warnings: list[str]) -> Iterator[Path]:
    """Project source files in sorted order, skipping non-runtime and generated trees."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))
        )
        for filename in sorted(filenames):
            if not filename.endswith(suffixes) or _is_test_file(filename):
                continue
            if count >= MAX_SOURCE_FILES:
                warnings.append(f"Stopped after {MAX_SOURCE_FILES} source files")
                return
            count += 1
            yield Path(dirpath, filename)


def _is_test_file(filename: str) -> bool:
    stem = filename.split(".", 1)[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem == "conftest"
        or ".test." in filename
        or ".spec." in filename
    )


def _read_source(path: Path, root: Path, analysis: Analysis) -> str | None:
    rel = path.relative_to(root).as_posix()
    text = _read_project_file(path, rel, analysis)
    if text is not None:
        analysis.sources.append(rel)
    return text


def _read_project_file(path: Path, rel: str, analysis: Analysis) -> str | None:
    """A project file's text, or None with a warning: regular files of at most 1 MB only.

    A FIFO would block the read forever and `/dev/zero` would never end.
    """
    from pai_deps.safeio import FileGuardError, read_regular_file

    try:
        raw = read_regular_file(path, limit=MAX_FILE_BYTES)
    except FileGuardError as exc:
        if exc.code == "file_too_large":
            analysis.warnings.append(f"Skipped {rel}: larger than {MAX_FILE_BYTES} bytes")
        elif exc.code == "not_a_regular_file":
            analysis.warnings.append(f"Skipped {rel}: not a regular file")
        else:
            analysis.warnings.append(f"Could not read {rel}: {exc.message.split(': ', 1)[-1]}")
        return None
    return raw.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------- python


def _command_name(func_name: str) -> str:
    """Typer and click derive a command's name from the function like this."""
    return func_name.lower().replace("_", "-")


def _str_arg(call: ast.Call, keyword: str, position: int | None = 0) -> str | None:
    """A literal string argument, by keyword or position, or None."""
    for kw in call.keywords:
        if kw.arg == keyword and isinstance(kw.value, ast.Constant):
            return kw.value.value if isinstance(kw.value.value, str) else None
    if position is not None and len(call.args) > position:
        arg = call.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


@dataclass
class _PyFileFacts:
    """What one Python file declares, before script names are attached."""

    module_imports: set[str] = field(default_factory=set)
    programs: list[str] = field(default_factory=list)
    mcp_tools: list[str] = field(default_factory=list)
    # app variable -> command names, in source order; sub-apps mounted with a group name
    commands: dict[str, list[str]] = field(default_factory=dict)
    typer_apps: set[str] = field(default_factory=set)
    callbacks: set[str] = field(default_factory=set)
    mounts: dict[str, tuple[str, str]] = field(default_factory=dict)  # child -> (parent, name)
    single_click_command: bool = False
    mcp_server: bool = False  # constructs FastMCP(...) / Server(...): a server, not a client
    uses_cli_framework: bool = False


def _py_file_facts(tree: ast.Module) -> _PyFileFacts:
    facts = _PyFileFacts()
    subprocess_aliases: set[str] = set()  # bare names bound to subprocess functions
    which_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                facts.module_imports.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            facts.module_imports.add(top)
            for alias in node.names:
                bound = alias.asname or alias.name
                if top == "subprocess" and alias.name in SUBPROCESS_FUNCS:
                    subprocess_aliases.add(bound)
                elif top == "shutil" and alias.name == "which":
                    which_aliases.add(bound)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            if _dotted(node.value.func) in {"typer.Typer", "Typer"}:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                facts.typer_apps.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _py_decorators(node, facts)
        if isinstance(node, ast.Call):
            _py_call(node, facts, subprocess_aliases, which_aliases)
    uses_mcp = bool(facts.module_imports & PY_MCP_PACKAGES)
    if not uses_mcp:
        facts.mcp_tools.clear()
        facts.mcp_server = False
    if not facts.module_imports & {"typer", "click"}:
        facts.commands.clear()
        facts.single_click_command = False
    facts.uses_cli_framework = bool(facts.commands) or facts.single_click_command
    return facts


def _py_decorators(func: ast.FunctionDef | ast.AsyncFunctionDef, facts: _PyFileFacts) -> None:
    for deco in func.decorator_list:
        call = deco if isinstance(deco, ast.Call) else None
        target = call.func if call is not None else deco
        if not isinstance(target, ast.Attribute):
            continue
        owner = _dotted(target.value)
        if owner is None:
            continue
        if target.attr == "tool":  # FastMCP: @mcp.tool / @mcp.tool() / @mcp.tool("x")
            name = _str_arg(call, "name") if call is not None else None
            facts.mcp_tools.append(name or func.name)
        elif target.attr == "command" and owner == "click":
            facts.single_click_command = True  # the script itself is the command
        elif target.attr == "command":
            name = _str_arg(call, "name") if call is not None else None
            facts.commands.setdefault(owner, []).append(name or _command_name(func.name))
        elif target.attr == "group":
            # A click group is itself an app that commands hang off.
            facts.commands.setdefault(func.name, [])
            if owner != "click":
                name = _str_arg(call, "name") if call is not None else None
                facts.mounts[func.name] = (owner, name or _command_name(func.name))
        elif target.attr == "callback":
            facts.callbacks.add(owner)


def _py_call(
    call: ast.Call, facts: _PyFileFacts, subprocess_aliases: set[str], which_aliases: set[str]
) -> None:
    func = _dotted(call.func)
    if func is None:
        return
    head, _, attr = func.rpartition(".")
    if (head == "subprocess" and attr in SUBPROCESS_FUNCS) or func in subprocess_aliases:
        program = _program_from_arg(call.args[0] if call.args else None)
        if program:
            facts.programs.append(program)
    elif func in {"shutil.which", *which_aliases} or func == "asyncio.create_subprocess_exec":
        program = _program_from_arg(call.args[0] if call.args else None, split=False)
        if program:
            facts.programs.append(program)
    elif attr in {"FastMCP", "Server", "MCPServer"}:
        facts.mcp_server = True
    elif attr == "Tool":
        name = _str_arg(call, "name", position=None)
        if name:
            facts.mcp_tools.append(name)
    elif attr == "add_typer" and head and call.args:
        child = _dotted(call.args[0])
        name = _str_arg(call, "name", position=None)
        if child and name:
            facts.mounts[child] = (head, name)


def _program_from_arg(arg: ast.expr | None, *, split: bool = True) -> str | None:
    """The program a literal command names: `["tool", ...]`, `("tool",)` or `"tool args"`."""
    if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
        arg = arg.elts[0]
        split = False
    if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
        return None
    text = arg.value
    if split:
        try:
            words = shlex.split(text)
        except ValueError:
            return None
        text = words[0] if words else ""
    return os.path.basename(text) or None


def _module_file_candidates(root: Path, module: str) -> list[Path]:
    parts = module.split(".")
    bases = [root, root / "src"]
    return [b.joinpath(*parts).with_suffix(".py") for b in bases] + [
        b.joinpath(*parts, "__init__.py") for b in bases
    ]


def _py_commands(facts: _PyFileFacts, prefix: str, app_var: str | None) -> list[str]:
    """Full command strings for one file: `prefix [group ...] command`.

    `app_var` is the object the script entry point names; commands hanging off other
    objects in the file are left out, unless the entry point is something else (a
    `main()` wrapper), in which case every command counts.
    """
    parents = {p for p, _ in facts.mounts.values()}
    if app_var is not None and app_var not in facts.commands and app_var not in parents:
        app_var = None

    def path_of(var: str) -> list[str]:
        chain: list[str] = []
        seen: set[str] = set()
        while var in facts.mounts and var not in seen:
            seen.add(var)
            var, group = facts.mounts[var]
            chain.append(group)
        return list(reversed(chain))

    out: list[str] = []
    for var, names in facts.commands.items():
        if app_var is not None and var != app_var and not _mounted_under(facts, var, app_var):
            continue
        lone_typer = (
            var in facts.typer_apps
            and len(names) == 1
            and var not in facts.callbacks
            and var not in parents
            and var not in facts.mounts
        )
        for name in names:
            words = [prefix, *path_of(var)] + ([] if lone_typer else [name])
            out.append(" ".join(words))
    return out


def _mounted_under(facts: _PyFileFacts, var: str, app_var: str) -> bool:
    seen: set[str] = set()
    while var in facts.mounts and var not in seen:
        seen.add(var)
        var = facts.mounts[var][0]
        if var == app_var:
            return True
    return False


def _requirement_name(spec: str) -> str | None:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return match.group(1) if match else None


def _analyze_python(root: Path, analysis: Analysis, deps: _Deps, scan: bool) -> None:
    pyproject = root / "pyproject.toml"
    scripts: dict[str, str] = {}
    requirements: list[str] = []
    if pyproject.is_file():
        analysis.sources.append("pyproject.toml")
        text = _read_project_file(pyproject, "pyproject.toml", analysis)
        try:
            data = tomllib.loads(text) if text is not None else {}
        except tomllib.TOMLDecodeError as exc:
            analysis.warnings.append(f"Could not parse pyproject.toml: {exc}")
            data = {}
        except (RecursionError, MemoryError):
            analysis.warnings.append("Could not parse pyproject.toml: nested too deeply")
            data = {}
        project = _table(data.get("project"))
        poetry = _table(_table(data.get("tool")).get("poetry"))
        meta = project or poetry
        for key in ("name", "version", "description"):
            value = meta.get(key)
            if isinstance(value, str) and value:
                setattr(analysis, key, value)
        raw_scripts = _table(project.get("scripts")) or _table(poetry.get("scripts"))
        scripts = {k: v for k, v in raw_scripts.items() if isinstance(v, str)}
        raw_deps = project.get("dependencies")
        if isinstance(raw_deps, list):
            requirements = [r for r in raw_deps if isinstance(r, str)]
        else:
            requirements = [k for k in _table(poetry.get("dependencies")) if k != "python"]

    req_names = [n for n in (_requirement_name(r) for r in requirements) if n]
    deps.own.add(normalize_name(analysis.name))
    for script in scripts:
        deps.own.add(normalize_name(script))
    for req in req_names:
        deps.add(req, "library")
    has_mcp_dep = any(normalize_name(r) in PY_MCP_PACKAGES for r in req_names)

    script_files: dict[Path, tuple[str, str | None]] = {}
    for script, target in scripts.items():
        module, _, attr = target.partition(":")
        for candidate in _module_file_candidates(root, module.strip()):
            script_files.setdefault(candidate.resolve(), (script, attr.strip() or None))

    commands: list[str] = []
    mcp_tools: list[str] = []
    programs: list[str] = []
    imports: set[str] = set()
    cli_framework = False
    mcp_server = False
    scanned = False
    mcp_files: set[Path] = set()
    if scan:
        own_packages = {c.stem for base in (root, root / "src") for c in _children(base)}
        for path in _iter_sources(root, (".py",), analysis.warnings):
            text = _read_source(path, root, analysis)
            if text is None:
                continue
            rel = path.relative_to(root).as_posix()
            try:
                with warnings.catch_warnings():  # invalid escapes etc.: we never run it
                    warnings.simplefilter("ignore")
                    tree = ast.parse(text, filename=str(path))
                facts = _py_file_facts(tree)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", None)
                where = f" (line {line})" if line else ""
                analysis.warnings.append(f"Skipped {rel}: syntax error{where}")
                continue
            except (RecursionError, MemoryError):
                analysis.warnings.append(f"Skipped {rel}: nested too deeply")
                continue
            scanned = True
            mcp_server = mcp_server or facts.mcp_server
            imports |= facts.module_imports - own_packages
            programs += facts.programs
            mcp_tools += facts.mcp_tools
            if facts.mcp_tools:
                mcp_files.add(path.resolve())
            if facts.uses_cli_framework:
                cli_framework = True
                entry = script_files.get(path.resolve())
                if entry is None:  # not an entry module: hang commands off the main script
                    entry = (next(iter(scripts), analysis.name), None)
                commands += _py_commands(facts, *entry)
    # `import email` is the standard library, not a registry tool that happens to share it.
    for module in sorted(imports - sys.stdlib_module_names):
        deps.add(module, "library")
    for program in programs:
        deps.add(program, "cli")

    # The `mcp` package serves clients too (pai-deps itself is one): once sources were
    # read, only a server construction or a tool makes the project an MCP server.
    is_mcp = (mcp_server or bool(mcp_tools)) if scanned else has_mcp_dep
    analysis.mcp_tools = _unique(mcp_tools)
    # Scripts whose entry module defines MCP tools start a server: never run them as CLIs.
    server_scripts = [s for f, (s, _) in script_files.items() if f in mcp_files]
    if is_mcp and not cli_framework:
        analysis.type = "mcp"
        analysis.mcp_start = next(iter(server_scripts or scripts), None)
        analysis.cli_commands = []
    else:
        covered = {c.split(" ", 1)[0] for c in commands}
        bare = [s for s in scripts if s not in covered and s not in server_scripts]
        analysis.cli_commands = _unique(bare + commands)
        if is_mcp:
            analysis.type = "cli+mcp"
            analysis.mcp_start = next(iter(server_scripts), None)
        elif scripts or commands:
            analysis.type = "cli"
        elif pyproject.is_file():
            analysis.type = "library"


def _children(path: Path) -> list[Path]:
    try:
        return [p for p in path.iterdir() if p.is_dir() or p.suffix == ".py"]
    except OSError:
        return []


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ------------------------------------------------------------------------------ node

_JS_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")
  | (?P<template>`)
  | (?P<ident>[A-Za-z_$][\w$]*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>=>|\.\.\.|[{}()\[\];,.<>=!+\-*%&|^~?:@#])
  | (?P<slash>/)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_JS_REGEX_BODY = re.compile(r"(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/[a-z]*")
_JS_REGEX_AFTER = frozenset(
    {"return", "typeof", "case", "do", "else", "in", "of", "yield", "await"}
)
_JS_PROCESS_OWNERS = frozenset({"child_process", "cp", "childProcess", "Bun", "execa"})
_JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")

JsToken = tuple[str, str]


def js_tokens(text: str) -> list[JsToken]:
    """(kind, value) tokens of JS/TS with comments dropped; strings keep their contents.

    A template literal without `${}` is one `string` token; one with substitutions
    yields `template` markers around its tokenized expressions, so its text is never
    mistaken for a literal. Regex literals are told from division by the previous
    token, the usual heuristic, and dropped.
    """
    out: list[JsToken] = []
    pos = 0
    braces: list[int] = []  # per open `${`: depth of `{` nested inside it
    n = len(text)
    while pos < n:
        if braces and braces[-1] == 0 and text[pos] == "}":
            braces.pop()
            pos = _template_part(text, pos + 1, out, braces, whole=False)
            continue
        m = _JS_TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - `other` matches any character
            break
        kind = m.lastgroup or "other"
        value = m.group()
        pos = m.end()
        if kind in {"ws", "line_comment", "block_comment"}:
            continue
        if kind == "string":
            out.append(("string", _js_unquote(value[1:-1])))
        elif kind == "template":
            pos = _template_part(text, pos, out, braces, whole=True)
        elif kind == "slash":
            prev = out[-1] if out else ("punct", "(")
            regex_ok = (prev[0] == "punct" and prev[1] not in {")", "]", "}"}) or (
                prev[0] == "ident" and prev[1] in _JS_REGEX_AFTER
            )
            body = _JS_REGEX_BODY.match(text, pos) if regex_ok else None
            if body is not None:
                out.append(("regex", ""))
                pos = body.end()
            else:
                out.append(("punct", "/"))
        else:
            if braces and value == "{":
                braces[-1] += 1
            elif braces and value == "}":
                braces[-1] -= 1
            out.append((kind, value))
    return out


def _template_part(
    text: str, pos: int, out: list[JsToken], braces: list[int], *, whole: bool
) -> int:
    """Consume template text from `pos` up to the closing backtick or the next `${`."""
    start = pos
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
        elif ch == "`":
            literal = whole  # no substitution anywhere: a plain string
            out.append(("string", _js_unquote(text[start:pos])) if literal else ("template", ""))
            return pos + 1
        elif text.startswith("${", pos):
            out.append(("template", ""))
            braces.append(0)
            return pos + 2
        else:
            pos += 1
    return pos


def _js_unquote(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


@dataclass
class _JsFileFacts:
    modules: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    mcp_tools: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    mcp_server: bool = False


def _js_file_facts(tokens: list[JsToken]) -> _JsFileFacts:
    """Imports, spawned programs, MCP tools and commander-style commands of one file."""
    facts = _JsFileFacts()

    def at(i: int) -> JsToken:
        return tokens[i] if 0 <= i < len(tokens) else ("", "")

    for i, (kind, value) in enumerate(tokens):
        if kind != "ident":
            continue
        nxt, prev = at(i + 1), at(i - 1)
        if value in {"McpServer", "FastMCP", "Server"} and prev == ("ident", "new"):
            facts.mcp_server = True
        if value in {"from", "import"} and nxt[0] == "string" and prev != ("punct", "."):
            facts.modules.append(nxt[1])  # `... from 'x'` and `import 'x'`
            continue
        if nxt != ("punct", "("):
            continue
        arg = at(i + 2)
        if value in {"require", "import"} and arg[0] == "string" and prev != ("punct", "."):
            facts.modules.append(arg[1])
            continue
        if arg == ("punct", "["):
            arg = at(i + 3)
        if arg[0] != "string":
            continue
        is_method = prev == ("punct", ".")
        owner = at(i - 2)[1] if is_method else ""
        if value in JS_SPAWN_FUNCS and (not is_method or owner in _JS_PROCESS_OWNERS):
            words = arg[1].split()
            if words:
                facts.programs.append(os.path.basename(words[0]))
        elif is_method and value in {"tool", "registerTool"}:
            facts.mcp_tools.append(arg[1])
        elif is_method and value == "command":
            facts.commands.append(arg[1])
    return facts


def _module_package(specifier: str) -> str | None:
    """The package a bare import specifier names: `@s/p/x` → `@s/p`, `p/x` → `p`."""
    parts = specifier.split("/")
    if specifier.startswith((".", "/")) or ":" in parts[0]:
        return None  # relative, absolute, or `node:fs`-style
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) >= 2 else None
    return parts[0]


def _analyze_node(root: Path, analysis: Analysis, deps: _Deps, scan: bool) -> None:
    package = root / "package.json"
    analysis.sources.append("package.json")
    text = _read_project_file(package, "package.json", analysis)
    try:
        data = json.loads(text) if text is not None else {}
    except json.JSONDecodeError as exc:
        analysis.warnings.append(f"Could not parse package.json: {exc}")
        data = {}
    except (RecursionError, MemoryError):
        analysis.warnings.append("Could not parse package.json: nested too deeply")
        data = {}
    if not isinstance(data, dict):
        analysis.warnings.append("Could not parse package.json: not a JSON object")
        data = {}
    raw_name = data.get("name")
    if isinstance(raw_name, str) and raw_name:
        analysis.name = strip_scope(raw_name)
    for key in ("version", "description"):
        value = data.get(key)
        if isinstance(value, str) and value:
            setattr(analysis, key, value)

    bins: dict[str, str] = {}
    raw_bin = data.get("bin")
    if isinstance(raw_bin, str) and raw_bin:
        bins[analysis.name] = raw_bin
    elif isinstance(raw_bin, dict):
        bins = {k: v for k, v in raw_bin.items() if isinstance(v, str) and k}

    runtime: list[str] = []
    for key in ("dependencies", "peerDependencies"):
        runtime += [k for k in _table(data.get(key)) if isinstance(k, str)]
    deps.own.update(normalize_name(n) for n in (analysis.name, *bins))
    for dep in runtime:
        deps.add(strip_scope(dep), "library")
    is_mcp = any(d in NODE_MCP_PACKAGES for d in runtime)
    cli_framework = any(d in NODE_CLI_PACKAGES for d in runtime)

    mcp_tools: list[str] = []
    commands: list[str] = []
    programs: list[str] = []
    mcp_server = False
    scanned = False
    if scan:
        for path in _iter_sources(root, _JS_EXTENSIONS, analysis.warnings):
            if path.name.endswith((".d.ts", ".min.js")):
                continue
            text = _read_source(path, root, analysis)
            if text is None:
                continue
            facts = _js_file_facts(js_tokens(text))
            scanned = True
            mcp_server = mcp_server or facts.mcp_server
            for module in facts.modules:
                pkg = _module_package(module)
                if pkg is None:
                    continue
                is_mcp = is_mcp or pkg in NODE_MCP_PACKAGES
                cli_framework = cli_framework or pkg in NODE_CLI_PACKAGES
                deps.add(strip_scope(pkg), "library")
            programs += facts.programs
            mcp_tools += facts.mcp_tools
            commands += facts.commands
    for program in programs:
        deps.add(program, "cli")

    if scanned:  # as for Python: the SDK alone may be a client
        is_mcp = is_mcp and (mcp_server or bool(mcp_tools))
    prefix = next(iter(bins), analysis.name)
    full_commands = [f"{prefix} {c}" for c in commands] if cli_framework else []
    covered = {c.split(" ", 1)[0] for c in full_commands}
    cli_commands = _unique([b for b in bins if b not in covered] + full_commands)
    if is_mcp:
        analysis.mcp_tools = _unique(analysis.mcp_tools + mcp_tools)
    if is_mcp and not cli_framework:
        analysis.type = "mcp"
        if bins:
            analysis.mcp_start = f"node {next(iter(bins.values()))}"
    elif is_mcp:
        analysis.type = "cli+mcp"
        analysis.cli_commands = _unique(analysis.cli_commands + cli_commands)
    elif cli_commands:
        analysis.type = "cli"
        analysis.cli_commands = _unique(analysis.cli_commands + cli_commands)
    elif analysis.type is None:
        analysis.type = "library"


# ------------------------------------------------------------------------------- api


def analyze_project(
    dir: Path, *, known_tools: Collection[str], scan_sources: bool = True
) -> Analysis:
    """Read pyproject.toml / package.json and (optionally) sources under `dir`.

    `known_tools` are the registry's tool names: only they become `depends_on`.
    Problems in the project's files become `warnings`; nothing here raises for them.
    """
    root = dir.resolve()
    analysis = Analysis(name=root.name)
    deps = _Deps(known_tools, ())
    has_py = (root / "pyproject.toml").is_file()
    has_node = (root / "package.json").is_file()
    if not has_py and not has_node:
        analysis.warnings.append("No pyproject.toml or package.json found")
    if has_py or not has_node:
        _analyze_python(root, analysis, deps, scan_sources and (has_py or not has_node))
    if has_node:
        _analyze_node(root, analysis, deps, scan_sources)
    if scan_sources and not analysis.sources:
        analysis.warnings.append("No source files found")
    analysis.depends_on = list(deps.items.values())
    return analysis


def detect_project(dir: Path) -> Analysis:
    """Metadata only (name, version, description, type): what `init` uses by default."""
    return analyze_project(dir, known_tools=(), scan_sources=False)


def build_manifest(
    dir: Path,
    *,
    analysis: Analysis | None = None,
    name: str | None = None,
    type: str | None = None,
    version: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The mapping `init` writes, in the manifest's key order, with empty sections left out.

    Overrides win over the analysis; without an analysis the project's metadata is still
    read. Unknown versions and descriptions are omitted rather than invented; the type
    falls back to `cli` as in the reference tool.
    """
    if type is not None and type not in TOOL_TYPES:
        raise UsageError(f"Invalid type '{type}'. Expected one of: {', '.join(TOOL_TYPES)}")
    if name is not None and not name.strip():
        raise UsageError("Tool name must not be empty")
    found = analysis if analysis is not None else detect_project(dir)
    tool_type = type or found.type or "cli"
    manifest: dict[str, Any] = {"name": name or found.name}
    if version or found.version:
        manifest["version"] = version or found.version
    manifest["type"] = tool_type
    if description or found.description:
        manifest["description"] = description or found.description

    provides: dict[str, Any] = {}
    if found.cli_commands:
        provides["cli"] = [{"command": c} for c in found.cli_commands]
    if found.mcp_tools:
        provides["mcp"] = [{"tool": t} for t in found.mcp_tools]
    if provides:
        manifest["provides"] = provides
    if found.depends_on:
        manifest["depends_on"] = [{"name": d.name, "type": d.type} for d in found.depends_on]
    manifest["reliability"] = 0.95
    manifest["debt_score"] = 0
    if "mcp" in tool_type.split("+") and found.mcp_start:
        manifest["mcp_start"] = found.mcp_start
    return manifest
