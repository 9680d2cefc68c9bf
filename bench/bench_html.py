"""Benchmark of the interactive HTML page (issue 14): `report --format html` at 1,000 and
5,000 tools, written by the real command and opened in Debian's headless Chromium.

For each size: the command's wall time (median of N), the page's size, and in the
browser the time from navigation to the page being ready (`document.body.dataset.ready`)
and the layout time the page measures itself (`paiDeps.layoutMs`: building the graph and
laying it out), median of N loads. Then the same page with the layered dagre layout
forced (threshold raised), to show why larger graphs get the column layout; and the
focus view (depth 2 around a mid-layer tool) on the largest page. Not a test.

    python bench/bench_html.py [--runs 3] [--sizes 1000,5000] [--work /tmp/pai-deps-bench-html]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.chromium import FLAGS  # noqa: E402
from bench.generate import build, write  # noqa: E402


def pai_deps(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def browser(profile: str) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
        options=options,
    )
    driver.set_page_load_timeout(600)
    driver.set_script_timeout(600)
    return driver


def open_page(driver: Any, page: Path) -> tuple[float, float]:
    """(seconds to ready, the page's own layout ms) for one load."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(page.as_uri())
    WebDriverWait(driver, 600, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.body.dataset.ready === 'true'")
    )
    ready = time.perf_counter() - start
    return ready, float(driver.execute_script("return paiDeps.layoutMs"))


def page_with_threshold(source: Path, target: Path, layered_max: int) -> Path:
    """The same page with another layout threshold (it is in the page's config block)."""
    text = source.read_text(encoding="utf-8")
    marker = '"dagreMax":'
    start = text.index(marker) + len(marker)
    end = text.index(",", start)
    target.write_text(text[:start] + str(layered_max) + text[end:], encoding="utf-8")
    return target


def focus_ms(driver: Any, tool: str) -> float:
    return float(
        driver.execute_script(
            "var t = performance.now(); paiDeps.select(arguments[0], true);"
            "document.getElementById('focus').click(); return performance.now() - t;",
            tool,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pai-deps-bench-html"))
    parser.add_argument("--dagre-at-largest", action="store_true", help="also force dagre there")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            for size in sizes:
                root, database = args.work / f"eco-{size}", args.work / f"reg-{size}.db"
                if not database.exists():
                    write(root, build(size, 20, 3, 2, 0, 1))
                    pai_deps("--db", str(database), "sync", str(root))
                page = args.work / f"report-{size}.html"
                command = [
                    "--db", str(database), "report", "--format", "html", "-o", str(page),
                    "--force",
                ]  # fmt: skip
                pai_deps(*command)
                wall = statistics.median(pai_deps(*command) for _ in range(args.runs))
                loads = [open_page(driver, page) for _ in range(args.runs)]
                mode = "layered" if driver.execute_script("return paiDeps.layered") else "dagre"
                rows.append(
                    f"| {size:,} | {mode} | {wall * 1000:.0f} ms | "
                    f"{page.stat().st_size / 1e6:.1f} MB | "
                    f"{statistics.median(r for r, _ in loads) * 1000:.0f} ms | "
                    f"{statistics.median(m for _, m in loads):.0f} ms |"
                )
                if mode == "layered":
                    tool = f"t10-{size // 40:04d}"
                    ms = statistics.median(focus_ms(driver, tool) for _ in range(args.runs))
                    rows.append(f"| {size:,} | focus depth 2 on {tool} | | | | {ms:.0f} ms |")
                    if args.dagre_at_largest:
                        forced = page_with_threshold(page, args.work / f"dagre-{size}.html", size)
                        ready, layout = open_page(driver, forced)
                        rows.append(
                            f"| {size:,} | dagre (forced) | | | "
                            f"{ready * 1000:.0f} ms | {layout:.0f} ms |"
                        )
        finally:
            driver.quit()
    print("| tools | layout | `report --format html` | page | load to ready | layout |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
