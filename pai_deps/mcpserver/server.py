"""`pai-deps mcp`: the registry served over stdio with the official MCP SDK's low-level
server, so that each tool's `inputSchema` and `outputSchema` are exactly the pydantic
models the CLI prints (`arguments.py`, `results/`), not schemas the SDK derives.

One client talks to one server over stdin/stdout; calls run one at a time on the one
connection (`link.py`). A failure is a tool error carrying the CLI's one-line message
and code, never the end of the server.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from pai_deps.errors import PaiDepsError, UsageError

if TYPE_CHECKING:
    import mcp_types as types
    from mcp.server.lowlevel import Server

    from pai_deps.db import Notify, Target
    from pai_deps.mcpserver.link import RegistryLink
    from pai_deps.mcpserver.tools import ToolSpec

SUMMARY_URI = "pai-deps://registry"
MANIFEST_PREFIX = "pai-deps://tools/"
MANIFEST_SUFFIX = "/manifest"
MANIFEST_TEMPLATE = MANIFEST_PREFIX + "{tool}" + MANIFEST_SUFFIX
RESOURCE_PAGE = 500
RESOURCE_NOT_FOUND = -32002  # the MCP specification's code for an unknown resource
INSTRUCTIONS = (
    "pai-deps: a registry of the user's own tools (CLIs, MCP servers, libraries, workflows, "
    "hooks). Ask what a tool uses (deps), what uses it (rdeps, affected), what a change "
    "puts at risk (blast_radius), how reliable its chain is (chain_reliability). Each "
    "result is the document `pai-deps --json COMMAND` prints."
)


def manifest_uri(tool: str) -> str:
    return MANIFEST_PREFIX + quote(tool, safe="") + MANIFEST_SUFFIX


class RegistryServer:
    """What the handlers do, apart from the SDK: tools, calls, resources."""

    def __init__(self, link: RegistryLink, tools: dict[str, ToolSpec]) -> None:
        self.link = link
        self.tools = tools
        self._listed: list[types.Tool] | None = None

    def listed_tools(self) -> list[types.Tool]:
        import mcp_types as types

        if self._listed is None:
            self._listed = [
                types.Tool(
                    name=spec.name,
                    title=f"pai-deps {spec.command}",
                    description=spec.description,
                    input_schema=spec.input_schema(),
                    output_schema=spec.output_schema(),
                    annotations=types.ToolAnnotations(
                        read_only_hint=spec.access == "read",
                        destructive_hint=False,
                        idempotent_hint=spec.access == "read",
                        open_world_hint=False,
                    ),
                )
                for spec in self.tools.values()
            ]
        return self._listed

    def call(self, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
        try:
            document = self._answer(name, arguments or {})
        except PaiDepsError as exc:
            return _error_result(exc)
        except Exception as exc:  # a bug must not end the server
            return _error_result(_unexpected(exc))
        return _result(document)

    def _answer(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        spec = self.tools.get(name)
        if spec is None:
            from pai_deps.mcpserver.tools import TOOLS
            from pai_deps.suggest import did_you_mean, nearest

            withheld = next((t for t in TOOLS if t.name == name), None)
            if withheld is not None:
                raise UsageError(
                    f"Tool '{name}' is offered only by pai-deps mcp --allow-{withheld.access}",
                    code="tool_not_offered",
                )
            raise UsageError(
                f"No such tool '{name}'{did_you_mean(nearest(name, self.tools))}",
                code="unknown_tool",
            )
        args = _parse(spec, arguments)
        if spec.access == "read":
            with self.link.reading() as conn:
                return spec.call(conn, args).document()
        with self.link.using() as conn:
            return spec.call(conn, args).document()

    # -- resources -------------------------------------------------------------------------

    def list_resources(self, cursor: str | None) -> types.ListResourcesResult:
        import mcp_types as types
        from mcp.shared.exceptions import MCPError

        from pai_deps.registry.read import manifest_owners

        start = 0
        if cursor is not None:
            if not cursor.isdigit():
                raise MCPError(types.INVALID_PARAMS, f"Invalid cursor: {cursor!r}")
            start = int(cursor)
        with self.link.reading() as conn:
            owners = manifest_owners(conn)
        found = [] if start else [_summary_resource()]
        page = owners[start : start + RESOURCE_PAGE]
        found += [
            types.Resource(
                name=f"{tool} manifest",
                uri=manifest_uri(tool),
                description=f"The pai-manifest.yaml {tool} was registered from.",
                mime_type="application/yaml",
            )
            for tool in page
        ]
        more = start + RESOURCE_PAGE < len(owners)
        return types.ListResourcesResult(
            resources=found, next_cursor=str(start + RESOURCE_PAGE) if more else None
        )

    def read_resource(self, uri: str) -> types.ReadResourceResult:
        import mcp_types as types
        from mcp.shared.exceptions import MCPError

        try:
            if uri == SUMMARY_URI:
                from pai_deps.analysis.health import health

                with self.link.reading() as conn:
                    text = json.dumps(health(conn).document(), ensure_ascii=False)
                mime = "application/json"
            elif uri.startswith(MANIFEST_PREFIX) and uri.endswith(MANIFEST_SUFFIX):
                from pai_deps.registry.read import manifest_text

                tool = unquote(uri[len(MANIFEST_PREFIX) : -len(MANIFEST_SUFFIX)])
                with self.link.reading() as conn:
                    _, text = manifest_text(conn, tool)
                mime = "application/yaml"
            else:
                raise MCPError(RESOURCE_NOT_FOUND, f"Unknown resource: {uri}", {"uri": uri})
        except PaiDepsError as exc:
            missing = exc.code.endswith("not_found") or exc.code == "no_manifest"
            raise MCPError(
                RESOURCE_NOT_FOUND if missing else types.INTERNAL_ERROR,
                exc.message,
                {"code": exc.code, "uri": uri},
            ) from None
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type=mime, text=text)]
        )


def _summary_resource() -> types.Resource:
    import mcp_types as types

    return types.Resource(
        name="registry",
        uri=SUMMARY_URI,
        description="The registry at a glance: `pai-deps --json health` (counts, "
        "reliability, cycles, tools at risk, issues).",
        mime_type="application/json",
    )


def _parse(spec: ToolSpec, arguments: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return spec.arguments.model_validate(arguments)
    except ValidationError as exc:
        raise UsageError(f"{spec.name}: {_first_problem(exc)}", code="usage") from None


def _first_problem(exc: Any) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        problems.append(f"{where}: {error['msg']}")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return problems[0] + more


def _unexpected(exc: Exception) -> PaiDepsError:
    from pai_deps.db.failures import classify

    failure = classify(exc)
    if failure is not None:
        return failure
    return PaiDepsError(
        f"internal error ({type(exc).__name__}: {exc}); this is a bug in pai-deps",
        code="internal_error",
    )


def _result(document: dict[str, Any]) -> types.CallToolResult:
    import mcp_types as types

    text = json.dumps(document, ensure_ascii=False)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=document
    )


def _error_result(exc: PaiDepsError) -> types.CallToolResult:
    import mcp_types as types

    document = {"success": False, "error": exc.message, "code": exc.code, **exc.details}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=exc.message)],
        structured_content=document,
        is_error=True,
    )


# -- the SDK wiring ----------------------------------------------------------------------------


def build_server(registry: RegistryServer) -> Server[Any]:
    import mcp_types as types
    from mcp.server.lowlevel import Server

    import pai_deps

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=registry.listed_tools())

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        return registry.call(params.name, params.arguments)

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return registry.list_resources(getattr(params, "cursor", None))

    async def list_templates(ctx: Any, params: Any) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(
            resource_templates=[
                types.ResourceTemplate(
                    name="tool manifest",
                    uri_template=MANIFEST_TEMPLATE,
                    description="A registered tool's pai-manifest.yaml (the id percent-encoded).",
                    mime_type="application/yaml",
                )
            ]
        )

    async def read_resource(
        ctx: Any, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        return registry.read_resource(str(params.uri))

    return Server(
        "pai-deps",
        version=pai_deps.__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
    )


def serve(
    target: Target, *, allow_write: bool, allow_run: bool, notify: Notify | None = None
) -> None:
    """Serve the registry at `target` on stdin/stdout until the client closes stdin;
    `notify` receives out-of-band notices (a migration's backup)."""
    import anyio
    from mcp.server.stdio import stdio_server

    from pai_deps.mcpserver.link import RegistryLink
    from pai_deps.mcpserver.tools import offered

    link = RegistryLink(target, notify)
    registry = RegistryServer(link, offered(allow_write=allow_write, allow_run=allow_run))
    server = build_server(registry)

    async def run() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    try:
        anyio.run(run)
    finally:
        link.close()
