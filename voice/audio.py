"""Audio in: any file -> 16 kHz mono 16-bit PCM, the one format every recognizer is fed.

Decoding is libsndfile's (via soundfile: WAV, FLAC, OGG/Vorbis/Opus, MP3 and more) and resampling
is soxr's; nothing here is hand-written DSP.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import soxr

from voice.errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Every recognizer gets 16 kHz: both engines' acoustic models are trained on it."""

MAX_QUESTION_SECONDS = 60.0
"""A spoken question longer than a minute is almost surely the wrong file (a lecture, a podcast);
decoding it would take minutes and the match would be noise. Overridable per call."""

TRUNCATED_FRACTION = 0.9
"""Warn when a file holds less than this share of the frames its header promises (MP3 headers
only estimate their length, so a small shortfall is normal)."""

CHUNK_SECONDS = 0.1
"""Streaming chunk size: small enough for live partial results, large enough to be cheap."""


@dataclass(frozen=True)
class Pcm:
    """16 kHz mono signed 16-bit samples."""

    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def to_bytes(self) -> bytes:
        return self.samples.astype("<i2", copy=False).tobytes()

    def chunks(self, seconds: float = CHUNK_SECONDS) -> Iterator[bytes]:
        step = max(1, int(seconds * SAMPLE_RATE))
        for start in range(0, len(self.samples), step):
            yield self.samples[start : start + step].astype("<i2", copy=False).tobytes()


LEVEL_FRAME_BYTES = SAMPLE_RATE // 100 * 2
"""10 ms of 16 kHz int16 audio: the frame :func:`frame_levels` measures."""


def frame_levels(pcm: bytes) -> np.ndarray:
    """The level in dB of each whole 10 ms frame of 16 kHz int16 ``pcm`` (0 dB: digital
    silence), for judging speech against what surrounds it."""
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % LEVEL_FRAME_BYTES], dtype="<i2")
    frames = samples.reshape(-1, LEVEL_FRAME_BYTES // 2).astype(np.float64)
    return 10 * np.log10(np.mean(frames * frames, axis=1) + 1.0)


def to_pcm(audio: np.ndarray, rate: int) -> Pcm:
    """Mix to mono, resample to 16 kHz and convert float or int samples to int16."""
    data = np.asarray(audio)
    if data.ndim == 2:
        data = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if np.issubdtype(data.dtype, np.integer):
        scale = float(np.iinfo(data.dtype).max) + 1.0
        data = data.astype(np.float32) / scale
    data = data.astype(np.float32, copy=False)
    if rate != SAMPLE_RATE and len(data):
        data = soxr.resample(data, rate, SAMPLE_RATE, quality="HQ")
    samples = np.clip(np.rint(data * 32767.0), -32768, 32767).astype(np.int16)
    return Pcm(samples)


def read_audio(path: Path, max_seconds: float = MAX_QUESTION_SECONDS) -> Pcm:
    """Read an audio file as 16 kHz mono PCM, or raise :class:`AudioError` saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a folder, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: file is empty (0 bytes)")
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise AudioError(
            f"{path}: not a readable audio file ({_reason(exc)}); use WAV, FLAC, OGG or MP3"
        ) from None
    if info.frames > 0 and info.duration > max_seconds:
        raise AudioError(
            f"{path}: {info.duration:.0f} s long; questions longer than {max_seconds:.0f} s "
            "are not answered (cut the question out, or raise --max-seconds)"
        )
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"{path}: audio data cannot be decoded ({_reason(exc)})") from None
    if len(data) == 0:
        raise AudioError(f"{path}: contains no audio samples")
    if info.frames > 0 and len(data) < TRUNCATED_FRACTION * info.frames:
        log.warning(
            "%s: truncated (header promises %.2f s, file holds %.2f s); using what is there",
            path,
            info.duration,
            len(data) / rate,
        )
    if len(data) / rate > max_seconds:
        raise AudioError(f"{path}: longer than {max_seconds:.0f} s; not answered")
    return to_pcm(data, rate)


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ", 1)[-1].strip() or type(exc).__name__


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write samples (float in [-1, 1] or int16) as a 16-bit WAV file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
