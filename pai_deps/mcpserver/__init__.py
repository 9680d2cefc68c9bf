"""pai-deps as an MCP server (`pai-deps mcp`): the query commands as MCP tools.

    arguments  each tool's arguments (the inputSchema), named like the CLI's options
    tools      the tool table: name, command, arguments, the service it calls
    link       the one registry connection, reopened when the registry is replaced
    server     the SDK's low-level server over stdio: tools, calls, resources

Imported only by `pai-deps mcp`: the SDK takes about half a second to load.
"""
