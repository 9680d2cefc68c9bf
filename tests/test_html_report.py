"""`report --format html` and `graph --format html`: what the page carries, how its data is
embedded, and how it is written (the browser tests are tests/test_html_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pai_deps.render.html import script_json
from tests.conftest import Cli
from tests.html_page import DRIFT_AT, HOSTILE, HOSTILE_DESCRIPTION, build_ecosystem, page_data


@pytest.fixture
def eco(tmp_path: Path, cli: Cli, db_target: str) -> Cli:
    build_ecosystem(cli, tmp_path / "eco", db_target)
    return cli


def tools_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in data["tools"]}


@pytest.mark.backends
def test_report_page_carries_the_registry(eco: Cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = eco("report", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Generated: {out}" in result.output
    data = page_data(out.read_text(encoding="utf-8"))
    health = eco("--json", "health").json()
    assert data["status"] == health["status"]
    assert data["health"] == health["health"]
    ids = {n["id"] for n in data["graph"]["nodes"]}
    assert ids == {"hub", "svc", "app", "ghost", "loop-a", "loop-b", HOSTILE, "__proto__"}
    assert [t["id"] for t in data["tools"]] == [n["id"] for n in data["graph"]["nodes"]]
    edges = {(e["from"], e["to"]): e for e in data["graph"]["edges"]}
    assert edges[("app", "ghost")]["optional"] is True
    assert edges[("loop-a", "loop-b")]["cycle"] is True
    assert edges[("svc", "hub")]["cycle"] is False
    assert data["cycles"] == [["loop-a", "loop-b"]]
    tools = tools_of(data)
    svc = tools["svc"]
    assert svc["debtScore"] == 12
    assert svc["transitiveDependents"] == 1
    assert svc["weightedDebt"] == 24
    assert svc["compound"] == pytest.approx(0.7 * 0.99)
    assert svc["atRisk"] is True
    assert tools["hub"]["atRisk"] is False
    assert tools["ghost"]["stub"] is True
    assert tools["loop-a"]["inCycle"] is True
    assert tools["hub"]["inCycle"] is False
    (contract,) = svc["contracts"]
    assert contract["type"] == "cli_output"
    assert contract["status"] == "valid"
    assert contract["lastDrift"] == DRIFT_AT  # the newest drift, not the newest check
    assert len(svc["runs"]) == 10  # the newest ten of twelve, newest first
    assert svc["runs"][0]["verifiedAt"] == "2026-11-12T09:00:00.000Z"
    assert svc["runs"][0]["status"] == "fail"
    assert svc["runs"][-1]["verifiedAt"] == "2026-11-03T09:00:00.000Z"
    assert tools["hub"]["runs"] == []
    assert tools[HOSTILE]["description"] == HOSTILE_DESCRIPTION


@pytest.mark.backends
def test_graph_page_draws_the_selection(eco: Cli, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    result = eco("graph", "--format", "html", "--focus", "svc", "--depth", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "(3 tools, 2 edges)" in result.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["graph"]["nodes"]} == {"app", "svc", "hub"}
    assert data["title"] == "pai-deps graph around svc"
    svc = tools_of(data)["svc"]
    assert svc["compound"] == pytest.approx(0.7 * 0.99)
    # The registry's figures, not the selection's: hub has four dependents in all.
    assert tools_of(data)["hub"]["transitiveDependents"] == 4
    assert [n["id"] for n in data["graph"]["nodes"] if n["focus"]] == ["svc"]


def test_json_says_the_format_and_carries_the_page(eco: Cli) -> None:
    doc = eco("--json", "report", "--format", "html").json()
    assert doc["format"] == "html"
    assert doc["report"].startswith("<!DOCTYPE html>")
    assert eco("--json", "report").json()["format"] == "markdown"
    picture = eco("--json", "graph", "--format", "html").json()
    assert picture["format"] == "html"
    assert picture["nodes"] == 8
    assert picture["html"].startswith("<!DOCTYPE html>")


def test_page_is_self_contained_and_data_cannot_become_markup(eco: Cli) -> None:
    page = eco("report", "--format", "html").stdout
    data_block = page_data(page)
    assert tools_of(data_block)[HOSTILE]["name"] == HOSTILE
    # Nothing is loaded from anywhere: no src/href attributes, no link or import.
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page)
    assert "<link" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("style-src")[0]  # scripts by hash only
    # The hostile strings appear only escaped: they cannot close the data block.
    for raw in (HOSTILE, "</script><script>window.pwned=2", "\u2028"):
        assert raw not in page
    assert page.count("<script") == page.count("</script>")


def test_unknown_report_format_is_one_line(eco: Cli) -> None:
    result = eco("report", "--format", "pdf")
    assert result.exit_code == 2
    assert "must be one of markdown, html (got 'pdf')" in result.output


@pytest.mark.sqlite_only
def test_html_file_is_never_overwritten_without_force(
    eco: Cli, tmp_path: Path, db_path: Path
) -> None:
    out = tmp_path / "report.html"
    out.write_text("keep me")
    refused = eco("report", "--format", "html", "-o", str(out))
    assert refused.exit_code == 1
    assert "already exists; use --force to replace it" in refused.stderr
    assert out.read_text() == "keep me"
    assert eco("graph", "--format", "html", "-o", str(out)).exit_code == 1
    assert out.read_text() == "keep me"
    assert eco("report", "--format", "html", "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    before = db_path.read_bytes()
    registry = eco("report", "--format", "html", "-o", str(db_path), "--force")
    assert registry.exit_code == 1
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp*"))


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_script_json_round_trips_and_never_ends_the_script(value: Any) -> None:
    text = script_json(value)
    assert json.loads(text) == value
    lowered = text.lower()
    assert "</" not in lowered
    assert "<!--" not in lowered
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert "<" not in text  # not even the start of a tag
