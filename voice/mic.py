"""Live capture with sounddevice: open the device at a rate it supports, resample to 16 kHz, and
hand out fixed-size frames. The audio callback only enqueues; all work happens in the reader."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import soxr

from voice.audio import SAMPLE_RATE
from voice.devices import (
    NO_DEVICE_HINT,
    _sounddevice,
    describe,
    native_stderr_to_log,
    pick_rate,
    resolve_device,
)
from voice.errors import DeviceError
from voice.vad import FRAME_MS

log = logging.getLogger(__name__)

SILENT_INPUT_SECONDS = 3.0
"""No audio at all for this long means the input has stopped (unplugged, server gone)."""


class Microphone:
    """A running input stream; iterate :meth:`frames` for 16 kHz int16 frames of ``FRAME_MS``."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._muted = threading.Event()
        self._discard = 0
        """Samples (at the device's rate) still to drop after unmuting."""
        self._stream: Any = None
        self.rate = SAMPLE_RATE

    def __enter__(self) -> Microphone:
        sd = _sounddevice()
        index = resolve_device(self.device, kind="input")
        try:
            self.rate = pick_rate(index, "input", SAMPLE_RATE, "int16")
            with native_stderr_to_log():
                self._stream = sd.RawInputStream(
                    samplerate=self.rate,
                    blocksize=int(self.rate * FRAME_MS / 1000),
                    device=index,
                    channels=1,
                    dtype="int16",
                    callback=self._callback,
                )
                self._stream.start()
        except (sd.PortAudioError, DeviceError) as exc:
            self.__exit__()
            raise DeviceError(
                f"cannot open the microphone ({describe(self.device)}: {exc}); {NO_DEVICE_HINT}"
            ) from None
        log.info("listening on device %s at %d Hz", index, self.rate)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            with native_stderr_to_log():
                self._stream.close()
            self._stream = None

    def _callback(self, data: Any, frames: int, time: Any, status: Any) -> None:
        if self._muted.is_set():
            return
        if self._discard > 0:  # only this thread changes it while unmuted
            self._discard -= frames
            return
        self._queue.put(bytes(data))

    def mute(self) -> None:
        """Stop hearing (half-duplex while the answer plays) and drop what was queued."""
        self._muted.set()
        self._drain()

    def unmute(self, discard_ms: int = 0) -> None:
        """Hear again, after dropping what was queued and the next ``discard_ms`` of audio (the
        echo of what was just played)."""
        self._drain()
        self._discard = self.rate * discard_ms // 1000
        self._muted.clear()

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def frames(self) -> Iterator[bytes]:
        frame_bytes = SAMPLE_RATE * FRAME_MS // 1000 * 2
        resampler = (
            soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="float32")
            if self.rate != SAMPLE_RATE
            else None
        )
        pending = b""
        while True:
            try:
                block = self._queue.get(timeout=SILENT_INPUT_SECONDS)
            except queue.Empty:
                if self._muted.is_set():
                    continue
                raise DeviceError(
                    f"no audio from the microphone ({describe(self.device)}) for "
                    f"{SILENT_INPUT_SECONDS:.0f} s"
                ) from None
            if resampler is not None:
                floats = np.frombuffer(block, dtype="<i2").astype(np.float32) / 32768.0
                out = resampler.resample_chunk(floats)
                block = np.clip(np.rint(out * 32768.0), -32768, 32767).astype("<i2").tobytes()
            pending += block
            while len(pending) >= frame_bytes:
                yield pending[:frame_bytes]
                pending = pending[frame_bytes:]
