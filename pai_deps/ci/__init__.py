"""Change-aware CI: which tools a change touches, what that affects, and whether it holds.

Two services behind `ci affected` and `ci check`:

- `affected.affected` maps changed files to registered tools (a manifest to its tool, a
  schema file to every tool that names it, anything else to the tool whose directory is
  its longest path prefix; all paths compared after resolving symlinks, because git
  reports real paths while tools are registered under the path the user typed) and walks
  the registry's reverse edges to the tools that depend on them, keeping the chain that
  reaches each.
- `check.run_checks` judges the change as it stands (git's index with `staged`, the
  working tree otherwise), not as last registered: a commit whose manifest promises a
  command that does not exist, a schema change that breaks consumers, or a dependency
  that closes a new cycle fails here, before it lands.

Findings that predate the change (an old cycle, an old dependency on a stub) are warnings;
only what the change introduces fails, so a hook never blocks a commit for someone else's
debt. The modules: `locator` (where tools live), `change` (files as the change has
them), `affected`, `checks` (manifests, drift, CLI, MCP), `graph_checks` (cycles, stubs),
`fixes` (`--fix`), `check` (the whole run).
"""
