"""Degrade clean speech the way a kiosk's microphone hears it: noise, a competing talker, a
reverberant room, a telephone line, silence around the question, a quiet speaker.

Samples are float32 in [-1, 1]. Mixing is numpy with levels computed from signal power; the room
and the telephone line are sox's (``reverb``, ``sinc``, mu-law at 8 kHz), run with ``-R`` so the
output is repeatable.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from voice.audio import to_pcm
from voice.errors import VoiceError

FRAME_SECONDS = 0.02
ACTIVE_FLOOR_DB = 40.0
"""A frame counts as speech when its power is within this many dB of the loudest frame: the
synthesizers' leading and trailing silence (whose length differs per voice) is left out, so an
SNR means the same for a short and a long clip."""

HEADROOM_PEAK = 0.95
"""Mixtures louder than this are scaled down as a whole rather than clipped."""

LOW_LEVEL_DBFS = -35.0
"""Peak level of the "low level" condition: a soft-spoken person a metre from a laptop mic."""

PAD_SECONDS = (1.5, 2.5)
"""Silence before and after the question in the "pad" condition (a push-to-talk kiosk)."""

PAD_FLOOR_DBFS = -70.0
"""The padding is not digital zero (no microphone gives that) but a faint noise floor."""

REVERB = ("reverb", "50", "50", "80", "100", "20")
"""sox reverb: reverberance 50 %, HF damping 50 %, room scale 80 %, stereo depth 100 %,
pre-delay 20 ms: a mid-sized hall with hard walls."""

TELEPHONE_BAND = "300-3400"
"""The narrowband telephone channel, in Hz."""


def active_power(samples: np.ndarray, rate: int = 16_000) -> float:
    """Mean power of the frames that hold speech (see :data:`ACTIVE_FLOOR_DB`)."""
    n = max(1, int(FRAME_SECONDS * rate))
    usable = len(samples) // n * n
    if usable == 0:
        return float(np.mean(np.square(samples, dtype=np.float64))) if len(samples) else 0.0
    frames = samples[:usable].astype(np.float64).reshape(-1, n)
    power = np.mean(np.square(frames), axis=1)
    loudest = float(power.max())
    if loudest == 0.0:
        return 0.0
    return float(power[power >= loudest * 10 ** (-ACTIVE_FLOOR_DB / 10)].mean())


def _limit(samples: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak > HEADROOM_PEAK:
        samples = samples * (HEADROOM_PEAK / peak)
    return samples.astype(np.float32)


def mix_at_snr(signal: np.ndarray, interference: np.ndarray, snr_db: float) -> np.ndarray:
    """``signal + g * interference`` with ``g`` set so that speech power over interference power
    is ``snr_db``; both powers are active-frame powers."""
    p_signal = active_power(signal)
    p_interference = active_power(interference)
    if p_signal == 0.0 or p_interference == 0.0:
        return signal.astype(np.float32)
    gain = np.sqrt(p_signal / (p_interference * 10 ** (snr_db / 10)))
    return _limit(signal + gain * interference[: len(signal)])


def pink_noise(length: int, rng: np.random.Generator) -> np.ndarray:
    """Noise with a 1/f spectrum (fans, traffic, a crowd far away): white noise shaped in the
    frequency domain."""
    white = rng.standard_normal(length)
    spectrum = np.fft.rfft(white)
    freqs = np.arange(len(spectrum), dtype=np.float64)
    freqs[0] = 1.0
    pink = np.fft.irfft(spectrum / np.sqrt(freqs), n=length)
    return (pink / (np.max(np.abs(pink)) or 1.0)).astype(np.float32)


def add_noise(signal: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    return mix_at_snr(signal, noise, snr_db)


def add_talker(
    signal: np.ndarray, talker: np.ndarray, snr_db: float, rng: np.random.Generator
) -> np.ndarray:
    """A second person speaking at the same time: ``talker`` looped to the signal's length and
    started at a random point."""
    if len(talker) == 0:
        return signal
    repeats = int(np.ceil((len(signal) + len(talker)) / len(talker)))
    looped = np.tile(talker, repeats)
    start = int(rng.integers(len(talker)))
    return mix_at_snr(signal, looped[start : start + len(signal)], snr_db)


def scale_to_peak(signal: np.ndarray, peak_dbfs: float) -> np.ndarray:
    peak = float(np.max(np.abs(signal))) if len(signal) else 0.0
    if peak == 0.0:
        return signal
    return (signal * (10 ** (peak_dbfs / 20) / peak)).astype(np.float32)


def pad_silence(signal: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    before, after = (int(s * rate) for s in PAD_SECONDS)
    padded = np.concatenate(
        [np.zeros(before, np.float32), signal, np.zeros(after, np.float32)]
    ).astype(np.float32)
    floor = 10 ** (PAD_FLOOR_DBFS / 20)
    return (padded + floor * rng.standard_normal(len(padded))).astype(np.float32)


def _sox(signal: np.ndarray, rate: int, effects: list[str], out_options: list[str]) -> np.ndarray:
    with tempfile.TemporaryDirectory(prefix="voice-sox-") as tmp:
        source, target = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        soundfile.write(str(source), signal, rate, subtype="FLOAT")
        command = ["sox", "-R", "-V1", str(source), *out_options, str(target), *effects]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceError(f"sox failed ({' '.join(effects)}): {exc}") from None
        data, out_rate = soundfile.read(str(target), dtype="float32", always_2d=True)
    return to_pcm(data, out_rate).samples.astype(np.float32) / 32768.0


def reverb(signal: np.ndarray, rate: int) -> np.ndarray:
    """A reverberant room (sox ``reverb``), with the tail allowed to ring out."""
    wet = _sox(signal, rate, ["pad", "0", "0.6", *REVERB, "channels", "1"], [])
    return _limit(wet)


def telephone(signal: np.ndarray, rate: int) -> np.ndarray:
    """A telephone line: band-limited to 300-3400 Hz, 8 kHz, mu-law coded; back at ``rate``."""
    return _sox(signal, rate, ["sinc", TELEPHONE_BAND], ["-r", "8000", "-e", "u-law", "-b", "8"])
