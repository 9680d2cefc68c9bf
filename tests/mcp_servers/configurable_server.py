"""A real MCP stdio server, built on the official SDK, that the MCP client tests start.

One script with flags rather than many scripts, so each test states the server it needs
in its argument list. The low-level `Server` is used (not FastMCP) because the tests need
control over pagination, exact input schemas and the protocol eras answered.

Modes (`--mode`):
  serve         answer normally (the default)
  hang          read stdin forever and never answer anything
  sleep         never read stdin at all (stuck before initialising); `--ignore-sigterm`
                makes it survive SIGTERM, `--spawn-child` leaves a grandchild in its group
                (`--escape-child` one in a session of its own)
  exit          print a line to stderr and exit with `--exit-code` (3) at start-up
  garbage       print non-JSON lines to stdout, then serve normally
  garbage-hang  print non-JSON lines to stdout, then never answer
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
    "required": ["query"],
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mode",
        default="serve",
        choices=["serve", "hang", "sleep", "exit", "garbage", "garbage-hang"],
    )
    parser.add_argument("--tools", type=int, default=3, help="serve tool_01 .. tool_NN")
    parser.add_argument("--page-size", type=int, default=0, help="0 = everything on one page")
    parser.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="input schema for one tool",
    )
    parser.add_argument(
        "--output-schema", action="append", default=[], metavar="NAME=JSON", help="output schema"
    )
    parser.add_argument("--omit", action="append", default=[], metavar="NAME")
    parser.add_argument("--extra", action="append", default=[], metavar="NAME")
    parser.add_argument(
        "--tools-file", help="JSON list of tool names, read relative to the working directory"
    )
    parser.add_argument(
        "--tools-json",
        help="JSON list of tools ({name, inputSchema, outputSchema}), read relative to the "
        "working directory at start-up (so a test can change the offer between runs)",
    )
    parser.add_argument("--tools-env", help="environment variable holding comma-separated names")
    parser.add_argument("--resources", type=int, default=0, help="serve res_01 .. res_NN")
    parser.add_argument(
        "--stuck-cursor", action="store_true", help="return the same cursor forever"
    )
    parser.add_argument("--list-error", help="answer tools/list with this JSON-RPC error message")
    parser.add_argument("--legacy", action="store_true", help="serve the 2025 handshake era only")
    parser.add_argument("--exit-code", type=int, default=3)
    parser.add_argument("--pid-file", help="write this process's pid (and a child's) here")
    parser.add_argument("--spawn-child", action="store_true")
    parser.add_argument(
        "--escape-child", action="store_true", help="a grandchild in a session of its own"
    )
    parser.add_argument("--ignore-sigterm", action="store_true")
    parser.add_argument("--name", default="configurable-test-server")
    parser.add_argument("--version", default="1.2.3")
    return parser.parse_args(argv)


def split_assignment(text: str) -> tuple[str, dict[str, Any]]:
    name, _, schema = text.partition("=")
    return name, json.loads(schema)


def tool_names(args: argparse.Namespace) -> list[str]:
    if args.tools_file:
        names: list[str] = json.loads(Path(args.tools_file).read_text(encoding="utf-8"))
    elif args.tools_env:
        names = [name for name in os.environ[args.tools_env].split(",") if name]
    else:
        names = [f"tool_{index:02d}" for index in range(1, args.tools + 1)]
    omitted = set(args.omit)
    return [name for name in names if name not in omitted] + list(args.extra)


def write_pids(args: argparse.Namespace) -> None:
    pids = [os.getpid()]
    if args.spawn_child:
        # Same process group as this server: only a group-wide kill reaches it.
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        pids.append(child.pid)
    if args.escape_child:
        # setsid: outside this server's group, where no group-wide kill reaches.
        escaped = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(3600)"], start_new_session=True
        )
        pids.append(escaped.pid)
    if args.pid_file:
        Path(args.pid_file).write_text(" ".join(map(str, pids)), encoding="utf-8")


def run_server(args: argparse.Namespace) -> None:
    import anyio
    import mcp_types as types
    from mcp.server.context import ServerRequestContext
    from mcp.server.lowlevel import Server
    from mcp.server.runner import serve_loop
    from mcp.server.stdio import stdio_server
    from mcp.shared.exceptions import MCPError

    input_schemas = dict(split_assignment(item) for item in args.schema)
    output_schemas = dict(split_assignment(item) for item in args.output_schema)
    tools = [
        types.Tool(
            name=name,
            description=f"The {name} tool.",
            input_schema=input_schemas.get(name, DEFAULT_SCHEMA),
            output_schema=output_schemas.get(name),
        )
        for name in tool_names(args)
    ]
    if args.tools_json:
        tools = [
            types.Tool(
                name=item["name"],
                description=item.get("description"),
                input_schema=item.get("inputSchema", DEFAULT_SCHEMA),
                output_schema=item.get("outputSchema"),
            )
            for item in json.loads(Path(args.tools_json).read_text(encoding="utf-8"))
        ]
    resources = [
        types.Resource(name=f"res_{index:02d}", uri=f"test://res/{index:02d}")
        for index in range(1, args.resources + 1)
    ]

    def page_of(items: list[Any], cursor: str | None) -> tuple[list[Any], str | None]:
        if args.stuck_cursor:
            return items[:1], "stuck"
        if args.page_size <= 0:
            return items, None
        start = int(cursor) if cursor else 0
        end = start + args.page_size
        return items[start:end], (str(end) if end < len(items) else None)

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        if args.list_error:
            raise MCPError(code=types.INTERNAL_ERROR, message=args.list_error)
        page, next_cursor = page_of(tools, params.cursor if params else None)
        return types.ListToolsResult(tools=page, next_cursor=next_cursor)

    async def list_resources(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        page, next_cursor = page_of(resources, params.cursor if params else None)
        return types.ListResourcesResult(resources=page, next_cursor=next_cursor)

    server: Server[Any] = Server(
        args.name,
        version=args.version,
        on_list_tools=list_tools,
        on_list_resources=list_resources if args.resources else None,
    )

    async def main() -> None:
        async with stdio_server() as (read_stream, write_stream):
            if args.legacy:
                # Handshake-only loop: what a 2025-era server does with `server/discover`.
                await serve_loop(
                    server,
                    read_stream,
                    write_stream,
                    lifespan_state={},
                    init_options=server.create_initialization_options(),
                )
            else:
                await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    write_pids(args)
    if args.mode == "exit":
        print("fatal: cannot open the configuration", file=sys.stderr, flush=True)
        return int(args.exit_code)
    if args.mode == "sleep":
        while True:
            time.sleep(3600)
    if args.mode == "hang":
        for _line in sys.stdin:
            pass
        return 0
    if args.mode in ("garbage", "garbage-hang"):
        print("this is not JSON-RPC", flush=True)
        print('{"jsonrpc": "2.0", "broken": ', flush=True)
        if args.mode == "garbage-hang":
            for _line in sys.stdin:
                pass
            return 0
    run_server(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
