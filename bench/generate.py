"""Write N synthetic tool folders with pai-manifest.yaml files: a seeded, layered graph.

Layer 0 holds the bottom tools (nothing below them); every tool in a higher layer depends
on `--deps` tools drawn from the `--span` layers directly below it. `--cycles K` adds K
back edges from a low tool to a higher one, each closing a cycle. A few tools provide CLI
commands with output schemas and MCP tools, so contracts exist too.

    python bench/generate.py --tools 1000 --root /tmp/eco [--layers 20] [--deps 3] [--seed 1]

Tool ids: `t<layer>-<index>`, e.g. `t00-0007` (bottom) ... `t19-0042` (top).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Tool:
    id: str
    layer: int
    deps: list[str] = field(default_factory=list)


def build(tools: int, layers: int, deps: int, span: int, cycles: int, seed: int) -> list[Tool]:
    rng = random.Random(seed)
    per_layer = max(1, tools // layers)
    result: list[Tool] = []
    by_layer: list[list[Tool]] = []
    for layer in range(layers):
        count = per_layer if layer < layers - 1 else tools - per_layer * (layers - 1)
        row = [Tool(f"t{layer:02d}-{index:04d}", layer) for index in range(max(count, 0))]
        by_layer.append(row)
        result.extend(row)
    for tool in result:
        below = [t for lower in by_layer[max(0, tool.layer - span) : tool.layer] for t in lower]
        if below:
            tool.deps = sorted({t.id for t in rng.sample(below, min(deps, len(below)))})
    ids_by_layer = {t.id: t for t in result}
    for _ in range(cycles):
        low = rng.choice([t for t in result if t.layer < layers // 2])
        high = rng.choice([t for t in result if t.layer > low.layer])
        # high reaches low only if there is a path; make one certain with a direct edge.
        if low.id not in high.deps:
            high.deps.append(low.id)
        if high.id not in low.deps:
            low.deps.append(high.id)
    assert len(ids_by_layer) == len(result)
    return result


def write(root: Path, tools: list[Tool], *, uses: bool = False) -> None:
    """`uses`: each dependency on a CLI tool declares that it reads `/ok` of its command."""
    root.mkdir(parents=True, exist_ok=True)
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    for tool in tools:
        folder = root / tool.id
        folder.mkdir(exist_ok=True)
        lines = [
            f"name: {tool.id}",
            'version: "1.0.0"',
            f"type: {'cli' if tool.layer % 2 else 'library'}",
            f"description: synthetic tool in layer {tool.layer}",
        ]
        if tool.layer % 2:
            (folder / "out.schema.json").write_text(json.dumps(schema))
            lines += [
                "provides:",
                "  cli:",
                f"    - command: {tool.id} list --json",
                "      output_schema: out.schema.json",
            ]
        if tool.deps:
            lines.append("depends_on:")
            for dep in tool.deps:
                lines += [f"  - name: {dep}", "    type: library"]
                if uses and int(dep[1:3]) % 2:
                    lines += [
                        "    uses:",
                        f"      - contract: {dep} list --json",
                        "        fields: [/ok]",
                    ]
        lines += [
            f"reliability: {0.9 + (hash(tool.id) % 10) / 100:.2f}",
            f"debt_score: {tool.layer % 7}",
        ]
        (folder / "pai-manifest.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--layers", type=int, default=20)
    parser.add_argument("--deps", type=int, default=3)
    parser.add_argument("--span", type=int, default=2, help="how many layers below to draw from")
    parser.add_argument("--cycles", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uses", action="store_true", help="declare `uses` on CLI dependencies")
    args = parser.parse_args()
    tools = build(args.tools, args.layers, args.deps, args.span, args.cycles, args.seed)
    write(args.root, tools, uses=args.uses)
    print(f"wrote {len(tools)} tools to {args.root}")


if __name__ == "__main__":
    main()
