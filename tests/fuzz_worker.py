"""Runs pai-deps commands in-process, one JSON request per stdin line, one JSON answer per
stdout line. `test_hostile_fuzz` starts it under an address-space limit, so hundreds of
hostile inputs run in seconds while memory stays bounded for real (a subprocess per
input would cost a Python start-up each).

Usage: fuzz_worker.py MAX_ADDRESS_SPACE_BYTES (set on itself before pai-deps loads).
Request: {"args": [...], "cwd": "..."}. Answer: {"exit", "stdout", "stderr", "elapsed",
"crash", "maxrss_kb"}; `crash` is the repr of an exception that escaped the CLI, if any.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["TERMINAL_WIDTH"] = "200"


def main() -> None:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import typer.main
    import typer.testing
    from typer.testing import CliRunner

    from pai_deps.cli import app

    # Build typer's command tree once, not on every invocation (tens of ms each).
    command = typer.main.get_command(app)
    vars(typer.testing)["_get_command"] = lambda _app: command
    answers = sys.stdout
    runner = CliRunner()
    for line in sys.stdin:
        request = json.loads(line)
        os.chdir(request["cwd"])
        started = time.monotonic()
        result = runner.invoke(app, request["args"], prog_name="pai-deps")
        elapsed = time.monotonic() - started
        escaped = result.exception
        crash = None if escaped is None or isinstance(escaped, SystemExit) else repr(escaped)
        answers.write(
            json.dumps(
                {
                    "exit": result.exit_code,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                    "elapsed": elapsed,
                    "crash": crash,
                    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                }
            )
            + "\n"
        )
        answers.flush()


if __name__ == "__main__":
    main()
