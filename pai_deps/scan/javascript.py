"""JavaScript and TypeScript projects: `package.json`, then the sources read with a small
tokenizer (imports, spawned programs, commander-style commands, MCP tools), never run."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pai_deps.scan.project import (
    Analysis,
    Deps,
    iter_sources,
    mapping,
    normalize_name,
    read_project_file,
    read_source,
    strip_scope,
    unique,
)

NODE_MCP_PACKAGES = frozenset({"@modelcontextprotocol/sdk", "fastmcp"})
NODE_CLI_PACKAGES = frozenset({"commander", "yargs", "cac", "clipanion", "citty", "meow", "oclif"})
JS_SPAWN_FUNCS = frozenset(
    {"spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "execa", "execaSync"}
)


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
        if arg[0] == "string":
            _js_call(facts, value, arg[1], prev == ("punct", "."), at(i - 2)[1])
    return facts


def _js_call(facts: _JsFileFacts, name: str, literal: str, is_method: bool, owner: str) -> None:
    """A call `name("literal", ...)` (or `owner.name(...)`): a spawn, a tool, a command."""
    owner = owner if is_method else ""
    if name in JS_SPAWN_FUNCS and (not is_method or owner in _JS_PROCESS_OWNERS):
        words = literal.split()
        if words:
            facts.programs.append(os.path.basename(words[0]))
    elif is_method and name in {"tool", "registerTool"}:
        facts.mcp_tools.append(literal)
    elif is_method and name == "command":
        facts.commands.append(literal)


def _module_package(specifier: str) -> str | None:
    """The package a bare import specifier names: `@s/p/x` → `@s/p`, `p/x` → `p`."""
    parts = specifier.split("/")
    if specifier.startswith((".", "/")) or ":" in parts[0]:
        return None  # relative, absolute, or `node:fs`-style
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) >= 2 else None
    return parts[0]


def analyze_node(root: Path, analysis: Analysis, deps: Deps, scan: bool) -> None:
    data = _read_package_json(root / "package.json", analysis)
    bins = _package_metadata(data, analysis)
    runtime: list[str] = []
    for key in ("dependencies", "peerDependencies"):
        runtime += [k for k in mapping(data.get(key)) if isinstance(k, str)]
    deps.own.update(normalize_name(n) for n in (analysis.name, *bins))
    for dep in runtime:
        deps.add(strip_scope(dep), "library")
    found = _JsSources(
        is_mcp=any(d in NODE_MCP_PACKAGES for d in runtime),
        cli_framework=any(d in NODE_CLI_PACKAGES for d in runtime),
    )
    if scan:
        found.read(root, analysis, deps)
    for program in found.programs:
        deps.add(program, "cli")

    is_mcp = found.is_mcp
    if found.scanned:  # as for Python: the SDK alone may be a client
        is_mcp = is_mcp and (found.mcp_server or bool(found.mcp_tools))
    prefix = next(iter(bins), analysis.name)
    full_commands = [f"{prefix} {c}" for c in found.commands] if found.cli_framework else []
    covered = {c.split(" ", 1)[0] for c in full_commands}
    cli_commands = unique([b for b in bins if b not in covered] + full_commands)
    if is_mcp:
        analysis.mcp_tools = unique(analysis.mcp_tools + found.mcp_tools)
    if is_mcp and not found.cli_framework:
        analysis.type = "mcp"
        if bins:
            analysis.mcp_start = f"node {next(iter(bins.values()))}"
    elif is_mcp or cli_commands:
        analysis.type = "cli+mcp" if is_mcp else "cli"
        analysis.cli_commands = unique(analysis.cli_commands + cli_commands)
    elif analysis.type is None:
        analysis.type = "library"


def _package_metadata(data: dict[str, Any], analysis: Analysis) -> dict[str, str]:
    """Name, version and description into `analysis`; the `bin` scripts (name -> file)."""
    raw_name = data.get("name")
    if isinstance(raw_name, str) and raw_name:
        analysis.name = strip_scope(raw_name)
    for key in ("version", "description"):
        value = data.get(key)
        if isinstance(value, str) and value:
            setattr(analysis, key, value)
    raw_bin = data.get("bin")
    if isinstance(raw_bin, str) and raw_bin:
        return {analysis.name: raw_bin}
    if isinstance(raw_bin, dict):
        return {k: v for k, v in raw_bin.items() if isinstance(v, str) and k}
    return {}


def _read_package_json(package: Path, analysis: Analysis) -> dict[str, Any]:
    """package.json as a mapping; {} with a warning when it cannot be read as one."""
    analysis.sources.append("package.json")
    text = read_project_file(package, "package.json", analysis)
    try:
        data = json.loads(text) if text is not None else {}
    except json.JSONDecodeError as exc:
        analysis.warnings.append(f"Could not parse package.json: {exc}")
        return {}
    except (RecursionError, MemoryError):
        analysis.warnings.append("Could not parse package.json: nested too deeply")
        return {}
    if not isinstance(data, dict):
        analysis.warnings.append("Could not parse package.json: not a JSON object")
        return {}
    return data


@dataclass
class _JsSources:
    """What the project's JavaScript and TypeScript sources declare, file by file."""

    is_mcp: bool
    cli_framework: bool
    mcp_tools: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    mcp_server: bool = False
    scanned: bool = False

    def read(self, root: Path, analysis: Analysis, deps: Deps) -> None:
        for path in iter_sources(root, _JS_EXTENSIONS, analysis.warnings):
            if path.name.endswith((".d.ts", ".min.js")):
                continue
            text = read_source(path, root, analysis)
            if text is None:
                continue
            facts = _js_file_facts(js_tokens(text))
            self.scanned = True
            self.mcp_server = self.mcp_server or facts.mcp_server
            for module in facts.modules:
                pkg = _module_package(module)
                if pkg is None:
                    continue
                self.is_mcp = self.is_mcp or pkg in NODE_MCP_PACKAGES
                self.cli_framework = self.cli_framework or pkg in NODE_CLI_PACKAGES
                deps.add(strip_scope(pkg), "library")
            self.programs += facts.programs
            self.mcp_tools += facts.mcp_tools
            self.commands += facts.commands
