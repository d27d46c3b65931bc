"""The display's web server: Starlette on uvicorn, in a thread beside the kiosk loop.

Routes (nothing else is served; a wrong method is 405, an unknown path 404):

- ``GET /``: the page; ``GET /static/*``, ``GET /theme.css``, ``GET /logo``: its assets.
- ``GET /events``: server-sent events: a ``snapshot`` on connect, then the kiosk's events.
- ``GET /api/status``: JSON for monitoring (state, entries, engine, last interaction, devices).
- ``POST /api/answer`` ``{"id": N}``: answer entry N aloud, as if asked (202).
- ``POST /api/mute`` ``{"muted": true|false}``.

The POSTs take only ``application/json`` (415 otherwise: an HTML form on another site cannot send
it, and a script on another site needs a CORS permission this server never gives) of at most
:data:`MAX_BODY` bytes (413), holding exactly the one expected key of the expected type (400 for
what is not JSON, 422 for the wrong shape, 404 for an unknown entry, 409 while muted).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import AsyncIterator
from html import escape
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from voice.display.config import LOGO_TYPES, DisplayConfig
from voice.display.hub import RETRY_MS, EventHub, KioskControl, sse
from voice.errors import VoiceError

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

MAX_BODY = 1024
"""Bytes of a POST body: the page sends at most ~20."""

KEEPALIVE_S = 15.0
"""A comment line on an idle event stream this often, so proxies and browsers keep it open and
a vanished page is noticed."""

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
"""Host headers accepted while bound to the loopback interface: another name means a page
elsewhere reached us through DNS rebinding."""

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
"""Every asset is ours (so the page cannot load anything from the network even by mistake);
no-store, so a restarted kiosk with new seeds or branding is what the page shows."""


class DisplayError(VoiceError):
    """The display cannot be served (port taken, address not available)."""


def _static(name: str) -> bytes:
    return resources.files("voice.display").joinpath("static", name).read_bytes()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


async def _read_json(request: Request) -> Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, "send a JSON body (Content-Type: application/json)")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "body is not valid JSON") from None


def _one_field(data: Any, key: str, kind: type) -> Any:
    """``data[key]`` when ``data`` is ``{key: <kind>}`` and nothing else, else 422."""
    if not isinstance(data, dict) or set(data) != {key}:
        raise HTTPException(422, f'expected an object with exactly one key, "{key}"')
    value = data[key]
    # bool is an int in Python, never in this API
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise HTTPException(422, f'"{key}" must be {"a whole number" if kind is int else kind}')
    return value


def create_app(
    kiosk: KioskControl, config: DisplayConfig, hub: EventHub | None = None
) -> Starlette:
    """The display's ASGI app for ``kiosk``; ``hub`` (made here if not given) relays events."""
    events = hub if hub is not None else EventHub(kiosk, config.examples)
    page = _render_page(config)
    script, style = _static("app.js"), _static("style.css")
    theme = _theme(config)

    def asset(body: bytes | str, media_type: str) -> Response:
        return Response(body, media_type=media_type, headers=SECURITY_HEADERS)

    async def index(request: Request) -> Response:
        return asset(page, "text/html; charset=utf-8")

    async def app_js(request: Request) -> Response:
        return asset(script, "text/javascript; charset=utf-8")

    async def style_css(request: Request) -> Response:
        return asset(style, "text/css; charset=utf-8")

    async def theme_css(request: Request) -> Response:
        return asset(theme, "text/css; charset=utf-8")

    async def favicon(request: Request) -> Response:
        # Browsers ask for it on a fresh profile; "no content" keeps the console free of 404s.
        return Response(status_code=204, headers=SECURITY_HEADERS)

    async def logo(request: Request) -> Response:
        if config.logo is None:
            return _error(404, "no logo configured")
        media = LOGO_TYPES[config.logo.suffix.lower()]
        return FileResponse(config.logo, media_type=media, headers=SECURITY_HEADERS)

    async def stream(request: Request) -> Response:
        client = events.connect(asyncio.get_running_loop())

        async def messages() -> AsyncIterator[str]:
            yield f"retry: {RETRY_MS}\n\n"
            if client is None:
                return
            try:
                yield sse("snapshot", events.snapshot())
                while True:
                    try:
                        message = await asyncio.wait_for(client.queue.get(), KEEPALIVE_S)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if message is None:
                        return
                    yield message
            finally:
                events.disconnect(client)

        headers = {**SECURITY_HEADERS, "X-Accel-Buffering": "no"}
        return StreamingResponse(messages(), media_type="text/event-stream", headers=headers)

    async def status(request: Request) -> Response:
        return JSONResponse(events.status(), headers=SECURITY_HEADERS)

    async def answer(request: Request) -> Response:
        entry_id = _one_field(await _read_json(request), "id", int)
        entries = kiosk.knowledge.kb.entries
        if not 1 <= entry_id <= len(entries):
            raise HTTPException(404, f"no entry {entry_id}; there are {len(entries)}")
        if kiosk.muted:
            raise HTTPException(409, "the kiosk is muted")
        kiosk.request_answer(entry_id)
        log.info("display asked for entry %d", entry_id)
        question = entries[entry_id - 1].question
        return JSONResponse(
            {"id": entry_id, "question": question}, status_code=202, headers=SECURITY_HEADERS
        )

    async def mute(request: Request) -> Response:
        value = _one_field(await _read_json(request), "muted", bool)
        kiosk.set_muted(value)
        log.info("display %s the kiosk", "muted" if value else "unmuted")
        return JSONResponse({"muted": value}, headers=SECURITY_HEADERS)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/static/app.js", app_js, methods=["GET"]),
        Route("/static/style.css", style_css, methods=["GET"]),
        Route("/theme.css", theme_css, methods=["GET"]),
        Route("/logo", logo, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/events", stream, methods=["GET"]),
        Route("/api/status", status, methods=["GET"]),
        Route("/api/answer", answer, methods=["POST"]),
        Route("/api/mute", mute, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.hub = events
    return app


def _render_page(config: DisplayConfig) -> str:
    logo = '<img class="logo" src="/logo" alt="">' if config.logo is not None else ""
    html = _static("index.html").decode("utf-8")
    return html.replace("{{title}}", escape(config.title)).replace("{{logo}}", logo)


def _theme(config: DisplayConfig) -> str:
    c = config.colours  # validated as #rgb / #rrggbb when the config was read
    return f":root {{ --bg: {c.background}; --fg: {c.text}; --accent: {c.accent}; }}\n"


class DisplayServer:
    """The app served by uvicorn in a background thread: :meth:`start`, then :meth:`stop`."""

    def __init__(
        self,
        kiosk: KioskControl,
        config: DisplayConfig | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
    ) -> None:
        self.host = host
        self.port = port
        config = config if config is not None else DisplayConfig()
        self.hub = EventHub(kiosk, config.examples)
        app = create_app(kiosk, config, self.hub)
        loopback = host in ("127.0.0.1", "localhost", "::1")
        hosts = LOOPBACK_HOSTS if loopback else ["*"]
        self._app = TrustedHostMiddleware(app, allowed_hosts=hosts)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        """Bind and serve; raises :class:`DisplayError` when the address cannot be used."""
        import uvicorn  # only a kiosk with a display pays for importing the server

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise DisplayError(
                f"cannot serve the display on {self.host}:{self.port} ({exc.strerror}); "
                "pick another with --port"
            ) from None
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,  # leave the kiosk's logging as it is
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        ready = threading.Event()
        original = self._server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets=sockets)
            ready.set()

        self._server.startup = startup
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="display", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S) or not self._server.started:
            self.stop()
            raise DisplayError(f"the display server did not start on {self.url}")
        log.info("display served on %s", self.url)

    def stop(self) -> None:
        """End the pages' streams, then the server; returns when its thread has ended."""
        self.hub.close()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive():
                log.error("display server did not stop within %.0f s", STOP_TIMEOUT_S)
            self._thread = None
