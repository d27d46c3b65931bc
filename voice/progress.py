"""A one-line progress bar on a terminal's stderr (nothing at all when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Call with (done, total); redraws at most ten times a second and once at the end."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._drawn < 0.1:
            return
        self._drawn = now
        filled = int(WIDTH * done / total) if total else WIDTH
        elapsed = now - self.started
        eta = elapsed / done * (total - done) if done else 0.0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}"
            f"  {elapsed:.0f} s, {eta:.0f} s left "
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
