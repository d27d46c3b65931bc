"""The HTML report of `voice eval`, opened in a real headless browser (Debian's chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.evalset import make_tiny_set, read_jsonl, read_rows, write_rows
from voice.cli import main
from voice.match import THRESHOLD
from voice.report import WORST

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def open_browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (never Playwright's own browser download)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A report of the tiny set with every question's label moved to another entry, so it has
    failures (and so audio players) however good recognition becomes."""
    out = tmp_path_factory.mktemp("report")
    rows = read_rows(make_tiny_set(out / "set"))
    for row in rows:
        label = row["expected_id"]
        row["expected_id"] = label if label == "none" else str(int(label) % 5 + 1)
    manifest = write_rows(out / "set" / "relabelled.csv", rows)
    jsonl = out / "results.jsonl"
    code = main(
        ["eval", "--engine", "pocketsphinx", "--manifest", str(manifest), "--report"]
        + [str(out / "html"), "--jsonl", str(jsonl), "--by", "voice,kind"]
    )
    assert code == 0
    return out / "html" / "index.html", read_jsonl(jsonl)


@pytest.fixture
def page(browser: Browser, report: tuple[Path, list[dict]]) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(report[0].as_uri())
    page.requested = requested  # type: ignore[attr-defined]
    yield page
    page.close()


def test_the_report_shows_its_charts(page: Page, report: tuple[Path, list[dict]]) -> None:
    assert page.locator("h1").inner_text().startswith("Evaluation of")
    assert "files answered as expected" in page.locator(".verdict").inner_text()
    assert page.locator("#summary .card").count() >= 10
    # accuracy per group: one bar chart per grouping, one bar per group
    assert page.locator("#groups svg.chart").count() == 2
    assert page.locator("#groups svg.chart").nth(0).locator("rect.bar").count() == 2
    assert page.locator("#groups svg.chart").nth(1).locator("rect.bar").count() == 3
    # score distributions with the threshold marked
    scores = page.locator("#scores svg.chart")
    assert scores.locator("rect.bin").count() >= 2
    assert scores.locator("line.marker").count() == 1
    assert f"threshold {THRESHOLD:g}" in (scores.text_content() or "")
    # accuracy against threshold: three lines, the current and the best threshold marked
    sweep = page.locator("#threshold svg.chart")
    assert sweep.locator("polyline.line").count() == 3
    assert sweep.locator("line.marker").count() == 2
    # the confusion matrix has a row per expected label and counts that add up to every file
    cells = page.locator("#confusion td").all_inner_texts()
    assert sum(int(c) for c in cells if c.strip()) == len(report[1])
    for svg in page.locator("svg.chart").all():
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 50


def test_the_worst_failures_can_be_listened_to(page: Page, report: tuple[Path, list[dict]]) -> None:
    failures = [r for r in report[1] if not r["correct"]]
    assert failures, "the relabelled set must have failures"
    players = page.locator("#failures audio")
    assert players.count() == min(WORST, len(failures))
    durations = page.evaluate(
        """() => Promise.all([...document.querySelectorAll('#failures audio')].map(a =>
            a.readyState >= 1 ? a.duration : new Promise(done => {
                a.addEventListener('loadedmetadata', () => done(a.duration));
                a.addEventListener('error', () => done(-1));
            })))"""
    )
    assert all(d > 1.0 for d in durations), durations


def test_the_report_is_self_contained(page: Page, tmp_path: Path) -> None:
    requested = page.requested  # type: ignore[attr-defined]
    assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
