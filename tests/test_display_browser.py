"""The kiosk's screen in real headless Chromium, beside the real ``voice kiosk --display`` on the
virtual sound card: a question spoken into the room shows up as words on the page, a tapped
example is spoken into the speaker, and the page survives the kiosk restarting."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.display_kiosk import port_of, start_kiosk
from tests.process import LiveProcess
from tests.pulse import ROOM, PulseServer
from tests.speech import synthesize
from tests.test_audio_devices import SETTLE_TIMEOUT, assert_spoken, ended
from tests.test_report_browser import open_browser
from voice.tts import Pyttsx3Speaker

pytestmark = pytest.mark.audio_device

DOCS = Path(__file__).resolve().parent.parent / "docs"

WAIT_MS = 15_000
"""For the page to show something the kiosk did (it takes well under a second here)."""

ANSWERS = {4: "Not soon, both sides say.", 5: "That talks have stalled."}
"""Short answers of tests/kiosk_fakes.SHORT_SEEDS, which these kiosks use."""

RECORD_EVENTS = """() => {
    window.seen = {states: [], heard: []};
    const note = () => {
        const s = document.body.dataset.state, h = document.getElementById('heard-text');
        if (window.seen.states.at(-1) !== s) window.seen.states.push(s);
        if (h.textContent && window.seen.heard.at(-1) !== h.textContent)
            window.seen.heard.push(h.textContent);
    };
    new MutationObserver(note).observe(document.body,
        {attributes: true, childList: true, subtree: true, characterData: true});
}"""
"""Keeps every state and every transcript the page showed, however briefly."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


@pytest.fixture(scope="module")
def kiosk(
    pulse: PulseServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveProcess, str]]:
    process, url = start_kiosk(pulse, tmp_path_factory.mktemp("kiosk"))
    yield process, url
    process.kill()


def open_page(browser: Browser, url: str, width: int = 1080, height: int = 1920) -> Page:
    """The screen, with every request the page makes kept in ``page.requested``."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.requested = requested  # type: ignore[attr-defined]
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-connected", "yes", timeout=WAIT_MS)
    return page


def test_the_page_loads_from_the_kiosk_alone(
    browser: Browser, kiosk: tuple[LiveProcess, str]
) -> None:
    url = kiosk[1]
    page = open_page(browser, url)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    expect(page.locator("#state-text")).to_have_text("Listening")
    examples = page.locator("#example-list button")
    expect(examples).to_have_count(4)
    assert examples.first.inner_text() == "Why have peace negotiations in Ukraine failed?"
    expect(page.locator("#offline")).to_be_hidden()
    requested = page.requested  # type: ignore[attr-defined]
    assert {"/", "/static/app.js", "/static/style.css", "/theme.css", "/events"} <= {
        r[len(url) - 1 :] for r in requested
    }, requested
    assert all(r.startswith(url) for r in requested), requested
    assert not errors, errors
    page.close()


def test_a_spoken_question_shows_as_transcript_then_answer(
    browser: Browser,
    kiosk: tuple[LiveProcess, str],
    pulse: PulseServer,
    tmp_path: Path,
) -> None:
    process, url = kiosk
    page = open_page(browser, url)
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    page.evaluate(RECORD_EVENTS)
    question = synthesize("Could peace talks resume soon?", tmp_path / "q.wav", "flite-slt")
    pulse.play(question, ROOM)
    expect(page.locator("#question")).to_have_text(
        "Could peace talks resume soon?", timeout=WAIT_MS
    )
    expect(page.locator("#answer")).to_have_text(ANSWERS[4])
    row = json.loads(process.expect_stdout(r"^\{", WAIT_MS / 1000))
    expect(page.locator("#heard-text")).to_have_text(row["transcript"])
    seen = page.evaluate("window.seen")
    assert seen["states"][:2] == ["hearing", "answering"], seen
    assert seen["heard"], "no transcript was shown while the question was spoken"
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    page.close()


def test_tapping_an_example_speaks_its_answer(
    browser: Browser,
    kiosk: tuple[LiveProcess, str],
    pulse: PulseServer,
    tmp_path: Path,
) -> None:
    process, url = kiosk
    page = open_page(browser, url)
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    with pulse.recording() as recording:
        page.locator("#example-list button").nth(4 - 1).click()
        expect(page.locator("#answer")).to_have_text(ANSWERS[4], timeout=WAIT_MS)
        expect(page.locator("#question")).to_have_text("Could peace talks resume soon?")
        row = json.loads(process.expect_stdout(r"^\{", WAIT_MS / 1000))
        assert (row["kind"], row["id"]) == ("request", 4), row
        assert recording.wait_until(ended, SETTLE_TIMEOUT + 5), "the answer was not heard"
        assert_spoken(recording.samples(), Pyttsx3Speaker().render(ANSWERS[4]), tmp_path / "tapped")
    page.close()


def test_a_refused_question_offers_the_questions_it_named_as_buttons(
    browser: Browser,
    kiosk: tuple[LiveProcess, str],
    pulse: PulseServer,
    tmp_path: Path,
) -> None:
    """A refusal names the questions nearest to what was asked; the page shows them as buttons,
    so the visitor taps the one meant instead of guessing other words, and then they go."""
    process, url = kiosk
    page = open_page(browser, url)
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    unrelated = "What time does the swimming pool open tomorrow?"
    pulse.play(synthesize(unrelated, tmp_path / "q.wav", "espeak"), ROOM)
    row = json.loads(process.expect_stdout(r"^\{", WAIT_MS / 1000))
    assert row["kind"] == "fallback" and len(row["suggested_ids"]) == 2, row
    buttons = page.locator("#suggested-list button")
    expect(buttons).to_have_count(2, timeout=WAIT_MS)
    named = buttons.all_inner_texts()
    assert all(question in row["answer"] for question in named), (named, row["answer"])
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    buttons.first.click()
    expect(page.locator("#question")).to_have_text(named[0], timeout=WAIT_MS)
    tapped = json.loads(process.expect_stdout(r"^\{", WAIT_MS / 1000))
    assert (tapped["kind"], tapped["id"]) == ("request", row["suggested_ids"][0]), tapped
    expect(page.locator("#suggested-list")).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    page.close()


def test_mute_button_turns_the_microphone_off_and_on(
    browser: Browser, kiosk: tuple[LiveProcess, str]
) -> None:
    page = open_page(browser, kiosk[1])
    body, button = page.locator("body"), page.locator("#mute")
    expect(body).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    button.click()
    expect(body).to_have_attribute("data-state", "muted", timeout=WAIT_MS)
    expect(page.locator("#state-text")).to_have_text("Microphone off")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#example-list button").first).to_be_disabled()
    button.click()
    expect(body).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    expect(page.locator("#example-list button").first).to_be_enabled()
    page.close()


def test_the_page_recovers_when_the_kiosk_restarts(
    browser: Browser, pulse: PulseServer, tmp_path: Path
) -> None:
    first, url = start_kiosk(pulse, tmp_path)
    with first:
        page = open_page(browser, url)
        expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
        expect(page.locator("#offline")).to_be_hidden()
        first.process.terminate()
        assert first.wait(10) == 0, first.stderr_lines
    expect(page.locator("#offline")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#offline")).to_contain_text("not connected")
    second, again = start_kiosk(pulse, tmp_path, port_of(url))
    with second:
        assert again == url
        expect(page.locator("#offline")).to_be_hidden(timeout=WAIT_MS)
        expect(page.locator("body")).to_have_attribute("data-state", "listening")
        expect(page.locator("#example-list button")).to_have_count(4)
    page.close()


@pytest.mark.parametrize(
    ("name", "width", "height", "scale"),
    [
        ("portrait", 1080, 1920, 1),
        ("landscape", 1920, 1080, 1),
        ("portrait-200%", 540, 960, 2),
        ("landscape-200%", 960, 540, 2),
    ],
)
def test_the_page_fits_every_orientation_and_zoom(
    browser: Browser,
    kiosk: tuple[LiveProcess, str],
    name: str,
    width: int,
    height: int,
    scale: int,
    tmp_path: Path,
) -> None:
    """200% zoom is the same screen with half as many CSS pixels, each drawn twice as large."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    page = context.new_page()
    page.goto(kiosk[1])
    expect(page.locator("#example-list button")).to_have_count(4, timeout=WAIT_MS)
    page.locator("#example-list button").nth(3).click()
    # The kiosk lives for the whole module, so the page may show this answer from an earlier
    # case already: wait for this tap's answer to start and end, not just for its text.
    expect(page.locator("body")).to_have_attribute("data-state", "answering", timeout=WAIT_MS)
    expect(page.locator("#answer")).to_have_text(ANSWERS[4], timeout=WAIT_MS)
    expect(page.locator("body")).to_have_attribute("data-state", "listening", timeout=WAIT_MS)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow} px wider than the screen"
    for selector in ("#answer", "#question", "#state", "#example-list li:last-child button"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    # Readable from two metres: answer text at least 32 screen pixels high on a 1080 px screen.
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#answer')).fontSize)")
    assert size * scale >= 32 * min(width, height) * scale / 1080, size
    for button in page.locator("#example-list button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] * scale >= 60, f"{name}: tap target too small"
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement.blur()")
    shot = tmp_path / f"display-{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if scale == 1 and os.environ.get("VOICE_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / f"display-{name}.png"))
    context.close()
