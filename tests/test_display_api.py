"""The kiosk screen's server, the real ``voice kiosk --display`` process: what the page and a
monitor may ask, and every bad request answered with a 4xx while the kiosk goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.display_kiosk import EventStream, post_json, request, start_kiosk
from tests.process import LiveProcess
from tests.pulse import PulseServer
from voice.display.config import (
    DisplayConfigError,
    load_display_config,
)
from voice.display.server import MAX_BODY
from voice.match import THRESHOLD

pytestmark = pytest.mark.audio_device

ANSWER_TIMEOUT = 15.0


@pytest.fixture(scope="module")
def kiosk(
    pulse: PulseServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveProcess, str]]:
    process, url = start_kiosk(pulse, tmp_path_factory.mktemp("kiosk"))
    yield process, url
    process.process.terminate()
    assert process.wait(10) == 0, process.stderr_lines


def test_status_says_what_a_monitor_needs(kiosk: tuple[LiveProcess, str]) -> None:
    # The kiosk may still be finishing something an earlier test said into the shared room;
    # wait (bounded) for it to be back to listening rather than racing it.
    with EventStream(kiosk[1]) as events:
        events.until_state("listening", now=events.next("snapshot")["state"])
    status, body = request(kiosk[1] + "api/status")
    assert status == 200
    assert body["state"] == "listening"
    assert body["entries"] == 5
    ready = [line for line in kiosk[0].stderr_lines if line.startswith("kiosk: ready (")]
    assert ready and ready[0].startswith(f"kiosk: ready ({body['engine']}, "), ready
    assert body["threshold"] == THRESHOLD  # English, heard live by the kiosk's PocketSphinx
    assert body["muted"] is False
    assert body["devices"]["microphone"] == "ok"
    assert body["devices"]["speaker"] == "ok"
    assert "last_interaction" in body


def test_an_entry_asked_for_by_id_is_answered_like_a_spoken_question(
    kiosk: tuple[LiveProcess, str],
) -> None:
    process, url = kiosk
    with EventStream(url) as events:
        snapshot = events.next("snapshot")
        assert [e["id"] for e in snapshot["examples"]] == [1, 2, 3, 4]
        events.until_state("listening", now=snapshot["state"])
        status, body = post_json(url + "api/answer", {"id": 4})
        assert status == 202, body
        assert body == {"id": 4, "question": "Could peace talks resume soon?"}
        events.until_state("answering")
        shown = events.next("answer")
    row = json.loads(process.expect_stdout(r"^\{", ANSWER_TIMEOUT))
    assert (row["kind"], row["id"], row["answer"]) == ("request", 4, "Not soon, both sides say.")
    assert shown == row
    status, body = request(url + "api/status")
    assert body["last_interaction"]["id"] == 4
    assert body["last_interaction"]["time"] == row["time"]


def test_mute_and_unmute(kiosk: tuple[LiveProcess, str]) -> None:
    process, url = kiosk
    assert post_json(url + "api/mute", {"muted": True}) == (200, {"muted": True})
    process.expect_stderr(r"^kiosk: muted", ANSWER_TIMEOUT)
    status, body = post_json(url + "api/answer", {"id": 1})
    assert status == 409, body
    assert request(url + "api/status")[1]["muted"] is True
    assert post_json(url + "api/mute", {"muted": False}) == (200, {"muted": False})
    process.expect_stderr(r"^kiosk: listening", ANSWER_TIMEOUT)


JSON = {"Content-Type": "application/json"}

BAD_REQUESTS = [
    ("GET", "api/answer", None, {}, 405),
    ("PUT", "api/mute", b'{"muted": true}', JSON, 405),
    ("POST", "", b"{}", JSON, 405),
    ("POST", "events", b"{}", JSON, 405),
    ("GET", "no/such/page", None, {}, 404),
    ("GET", "logo", None, {}, 404),  # no logo configured
    ("POST", "api/answer", b"id=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("POST", "api/answer", b'{"id": 1}', {}, 415),
    ("POST", "api/answer", b'{"id": 1', JSON, 400),
    ("POST", "api/answer", b"\xff\xfe", JSON, 400),
    ("POST", "api/answer", b"", JSON, 400),
    ("POST", "api/answer", b"[1]", JSON, 422),
    ("POST", "api/answer", b'{"id": "1"}', JSON, 422),
    ("POST", "api/answer", b'{"id": true}', JSON, 422),
    ("POST", "api/answer", b'{"id": 1.5}', JSON, 422),
    ("POST", "api/answer", b'{"id": 1, "also": 2}', JSON, 422),
    ("POST", "api/answer", b'{"entry": 1}', JSON, 422),
    ("POST", "api/answer", b'{"id": 0}', JSON, 404),
    ("POST", "api/answer", b'{"id": 6}', JSON, 404),
    ("POST", "api/answer", b'{"id": 100000000000000000000000}', JSON, 404),
    ("POST", "api/mute", b'{"muted": 1}', JSON, 422),
    ("POST", "api/mute", b'{"muted": "false"}', JSON, 422),
    ("POST", "api/mute", b"null", JSON, 422),
    ("POST", "api/mute", b'{"muted": ' + b" " * MAX_BODY + b"true}", JSON, 413),
    ("GET", "api/status", None, {"Host": "attacker.example"}, 400),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "expected"), BAD_REQUESTS)
def test_bad_requests_get_a_4xx_and_change_nothing(
    kiosk: tuple[LiveProcess, str],
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    expected: int,
) -> None:
    process, url = kiosk
    status, reply = request(url + path, method, body, headers)
    assert status == expected, reply
    if path.startswith("api/") and status != 405 and "Host" not in headers:
        assert isinstance(reply, dict) and reply.get("error"), reply
    assert request(url + "api/status")[0] == 200
    assert process.process.poll() is None
    assert not [line for line in process.stderr_lines if "Traceback" in line]


def test_a_body_larger_than_allowed_without_a_length_is_refused(
    kiosk: tuple[LiveProcess, str],
) -> None:
    """Chunked, so the size is only known while reading: the reader stops at the limit."""
    import http.client

    host, port = kiosk[1].split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    chunks = iter([b'{"id": ', b" " * (MAX_BODY * 4), b"1}"])
    connection.request("POST", "/api/answer", body=chunks, headers=JSON, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


# -- branding ---------------------------------------------------------------------------------


def test_display_config_is_checked_key_by_key(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    good = tmp_path / "screen.toml"
    good.write_text('title = "Museum"\nlogo = "logo.svg"\nexamples = 2\n[colours]\ntext = "#fff"\n')
    config = load_display_config(good)
    assert (config.title, config.examples, config.colours.text) == ("Museum", 2, "#fff")
    assert config.logo == tmp_path / "logo.svg"
    for text, complaint in [
        ('title = "x"\ncolour = "red"', "unknown keys"),
        ('[colours]\ntext = "red; background: url(http://x)"', "colour text"),
        ('[colours]\nborder = "#000"', "unknown colour"),
        ('logo = "missing.png"', "not found"),
        ('logo = "logo.gif"', "logo must be one of"),
        ("examples = 40", "examples must be"),
        ("title = [", "not valid"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(DisplayConfigError, match=complaint):
            load_display_config(bad)


def test_the_page_wears_the_configured_branding(pulse: PulseServer, tmp_path: Path) -> None:
    logo = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    (tmp_path / "logo.svg").write_text(logo)
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "title": "Town <Hall>",
                "logo": "logo.svg",
                "examples": 2,
                "colours": {"background": "#102030"},
            }
        )
    )
    process, url = start_kiosk(pulse, tmp_path, 0, "--display-config", str(config))
    with process:
        status, page = request(url)
        assert status == 200
        assert "<h1>Town &lt;Hall&gt;</h1>" in page
        assert '<img class="logo" src="/logo"' in page
        assert "--bg: #102030" in request(url + "theme.css")[1]
        assert request(url + "logo") == (200, logo)
