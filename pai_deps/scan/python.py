"""Python projects: `pyproject.toml`, then the sources read with `ast` (imports,
subprocess calls, typer/click commands, MCP tools), never run."""

from __future__ import annotations

import ast
import os
import re
import shlex
import sys
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from pai_deps.scan.project import (
    Analysis,
    Deps,
    iter_sources,
    mapping,
    normalize_name,
    read_project_file,
    read_source,
    unique,
)

PY_MCP_PACKAGES = frozenset({"mcp", "fastmcp"})
SUBPROCESS_FUNCS = frozenset({"run", "Popen", "call", "check_call", "check_output"})


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
            _py_import_from(node, node.module, facts, subprocess_aliases, which_aliases)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            _py_assignment(node, node.value, facts)
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


def _py_import_from(
    node: ast.ImportFrom,
    module: str,
    facts: _PyFileFacts,
    subprocess_aliases: set[str],
    which_aliases: set[str],
) -> None:
    """`from x import y`: the package, and names bound to subprocess runners or `which`."""
    top = module.split(".", maxsplit=1)[0]
    facts.module_imports.add(top)
    for alias in node.names:
        bound = alias.asname or alias.name
        if top == "subprocess" and alias.name in SUBPROCESS_FUNCS:
            subprocess_aliases.add(bound)
        elif top == "shutil" and alias.name == "which":
            which_aliases.add(bound)


def _py_assignment(node: ast.Assign | ast.AnnAssign, value: ast.Call, facts: _PyFileFacts) -> None:
    """`app = typer.Typer(...)`: a typer app that commands hang off."""
    if _dotted(value.func) in {"typer.Typer", "Typer"}:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        facts.typer_apps.update(t.id for t in targets if isinstance(t, ast.Name))


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


def analyze_python(root: Path, analysis: Analysis, deps: Deps, scan: bool) -> None:
    pyproject = root / "pyproject.toml"
    scripts, requirements = _read_pyproject(pyproject, analysis)
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

    found = _PySources()
    if scan:
        found.read(root, analysis, scripts, script_files)
    # `import email` is the standard library, not a registry tool that happens to share it.
    for module in sorted(found.imports - sys.stdlib_module_names):
        deps.add(module, "library")
    for program in found.programs:
        deps.add(program, "cli")

    # The `mcp` package serves clients too (pai-deps itself is one): once sources were
    # read, only a server construction or a tool makes the project an MCP server.
    is_mcp = (found.mcp_server or bool(found.mcp_tools)) if found.scanned else has_mcp_dep
    analysis.mcp_tools = unique(found.mcp_tools)
    # Scripts whose entry module defines MCP tools start a server: never run them as CLIs.
    server_scripts = [s for f, (s, _) in script_files.items() if f in found.mcp_files]
    if is_mcp and not found.cli_framework:
        analysis.type = "mcp"
        analysis.mcp_start = next(iter(server_scripts or scripts), None)
        analysis.cli_commands = []
        return
    commands = found.commands
    covered = {c.split(" ", 1)[0] for c in commands}
    bare = [s for s in scripts if s not in covered and s not in server_scripts]
    analysis.cli_commands = unique(bare + commands)
    if is_mcp:
        analysis.type = "cli+mcp"
        analysis.mcp_start = next(iter(server_scripts), None)
    elif scripts or commands:
        analysis.type = "cli"
    elif pyproject.is_file():
        analysis.type = "library"


def _read_pyproject(pyproject: Path, analysis: Analysis) -> tuple[dict[str, str], list[str]]:
    """(scripts, runtime requirements) from pyproject.toml; name, version, description
    into `analysis`."""
    if not pyproject.is_file():
        return {}, []
    analysis.sources.append("pyproject.toml")
    text = read_project_file(pyproject, "pyproject.toml", analysis)
    try:
        data = tomllib.loads(text) if text is not None else {}
    except tomllib.TOMLDecodeError as exc:
        analysis.warnings.append(f"Could not parse pyproject.toml: {exc}")
        data = {}
    except (RecursionError, MemoryError):
        analysis.warnings.append("Could not parse pyproject.toml: nested too deeply")
        data = {}
    project = mapping(data.get("project"))
    poetry = mapping(mapping(data.get("tool")).get("poetry"))
    meta = project or poetry
    for key in ("name", "version", "description"):
        value = meta.get(key)
        if isinstance(value, str) and value:
            setattr(analysis, key, value)
    raw_scripts = mapping(project.get("scripts")) or mapping(poetry.get("scripts"))
    scripts = {k: v for k, v in raw_scripts.items() if isinstance(v, str)}
    raw_deps = project.get("dependencies")
    if isinstance(raw_deps, list):
        return scripts, [r for r in raw_deps if isinstance(r, str)]
    return scripts, [k for k in mapping(poetry.get("dependencies")) if k != "python"]


@dataclass
class _PySources:
    """What the project's Python sources declare, file by file."""

    commands: list[str] = field(default_factory=list)
    mcp_tools: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    cli_framework: bool = False
    mcp_server: bool = False
    scanned: bool = False
    mcp_files: set[Path] = field(default_factory=set)

    def read(
        self,
        root: Path,
        analysis: Analysis,
        scripts: dict[str, str],
        script_files: dict[Path, tuple[str, str | None]],
    ) -> None:
        own_packages = {c.stem for base in (root, root / "src") for c in _children(base)}
        for path in iter_sources(root, (".py",), analysis.warnings):
            facts = _parse_source(path, root, analysis)
            if facts is None:
                continue
            self.scanned = True
            self.mcp_server = self.mcp_server or facts.mcp_server
            self.imports |= facts.module_imports - own_packages
            self.programs += facts.programs
            self.mcp_tools += facts.mcp_tools
            if facts.mcp_tools:
                self.mcp_files.add(path.resolve())
            if facts.uses_cli_framework:
                self.cli_framework = True
                entry = script_files.get(path.resolve())
                if entry is None:  # not an entry module: hang commands off the main script
                    entry = (next(iter(scripts), analysis.name), None)
                self.commands += _py_commands(facts, *entry)


def _parse_source(path: Path, root: Path, analysis: Analysis) -> _PyFileFacts | None:
    """One source file's facts, or None (unreadable or unparsable: a warning says which)."""
    text = read_source(path, root, analysis)
    if text is None:
        return None
    rel = path.relative_to(root).as_posix()
    try:
        with warnings.catch_warnings():  # invalid escapes etc.: we never run it
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=str(path))
        return _py_file_facts(tree)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        analysis.warnings.append(f"Skipped {rel}: syntax error{where}")
    except (RecursionError, MemoryError):
        analysis.warnings.append(f"Skipped {rel}: nested too deeply")
    return None


def _children(path: Path) -> list[Path]:
    try:
        return [p for p in path.iterdir() if p.is_dir() or p.suffix == ".py"]
    except OSError:
        return []
