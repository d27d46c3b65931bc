"""``voice kiosk --display`` as a child process on the virtual sound card, and HTTP helpers for
its screen's server (plain urllib: the tests see exactly what a browser or a monitor would)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.kiosk_fakes import write_seeds
from tests.process import LiveProcess
from tests.pulse import PulseServer
from tests.warm_tables import shared_cache

STARTUP_TIMEOUT = 60.0
"""Start-up to "listening": Python, PocketSphinx, rendering the answers (~3 s here)."""


def start_kiosk(
    pulse: PulseServer, folder: Path, port: int = 0, *extra: str
) -> tuple[LiveProcess, str]:
    """A kiosk with the short test seeds, hearing the room and speaking into the speaker; returns
    it with its screen's URL once it is listening."""
    seeds = folder / "seeds"
    if not seeds.exists():
        write_seeds(seeds)
    env = pulse.assistant_env()
    env["VOICE_CACHE"] = str(shared_cache())
    args = ["kiosk", "--seeds", str(seeds), "--display", "--port", str(port), *extra]
    kiosk = LiveProcess(args, env)
    try:
        line = kiosk.expect_stderr(r"^kiosk: display on ", STARTUP_TIMEOUT)
        kiosk.expect_stderr(r"^kiosk: listening", STARTUP_TIMEOUT)
    except BaseException:
        kiosk.kill()
        raise
    match = re.search(r"http://\S+", line)
    assert match, line
    return kiosk, match.group(0)


def port_of(url: str) -> int:
    match = re.search(r":(\d+)/", url)
    assert match, url
    return int(match.group(1))


def request(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """(status, parsed JSON body or the text) of one request; 4xx/5xx are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            status, raw, kind = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers
    if kind.get_content_type() == "application/json":
        return status, json.loads(raw)
    return status, raw.decode("utf-8", "replace")


def post_json(url: str, data: Any) -> tuple[int, Any]:
    body = json.dumps(data).encode()
    return request(url, "POST", body, {"Content-Type": "application/json"})


class EventStream:
    """``GET /events`` read line by line: the server-sent events a page receives."""

    def __init__(self, url: str, timeout: float = 15.0) -> None:
        self.response = urllib.request.urlopen(url + "events", timeout=timeout)

    def next(self, kind: str) -> dict[str, Any]:
        """The data of the next event of ``kind`` (others are skipped); times out with the
        stream's timeout when none comes."""
        event = ""
        for raw in self.response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: ") and event == kind:
                data: dict[str, Any] = json.loads(line[len("data: ") :])
                return data
        raise AssertionError(f"the event stream ended before a {kind!r} event")

    def until_state(self, wanted: str, now: str | None = None) -> None:
        """Wait for the kiosk to be in state ``wanted`` (``now``: the state it is known to be in
        already, e.g. a snapshot's). The test room is shared: sound an earlier test left playing
        can start and end an utterance in between ("hearing", "listening"), and a state that
        never comes fails with the stream's timeout."""
        state = now
        while state != wanted:
            state = self.next("state")["state"]

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
