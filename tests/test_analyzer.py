"""The analyzer reads real project files; comments, strings and substrings never count."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from pai_deps.errors import UsageError
from pai_deps.scan import (
    Analysis,
    DetectedDependency,
    analyze_project,
    build_manifest,
    js_tokens,
)

KNOWN = ["email", "resona", "supertag", "playwright-mcp", "kai-launcher", "gutenberg_tana"]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return root


def deps(analysis: Analysis) -> list[tuple[str, str]]:
    return [(d.name, d.type) for d in analysis.depends_on]


TYPER_PYPROJECT = """
[project]
name = "mytool"
version = "1.4.0"
description = "Keeps track of things: a tool # not a comment"
dependencies = [
  "typer>=0.12", "Resona[extra]>=1", "nodemailer-ish", "supertag ; python_version>'3'"
]

[project.optional-dependencies]
dev = ["email"]

[project.scripts]
mytool = "mytool.cli:app"
"""

TYPER_CLI = '''
"""Mytool CLI. Example: subprocess.run(["email", "send"]) and import email."""
import subprocess
import shutil
from typing import Annotated

import typer

from mytool import helpers  # own package: never a dependency
from .local import thing

app = typer.Typer()
db_app = typer.Typer()
app.add_typer(db_app, name="db")


@app.command()
def register(path: str) -> None:
    # subprocess.run(["supertag", "x"])  <- a comment, must not count
    subprocess.run(["kai-launcher", "--start"], check=True)


@app.command("show")
def show_tool(tool: str) -> None:
    print("import resona; from email import x")


@app.command(name="list-all")
def list_everything() -> None:
    if shutil.which("playwright-mcp"):
        subprocess.run("not_a_tool --flag", shell=True)


@app.command()
def sync_all() -> None:
    pass


@db_app.command()
def migrate_up() -> None:
    pass


@app.callback()
def main() -> None:
    """Callbacks are not commands."""
'''


def test_typer_app_with_pyproject(tmp_path: Path) -> None:
    root = write(
        tmp_path / "mytool",
        {
            "pyproject.toml": TYPER_PYPROJECT,
            "src/mytool/__init__.py": "",
            "src/mytool/helpers.py": "import mytool\n",
            "src/mytool/cli.py": TYPER_CLI,
            "tests/test_cli.py": "import email\nimport subprocess\nsubprocess.run(['supertag'])\n",
            ".venv/lib/x.py": "import email\n",
        },
    )
    analysis = analyze_project(root, known_tools=[*KNOWN, "mytool"])
    assert analysis.name == "mytool"
    assert analysis.version == "1.4.0"
    assert analysis.description == "Keeps track of things: a tool # not a comment"
    assert analysis.type == "cli"
    assert analysis.cli_commands == [
        "mytool register",
        "mytool show",
        "mytool list-all",
        "mytool sync-all",
        "mytool db migrate-up",
    ]
    assert analysis.mcp_tools == []
    assert deps(analysis) == [
        ("resona", "library"),
        ("supertag", "library"),
        ("kai-launcher", "cli"),
        ("playwright-mcp", "cli"),
    ]
    assert "pyproject.toml" in analysis.sources
    assert "src/mytool/cli.py" in analysis.sources
    assert not any(s.startswith(("tests/", ".venv/")) for s in analysis.sources)
    assert analysis.warnings == []


def test_single_command_typer_app_is_the_script_itself(tmp_path: Path) -> None:
    root = write(
        tmp_path / "one",
        {
            "pyproject.toml": '[project]\nname = "one"\n[project.scripts]\none = "one:app"\n',
            "one.py": "import typer\napp = typer.Typer()\n@app.command()\ndef run() -> None: ...\n",
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.cli_commands == ["one"]
    assert analysis.type == "cli"


CLICK_APP = """
import click
import gutenberg_tana.parser
from email.mime.text import MIMEText


@click.group()
def cli():
    pass


@cli.command()
def hello_world():
    pass


@cli.command("bye")
def goodbye():
    pass


@cli.group()
def config():
    pass


@config.command(name="set")
def config_set():
    pass
"""


def test_click_app(tmp_path: Path) -> None:
    root = write(
        tmp_path / "clicky",
        {
            "pyproject.toml": (
                '[project]\nname = "clicky"\nversion = "0.2"\n'
                'dependencies = ["click"]\n'
                '[project.scripts]\nclicky = "clicky.main:cli"\n'
            ),
            "clicky/__init__.py": "",
            "clicky/main.py": CLICK_APP,
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.cli_commands == ["clicky hello-world", "clicky bye", "clicky config set"]
    # `from email.mime...` is the standard library, not the registry's "email" tool.
    assert deps(analysis) == [("gutenberg_tana", "library")]
    assert analysis.type == "cli"


FASTMCP_SERVER = '''
"""Weather MCP server. Docs mention @mcp.tool() def fake(): and Tool(name="fake")."""
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("weather")


@mcp.tool()
async def get_forecast(city: str) -> str:
    return "sunny"


@mcp.tool(name="alerts")
def get_alerts(state: str) -> str:
    return "none"


@mcp.tool
def bare_decorator() -> str:
    return ""


def main() -> None:
    mcp.run()
'''


def test_fastmcp_server(tmp_path: Path) -> None:
    root = write(
        tmp_path / "weather",
        {
            "pyproject.toml": (
                '[project]\nname = "weather-mcp"\nversion = "0.1.0"\n'
                'dependencies = ["mcp[cli]>=1.2", "httpx"]\n'
                '[project.scripts]\nweather-mcp = "weather.server:main"\n'
            ),
            "src/weather/__init__.py": "",
            "src/weather/server.py": FASTMCP_SERVER,
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.type == "mcp"
    assert analysis.mcp_tools == ["get_forecast", "alerts", "bare_decorator"]
    assert analysis.cli_commands == []
    assert analysis.mcp_start == "weather-mcp"
    manifest = build_manifest(root, analysis=analysis)
    assert list(manifest) == [
        "name",
        "version",
        "type",
        "provides",
        "reliability",
        "debt_score",
        "mcp_start",
    ]
    assert manifest["provides"] == {
        "mcp": [{"tool": "get_forecast"}, {"tool": "alerts"}, {"tool": "bare_decorator"}]
    }
    assert manifest["mcp_start"] == "weather-mcp"


LOW_LEVEL_SERVER = """
import mcp.types as types
from mcp.server import Server
from mcp.types import Tool

server = Server("lowlevel")


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(name="fetch", description="Fetch a URL", inputSchema={}),
        Tool(name="search", description="Search", inputSchema={}),
    ]
"""


def test_low_level_tool_constructions(tmp_path: Path) -> None:
    root = write(tmp_path / "lowlevel", {"server.py": LOW_LEVEL_SERVER})
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.name == "lowlevel"
    assert analysis.mcp_tools == ["fetch", "search"]
    assert analysis.type == "mcp"
    assert analysis.warnings == ["No pyproject.toml or package.json found"]


def test_cli_and_mcp_together(tmp_path: Path) -> None:
    root = write(
        tmp_path / "both",
        {
            "pyproject.toml": (
                '[project]\nname = "both"\ndependencies = ["fastmcp", "typer"]\n'
                '[project.scripts]\nboth = "both.cli:app"\nboth-mcp = "both.server:main"\n'
            ),
            "both/cli.py": "import typer\napp = typer.Typer()\n"
            "@app.command()\ndef a(): ...\n@app.command()\ndef b(): ...\n",
            "both/server.py": "from fastmcp import FastMCP\nmcp = FastMCP('x')\n"
            "@mcp.tool\ndef ping() -> str: ...\ndef main(): mcp.run()\n",
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.type == "cli+mcp"
    assert analysis.cli_commands == ["both a", "both b"]
    assert analysis.mcp_tools == ["ping"]
    assert analysis.mcp_start == "both-mcp"
    manifest = build_manifest(root, analysis=analysis)
    assert manifest["type"] == "cli+mcp"
    assert manifest["mcp_start"] == "both-mcp"


def test_decorators_without_framework_imports_do_not_count(tmp_path: Path) -> None:
    root = write(
        tmp_path / "plain",
        {
            "pyproject.toml": '[project]\nname = "plain"\n',
            "plain.py": "registry = object()\n@registry.tool()\ndef x(): ...\n"
            "@registry.command()\ndef y(): ...\nTool(name='nope')\n",
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.mcp_tools == []
    assert analysis.cli_commands == []
    assert analysis.type == "library"


def test_no_substring_or_comment_or_string_matches(tmp_path: Path) -> None:
    root = write(
        tmp_path / "quiet",
        {
            "pyproject.toml": (
                '[project]\nname = "quiet"\n'
                'dependencies = ["nodemailer", "emails", "resona-extras", "py-supertag"]\n'
            ),
            "quiet/__init__.py": """
                # import email
                '''import resona'''
                import emailer
                import resona_client
                from calendar_utils import x
                text = "subprocess.run(['email'])"
                subprocess.run([program, "email"])
                shutil.which(f"{name}")
            """,
        },
    )
    analysis = analyze_project(root, known_tools=[*KNOWN, "calendar"])
    assert analysis.depends_on == []


def test_hyphenated_known_tools_match_underscored_modules(tmp_path: Path) -> None:
    root = write(
        tmp_path / "hy",
        {
            "pyproject.toml": '[project]\nname = "hy"\ndependencies = ["Playwright_MCP>=2"]\n',
            "hy/run.py": "import kai_launcher\nimport subprocess\n"
            "subprocess.check_output(('gutenberg-tana', '-v'))\n",
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert deps(analysis) == [
        ("playwright-mcp", "library"),
        ("kai-launcher", "library"),
        ("gutenberg_tana", "cli"),
    ]


def test_syntax_error_is_a_warning(tmp_path: Path) -> None:
    root = write(
        tmp_path / "broken",
        {
            "pyproject.toml": '[project]\nname = "broken"\n',
            "broken/bad.py": "def oops(:\n",
            "broken/escapes.py": "import resona\npattern = '\\d+'\n",
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.warnings == ["Skipped broken/bad.py: syntax error (line 1)"]
    assert deps(analysis) == [("resona", "library")]


def test_invalid_pyproject_is_a_warning(tmp_path: Path) -> None:
    root = write(tmp_path / "badtoml", {"pyproject.toml": "[project\nname=", "m.py": "x = 1\n"})
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.name == "badtoml"
    assert analysis.warnings[0].startswith("Could not parse pyproject.toml")


def test_empty_directory(tmp_path: Path) -> None:
    root = tmp_path / "empty-dir"
    root.mkdir()
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.name == "empty-dir"
    assert analysis.type is None
    assert analysis.warnings == [
        "No pyproject.toml or package.json found",
        "No source files found",
    ]
    assert build_manifest(root, analysis=analysis) == {
        "name": "empty-dir",
        "type": "cli",
        "reliability": 0.95,
        "debt_score": 0,
    }


# ------------------------------------------------------------------------------ node


def package(root: Path, data: dict[str, object], files: dict[str, str] | None = None) -> Path:
    write(root, files or {})
    (root / "package.json").write_text(json.dumps(data))
    return root


def test_package_json_bin_object_and_mcp_sdk(tmp_path: Path) -> None:
    root = package(
        tmp_path / "srv",
        {
            "name": "@acme/weather-server",
            "version": "2.0.0",
            "description": "Weather over MCP",
            "bin": {"weather-server": "dist/index.js", "weather-admin": "dist/admin.js"},
            "dependencies": {"@modelcontextprotocol/sdk": "^1", "@pai/resona": "1", "zod": "3"},
            "devDependencies": {"supertag": "1"},
        },
        {
            "src/index.ts": """
                import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
                import { thing } from "./calendar-utils";
                import nodemailer from "nodemailer";
                // server.tool("commented_out", ...)
                /* import x from "email" */
                const server = new McpServer({ name: "weather" });
                server.tool("get-forecast", {}, async () => ({ content: [] }));
                server.registerTool(`get_alerts`, {}, async () => ({}));
                const note = "server.tool('in_a_string')";
                const re = /from "email"/g;
                const t = `spawn("email") ${server.tool(name)}`;
                Bun.spawn(["kai-launcher", "--x"]);
                spawn(cmd);
                db.exec("email");
            """,
            "src/index.test.ts": 'import x from "email";',
            "node_modules/email/index.js": "module.exports = 1;",
        },
    )
    analysis = analyze_project(root, known_tools=[*KNOWN, "calendar"])
    assert analysis.name == "weather-server"
    assert analysis.version == "2.0.0"
    assert analysis.description == "Weather over MCP"
    assert analysis.type == "mcp"
    assert analysis.mcp_tools == ["get-forecast", "get_alerts"]
    assert analysis.cli_commands == []
    assert analysis.mcp_start == "node dist/index.js"
    assert deps(analysis) == [("resona", "library"), ("kai-launcher", "cli")]
    assert analysis.sources == ["package.json", "src/index.ts"]


def test_package_json_bin_string_is_a_cli(tmp_path: Path) -> None:
    root = package(
        tmp_path / "c",
        {
            "name": "@scope/cool-cli",
            "bin": "cli.js",
            "dependencies": {"commander": "12", "email": "1"},
        },
        {
            "cli.js": """
                const { program } = require('commander');
                const lib = require("supertag/lib");
                program.command('show <tool>').action(() => {});
                program.command("list").action(() => {});
                execSync("playwright-mcp install");
            """,
        },
    )
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.name == "cool-cli"
    assert analysis.type == "cli"
    assert analysis.cli_commands == ["cool-cli show <tool>", "cool-cli list"]
    assert deps(analysis) == [
        ("email", "library"),
        ("supertag", "library"),
        ("playwright-mcp", "cli"),
    ]
    manifest = build_manifest(root, analysis=analysis, description="A: tricky # desc")
    assert manifest["description"] == "A: tricky # desc"
    assert manifest["provides"] == {
        "cli": [{"command": "cool-cli show <tool>"}, {"command": "cool-cli list"}]
    }
    assert manifest["depends_on"] == [
        {"name": "email", "type": "library"},
        {"name": "supertag", "type": "library"},
        {"name": "playwright-mcp", "type": "cli"},
    ]


def test_invalid_package_json_is_a_warning(tmp_path: Path) -> None:
    root = write(tmp_path / "bad-json", {"package.json": "{ not json"})
    analysis = analyze_project(root, known_tools=KNOWN)
    assert analysis.name == "bad-json"
    assert analysis.warnings[0].startswith("Could not parse package.json")


def test_js_tokenizer_drops_comments_and_regexes_but_keeps_strings() -> None:
    tokens = js_tokens("a / b; // c\nx = /re'/g; `t${ {k: `n`} }u`; '\\'q'")
    assert ("string", "c") not in tokens
    assert ("regex", "") in tokens
    assert ("punct", "/") in tokens
    assert ("string", "n") in tokens
    assert ("string", "'q") in tokens
    assert not any(v == "t" or v == "u" for _, v in tokens)


# ---------------------------------------------------------------------- build_manifest


def test_build_manifest_without_analysis_reads_metadata(tmp_path: Path) -> None:
    root = write(
        tmp_path / "meta",
        {
            "pyproject.toml": '[project]\nname = "meta-tool"\nversion = "3.1.0"\n'
            '[project.scripts]\nmeta = "meta:main"\n',
            "meta.py": "import resona\n",
        },
    )
    manifest = build_manifest(root, analysis=None)
    assert manifest == {
        "name": "meta-tool",
        "version": "3.1.0",
        "type": "cli",
        "provides": {"cli": [{"command": "meta"}]},
        "reliability": 0.95,
        "debt_score": 0,
    }


def test_build_manifest_overrides_win(tmp_path: Path) -> None:
    analysis = Analysis(
        name="found",
        version="1.0.0",
        description="found desc",
        type="mcp",
        mcp_tools=["t"],
        depends_on=[DetectedDependency("email", "cli")],
        mcp_start="found-server",
    )
    manifest = build_manifest(
        tmp_path,
        analysis=analysis,
        name="given",
        type="library",
        version="9.9.9",
        description="given desc",
    )
    assert manifest == {
        "name": "given",
        "version": "9.9.9",
        "type": "library",
        "description": "given desc",
        "provides": {"mcp": [{"tool": "t"}]},
        "depends_on": [{"name": "email", "type": "cli"}],
        "reliability": 0.95,
        "debt_score": 0,
    }


@pytest.mark.parametrize(("name", "type_"), [(None, "weird"), (None, "CLI"), ("  ", None)])
def test_build_manifest_rejects_bad_overrides(
    tmp_path: Path, name: str | None, type_: str | None
) -> None:
    with pytest.raises(UsageError):
        build_manifest(tmp_path, analysis=Analysis(name="x"), name=name, type=type_)
