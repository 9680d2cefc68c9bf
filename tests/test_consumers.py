"""`consumers TOOL [CONTRACT] [--field P]`, and `affected`/`blast-radius` narrowed to the
consumers that read a contract or a field (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.helpers import dep, write_tool
from tests.test_uses import CONTRACT, SEARCH


@pytest.fixture
def readers(cli: Cli, tmp_path: Path) -> Path:
    """mail, read by ids (id), subjects (subject, count), all (no uses), other (another
    contract only); app depends on subjects, top on app and ids."""
    write_tool(
        tmp_path,
        "mail",
        provides={
            "cli": [
                {"command": CONTRACT, "output_schema": "search.json"},
                {"command": "mail send"},
            ]
        },
        schemas={"search.json": SEARCH},
    )
    write_tool(
        tmp_path,
        "ids",
        depends_on=[dep("mail", "cli", uses=[{"contract": CONTRACT, "fields": ["/results/*/id"]}])],
    )
    write_tool(
        tmp_path,
        "subjects",
        depends_on=[
            dep(
                "mail",
                "cli",
                uses=[{"contract": CONTRACT, "fields": ["/results/*/subject", "/count"]}],
            )
        ],
    )
    write_tool(tmp_path, "all", depends_on=[dep("mail", "cli")])
    write_tool(tmp_path, "other", depends_on=[dep("mail", "cli", uses=[{"contract": "mail send"}])])
    write_tool(tmp_path, "app", depends_on=[dep("subjects", "cli")])
    write_tool(tmp_path, "top", depends_on=[dep("app", "cli"), dep("ids", "cli")])
    assert cli("sync", str(tmp_path)).exit_code == 0
    return tmp_path


def ids_of(doc: dict[str, object], key: str) -> list[str]:
    return [item["id"] for item in doc[key]]  # type: ignore[attr-defined]


def test_consumers_lists_who_reads_what(cli: Cli, readers: Path) -> None:
    doc = cli("--json", "consumers", "mail").json()
    assert doc["count"] == 4
    by_id = {c["id"]: c for c in doc["consumers"]}
    assert by_id["all"]["declared"] is False and by_id["all"]["uses"] == []
    assert by_id["subjects"]["uses"] == [
        {"contract": CONTRACT, "fields": ["/count", "/results/*/subject"]}
    ]
    assert by_id["other"]["uses"] == [{"contract": "mail send", "fields": [""]}]
    text = cli("consumers", "mail").stdout
    assert "(everything: no uses declared)" in text
    assert "/count, /results/*/subject" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([CONTRACT], ["all", "ids", "subjects"]),
        ([CONTRACT, "--field", "/results/*/id"], ["all", "ids"]),
        ([CONTRACT, "--field", "/results/0/subject"], ["all", "subjects"]),
        ([CONTRACT, "--field", "/results"], ["all", "ids", "subjects"]),
        (["--field", "/count"], ["all", "other", "subjects"]),  # other reads all of one
        (["mail send"], ["all", "other"]),
    ],
)
def test_consumers_filters(cli: Cli, readers: Path, args: list[str], expected: list[str]) -> None:
    result = cli("--json", "consumers", "mail", *args)
    assert result.exit_code == 0, result.output
    assert ids_of(result.json(), "consumers") == expected


def test_consumers_refuses_an_unknown_contract_and_a_bad_pointer(cli: Cli, readers: Path) -> None:
    result = cli("consumers", "mail", "mail serch --json")
    assert result.exit_code == 1
    assert f"did you mean '{CONTRACT}'" in result.stderr
    result = cli("--json", "consumers", "mail", "--field", "count")
    assert result.exit_code == 1
    assert result.json()["code"] == "invalid_pointer"
    assert cli("consumers", "nobody").exit_code == 1


def test_affected_and_blast_radius_narrow_to_the_readers(cli: Cli, readers: Path) -> None:
    everything = cli("--json", "affected", "mail").json()
    assert sorted(ids_of(everything, "affected")) == [
        "all", "app", "ids", "other", "subjects", "top"
    ]  # fmt: skip
    by_id = cli("--json", "affected", "mail", "--contract", CONTRACT, "--field", "/results/*/id")
    by_id = by_id.json()
    assert [(a["id"], a["depth"], a["path"]) for a in by_id["affected"]] == [
        ("all", 1, ["all", "mail"]),
        ("ids", 1, ["ids", "mail"]),
        ("top", 2, ["top", "ids", "mail"]),
    ]
    assert by_id["filters"]["field"] == "/results/*/id"
    # top is reached through subjects -> app only at depth 3
    by_count = cli("--json", "affected", "mail", "--contract", CONTRACT, "--field", "/count")
    assert [(a["id"], a["depth"]) for a in by_count.json()["affected"]] == [
        ("all", 1), ("subjects", 1), ("app", 2), ("top", 3)
    ]  # fmt: skip
    # without --contract a field is looked for in every contract: other reads all of one
    in_any = cli("--json", "affected", "mail", "--field", "/count", "-d", "2").json()
    assert ids_of(in_any, "affected") == ["all", "other", "subjects", "app"]
    blast = cli("--json", "blast-radius", "mail", "--contract", "mail send").json()
    assert blast["contract"] == "mail send"
    assert sorted(t["id"] for t in blast["analysis"]["affectedTools"]) == ["all", "other"]
    text = cli("affected", "mail", "--contract", CONTRACT, "--field", "/results/*/id").stdout
    assert f"only through the consumers that read /results/*/id of '{CONTRACT}' (mail)" in text
