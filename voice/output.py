"""An output stream kept open for as long as the kiosk runs, so an answer starts the moment it is
handed over and can be cut short (barge-in).

:func:`voice.playback.play` opens a stream per answer with a deep buffer: fine for ``voice ask
--say``, but opening costs tens of milliseconds and the 0.3 s buffer delays the first sample by as
much. Here PortAudio pulls audio from a callback: silence while idle, the current clip while
answering. :meth:`Output.stop` empties it at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

import numpy as np
import soxr

from voice.devices import _sounddevice, describe, native_stderr_to_log, pick_rate, resolve_device
from voice.errors import DeviceError
from voice.tts import SpeechAudio

log = logging.getLogger(__name__)

OUTPUT_LATENCY_S = 0.1
"""Output buffer of the always-open stream: every millisecond of it is added to each answer's
latency. With audio already rendered the callback only copies samples, so a short buffer is safe:
at 0.1 s the kiosk benchmark (50 answers while PocketSphinx decodes on both cores) reported no
underflow; 0.03 s gave audible gaps under the same load."""

PREFERRED_RATE = 22_050
"""espeak-ng's own rate: a device that takes it plays cached clips without resampling."""


class Player(Protocol):
    """Where the kiosk's answers go: the real :class:`Output`, or a stand-in in benchmarks."""

    def play(self, audio: SpeechAudio) -> None:
        """Start playing ``audio`` now, replacing whatever is playing."""

    def stop(self) -> None:
        """Cut the current clip short."""

    def busy(self) -> bool:
        """True while a clip is still audible (its last sample not yet out of the buffer)."""

    def first_sample_at(self) -> float | None:
        """``time.perf_counter()`` when the current clip's first sample went to the device."""

    def healthy(self) -> bool:
        """False when the device has failed and must be reopened."""


class Output:
    """A running output stream on ``device`` (None: the system default, e.g. ``PULSE_SINK``)."""

    def __init__(self, device: int | str | None = None, latency: float = OUTPUT_LATENCY_S):
        self.device = device
        self.latency = latency
        self.rate = PREFERRED_RATE
        self._lock = threading.Lock()
        self._clip = np.zeros(0, dtype=np.float32)
        self._position = 0
        self._ended_at: float | None = None
        self._first_at: float | None = None
        self._stream: Any = None
        self._failed = False
        self.underflows = 0

    def open(self) -> None:
        """Open and start the stream; raises :class:`DeviceError` saying why it cannot."""
        sd = _sounddevice()
        index = resolve_device(self.device, kind="output")
        self._failed = False
        try:
            self.rate = pick_rate(index, "output", PREFERRED_RATE, "float32")
            with native_stderr_to_log():
                self._stream = sd.OutputStream(
                    samplerate=self.rate,
                    device=index,
                    channels=1,
                    dtype="float32",
                    latency=self.latency,
                    callback=self._callback,
                    finished_callback=self._finished,
                )
                self._stream.start()
        except (sd.PortAudioError, DeviceError) as exc:
            self.close()
            raise DeviceError(f"cannot open the speaker ({describe(self.device)}: {exc})") from None
        log.info("speaking on output device %s at %d Hz", index, self.rate)

    def close(self) -> None:
        if self._stream is not None:
            with native_stderr_to_log():
                self._stream.close()
            self._stream = None

    def __enter__(self) -> Output:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _callback(self, out: Any, frames: int, time_info: Any, status: Any) -> None:
        if status.output_underflow:
            self.underflows += 1
        with self._lock:
            left = len(self._clip) - self._position
            count = min(frames, max(left, 0))
            if count > 0:
                if self._position == 0:
                    self._first_at = time.perf_counter()
                out[:count, 0] = self._clip[self._position : self._position + count]
                self._position += count
                if self._position >= len(self._clip):
                    self._ended_at = time.perf_counter()
            out[count:, 0] = 0.0

    def _finished(self) -> None:
        """PortAudio stopped the stream by itself: the device is gone or failed."""
        if self._stream is not None:
            self._failed = True

    def play(self, audio: SpeechAudio) -> None:
        samples = np.ascontiguousarray(audio.samples, dtype=np.float32)
        if audio.rate != self.rate:
            samples = soxr.resample(samples, audio.rate, self.rate).astype(np.float32)
        with self._lock:
            self._clip = samples
            self._position = 0
            self._first_at = None
            self._ended_at = None

    def stop(self) -> None:
        with self._lock:
            if self._position < len(self._clip):
                self._ended_at = time.perf_counter()
            self._clip = np.zeros(0, dtype=np.float32)
            self._position = 0

    def busy(self) -> bool:
        with self._lock:
            if self._position < len(self._clip):
                return True
            ended = self._ended_at
        # The last samples are still in the device's buffer for about one latency.
        return ended is not None and time.perf_counter() - ended < self.latency

    def first_sample_at(self) -> float | None:
        with self._lock:
            return self._first_at

    def healthy(self) -> bool:
        stream = self._stream
        return stream is not None and not self._failed and bool(stream.active)
