"""Keeping the kiosk's devices alive: backoff between attempts to reopen a lost device, the
speaker kept open (and reopened when it fails), and the marker for an input gone digitally
silent."""

from __future__ import annotations

import logging
from collections.abc import Callable

from voice.errors import DeviceError
from voice.output import Player

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 10.0
"""Reopening a lost device: first after half a second (a replugged USB microphone is back in about
a second), then doubling up to 10 s so a long absence costs no CPU and little log."""

DEAD_INPUT_MS = 10_000
"""Input that is exact digital zeros for this long, while idle, is reopened. A live microphone
always has some noise; zeros mean a muted or broken capture path, or a stream the sound server
moved elsewhere when its device went away (PulseAudio moves it to another source, e.g. a monitor,
and never back): reopening asks for the configured device again, and reports it lost if it is
still missing. Reopening takes ~0.1 s, so a longer value costs nothing on a healthy kiosk."""


class SilentInput(DeviceError):
    """The input delivers only digital silence (see DEAD_INPUT_MS)."""


class Backoff:
    """When to try a failed device again: ``failed()`` says how long to wait."""

    def __init__(self) -> None:
        self.delay = BACKOFF_FIRST_S
        self.next_try = 0.0

    def failed(self, now: float) -> float:
        wait = self.delay
        self.next_try = now + wait
        self.delay = min(self.delay * 2, BACKOFF_MAX_S)
        return wait

    def reset(self) -> None:
        self.delay = BACKOFF_FIRST_S
        self.next_try = 0.0


class OutputKeeper:
    """The speaker: opened on the first :meth:`check`, reopened with backoff whenever it fails."""

    def __init__(self, open_output: Callable[[], Player]) -> None:
        self._open = open_output
        self._backoff = Backoff()
        self.player: Player | None = None

    def check(self, now: float) -> None:
        """Call often; does nothing while the speaker is healthy or a retry is not yet due."""
        if self.player is not None and self.player.healthy():
            return
        if now < self._backoff.next_try:
            return
        if self.player is not None:
            log.error("speaker lost; reopening it")
            self.close()
        try:
            self.player = self._open()
        except DeviceError as exc:
            wait = self._backoff.failed(now)
            log.error("speaker: %s; trying again in %.1f s", exc, wait)
            return
        self._backoff.reset()

    def close(self) -> None:
        player, self.player = self.player, None
        close = getattr(player, "close", None)
        if close is not None:
            close()
