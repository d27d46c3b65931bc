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
from voice.devices import _sounddevice, resolve_device
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
        self._stream: Any = None
        self.rate = SAMPLE_RATE

    def __enter__(self) -> Microphone:
        sd = _sounddevice()
        index = resolve_device(self.device, kind="input")
        try:
            sd.check_input_settings(device=index, samplerate=SAMPLE_RATE, channels=1, dtype="int16")
            self.rate = SAMPLE_RATE
        except sd.PortAudioError:
            self.rate = int(sd.query_devices(index, "input")["default_samplerate"])
        try:
            self._stream = sd.RawInputStream(
                samplerate=self.rate,
                blocksize=int(self.rate * FRAME_MS / 1000),
                device=index,
                channels=1,
                dtype="int16",
                callback=self._callback,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot open input device {self.device!r}: {exc}") from None
        log.info("listening on device %s at %d Hz", index, self.rate)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _callback(self, data: Any, frames: int, time: Any, status: Any) -> None:
        if not self._muted.is_set():
            self._queue.put(bytes(data))

    def mute(self) -> None:
        """Stop hearing (half-duplex while the answer plays) and drop what was queued."""
        self._muted.set()
        self._drain()

    def unmute(self) -> None:
        self._drain()
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
                    f"no audio from input device {self.device!r} for {SILENT_INPUT_SECONDS:.0f} s"
                ) from None
            if resampler is not None:
                floats = np.frombuffer(block, dtype="<i2").astype(np.float32) / 32768.0
                out = resampler.resample_chunk(floats)
                block = np.clip(out * 32767.0, -32768, 32767).astype("<i2").tobytes()
            pending += block
            while len(pending) >= frame_bytes:
                yield pending[:frame_bytes]
                pending = pending[frame_bytes:]
