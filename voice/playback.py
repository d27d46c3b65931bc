"""Play rendered speech on an output device with sounddevice (PortAudio)."""

from __future__ import annotations

import logging

import numpy as np
import soxr

from voice.devices import resolve_device
from voice.errors import DeviceError
from voice.tts import SpeechAudio

log = logging.getLogger(__name__)


def play(audio: SpeechAudio, device: int | str | None = None) -> None:
    """Play ``audio`` to the end (blocking). Resamples when the device refuses the audio's rate."""
    import sounddevice as sd

    index = resolve_device(device, kind="output")
    samples = audio.samples.astype(np.float32)
    rate = audio.rate
    try:
        sd.check_output_settings(device=index, samplerate=rate, channels=1, dtype="float32")
    except sd.PortAudioError:
        native = int(sd.query_devices(index, "output")["default_samplerate"])
        samples = soxr.resample(samples, rate, native).astype(np.float32)
        rate = native
    try:
        sd.play(samples, rate, device=index, blocking=True)
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot play on output device {device!r}: {exc}") from None
