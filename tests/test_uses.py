"""`depends_on[].uses`: stored with the registration, checked against the provider's schema
both ways (consumer registered after the provider, and before it), `--strict` refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.repo import uses
from tests.conftest import Cli
from tests.helpers import dep, write_tool

SEARCH = {
    "type": "object",
    "properties": {
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "subject": {"type": "string"}},
            },
        },
        "count": {"type": "integer"},
    },
}
CONTRACT = "mail search --json"


def provider(root: Path, **extra: Any) -> Path:
    return write_tool(
        root,
        "mail",
        provides={"cli": [{"command": CONTRACT, "output_schema": "search.json", **extra}]},
        schemas={"search.json": SEARCH},
    )


def consumer(root: Path, name: str, fields: list[str] | None, contract: str = CONTRACT) -> Path:
    use: dict[str, Any] = {"contract": contract}
    if fields is not None:
        use["fields"] = fields
    return write_tool(root, name, depends_on=[dep("mail", "cli", uses=[use])])


def stored(target: str) -> list[tuple[str, str, str, str]]:
    conn = db.open_db(target)
    try:
        return [(u.consumer_id, u.provider_id, u.contract, u.pointer) for u in uses.list_uses(conn)]
    finally:
        conn.close()


def test_uses_are_stored_one_row_per_pointer(cli: Cli, tmp_path: Path, db_target: str) -> None:
    provider(tmp_path)
    consumer(tmp_path, "a", ["/results/*/id", "/count"])
    consumer(tmp_path, "b", None)
    write_tool(tmp_path, "c", depends_on=[dep("mail", "cli")])
    result = cli("sync", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "matches nothing" not in result.output
    assert stored(db_target) == [
        ("a", "mail", CONTRACT, "/count"),
        ("a", "mail", CONTRACT, "/results/*/id"),
        ("b", "mail", CONTRACT, ""),
    ]
    # re-registering replaces the rows; unregistering the consumer drops them
    consumer(tmp_path, "a", ["/count"])
    assert cli("register", str(tmp_path / "a")).exit_code == 0
    assert ("a", "mail", CONTRACT, "/results/*/id") not in stored(db_target)
    assert cli("unregister", "a").exit_code == 0
    assert stored(db_target) == [("b", "mail", CONTRACT, "")]


def test_a_pointer_that_matches_nothing_warns_naming_consumer_contract_and_pointer(
    cli: Cli, tmp_path: Path
) -> None:
    provider(tmp_path)
    assert cli("register", str(tmp_path / "mail")).exit_code == 0
    consumer(tmp_path, "reader", ["/results/*/id", "/results/*/sender"])
    result = cli("--json", "register", str(tmp_path / "reader"))
    assert result.exit_code == 0
    assert result.json()["warnings"] == [
        f"reader reads /results/*/sender of '{CONTRACT}' (mail), which matches nothing in "
        "its schema"
    ]


def test_strict_refuses_and_writes_nothing(cli: Cli, tmp_path: Path, db_target: str) -> None:
    provider(tmp_path)
    assert cli("register", str(tmp_path / "mail")).exit_code == 0
    consumer(tmp_path, "reader", ["/cuont"])
    result = cli("--json", "register", "--strict", str(tmp_path / "reader"))
    assert result.exit_code == 1
    doc = result.json()
    assert doc["code"] == "unused_pointer"
    assert doc["problems"] == [
        {"consumer": "reader", "provider": "mail", "contract": CONTRACT, "pointer": "/cuont"}
    ]
    assert cli("--json", "show", "reader").exit_code == 1  # not registered
    assert stored(db_target) == []


def test_a_contract_the_provider_does_not_declare_is_named(cli: Cli, tmp_path: Path) -> None:
    provider(tmp_path)
    consumer(tmp_path, "reader", None, contract="mail serach --json")
    result = cli("sync", str(tmp_path))
    assert "reader uses contract 'mail serach --json' of mail, which mail does not declare" in (
        result.stderr
    )


def test_a_provider_registered_later_rechecks_its_consumers(cli: Cli, tmp_path: Path) -> None:
    consumer(tmp_path, "reader", ["/results/*/subject"])
    first = cli("--json", "register", str(tmp_path / "reader"))
    assert first.exit_code == 0
    assert all("matches nothing" not in w for w in first.json()["warnings"])  # a stub: unknown
    narrowed = {"type": "object", "properties": {"results": {"type": "array"}}}
    write_tool(
        tmp_path,
        "mail",
        provides={"cli": [{"command": CONTRACT, "output_schema": "search.json"}]},
        schemas={"search.json": narrowed},
    )
    later = cli("--json", "register", str(tmp_path / "mail"))
    assert later.exit_code == 0
    assert (
        f"reader reads /results/*/subject of '{CONTRACT}' (mail), which matches nothing in "
        "its schema"
    ) in later.json()["warnings"]
    assert cli("register", "--strict", str(tmp_path / "mail")).exit_code == 1


@pytest.mark.parametrize(
    ("uses_value", "message"),
    [
        ([{"contract": CONTRACT, "fields": ["results/id"]}], "must be empty or start with '/'"),
        ([{"contract": CONTRACT}, {"contract": CONTRACT}], "is listed twice"),
        ([{"fields": ["/a"]}], "contract"),
        ("everything", "list"),
    ],
)
def test_bad_uses_are_refused_with_one_line(
    cli: Cli, tmp_path: Path, uses_value: Any, message: str
) -> None:
    write_tool(tmp_path, "reader", depends_on=[dep("mail", "cli", uses=uses_value)])
    result = cli("register", str(tmp_path / "reader"))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_deprecation_needs_deprecated_true(cli: Cli, tmp_path: Path) -> None:
    provider(tmp_path, until="2027-01-01")
    result = cli("register", str(tmp_path / "mail"))
    assert result.exit_code == 1
    assert "until and message belong to a contract with deprecated: true" in result.stderr


def test_verify_warns_the_consumers_of_a_deprecated_contract(cli: Cli, tmp_path: Path) -> None:
    provider(tmp_path, deprecated=True, until="2027-06-30", message="use mail find")
    consumer(tmp_path, "reader", ["/count"])
    write_tool(tmp_path, "greedy", depends_on=[dep("mail", "cli")])
    write_tool(tmp_path, "elsewhere", depends_on=[dep("mail", "cli", uses=[{"contract": "x"}])])
    assert cli("sync", str(tmp_path)).exit_code == 0
    doc = cli("--json", "verify", "mail", "--quick", "--no-save").json()
    deprecations = [w for w in doc["warnings"] if "deprecated" in w]
    assert deprecations == [
        f"greedy uses '{CONTRACT}' of mail, which is deprecated (until 2027-06-30): use mail "
        "find (it declares no uses, so it is taken to read everything)",
        f"reader uses '{CONTRACT}' of mail, which is deprecated (until 2027-06-30): use mail find",
    ]
    check = cli("--json", "check").json()
    assert sorted(f["tool"] for f in check["findings"] if f["kind"] == "deprecated") == [
        "greedy",
        "reader",
    ]


def test_sync_strict_fails_the_manifest_whose_pointer_matches_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    provider(tmp_path)
    assert cli("register", str(tmp_path / "mail")).exit_code == 0
    consumer(tmp_path, "reader", ["/cuont"])
    consumer(tmp_path, "good", ["/count"])
    result = cli("--json", "sync", str(tmp_path), "--strict")
    assert result.exit_code == 1
    by_status = {m["name"]: m["status"] for m in result.json()["results"]}
    assert by_status["reader"] == "error" and by_status["good"] == "new"
