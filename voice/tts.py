"""Text to speech: render answers to audio with pyttsx3 (espeak-ng), then play or save it.

pyttsx3's espeak driver plays through ``aplay`` and (2.99) may speak only the first utterance of a
process; rendering each answer to a WAV and playing it with sounddevice avoids both, and gives the
same audio for the speaker and for ``--save-dir``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile

from voice.errors import VoiceError

log = logging.getLogger(__name__)


class SpeechError(VoiceError):
    """Text could not be turned into speech."""


@dataclass(frozen=True)
class SpeechAudio:
    """Mono float32 samples in [-1, 1] at ``rate`` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


class Speaker(Protocol):
    def render(self, text: str) -> SpeechAudio:
        """Synthesize ``text``."""


class Pyttsx3Speaker:
    """pyttsx3 with the espeak-ng driver, one engine for the whole process."""

    def __init__(self, voice: str | None = None, rate: int | None = None) -> None:
        self._voice = voice
        self._rate = rate
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._engine is None:
            try:
                import pyttsx3

                engine = pyttsx3.init("espeak")
            except Exception as exc:  # pyttsx3 raises bare errors when espeak-ng is missing
                raise SpeechError(
                    f"text to speech is not available ({exc}); install espeak-ng"
                ) from None
            if self._voice:
                engine.setProperty("voice", self._voice)
            if self._rate:
                engine.setProperty("rate", self._rate)
            self._engine = engine
        return self._engine

    def render(self, text: str) -> SpeechAudio:
        with self._lock, tempfile.TemporaryDirectory(prefix="voice-tts-") as tmp:
            engine = self._load()
            path = Path(tmp) / "speech.wav"
            # The espeak driver prints "Audio saved to ..." on stdout; keep our stdout clean.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            if not path.exists() or path.stat().st_size == 0:
                raise SpeechError(f"espeak-ng produced no audio for {text[:40]!r}")
            samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        if len(samples) == 0:
            raise SpeechError(f"espeak-ng produced no audio for {text[:40]!r}")
        return SpeechAudio(samples.mean(axis=1), int(rate))
