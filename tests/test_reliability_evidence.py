"""Reliability from evidence: observed pass rates from real `verify` runs beside the
declared figure (`show`, `list`, `chain-reliability`, `--observed` in the products), and
budgets: `slo` in a manifest, each hop's spend, exit 1 over budget, `health` counting."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pai_deps.analysis.evidence import budget, over_budget
from tests.conftest import Cli
from tests.helpers import dep, write_tool

pytestmark = pytest.mark.backends


@pytest.fixture
def flaky(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """`app` (0.9, slo 0.85) uses `flaky` (declared 0.99), whose program passes `verify
    --quick` three times and then, removed, fails once: observed 3 of 4."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "flaky-bin"
    program.write_text("#!/bin/sh\necho usage: flaky-bin run\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    tool = write_tool(
        tmp_path, "flaky", reliability=0.99, provides={"cli": [{"command": "flaky-bin run"}]}
    )
    app = write_tool(
        tmp_path, "app", type="workflow", reliability=0.9, slo=0.85, depends_on=[dep("flaky")]
    )
    for path in (tool, app):
        assert cli("-q", "register", str(path)).exit_code == 0
    for _ in range(3):
        assert cli("-q", "verify", "flaky", "--quick").exit_code == 0
    program.unlink()
    assert cli("-q", "verify", "flaky", "--quick").exit_code == 1
    return {"app": app, "flaky": tool}


def test_show_and_list_put_the_observed_pass_rate_beside_the_declared_one(
    cli: Cli, flaky: dict[str, Any]
) -> None:
    shown = cli("--json", "show", "flaky").json()["tool"]
    assert (shown["reliability"], shown["observedReliability"], shown["observedRuns"]) == (
        0.99,
        0.75,
        4,
    )
    assert cli("--json", "show", "flaky", "--runs", "1").json()["tool"]["observedReliability"] == 0
    listed = {t["id"]: t for t in cli("--json", "list", "--runs", "2").json()["tools"]}
    assert (listed["flaky"]["observedReliability"], listed["flaky"]["observedRuns"]) == (0.5, 2)
    assert (listed["app"]["observedReliability"], listed["app"]["observedRuns"]) == (None, 0)
    assert listed["app"]["slo"] == 0.85
    table = cli("list").stdout
    assert "Observed" in table
    assert "0.75 (4)" in table
    assert "Observed: 0.75 (last 4 runs)" in cli("show", "flaky").stdout


def test_the_number_of_runs_comes_from_the_config_file(
    cli: Cli, flaky: dict[str, Any], tmp_path: Path
) -> None:
    config = tmp_path / "home" / ".config" / "pai-deps" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("observed_runs = 1\n")
    assert cli("--json", "show", "flaky").json()["tool"]["observedRuns"] == 1
    config.write_text("observed_runs = 0\n")
    refused = cli("show", "flaky")
    assert refused.exit_code == 1
    assert "'observed_runs' must be a whole number from 1 to 100" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_observed_multiplies_the_evidence_and_a_budget_names_its_biggest_spender(
    cli: Cli, flaky: dict[str, Any]
) -> None:
    declared = cli("--json", "chain-reliability", "app", "--min", "0.5")
    assert declared.exit_code == 0, declared.output
    doc = declared.json()
    [chain] = doc["results"]
    assert doc["basis"] == "declared"
    assert chain["compound"] == pytest.approx(0.9 * 0.99)
    assert chain["budget"]["over"] is False
    assert chain["budget"]["budget"] == pytest.approx(0.15)
    assert "overBudget" not in doc

    observed = cli("--json", "chain-reliability", "app", "--min", "0.5", "--observed")
    assert observed.exit_code == 1  # 0.9 x 0.75 = 0.675 spends 0.325 of a 0.15 budget
    doc = observed.json()
    [chain] = doc["results"]
    assert doc["basis"] == "observed"
    assert chain["compound"] == pytest.approx(0.675)
    assert chain["reliability"] == 0.9  # the declared key keeps its meaning
    spent = chain["budget"]
    assert spent["over"] is True
    assert spent["spent"] == pytest.approx(0.325)
    assert spent["used"] == pytest.approx(0.325 / 0.15)
    assert spent["biggestSpender"] == "flaky"
    assert [h["id"] for h in spent["hops"]] == ["flaky", "app"]
    assert sum(h["spend"] for h in spent["hops"]) == pytest.approx(0.325)
    assert doc["overBudget"] == ["app"]

    text = cli("chain-reliability", "app", "--min", "0.5", "--observed").stdout
    assert "OVER BUDGET; biggest spender: flaky" in text
    assert "flaky: 75.0% spends" in text


def test_health_counts_the_tools_over_budget(cli: Cli, tmp_path: Path) -> None:
    strict = write_tool(tmp_path, "strict", type="workflow", reliability=0.9, slo=0.95)
    easy = write_tool(tmp_path, "easy", type="workflow", reliability=0.9, slo=0.5)
    for path in (strict, easy):
        assert cli("-q", "register", str(path)).exit_code == 0
    figures = cli("--json", "health").json()["health"]
    assert figures["overBudget"] == 1
    [issue] = [i for i in figures["issues"] if i["code"] == "over_budget"]
    assert issue["severity"] == "warning"
    assert issue["message"].endswith(": strict")
    assert cli("chain-reliability", "--all").exit_code == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "slo (line 3): must be below 1 (got 1)"),
        ("-0.1", "slo (line 3): must be at least 0 (got -0.1)"),
        ('"high"', "slo (line 3): must be a number"),
    ],
)
def test_an_slo_outside_zero_to_one_is_a_one_line_manifest_error(
    cli: Cli, tmp_path: Path, value: str, expected: str
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "pai-manifest.yaml").write_text(f"name: bad\ntype: workflow\nslo: {value}\n")
    result = cli("register", str(folder))
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert cli("--json", "list").json()["total"] == 0


reliabilities = st.lists(
    st.floats(min_value=0.01, max_value=1.0, allow_nan=False), min_size=1, max_size=12
)


@given(reliabilities, st.floats(min_value=0.0, max_value=0.999))
def test_the_hops_spend_exactly_the_chains_failure(values: list[float], slo: float) -> None:
    chain = [f"t{i}" for i in range(len(values))]
    rel = dict(zip(chain, values, strict=True))
    product = math.prod(values)
    found = budget(slo, product, chain, rel)
    assert math.isclose(sum(h.spend for h in found.hops), 1 - product, abs_tol=1e-9)
    assert all(h.spend > 0 for h in found.hops)
    assert found.over == over_budget(slo, product) == (1 - product > 1 - slo)
    if found.hops:
        lowest = min(values)
        assert math.isclose(rel[found.biggest_spender or ""], lowest, rel_tol=1e-9)
    else:
        assert product == 1.0 and found.biggest_spender is None
