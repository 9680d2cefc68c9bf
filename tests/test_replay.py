"""The predecessor's recorded run, replayed: JSON that scripts written for it still read.

`fixtures/replay/transcript.md` holds the TypeScript pai-deps's exact output for 145 steps
against the manifests beside it. Every step runs again here, in order, against one fresh
registry. For every step whose recorded stdout is a JSON document, every key path of it
(with the JSON type of its values) must exist in ours; keys we add are fine. Exit codes
must match. The figures that must not move (paths, compound reliability, blast radius)
must match in value. Every difference is listed below, with its reason, and every listed
difference must still occur, so the list stays true.

Steps run in-process (one process for all 145; as subprocesses they take half a minute),
with the environment the recording used: an empty HOME, TZ=UTC, the manifests' folder as
the working directory.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures" / "replay"


@dataclass(frozen=True)
class Step:
    number: int
    command: str
    exit_code: int
    stdout: str


def parse_transcript(text: str) -> list[Step]:
    """Each `### NNN. `$ command`` section: its exit code and stdout (fences vary in length)."""
    steps = []
    parts = re.split(r"^### (\d{3})\. `\$ (.*)`\n", text, flags=re.MULTILINE)
    for number, command, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        code = re.search(r"exit code: \*\*(\d+)\*\*", body)
        assert code is not None, number
        stdout = ""
        block = re.search(
            r"^stdout( \(no trailing newline\))?:\n\n(`{3,})text\n(.*?)\n\2\n",
            body,
            flags=re.MULTILINE | re.DOTALL,
        )
        if block is not None:
            stdout = block.group(3) + ("" if block.group(1) else "\n")
        steps.append(Step(int(number), command, int(code.group(1)), stdout))
    return steps


STEPS = parse_transcript((FIXTURES / "transcript.md").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Difference:
    """What differs from the recording at one step, and why that is intended."""

    reason: str
    missing: frozenset[str] = frozenset()  # key paths of the recording we do not print
    exit_code: int | None = None  # our exit code, where it differs
    not_json: bool = False  # the recording printed JSON here, we print none (or vice versa)


def differs(
    reason: str, *missing: str, exit_code: int | None = None, not_json: bool = False
) -> Difference:
    return Difference(reason, frozenset(missing), exit_code, not_json)


INTENDED: dict[int, Difference] = {
    14: differs(
        "A cycle is warned about when a tool on it is registered, not on every later "
        "registration whose walk reaches it: daily-briefing is on no cycle, so no warnings.",
        ".warnings[]",
    ),
    22: differs(
        "An unknown --type is command-line misuse (exit 2, with the valid types), not an "
        "empty answer.",
        exit_code=2,
    ),
    72: differs(
        "chain-reliability without a tool or --all is misuse: exit 2, as for every usage "
        "error (the message is the recording's).",
        exit_code=2,
    ),
    **(
        {94: differs("Graphviz is installed here, so `graph -f svg` draws the SVG.", exit_code=0)}
        if shutil.which("dot")
        else {}
    ),
    96: differs("debt exists now; the recorded tool only documented it.", exit_code=0),
    98: differs("report exists now; the recorded tool only documented it.", exit_code=0),
    99: differs(
        "debt exists now: a JSON document where the recording had an error.",
        exit_code=0,
        not_json=True,
    ),
    135: differs(
        "A tool may not depend on itself: the manifest is refused with its line, where the "
        "recording registered a self-loop.",
        exit_code=1,
    ),
    **{
        step: differs(
            "selfish was refused at step 135, so it is not found (the recording had "
            "registered its self-loop).",
            exit_code=1,
        )
        for step in (136, 137, 138, 139, 140)
    },
}

# Value differences that keys and types do not show, kept because ours is right:
# - `deps`/`rdeps`/`affected --direct` list direct neighbours by id, not by the order their
#   edges were inserted; `allpaths` lists paths shortest first, not in depth-first order.
# - `chain-reliability --all` lists the tools you registered, not the stubs (a stub's 0.95 is
#   a default, not a measurement); the figures of every tool it lists are the recording's.
# - `sync` of manifests registered moments earlier says `unchanged` (their content hash is
#   the one registered), where the recording said `updated`.
# - rollback steps are numbered 1, 2, 3, ... (the recording skipped numbers: 1, 2, 3, 5, 6).
# - `show` of a tool whose schema file is missing lists the contract with status `unknown`.


JsonShape = dict[str, set[str]]


def shape(value: Any, path: str = "", found: JsonShape | None = None) -> JsonShape:
    """Every key path (`.a.b[].c`) with the JSON types found there."""
    found = {} if found is None else found
    if isinstance(value, dict):
        if not value:
            found.setdefault(path, set()).add("object")
        for key, item in value.items():
            shape(item, f"{path}.{key}", found)
    elif isinstance(value, list):
        if not value:
            found.setdefault(path, set()).add("array")
        for item in value:
            shape(item, f"{path}[]", found)
    else:
        kind = {bool: "boolean", int: "number", float: "number", str: "string"}
        found.setdefault(path, set()).add("null" if value is None else kind[type(value)])
    return found


def shape_differences(recorded: JsonShape, ours: JsonShape) -> tuple[set[str], set[str]]:
    """(recorded paths we lack, paths whose non-null types differ)."""
    missing, changed = set(), set()
    for path, kinds in recorded.items():
        if path in ours:
            theirs, mine = kinds - {"null"}, ours[path] - {"null"}
            if theirs and mine and theirs != mine:
                changed.add(path)
        elif kinds <= {"array", "object"}:
            continue  # empty in the recording: no element shape to compare
        else:
            missing.add(path)
    return missing, changed


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[int, str]]:
    """Run every step once, in order, against one registry: step -> (exit code, stdout)."""
    from pai_deps.cli import app

    work = tmp_path_factory.mktemp("replay")
    eco, extra = work / "eco", work / "eco-extra"
    shutil.copytree(FIXTURES / "eco", eco)
    shutil.copytree(FIXTURES / "eco-extra", extra)
    home = work / "home"
    home.mkdir()
    env = {
        "PAI_DEPS_DB": str(work / "pai-deps.db"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "TZ": "UTC",
        "LANG": "C.UTF-8",
    }
    runner = CliRunner()
    results: dict[int, tuple[int, str]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(eco)
        for step in STEPS:
            command = step.command.replace("ECO-extra", str(extra)).replace("ECO", str(eco))
            argv = shlex.split(command)
            if argv[0] != "pai-deps":  # `cat graph-out.dot`: the file the step before wrote
                results[step.number] = (0, (eco / argv[1]).read_text())
                continue
            result = runner.invoke(app, argv[1:], env=env, prog_name="pai-deps")
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                raise result.exception
            results[step.number] = (result.exit_code, result.stdout)
    return results


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s.number:03d} {s.command}")
def test_step_answers_as_recorded_or_as_listed(
    replayed: dict[int, tuple[int, str]], step: Step
) -> None:
    code, stdout = replayed[step.number]
    intended = INTENDED.get(step.number, Difference(""))
    recorded, ours = _json(step.stdout), _json(stdout)

    assert code == (step.exit_code if intended.exit_code is None else intended.exit_code)
    if intended.not_json:
        assert (recorded is None) != (ours is None)
        return
    assert (recorded is None) == (ours is None), stdout
    if recorded is None:
        return
    missing, changed = shape_differences(shape(recorded), shape(ours))
    assert changed == set()
    assert missing == intended.missing


def test_every_listed_difference_names_a_recorded_step() -> None:
    numbers = {step.number for step in STEPS}
    assert len(STEPS) == 145 and set(INTENDED) <= numbers
    assert all(d.reason for d in INTENDED.values())


def _doc(replayed: dict[int, tuple[int, str]], number: int) -> tuple[Any, Any]:
    recorded = next(s for s in STEPS if s.number == number)
    return json.loads(recorded.stdout), json.loads(replayed[number][1])


def _reached(items: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(item["id"], item["depth"]) for item in items}


def test_paths_and_reach_match_the_recording(replayed: dict[int, tuple[int, str]]) -> None:
    for number in (50, 55):  # path
        recorded, ours = _doc(replayed, number)
        assert (ours["path"], ours["length"]) == (recorded["path"], recorded["length"])
    recorded, ours = _doc(replayed, 58)  # allpaths: the same paths, ours shortest first
    assert sorted(map(tuple, ours["paths"])) == sorted(map(tuple, recorded["paths"]))
    assert [len(p) for p in ours["paths"]] == sorted(len(p) for p in ours["paths"])
    for number, key in ((35, "dependencies"), (43, "dependents"), (82, "affected")):
        recorded, ours = _doc(replayed, number)
        assert _reached(ours[key]) == _reached(recorded[key])


def test_reliability_figures_match_the_recording(replayed: dict[int, tuple[int, str]]) -> None:
    for number in (66, 68):
        recorded, ours = _doc(replayed, number)
        assert [r["compound"] for r in ours["results"]] == [
            r["compound"] for r in recorded["results"]
        ]
        assert set(ours["results"][0]["chain"]) == set(recorded["results"][0]["chain"])
    recorded, ours = _doc(replayed, 71)  # --all: every registered tool's figure, no stubs
    theirs = {r["id"]: r["compound"] for r in recorded["results"]}
    mine = {r["id"]: r["compound"] for r in ours["results"]}
    assert mine == {tool: theirs[tool] for tool in mine}
    assert set(theirs) - set(mine) == {"sqlite-vec", "nodemailer", "whisper-cpp"}  # stubs
    assert {r["id"] for r in ours["belowThreshold"]} == {
        r["id"] for r in recorded["belowThreshold"]
    }


def test_blast_radius_figures_match_the_recording(replayed: dict[int, tuple[int, str]]) -> None:
    for number in (75, 79):
        recorded, ours = (doc["analysis"] for doc in _doc(replayed, number))
        for key in ("impact", "risk", "byType", "byDepth"):
            assert ours[key] == recorded[key], key
        assert _reached(ours["affectedTools"]) == _reached(recorded["affectedTools"])
        # the recording's strategy lines, renumbered 1..n (it skipped numbers)
        strip = re.compile(r"^\d+\. ")
        assert [strip.sub("", line) for line in ours["rollbackStrategy"]] == [
            strip.sub("", line) for line in recorded["rollbackStrategy"]
        ]
        assert [s["step"] for s in ours["rollbackSteps"]] == list(
            range(1, len(ours["rollbackSteps"]) + 1)
        )


def test_register_answers_in_the_recorded_shape(replayed: dict[int, tuple[int, str]]) -> None:
    recorded, ours = _doc(replayed, 11)  # over a stub: "updated", as recorded
    assert (ours["action"], ours["replacedStub"]) == (recorded["action"], True)
    assert ours["tool"]["provides"]["mcp"] == recorded["tool"]["provides"]["mcp"] == 2
    recorded, ours = _doc(replayed, 116)  # an invalid manifest: the file in `error`
    assert Path(ours["error"]).parts[-2:] == Path(recorded["error"]).parts[-2:]
    assert ours["message"].startswith("Invalid manifest at ")
    assert ours["message"].count("\n") == recorded["message"].count("\n") == 3
    recorded, ours = _doc(replayed, 29)  # a stub's path
    assert ours["tool"]["path"] == recorded["tool"]["path"] == "unknown"
    recorded, ours = _doc(replayed, 47)  # nothing reached
    assert (ours["maxDepth"], ours["reachedDepth"]) == (recorded["maxDepth"], 0)


def test_a_missing_schema_file_no_longer_changes_the_answers(
    replayed: dict[int, tuple[int, str]],
) -> None:
    """email and ical name schema files that do not exist: they register, as recorded."""
    for number in (8, 9, 15):
        assert replayed[number][0] == 0
    recorded, ours = _doc(replayed, 18)
    assert [t["id"] for t in ours["tools"]] == [t["id"] for t in recorded["tools"]]
    assert [t["stub"] for t in ours["tools"]] == [t["stub"] for t in recorded["tools"]]
