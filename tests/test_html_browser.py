"""The HTML page in a real browser: Debian's headless Chromium, driven by selenium.

One browser for the module. Skipped when Chromium, ChromeDriver or selenium is missing,
unless PAI_DEPS_TEST_BROWSER=required (CI), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.chromium import FLAGS
from pai_deps import db
from tests.conftest import CliResult, run_pai_deps
from tests.html_page import DRIFT_AT, HOSTILE, HOSTILE_DESCRIPTION, seed_history, write_ecosystem

pytestmark = pytest.mark.sqlite_only

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("PAI_DEPS_TEST_BROWSER") == "required"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        selenium_missing = True
    else:
        selenium_missing = False
    if selenium_missing or CHROMIUM is None or CHROMEDRIVER is None:
        why = "selenium, chromium and chromium-driver are needed for the browser tests"
        if REQUIRED:
            pytest.fail(f"PAI_DEPS_TEST_BROWSER=required: {why}")
        pytest.skip(why)
    with tempfile.TemporaryDirectory(prefix="pai-deps-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report page of the test ecosystem, and a graph page drawn in columns (the
    large-graph mode, forced by a low threshold)."""
    root = tmp_path_factory.mktemp("browser")
    registry = root / "registry.db"
    write_ecosystem(root / "eco")
    result: CliResult = run_pai_deps("--db", str(registry), "sync", str(root / "eco"))
    assert result.exit_code == 0, result.output
    seed_history(registry)
    report = root / "report.html"
    made = run_pai_deps("--db", str(registry), "report", "--format", "html", "-o", str(report))
    assert made.exit_code == 0, made.output
    return {"report": report, "large": _large_page(registry, root / "large.html")}


def _large_page(registry: Path, out: Path) -> Path:
    from pai_deps.analysis.explorer import explore
    from pai_deps.analysis.picture import select_view
    from pai_deps.analysis.registry_graph import build_graph
    from pai_deps.render.html import render_html
    from pai_deps.repo import graph as graph_queries
    from pai_deps.repo import reports

    conn = db.open_db(registry)
    try:
        nodes = reports.list_graph_nodes(conn)
        edges = graph_queries.edge_list(conn).edges
        doc = explore(
            conn,
            build_graph(nodes, edges),
            {n.id: n for n in nodes},
            select_view(nodes, edges),
            title="large",
        )
    finally:
        conn.close()
    out.write_text(render_html(doc, dagre_max=3), encoding="utf-8")
    return out


def load(driver: Any, page: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.body.dataset.ready === 'true'")
    )


def problems(driver: Any) -> list[dict[str, Any]]:
    """Console messages at warning level or worse since the last call (the log drains)."""
    return [e for e in driver.get_log("browser") if e["level"] in ("WARNING", "SEVERE")]


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def text(driver: Any, element_id: str) -> str:
    value: str = driver.find_element("id", element_id).text
    return value


@pytest.fixture
def report(browser: Any, pages: dict[str, Path]) -> Iterator[Any]:
    load(browser, pages["report"])
    yield browser
    assert problems(browser) == []


def test_every_tool_is_drawn_and_the_summary_is_on_top(report: Any) -> None:
    assert js(report, "return paiDeps.cy.nodes().length") == 8
    assert js(report, "return paiDeps.cy.edges().length") == 7
    assert text(report, "node-count") == "8 tools, 7 edges"
    assert js(report, "return paiDeps.layered") is False
    assert text(report, "status") == "WARNING"  # a cycle, two at-risk chains, unverified
    assert "Tools\n7\n" in text(report, "figures")  # registered tools; the stub is drawn too
    assert "circular dependency" in text(report, "issues")
    pairs = "return paiDeps.cy.nodes().map(function (n) { return [n.data('tool'), n.classes()]; })"
    classes = dict(js(report, pairs))
    assert "stub" in classes["ghost"]
    assert "cycle" in classes["loop-a"]
    assert "at-risk" in classes["svc"]
    assert "cycle" not in classes["hub"]


def test_search_highlights_the_tool_and_opens_it(report: Any) -> None:
    box = report.find_element("id", "search")
    box.send_keys("sv")
    assert js(report, "return paiDeps.ids(paiDeps.cy.nodes('.match'))") == ["svc"]
    assert text(report, "search-count") == "1 match"
    assert text(report, "panel-title") == "svc"  # a single match opens its panel
    box.clear()
    box.send_keys("loop")
    matched = js(report, "return paiDeps.ids(paiDeps.cy.nodes('.match'))")
    assert sorted(matched) == ["loop-a", "loop-b"]
    assert js(report, "return paiDeps.cy.nodes('.faded').length") == 6


def test_clicking_a_node_shows_its_panel(report: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    graph = report.find_element("id", "graph")
    x, y, width, height = js(
        report,
        "var p = paiDeps.node('svc').renderedPosition();"
        "var r = document.getElementById('graph').getBoundingClientRect();"
        "return [p.x, p.y, r.width, r.height];",
    )
    # Offsets count from the element's centre.
    ActionChains(report).move_to_element_with_offset(
        graph, int(x - width / 2), int(y - height / 2)
    ).click().perform()
    assert report.find_element("id", "panel").is_displayed()
    assert text(report, "panel-title") == "svc"
    assert [b.text for b in report.find_elements("css selector", "#panel-deps button")] == ["hub"]
    assert [b.text for b in report.find_elements("css selector", "#panel-rdeps button")] == ["app"]
    facts = text(report, "panel-facts")
    assert "Debt\n12 (high)" in facts
    assert "Weighted debt\n24 (1 dependents in all)" in facts
    assert "at risk" in facts
    contracts = text(report, "panel-contracts")
    assert "cli_output svc list --json" in contracts
    assert "valid" in contracts
    drift_cell = report.find_element(
        "css selector", "#panel-contracts tr:nth-child(2) td:last-child"
    )
    assert drift_cell.text == "2026-11-20 10:00"  # the newest drift, not the newest check
    assert drift_cell.get_attribute("title") == DRIFT_AT
    history = report.find_elements("css selector", "#panel-runs tr")
    assert len(history) == 1 + 10  # a header and the newest ten runs
    assert "fail" in history[1].text
    # A dependency in the panel is a link to its own panel.
    report.find_element("css selector", "#panel-deps button").click()
    assert text(report, "panel-title") == "hub"


def test_hostile_names_render_as_text(report: Any) -> None:
    js(report, "paiDeps.select(arguments[0], true)", HOSTILE)
    title = report.find_element("id", "panel-title")
    assert title.text == HOSTILE
    assert js(report, "return arguments[0].children.length", title) == 0
    description = js(report, "return document.getElementById('panel-description').textContent")
    assert description == HOSTILE_DESCRIPTION
    assert js(report, "return document.querySelectorAll('img, b').length") == 0
    assert js(report, "return window.pwned === undefined") is True
    js(report, "paiDeps.select('__proto__', true)")
    assert text(report, "panel-title") == "__proto__"


def test_large_graphs_are_laid_out_in_columns_and_focus_narrows(
    browser: Any, pages: dict[str, Path]
) -> None:
    load(browser, pages["large"])
    assert js(browser, "return paiDeps.layered") is True
    assert js(browser, "return paiDeps.cy.nodes().length") == 8
    assert "large graph" in text(browser, "mode")
    # Providers lie right of their consumers.
    assert js(
        browser,
        "var x = function (id) { return paiDeps.node(id).position().x; };"
        "return x('app') < x('svc') && x('svc') < x('hub');",
    )
    js(browser, "paiDeps.select('svc', true)")
    browser.find_element("id", "depth").send_keys("1")
    browser.find_element("id", "focus").click()
    visible = js(browser, "return paiDeps.ids(paiDeps.cy.nodes(':visible'))")
    assert sorted(visible) == ["app", "hub", "svc"]
    assert text(browser, "node-count") == "3 of 8 tools (focus on svc)"
    browser.find_element("id", "show-all").click()
    assert js(browser, "return paiDeps.cy.nodes(':visible').length") == 8
    assert problems(browser) == []
