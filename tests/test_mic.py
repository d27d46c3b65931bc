"""The microphone's reader without a device: blocks go in through the audio callback, as
PortAudio would deliver them, and 16 kHz frames come out (tests/test_audio_devices.py does the
same through a real, virtual, sound card)."""

from __future__ import annotations

import itertools

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.mic import Microphone
from voice.vad import FRAME_MS

FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2


def _feed(mic: Microphone, samples: np.ndarray, block: int) -> None:
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block]
        mic._callback(chunk.astype("<i2").tobytes(), len(chunk), None, None)


def _tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return np.rint(8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def test_a_48_khz_device_is_resampled_to_16_khz_frames() -> None:
    mic = Microphone()
    mic.rate = 48_000  # what a device that refuses 16 kHz is opened at
    _feed(mic, _tone(48_000, 1.0), block=48_000 * FRAME_MS // 1000)
    frames = list(itertools.islice(mic.frames(), 30))  # 0.9 s: less than the resampler's output
    assert {len(f) for f in frames} == {FRAME_BYTES}
    out = np.frombuffer(b"".join(frames), dtype="<i2").astype(np.float32)[1600:]
    spectrum = np.abs(np.fft.rfft(out))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(out)
    assert abs(peak_hz - 440) < 5
    assert 0.9 < np.abs(out).max() / 8000 < 1.1


def test_muted_input_is_dropped_and_the_echo_tail_after_unmuting() -> None:
    mic = Microphone()
    _feed(mic, np.full(SAMPLE_RATE, 1, np.int16), block=480)
    mic.mute()
    _feed(mic, np.full(SAMPLE_RATE, 2, np.int16), block=480)  # the answer playing
    mic.unmute(discard_ms=300)
    _feed(mic, np.full(SAMPLE_RATE * 3 // 10, 3, np.int16), block=480)  # its echo
    _feed(mic, np.full(SAMPLE_RATE, 4, np.int16), block=480)  # the next question
    first = next(mic.frames())
    assert set(np.frombuffer(first, dtype="<i2")) == {4}
