"""End-of-utterance detection: a pure state machine fed with is-speech booleans, and a simple
energy detector that adapts to the room's noise floor to produce those booleans."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

import numpy as np

FRAME_MS = 30
"""Decision frame: short enough for a crisp endpoint, long enough for a stable energy value."""

START_MS = 120
"""Speech must last this long to start an utterance, so a click or a cough does not."""

END_SILENCE_MS = 700
"""Silence that ends an utterance: long enough for the pause between words and short phrases
("peace talks ... in Ukraine"), short enough that the answer does not keep people waiting."""

MAX_UTTERANCE_MS = 15_000
"""A question longer than this is cut and answered; nobody asks a kiosk for longer."""

PREROLL_MS = 300
"""Audio kept from before the detected start, so the first consonant is not lost."""

SPEECH_MARGIN_DB = 12.0
"""A frame is speech when it is this much louder than the tracked noise floor."""

MIN_SPEECH_DBFS = -55.0
"""Frames quieter than this are never speech (digital silence, idle devices)."""


class Event(Enum):
    SILENCE = "silence"
    START = "start"
    SPEECH = "speech"
    END = "end"


@dataclass
class Endpointer:
    """Turns a sequence of is-speech booleans (one per frame) into utterance events."""

    frame_ms: int = FRAME_MS
    start_ms: int = START_MS
    end_silence_ms: int = END_SILENCE_MS
    max_utterance_ms: int = MAX_UTTERANCE_MS

    def __post_init__(self) -> None:
        self._start_frames = max(1, math.ceil(self.start_ms / self.frame_ms))
        self._end_frames = max(1, math.ceil(self.end_silence_ms / self.frame_ms))
        self._max_frames = max(1, self.max_utterance_ms // self.frame_ms)
        self.reset()

    def reset(self) -> None:
        self.in_utterance = False
        self._run = 0
        self._silence = 0
        self._length = 0

    def update(self, is_speech: bool) -> Event:
        if not self.in_utterance:
            self._run = self._run + 1 if is_speech else 0
            if self._run >= self._start_frames:
                self.in_utterance = True
                self._length = self._run
                self._silence = 0
                return Event.START
            return Event.SILENCE
        self._length += 1
        self._silence = 0 if is_speech else self._silence + 1
        if self._silence >= self._end_frames or self._length >= self._max_frames:
            self.reset()
            return Event.END
        return Event.SPEECH

    @property
    def start_frames(self) -> int:
        return self._start_frames


class EnergyDetector:
    """Speech when a frame is clearly louder than the slowly tracked noise floor."""

    def __init__(self, margin_db: float = SPEECH_MARGIN_DB, floor_db: float = MIN_SPEECH_DBFS):
        self.margin_db = margin_db
        self.min_db = floor_db
        self.noise_db = floor_db

    def __call__(self, frame: bytes) -> bool:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32)
        rms = float(np.sqrt(np.mean(samples * samples))) if len(samples) else 0.0
        level = 20 * math.log10(max(rms, 1.0) / 32768.0)
        speech = level > max(self.noise_db + self.margin_db, self.min_db)
        # The floor falls fast (quiet moments) and rises slowly (steady noise), never on speech.
        if level < self.noise_db:
            self.noise_db = 0.7 * self.noise_db + 0.3 * level
        elif not speech:
            self.noise_db = 0.98 * self.noise_db + 0.02 * level
        return speech


@dataclass(frozen=True)
class Segment:
    """One step of the segmenter: the event, and the frames that belong to the utterance."""

    event: Event
    frames: tuple[bytes, ...] = ()


def segment(
    frames: Iterable[bytes],
    endpointer: Endpointer | None = None,
    detector: EnergyDetector | None = None,
    preroll_ms: int = PREROLL_MS,
) -> Iterator[Segment]:
    """Utterance events from a stream of frames: START carries the pre-roll and the start-up
    frames, SPEECH each following frame, END the last one."""
    endpointer = endpointer or Endpointer()
    detector = detector or EnergyDetector()
    keep = endpointer.start_frames + max(0, preroll_ms // endpointer.frame_ms)
    recent: deque[bytes] = deque(maxlen=keep)
    for frame in frames:
        event = endpointer.update(detector(frame))
        if event is Event.SILENCE:
            recent.append(frame)
            yield Segment(event)
        elif event is Event.START:
            recent.append(frame)
            yield Segment(event, tuple(recent))
            recent.clear()
        else:
            yield Segment(event, (frame,))
