"""`verify` for one CLI contract: its help text, and its real output when it can be had.

Two questions, answered separately and then combined:

1. Does the command answer for help? `<command> --help` must exit 0 and print usage; a
   manifest's `help: [args]` replaces `--help` (then any exit status will do as long as
   usage is printed: `ip addr help` exits 255), and `help: false` means there is none, so
   only the program's existence is checked. `strict` also wants every declared `--flag`
   in the help text.
2. Does its output keep the promise? With `probe:` (an argument list, never a shell
   string) the probe runs in the tool's folder under the usual hard timeout and process
   group kill; its stdout must be JSON that validates against `output_schema`, and each
   problem is reported with its JSON pointer. `verify --with-output FILE` validates a
   captured output instead. Without either, only the help text was checked, and the
   result says so.

A declared output schema that cannot be read (missing file) makes the contract
*unverified*, not failed: nothing was found broken, but nothing was checked either.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, ToolRow
from pai_deps.verify.checks import ContractCheck, Level, Outcome
from pai_deps.verify.runner import (
    RunResult,
    declared_flags,
    resolve_executable,
    run,
    split_command,
    strip_placeholders,
)
from pai_deps.verify.selection import schema_file

_USAGE = re.compile(r"\busage\b", re.IGNORECASE)
_MAX_LINE = 200
# Problems listed in a check's details; the count says how many there were.
MAX_PROBLEMS = 20


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last if len(last) <= _MAX_LINE else last[: _MAX_LINE - 1] + "…"


def _mentions(text: str, flag: str) -> bool:
    """`--json` appears as a flag of its own (not as part of `--json-lines`)."""
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None


def exit_description(code: int) -> str:
    if code < 0:
        import signal

        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def check_cli(
    contract: ContractRow,
    tool: ToolRow,
    level: Level,
    timeout: float,
    *,
    captured: tuple[str, str] | None = None,
) -> ContractCheck:
    """Judge one CLI contract at `level`; never raises for a broken command.

    `captured`: (text, where it came from) of an output to validate instead of running
    the probe (`verify --with-output`).
    """

    def fail(message: str, **checks: Any) -> ContractCheck:
        return ContractCheck(contract, "fail", message, checks={"exists": False, **checks})

    cwd = Path(tool.path)
    if not cwd.is_dir():
        return fail(f"tool directory not found: {cwd}")
    try:
        argv = strip_placeholders(split_command(contract.name))
    except PaiDepsError as exc:
        return fail(exc.message)
    if not argv:
        return fail("nothing to run once the <placeholders> are removed")
    if level == "quick" or contract.help is False:
        check = _exists(contract, argv, cwd)
        if level == "quick" or check.outcome == "fail":
            return check
    else:
        check = _help(contract, argv, cwd, level, timeout)
        if check.outcome == "fail":
            return check
    output = _output(contract, tool, cwd, timeout, captured)
    return _combine(check, output)


def _exists(contract: ContractRow, argv: list[str], cwd: Path) -> ContractCheck:
    started = time.monotonic()
    executable = resolve_executable(argv[0], cwd=cwd)
    elapsed = round((time.monotonic() - started) * 1000)
    if executable is None:
        check = ContractCheck(
            contract, "fail", f"command not found: {argv[0]}", checks={"exists": False}
        )
    else:
        what = f"found {executable}"
        if contract.help is False:
            what += " (it has no help to check: help: false)"
        check = ContractCheck(contract, "pass", what, checks={"exists": True})
    check.duration_ms = elapsed
    check.context = {"argv": argv}
    return check


def _help(
    contract: ContractRow, argv: list[str], cwd: Path, level: Level, timeout: float
) -> ContractCheck:
    declared = contract.help if isinstance(contract.help, list) else None
    if declared is not None:
        help_argv = [*argv, *declared]
    else:
        help_argv = argv if "--help" in argv else [*argv, "--help"]
    try:
        result = run(help_argv, cwd=cwd, timeout=timeout)
    except PaiDepsError as exc:  # the directory vanished since the check above
        return ContractCheck(contract, "fail", exc.message, checks={"exists": False})
    check = _judge_help(contract, result, level, timeout, declared)
    check.duration_ms = result.duration_ms
    check.context = {"argv": help_argv, "exitCode": result.returncode}
    if result.timed_out:
        check.context["timedOut"] = True
    if result.truncated:
        check.context["truncated"] = True
    if check.outcome == "fail" and result.stderr.strip():
        check.context["stderr"] = last_line(result.stderr)
    return check


def _judge_help(
    contract: ContractRow,
    result: RunResult,
    level: Level,
    timeout: float,
    declared: list[str] | None,
) -> ContractCheck:
    def verdict(outcome: Outcome, message: str, **checks: Any) -> ContractCheck:
        return ContractCheck(contract, outcome, message, checks=checks)

    shown = " ".join(declared) if declared is not None else "--help"
    if result.not_found:
        return verdict("fail", last_line(result.stderr) or "command not found", exists=False)
    if result.timed_out:
        return verdict("fail", f"no answer within {timeout:g} s (killed)", exists=True)
    text = f"{result.stdout}\n{result.stderr}"
    exited_badly = result.returncode is None or result.returncode != 0
    # `--help` must succeed; a declared help command (`ip addr help`) only has to print usage.
    if exited_badly and (declared is None or not _USAGE.search(text)):
        message = f"{shown} {exit_description(result.returncode or -9)}"
        reason = last_line(result.stderr)
        return verdict(
            "fail", f"{message}: {reason}" if reason else message, exists=True, helpAvailable=False
        )
    if not _USAGE.search(text):
        return verdict(
            "fail", f"{shown} exited 0 but printed no usage text", exists=True, helpAvailable=False
        )
    if level != "strict":
        return verdict("pass", "usage shown", exists=True, helpAvailable=True)
    flags = declared_flags(contract.name)
    missing = [flag for flag in flags if not _mentions(text, flag)]
    checks = {"exists": True, "helpAvailable": True, "flags": flags, "missingFlags": missing}
    if missing:
        return verdict("fail", f"help does not mention {', '.join(missing)}", **checks)
    documented = f"{len(flags)} declared flag{'s' if len(flags) != 1 else ''} documented"
    return verdict("pass", f"usage shown; {documented}", **checks)


# -- the output ----------------------------------------------------------------------------------


def _output(
    contract: ContractRow,
    tool: ToolRow,
    cwd: Path,
    timeout: float,
    captured: tuple[str, str] | None,
) -> dict[str, Any]:
    """What checking the output found: `status` pass / fail / unverified / not-checked.

    A declared output schema that is missing leaves the contract unverified even without a
    probe: what it promises cannot be known (register stored it with status `unknown`).
    """
    if captured is None and not contract.probe:
        if contract.schema_path and not schema_file(tool, contract.schema_path).exists():
            path = schema_file(tool, contract.schema_path)
            return {"status": "unverified", "reason": f"schema file not found: {path}"}
        return {"status": "not-checked"}
    schema: Any = None
    if contract.schema_path:
        from pai_deps.schemacompat import DEFAULT_DRAFT, load_schema

        path = schema_file(tool, contract.schema_path)
        try:
            schema = load_schema(path, default=DEFAULT_DRAFT["cli_output"])
        except PaiDepsError as exc:
            if exc.code == "file_not_found":
                return {"status": "unverified", "reason": f"schema file not found: {path}"}
            return {"status": "fail", "message": f"cannot read the output schema: {exc.message}"}
    if captured is not None:
        text, source = captured
        found: dict[str, Any] = {"source": source}
    else:
        assert contract.probe is not None
        try:
            result = run(contract.probe, cwd=cwd, timeout=timeout)
        except PaiDepsError as exc:
            return {"status": "fail", "message": exc.message}
        found = {"probeArgv": contract.probe, "probeExitCode": result.returncode,
                 "probeDurationMs": result.duration_ms}  # fmt: skip
        failure = _probe_failure(result, timeout)
        if failure is not None:
            return {**found, "status": "fail", "message": failure}
        text, source = result.stdout, f"the output of `{' '.join(contract.probe)}`"
    return {**found, **_validate(text, source, schema)}


def _probe_failure(result: RunResult, timeout: float) -> str | None:
    if result.not_found:
        return f"probe: {last_line(result.stderr) or 'command not found'}"
    if result.timed_out:
        return f"probe gave no answer within {timeout:g} s (killed)"
    if result.truncated:
        return "probe output is too large to check"
    if result.returncode != 0:
        reason = last_line(result.stderr)
        message = f"probe {exit_description(result.returncode or -9)}"
        return f"{message}: {reason}" if reason else message
    return None


def _validate(text: str, source: str, schema: Any) -> dict[str, Any]:
    from pai_deps.schemas import parse_json_text
    from pai_deps.verify.validation import validation

    try:
        document = parse_json_text(text, source)
    except PaiDepsError as exc:
        return {"status": "fail", "message": f"output is not JSON: {exc.message}"}
    if schema is None:
        return {"status": "pass", "message": "output is JSON (no output_schema to validate)"}
    try:
        checked = validation(document, schema)
    except PaiDepsError as exc:
        return {"status": "fail", "message": f"cannot validate the output: {exc.message}"}
    problems = [{"pointer": e.pointer, "message": e.message} for e in checked.errors]
    if not problems:
        return {"status": "pass", "message": "output matches the schema", "problems": []}
    first = problems[0]
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return {
        "status": "fail",
        "message": f"output breaks the schema: {first['pointer']}: {first['message']}{more}",
        "problems": problems[:MAX_PROBLEMS],
        "problemCount": len(problems),
    }


def _combine(check: ContractCheck, output: dict[str, Any]) -> ContractCheck:
    """The help (or existence) verdict with the output's laid over it."""
    status = output["status"]
    check.checks["output"] = status
    details = {k: v for k, v in output.items() if k not in ("status", "message", "reason")}
    check.context.update(details)
    if status == "not-checked":
        check.message += "; help text only (declare `probe:` to check the output)"
    elif status == "unverified":
        check.outcome, check.unverified = "skip", output["reason"]
        check.message = f"output not checked: {output['reason']}"
    elif status == "fail":
        check.outcome, check.message = "fail", output["message"]
    else:
        check.message += f"; {output['message']}"
    if "probeDurationMs" in output:
        check.duration_ms += int(output["probeDurationMs"])
    return check
