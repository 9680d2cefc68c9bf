"""Per-call latency through `pai-deps mcp` beside the CLI's per-process figure, at 5,000 tools.

Starts the server as a real subprocess and times each `tools/call` round trip from the
client's side, median and p95 over `--calls` calls (after a few warm-up calls), two ways:
as plain JSON-RPC lines on its stdin and stdout (the server's own latency, the response
parsed), and through the MCP SDK's Python client, which also validates every result
against the tool's outputSchema with `jsonschema` (what an agent built on that SDK
waits for). The same question asked as a `pai-deps --json ...` process is timed
`--runs` times. Prints a Markdown table. Not a test: nothing asserts.

    python bench/bench_mcp.py [--tools 5000] [--calls 200] [--runs 15] [--db REG.db]

Without `--db` it generates the ecosystem (`bench/generate.py`) into a temporary folder
and syncs it into a scratch registry first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# (label, tool, arguments, the same question on the command line)
QUESTIONS: list[tuple[str, str, dict[str, Any], list[str]]] = [
    ("`show` (bottom tool)", "show", {"tool": "t00-0000"}, ["show", "t00-0000"]),
    ("`rdeps` direct (bottom tool)", "rdeps", {"tool": "t00-0000"}, ["rdeps", "t00-0000"]),
    (
        "`rdeps -t` (bottom tool)",
        "rdeps",
        {"tool": "t00-0000", "transitive": True},
        ["rdeps", "-t", "t00-0000"],
    ),
    (
        "`blast_radius` (middle tool)",
        "blast_radius",
        {"tool": "t10-0000"},
        ["blast-radius", "t10-0000"],
    ),
    (
        "`blast_radius` (bottom tool)",
        "blast_radius",
        {"tool": "t00-0000"},
        ["blast-radius", "t00-0000"],
    ),
]
WARM_UP = 5


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def through_server(db: Path, calls: int) -> dict[str, list[float]]:
    from mcp.client.client import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "pai_deps", "--db", str(db), "mcp"],
        env=dict(os.environ),
        cwd=ROOT,
    )
    timings: dict[str, list[float]] = {}
    async with Client(params, read_timeout_seconds=120) as client:
        await client.list_tools()  # the client validates results against these
        for label, tool, arguments, _ in QUESTIONS:
            for _ in range(WARM_UP):
                await client.call_tool(tool, arguments)
            samples = []
            for _ in range(calls):
                start = time.perf_counter()
                result = await client.call_tool(tool, arguments)
                samples.append(time.perf_counter() - start)
                if result.is_error:
                    raise SystemExit(f"{label}: {result.content}")
            timings[label] = samples
    return timings


def raw_json_rpc(db: Path, calls: int) -> dict[str, list[float]]:
    """Round trips of bare JSON-RPC lines: the handshake, then `tools/call` after `tools/call`."""
    server = subprocess.Popen(
        [sys.executable, "-m", "pai_deps", "--db", str(db), "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    assert server.stdin is not None and server.stdout is not None
    counter = iter(range(1, 1_000_000))

    def ask(method: str, params: dict[str, Any]) -> dict[str, Any]:
        request = {"jsonrpc": "2.0", "id": next(counter), "method": method, "params": params}
        server.stdin.write(json.dumps(request).encode() + b"\n")  # type: ignore[union-attr]
        server.stdin.flush()  # type: ignore[union-attr]
        answer: dict[str, Any] = json.loads(server.stdout.readline())  # type: ignore[union-attr]
        if "error" in answer or answer["result"].get("isError"):
            raise SystemExit(f"{method}: {answer}")
        return answer

    try:
        ask(
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        )
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        server.stdin.write(json.dumps(note).encode() + b"\n")
        timings: dict[str, list[float]] = {}
        for label, tool, arguments, _ in QUESTIONS:
            call = {"name": tool, "arguments": arguments}
            for _ in range(WARM_UP):
                ask("tools/call", call)
            samples = []
            for _ in range(calls):
                start = time.perf_counter()
                ask("tools/call", call)
                samples.append(time.perf_counter() - start)
            timings[label] = samples
        return timings
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def per_process(db: Path, args: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pai_deps", "--db", str(db), "--json", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        samples.append(time.perf_counter() - start)
    return samples[1:]  # the first warms the page cache


def scratch_registry(tools: int, folder: Path) -> Path:
    eco, db = folder / "eco", folder / "registry.db"
    generate = [sys.executable, str(ROOT / "bench" / "generate.py")]
    subprocess.run([*generate, "--tools", str(tools), "--root", str(eco)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pai_deps", "--db", str(db), "-q", "sync", str(eco)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return db


def main() -> None:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, help="an existing registry of generated tools")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = options.db or scratch_registry(options.tools, Path(folder))
        raw = raw_json_rpc(db, options.calls)
        served = anyio.run(through_server, db, options.calls)
        print(
            "| question | JSON-RPC median | p95 | SDK client median | p95 | calls "
            "| CLI process median | runs |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, _, _, args in QUESTIONS:
            cli = per_process(db, args, options.runs)
            print(
                f"| {label} | {ms(statistics.median(raw[label]))} | {ms(p95(raw[label]))} "
                f"| {ms(statistics.median(served[label]))} | {ms(p95(served[label]))} "
                f"| {len(raw[label])} | {statistics.median(cli) * 1000:.0f} ms | {len(cli)} |"
            )


if __name__ == "__main__":
    main()
