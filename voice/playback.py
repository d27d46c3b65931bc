"""Play rendered speech on an output device with sounddevice (PortAudio)."""

from __future__ import annotations

import logging

import numpy as np
import soxr

from voice.devices import _sounddevice, describe, native_stderr_to_log, pick_rate, resolve_device
from voice.errors import DeviceError
from voice.tts import SpeechAudio

log = logging.getLogger(__name__)

LATENCY_S = 0.3
"""Output buffer. Answers are rendered before they play, so a deep buffer costs nothing at the
start and rides out the moments the process is not scheduled: with PortAudio's default (35 ms
here) a loaded machine put a 110 ms gap into a spoken answer."""


def play(audio: SpeechAudio, device: int | str | None = None) -> None:
    """Play ``audio`` to the end (blocking). Resamples when the device refuses the audio's rate."""
    sd = _sounddevice()
    index = resolve_device(device, kind="output")
    samples = np.ascontiguousarray(audio.samples, dtype=np.float32)
    try:
        rate = pick_rate(index, "output", audio.rate, "float32")
        if rate != audio.rate:
            samples = soxr.resample(samples, audio.rate, rate).astype(np.float32)
        with native_stderr_to_log():
            stream = sd.OutputStream(
                samplerate=rate, device=index, channels=1, dtype="float32", latency=LATENCY_S
            )
            stream.start()
        try:
            # stop() waits until PortAudio's buffer is drained, but through ALSA's pulse plugin
            # that is a buffer (the latency) before the sound ends: measured 35 ms early at the
            # default latency, 0.5 s early at 0.5 s. Silence of that length makes "played" mean
            # the last word has been heard, which half-duplex listening relies on.
            tail = np.zeros(int(stream.latency * rate), dtype=np.float32)
            if stream.write(np.concatenate([samples, tail])):
                log.warning("the speaker ran dry while playing (output underflow)")
            stream.stop()
        finally:
            with native_stderr_to_log():
                stream.close()
    except (sd.PortAudioError, DeviceError) as exc:
        raise DeviceError(f"cannot play on the speaker ({describe(device)}: {exc})") from None
    log.debug("played %.2f s on output device %d at %d Hz", audio.seconds, index, rate)
