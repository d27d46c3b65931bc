"""Running ``voice kiosk`` on the test sound server, and timing sounds on two recordings.

A :class:`TimedRecorder` knows when each of its samples was heard (the null sinks run on the
system clock), so the end of a question recorded in the room and the start of its answer recorded
at the speaker can be compared: that difference is the response latency through the real path.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from tests.levels import frame_dbfs
from tests.process import LiveProcess
from tests.pulse import RECORD_RATE, ROOM, PulseServer, Recorder

STARTUP_TIMEOUT = 90.0
"""Start-up to "kiosk: listening": the seeds, the language model (built once, then cached),
the recognizer (~0.6 s) and every answer rendered (once, then cached)."""

SOUND_DBFS = -50.0
"""A 10 ms frame louder than this is sound (tests/levels.py's threshold)."""


def kiosk(pulse: PulseServer, seeds: Path, cache: Path, *args: str) -> LiveProcess:
    """``voice kiosk`` hearing the room and speaking into the speaker, started and listening."""
    env = pulse.assistant_env()
    env["VOICE_CACHE"] = str(cache)
    process = LiveProcess(["kiosk", "--seeds", str(seeds), *args], env)
    process.expect_stderr(r"^kiosk: listening", STARTUP_TIMEOUT)
    return process


class TimedRecorder(Recorder):
    """A recorder that also estimates the monotonic time of its first sample: the earliest
    ``arrival - samples_before / rate`` over all reads (a late read only makes a later one)."""

    def __init__(self, server: PulseServer, source: str) -> None:
        super().__init__(server, source)
        self.origin = float("inf")

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while chunk := os.read(fd, 4096):
            now = time.monotonic()
            with self._changed:
                self._data.extend(chunk)
                total = len(self._data) // 2
                self.origin = min(self.origin, now - total / RECORD_RATE)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def sound_spans(self, after: float = 0.0, min_gap: float = 0.3) -> list[tuple[float, float]]:
        """(start, end) monotonic times of the sounds heard after ``after``, a gap shorter than
        ``min_gap`` s not splitting a sound."""
        levels = frame_dbfs(self.samples(), RECORD_RATE)
        loud = np.flatnonzero(levels > SOUND_DBFS)
        spans: list[tuple[float, float]] = []
        for index in loud:
            at = self.origin + index * 0.01
            if at < after:
                continue
            if spans and at - spans[-1][1] < min_gap:
                spans[-1] = (spans[-1][0], at + 0.01)
            else:
                spans.append((at, at + 0.01))
        return spans


def timed_recording(pulse: PulseServer, source: str) -> TimedRecorder:
    recorder = TimedRecorder(pulse, source)
    recorder.start()
    return recorder


def room_recording(pulse: PulseServer) -> TimedRecorder:
    return timed_recording(pulse, f"{ROOM}.monitor")
