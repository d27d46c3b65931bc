"""Measure recorded sound: where the speech is, how long it lasts, and whether it is the speech we
expected (its loudness contour matches a reference rendering of the same text)."""

from __future__ import annotations

import numpy as np
import soxr

FRAME_SECONDS = 0.01
SILENCE_DBFS = -50.0
"""Quieter than this is silence: a null sink's monitor is digital silence (-inf dB), and espeak's
quietest voiced frames are around -40 dBFS."""


MAX_OFFSET_SECONDS = 0.1
"""How far two renderings of the same speech may be shifted against each other after stretching
(where the first loud frame falls differs by up to ~20 ms)."""


def to_float(samples: np.ndarray) -> np.ndarray:
    data = np.asarray(samples)
    if np.issubdtype(data.dtype, np.integer):
        return data.astype(np.float32) / 32768.0
    return data.astype(np.float32)


def frame_dbfs(samples: np.ndarray, rate: int) -> np.ndarray:
    """Loudness of each 10 ms frame in dBFS."""
    data = to_float(samples)
    size = max(1, int(rate * FRAME_SECONDS))
    count = len(data) // size
    frames = data[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return np.asarray(20 * np.log10(np.maximum(rms, 1e-6)))


def active_span(samples: np.ndarray, rate: int) -> tuple[float, float] | None:
    """(start, end) in seconds from the first to the last non-silent frame; None if all silent."""
    loud = np.flatnonzero(frame_dbfs(samples, rate) > SILENCE_DBFS)
    if len(loud) == 0:
        return None
    return loud[0] * FRAME_SECONDS, (loud[-1] + 1) * FRAME_SECONDS


def active_seconds(samples: np.ndarray, rate: int) -> float:
    span = active_span(samples, rate)
    return 0.0 if span is None else span[1] - span[0]


def first_pause(samples: np.ndarray, rate: int, min_seconds: float) -> tuple[float, float] | None:
    """(start, end) in seconds of the first silence of at least ``min_seconds`` between two
    sounds (for example, between a question and its answer)."""
    loud = np.flatnonzero(frame_dbfs(samples, rate) > SILENCE_DBFS)
    gaps = np.flatnonzero(np.diff(loud) * FRAME_SECONDS >= min_seconds)
    if len(gaps) == 0:
        return None
    return (loud[gaps[0]] + 1) * FRAME_SECONDS, loud[gaps[0] + 1] * FRAME_SECONDS


def trailing_silence(samples: np.ndarray, rate: int) -> float:
    """Seconds of silence after the last sound (0 if nothing has sounded yet)."""
    span = active_span(samples, rate)
    return 0.0 if span is None else len(samples) / rate - span[1]


def contour_similarity(
    recorded: np.ndarray, recorded_rate: int, reference: np.ndarray, reference_rate: int
) -> float:
    """Correlation (-1..1) of the loudness contours of the two active spans, the recorded one
    stretched to the reference's length, at the best offset within :data:`MAX_OFFSET_SECONDS`.

    espeak-ng does not render a text the same way twice (phoneme timings vary by some
    milliseconds from call to call), so a recording is compared with a fresh rendering by shape:
    renderings of the same text score 0.85-1.0, of different texts below 0.4 (measured)."""
    a = frame_dbfs(_active(recorded, recorded_rate, reference_rate), reference_rate)
    b = frame_dbfs(_active(reference, reference_rate, reference_rate), reference_rate)
    if len(a) < 10 or len(b) < 10:
        return 0.0
    a = np.interp(np.linspace(0, len(a) - 1, len(b)), np.arange(len(a)), a)
    a, b = a.clip(SILENCE_DBFS - 10), b.clip(SILENCE_DBFS - 10)
    best = -1.0
    max_lag = int(MAX_OFFSET_SECONDS / FRAME_SECONDS)
    for lag in range(-max_lag, max_lag + 1):
        x, y = a[max(0, lag) :], b[max(0, -lag) :]
        n = min(len(x), len(y))
        best = max(best, float(np.corrcoef(x[:n], y[:n])[0, 1]))
    return best


def _active(samples: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    data = to_float(samples)
    if rate != to_rate:
        data = soxr.resample(data, rate, to_rate)
    span = active_span(data, to_rate)
    if span is None:
        return data[:0]
    return data[int(span[0] * to_rate) : int(span[1] * to_rate)]
