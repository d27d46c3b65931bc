"""Stand-ins for the kiosk's devices, so its loop can be driven by recorded audio as fast as it
goes (unit tests, the 1,000-question soak) while the real audio path is tested separately."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from voice.audio import SAMPLE_RATE, read_audio
from voice.errors import DeviceError
from voice.tts import SpeechAudio
from voice.vad import FRAME_MS

FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000


def frames_of(samples: np.ndarray) -> list[bytes]:
    """``samples`` (int16) cut into kiosk frames, the last one padded with silence."""
    padded = np.zeros(-(-len(samples) // FRAME_SAMPLES) * FRAME_SAMPLES, dtype="<i2")
    padded[: len(samples)] = samples
    return [padded[i : i + FRAME_SAMPLES].tobytes() for i in range(0, len(padded), FRAME_SAMPLES)]


def silence(ms: int) -> list[bytes]:
    return frames_of(np.zeros(SAMPLE_RATE * ms // 1000, dtype="<i2"))


def question_frames(path: Path) -> list[bytes]:
    return frames_of(read_audio(path, 60).samples)


class FrameFeed:
    """A microphone that hands out the given frames as fast as they are taken; at their end it
    calls ``at_end`` (e.g. ``kiosk.stop``), or reports the input lost when there is none."""

    def __init__(self, frames: Iterable[bytes], at_end: object = None) -> None:
        self._frames = frames
        self._at_end = at_end

    def __enter__(self) -> FrameFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def frames(self) -> Iterator[bytes]:
        yield from self._frames
        if callable(self._at_end):
            self._at_end()
            yield silence(FRAME_MS)[0]  # the loop notices the stop at its next frame
            return
        raise DeviceError("feed ended")


class InstantPlayer:
    """A speaker that has played each clip the moment it is handed over; keeps what it got."""

    def __init__(self) -> None:
        self.played: list[tuple[float, SpeechAudio]] = []
        self.stops = 0

    def play(self, audio: SpeechAudio) -> None:
        self.played.append((time.perf_counter(), audio))

    def stop(self) -> None:
        self.stops += 1

    def busy(self) -> bool:
        return False

    def first_sample_at(self) -> float | None:
        return self.played[-1][0] if self.played else None

    def healthy(self) -> bool:
        return True


class ToneSpeaker:
    """Renders any text as a tone whose length grows with the text (no synthesizer needed);
    fails on the texts listed in ``broken``, as a synthesizer that chokes on one answer would."""

    def __init__(self, broken: Iterable[str] = ()) -> None:
        self.broken = set(broken)
        self.rendered: list[str] = []

    def render(self, text: str) -> SpeechAudio:
        from voice.tts import SpeechError

        if text in self.broken:
            raise SpeechError(f"cannot render {text[:20]!r}")
        self.rendered.append(text)
        rate = 16_000
        n = rate * (len(text) % 17 + 5) // 100
        tone = 0.1 * np.sin(np.arange(n) * 2 * np.pi * 440 / rate).astype(np.float32)
        return SpeechAudio(tone, rate)


SHORT_SEEDS = """Why have peace negotiations in Ukraine failed?
Because of deep disagreements, no trust, and fighting that goes on. Russia blames European \
countries for interfering, while both sides pursue territorial claims by military means. Despite \
diplomatic efforts like the Anchorage summit, no breakthrough has been achieved, and the \
fighting persists across the whole front line.
-
What role are European countries playing in the impasse?
They press for talks and support Ukraine.
-
What are the latest developments in Ukraine fighting?
The fighting continues, with more attacks.
-
Could peace talks resume soon?
Not soon, both sides say.
-
What is Russia's current stance on peace negotiations?
That talks have stalled.
"""
"""The standard seed questions with short answers (a test waits for each answer to end), except
the first, which is long enough to be interrupted."""


def write_seeds(folder: Path, text: str = SHORT_SEEDS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.txt"
    path.write_text(text, encoding="utf-8")
    return folder
