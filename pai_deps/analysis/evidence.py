"""Reliability from evidence, and reliability budgets.

Observed reliability is a tool's pass rate over its newest N verification runs that
checked something (skipped runs say nothing); a tool never verified has none, and the
declared `reliability` stands in for it where a product needs a number.

A budget: a tool declaring `slo` allows its chain (it and everything it reaches) to fail
with probability at most 1 - slo. The chain's failure, 1 - product, is shared among its
hops in proportion to -ln(reliability) (the product's logarithm is their sum), so the
spends add up to the chain's failure exactly; the hop that spends most is named.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pai_deps.errors import PaiDepsError

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.results.chains import Budget

DEFAULT_RUNS = 20
MAX_RUNS = 100  # verify keeps each tool's newest 100 runs


@dataclass(frozen=True)
class Observed:
    runs: int
    passed: int

    @property
    def reliability(self) -> float:
        return self.passed / self.runs


def configured_runs(runs: int | None) -> int:
    """`runs` when given, else `observed_runs` from config.toml, else 20."""
    if runs is not None:
        return runs
    from pai_deps.db.target import config_home

    path = config_home(os.environ) / "pai-deps" / "config.toml"
    if not path.is_file():
        return DEFAULT_RUNS
    import tomllib  # only when there is a file to read

    try:
        with path.open("rb") as handle:
            value = tomllib.load(handle).get("observed_runs", DEFAULT_RUNS)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PaiDepsError(f"Invalid config file {path}: {exc}", code="invalid_config") from exc
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_RUNS:
        raise PaiDepsError(
            f"Invalid config file {path}: 'observed_runs' must be a whole number from 1 to "
            f"{MAX_RUNS}",
            code="invalid_config",
        )
    return value


def observed_all(conn: Connection, runs: int) -> dict[str, Observed]:
    from pai_deps.repo import runs as history

    return {
        row.tool_id: Observed(row.runs, row.passed)
        for row in history.list_observed_reliability(conn, runs=runs)
    }


def observed_of(conn: Connection, tool_id: str, runs: int) -> Observed | None:
    from pai_deps.repo import runs as history

    row = history.get_observed_reliability(conn, tool_id=tool_id, runs=runs)
    return None if row is None else Observed(row.runs, row.passed)


def over_budget(slo: float, product: float) -> bool:
    """The chain fails more often than its objective allows: 1 - product > 1 - slo."""
    return max(0.0, 1 - product) > 1 - slo


def budget(
    slo: float, product: float, chain: Sequence[str], reliability: Mapping[str, float]
) -> Budget:
    """How the chain's failure (1 - product) spends the budget 1 - slo, hop by hop."""
    from pai_deps.results.chains import Budget, Spend

    allowed = 1 - slo
    spent = max(0.0, 1 - product)
    logs = {tool: -math.log(reliability[tool]) if reliability[tool] > 0 else math.inf
            for tool in chain}  # fmt: skip
    total = sum(logs.values())
    hops = []
    for tool in chain:
        if math.isinf(total):  # a hop that always fails spends everything
            share = 1.0 if math.isinf(logs[tool]) else 0.0
        else:
            share = logs[tool] / total if total > 0 else 0.0
        if share > 0:
            hops.append(Spend(id=tool, reliability=reliability[tool], spend=spent * share))
    hops.sort(key=lambda h: (-h.spend, h.id))
    return Budget(
        slo=slo,
        budget=allowed,
        spent=spent,
        used=spent / allowed,
        over=over_budget(slo, product),
        biggest_spender=hops[0].id if hops else None,
        hops=hops,
    )
