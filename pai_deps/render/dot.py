"""Graphviz DOT for a `GraphView`, valid whatever the tool ids contain.

Tool ids are arbitrary non-whitespace strings, and DOT's quoted strings cannot carry every
one of them (a trailing backslash escapes the closing quote). So nodes get synthetic ids
(`n0`, `n1`, ... in id order: never a collision, never a keyword) and the tool id is shown
in an HTML-like label, where `&`, `<` and `>` are the only characters that need escaping.
"""

from __future__ import annotations

import html

from pai_deps.analysis.picture import GraphView, ViewEdge
from pai_deps.models import GraphNodeRow

FILL = {
    "library": "#e1f5fe",
    "cli": "#e8f5e9",
    "mcp": "#f3e5f5",
    "cli+mcp": "#fff3e0",
    "workflow": "#fffde7",
    "hook": "#fce4ec",
}
STUB_FILL = "#eeeeee"
CYCLE_COLOUR = "#d32f2f"
FOCUS_COLOUR = "#1565c0"


def _label(name: str, kind: str, stub: bool) -> str:
    caption = f"({kind}{', stub' if stub else ''})"
    return (
        f"<{html.escape(name, quote=False)}<BR/>"
        f'<FONT POINT-SIZE="8">{html.escape(caption, quote=False)}</FONT>>'
    )


def render_dot(view: GraphView, *, color: bool = True) -> str:
    """The DOT source: stubs dashed, optional edges dotted, cycle edges bold (and red),
    the focus tool with a double, thick border."""
    ids = {node.id: f"n{i}" for i, node in enumerate(view.nodes)}
    stubs = {node.id for node in view.nodes if node.stub}
    lines = [
        "digraph pai_deps {",
        "  rankdir=LR;",
        '  node [shape=box fontname="Arial" fontsize=10];',
        '  edge [fontname="Arial" fontsize=9];',
        "",
        "  // Nodes" if view.nodes else "  // Empty graph - no tools to show",
    ]
    lines += [f"  {ids[node.id]} [{_node_attributes(node, view, color)}];" for node in view.nodes]
    if view.edges:
        lines += ["", "  // Edges"]
    for edge in view.edges:
        if edge.optional or edge.cycle or edge.provider in stubs:
            suffix = f" [{_edge_attributes(edge, stubs, color)}]"
        else:
            suffix = ""  # a plain edge, most of them: no attributes
        lines.append(f"  {ids[edge.consumer]} -> {ids[edge.provider]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_attributes(node: GraphNodeRow, view: GraphView, color: bool) -> str:
    styles = ["filled"] if color else []
    if node.stub:
        styles.append("dashed")
    attrs = [f"label={_label(node.name, node.type, node.stub)}"]
    if styles:
        attrs.append(f'style="{",".join(styles)}"')
    if color:
        attrs.append(f'fillcolor="{STUB_FILL if node.stub else FILL[node.type]}"')
    if node.id == view.focus:
        attrs += ["penwidth=2", "peripheries=2"]
        if color:
            attrs.append(f'color="{FOCUS_COLOUR}"')
    return " ".join(attrs)


def _edge_attributes(edge: ViewEdge, stubs: set[str], color: bool) -> str:
    styles = []
    if edge.optional:
        styles.append("dotted")
    elif edge.provider in stubs:
        styles.append("dashed")
    attrs = []
    if edge.cycle:
        styles.append("bold")
        if color:
            attrs.append(f'color="{CYCLE_COLOUR}"')
    if styles:
        attrs.insert(0, f'style="{",".join(styles)}"')
    return " ".join(attrs)


GRAPHVIZ_TIMEOUT_S = 60


def dot_to_svg(dot_source: str) -> str:
    """Render through Graphviz's `dot`, or say in one line how to get it."""
    import shutil
    import subprocess

    from pai_deps.errors import PaiDepsError

    executable = shutil.which("dot")
    if executable is None:
        raise PaiDepsError(
            "Graphviz is not installed (svg needs its `dot` command): install it with "
            "`apt-get install graphviz` or `brew install graphviz`",
            code="graphviz_missing",
        )
    try:
        done = subprocess.run(
            [executable, "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=GRAPHVIZ_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PaiDepsError(
            f"Graphviz took longer than {GRAPHVIZ_TIMEOUT_S} s", code="graphviz_failed"
        ) from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PaiDepsError(
            f"Graphviz error: {detail[0] if detail else f'exit {done.returncode}'}",
            code="graphviz_failed",
        )
    return done.stdout.decode("utf-8")
