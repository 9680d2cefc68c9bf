"""Mermaid flowcharts for a `GraphView`, safe to paste into GitHub Markdown.

Node ids are synthetic (`n0`, ... : Mermaid keywords such as `end` and odd characters
break its parser); labels are always quoted, with the characters that would end or
reinterpret a quoted label written as Mermaid entity codes.
"""

from __future__ import annotations

from pai_deps.analysis.picture import GraphView
from pai_deps.render.dot import CYCLE_COLOUR, FILL, FOCUS_COLOUR, STUB_FILL

# '#' first: the other replacements introduce '#'.
_ENTITIES = (
    ("#", "#35;"),
    ('"', "#quot;"),
    ("<", "#lt;"),
    (">", "#gt;"),
    ("&", "#amp;"),
    ("`", "#96;"),
    ("|", "#124;"),
    ("[", "#91;"),
    ("]", "#93;"),
    ("{", "#123;"),
    ("}", "#125;"),
)


def mermaid_text(text: str) -> str:
    for raw, entity in _ENTITIES:
        text = text.replace(raw, entity)
    return " ".join(text.split())


def render_mermaid(view: GraphView, *, color: bool = True) -> str:
    """`flowchart LR`: optional edges dotted, cycle edges thick (and red), stubs dashed,
    the focus tool with a thick border."""
    ids = {node.id: f"n{i}" for i, node in enumerate(view.nodes)}
    lines = ["flowchart LR"]
    for node in view.nodes:
        caption = f"({node.type}{', stub' if node.stub else ''})"
        lines.append(f'  {ids[node.id]}["{mermaid_text(node.name)}<br/>{mermaid_text(caption)}"]')
    cycle_links: list[str] = []
    for number, edge in enumerate(view.edges):
        arrow = "==>" if edge.cycle else ("-.->" if edge.optional else "-->")
        lines.append(f"  {ids[edge.consumer]} {arrow} {ids[edge.provider]}")
        if edge.cycle:
            cycle_links.append(str(number))
    classes: dict[str, list[str]] = {}
    for node in view.nodes:
        if color:
            classes.setdefault("stub" if node.stub else _class_name(node.type), []).append(
                ids[node.id]
            )
        elif node.stub:
            classes.setdefault("stub", []).append(ids[node.id])
        if node.id == view.focus:
            classes.setdefault("focus", []).append(ids[node.id])
    definitions = {
        "stub": f"fill:{STUB_FILL},stroke-dasharray:5 5" if color else "stroke-dasharray:5 5",
        "focus": f"stroke:{FOCUS_COLOUR},stroke-width:3px" if color else "stroke-width:3px",
        **{_class_name(kind): f"fill:{fill}" for kind, fill in FILL.items()},
    }
    for name, members in classes.items():
        lines.append(f"  classDef {name} {definitions[name]}")
        lines.append(f"  class {','.join(members)} {name}")
    if cycle_links:
        stroke = f"stroke:{CYCLE_COLOUR}," if color else ""
        lines.append(f"  linkStyle {','.join(cycle_links)} {stroke}stroke-width:3px")
    return "\n".join(lines) + "\n"


def _class_name(kind: str) -> str:
    return "t_" + kind.replace("+", "_")
