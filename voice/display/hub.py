"""From the kiosk's thread to the page: each :class:`~voice.kiosk.KioskEvent` becomes a
server-sent event for every connected page, and a snapshot of the latest state is kept so a page
that (re)connects shows at once what the kiosk is doing and what it last said."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from voice.kiosk import KioskEvent
from voice.knowledge import Knowledge

log = logging.getLogger(__name__)

CLIENT_QUEUE = 256
"""Events buffered for one page. A page that falls this far behind (a frozen browser) is dropped;
EventSource reconnects and gets a fresh snapshot."""

RETRY_MS = 1000
"""How soon a page's EventSource tries again after losing the kiosk (sent in the stream)."""


class KioskControl(Protocol):
    """What the display needs of a kiosk (:class:`voice.kiosk.Kiosk` is one)."""

    knowledge: Knowledge

    @property
    def muted(self) -> bool: ...

    @property
    def speaker_ok(self) -> bool: ...

    def subscribe(self, listener: Callable[[KioskEvent], None]) -> None: ...

    def request_answer(self, entry_id: int) -> None: ...

    def set_muted(self, value: bool) -> None: ...


def sse(kind: str, data: dict[str, Any]) -> str:
    """One server-sent event; JSON keeps the data on one line."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class Client:
    """One connected page: an asyncio queue fed from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(CLIENT_QUEUE)

    def send(self, message: str | None) -> None:
        # RuntimeError: the server's loop has closed, nobody is listening any more
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._put, message)

    def _put(self, message: str | None) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            log.warning("a display page fell %d events behind; dropping it", CLIENT_QUEUE)
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class EventHub:
    def __init__(self, kiosk: KioskControl, examples: int) -> None:
        self.kiosk = kiosk
        self.examples = examples
        self.started = time.time()
        self._lock = threading.Lock()
        self._clients: set[Client] = set()
        self._closed = False
        self.state = "starting"
        self.state_reason: str | None = None
        self.partial = ""
        self.last: dict[str, Any] | None = None
        kiosk.subscribe(self.on_event)

    # -- kiosk side (its thread) -----------------------------------------------------------

    def on_event(self, event: KioskEvent) -> None:
        data = dict(event.data)
        with self._lock:
            if event.kind == "state":
                self.state = str(data.get("state"))
                self.state_reason = data.get("reason")
                if self.state == "hearing":
                    self.partial = ""
                data["muted"] = self.kiosk.muted
            elif event.kind == "partial":
                self.partial = str(data.get("text", ""))
            elif event.kind == "answer":
                self.partial = ""
                if data.get("suggested_ids"):  # a refusal: the page offers its questions
                    data["suggested"] = self.suggested_questions(data["suggested_ids"])
                self.last = data
            clients = list(self._clients)
        messages = [sse(event.kind, data)]
        if event.kind == "reload":
            messages.append(sse("examples", {"examples": self.example_questions()}))
        for client in clients:
            for message in messages:
                client.send(message)

    # -- server side -----------------------------------------------------------------------

    def connect(self, loop: asyncio.AbstractEventLoop) -> Client | None:
        client = Client(loop)
        with self._lock:
            if self._closed:
                return None
            self._clients.add(client)
        return client

    def disconnect(self, client: Client) -> None:
        with self._lock:
            self._clients.discard(client)

    def close(self) -> None:
        """End every page's stream (the server is stopping); pages will reconnect."""
        with self._lock:
            self._closed = True
            clients = list(self._clients)
            self._clients.clear()
        for client in clients:
            client.send(None)

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def example_questions(self) -> list[dict[str, Any]]:
        entries = self.kiosk.knowledge.kb.entries[: self.examples]
        return [{"id": e.id, "question": e.question} for e in entries]

    def suggested_questions(self, ids: list[int]) -> list[dict[str, Any]]:
        """The questions a refusal named, for the page to offer as buttons: a visitor whose
        words the kiosk refused taps the one meant instead of guessing new words."""
        kb = self.kiosk.knowledge.kb
        return [{"id": i, "question": kb.get(i).question} for i in ids if 1 <= i <= len(kb)]

    def snapshot(self) -> dict[str, Any]:
        """Everything a page needs to draw itself from nothing."""
        with self._lock:
            state, partial, last = self.state, self.partial, self.last
        return {
            "state": state,
            "muted": self.kiosk.muted,
            "partial": partial,
            "answer": last,
            "examples": self.example_questions(),
        }

    def status(self) -> dict[str, Any]:
        """For monitoring: ``GET /api/status``."""
        with self._lock:
            state, reason, last = self.state, self.state_reason, self.last
        last_interaction = None
        if last is not None:
            keys = ("time", "kind", "id", "question", "score", "transcript")
            last_interaction = {k: last.get(k) for k in keys}
        started = datetime.datetime.fromtimestamp(self.started, datetime.UTC)
        return {
            "state": state,
            "muted": self.kiosk.muted,
            "entries": len(self.kiosk.knowledge.kb),
            # Which recognizer hears and how sure the matcher must be: an edit into Korean
            # switches both, and a monitor should see that without reading the log.
            "engine": self.kiosk.knowledge.assistant.engine,
            "threshold": self.kiosk.knowledge.assistant.matcher.threshold,
            "last_interaction": last_interaction,
            "devices": {
                "microphone": "lost" if state == "mic-lost" else "ok",
                "microphone_error": reason if state == "mic-lost" else None,
                "speaker": "ok" if self.kiosk.speaker_ok else "lost",
            },
            "display_clients": self.clients,
            "started": started.isoformat(timespec="seconds"),
            "uptime_s": round(time.time() - self.started),
        }
