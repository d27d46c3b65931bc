"""Text to speech: render answers to audio with espeak-ng (through pyttsx3's binding), then play or
save it.

pyttsx3 2.99's own espeak driver is not used: its ``save_to_file`` runs espeak-ng in asynchronous
mode and returns before the audio is written (long answers get no file at all, and the next call
cancels the one still running), and its ``say`` plays through ``aplay``. Instead, libespeak-ng is
driven through pyttsx3's ctypes binding in synchronous mode: ``Synth`` returns once every sample has
been handed to our callback. The same audio then goes to the speaker and to ``--save-dir``.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voice.errors import VoiceError

log = logging.getLogger(__name__)

DEFAULT_RATE_WPM = 200
"""Speaking rate in words per minute: pyttsx3's default, which answers were spoken at before; a
long answer (350 characters) takes about 18 s, and slower only keeps the next person waiting."""

DEFAULT_VOICE = "en"
"""espeak-ng's English voice, the one pyttsx3 chose by default. Set on every render, because the
voice is global to the process and another speaker may have changed it."""

BUFFER_MS = 500
"""Audio handed to the callback at once: any value works; fewer calls are cheaper."""


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


_espeak_lock = threading.Lock()
"""libespeak-ng holds one global synthesizer per process: one render at a time."""

_espeak_rate: int | None = None
"""The sample rate returned by the one ``espeak_Initialize`` a process may make."""


def _espeak() -> tuple[Any, int]:
    """pyttsx3's libespeak-ng binding, initialized once in synchronous mode; call under the lock."""
    global _espeak_rate
    try:
        from pyttsx3.drivers import _espeak as espeak
    except Exception as exc:  # the binding raises a bare RuntimeError when espeak-ng is missing
        raise SpeechError(f"text to speech is not available ({exc}); install espeak-ng") from None
    if _espeak_rate is None:
        rate = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS)
        if rate <= 0:
            raise SpeechError("espeak-ng could not start (espeak_Initialize failed)")
        _espeak_rate = int(rate)
    return espeak, _espeak_rate


class Pyttsx3Speaker:
    """espeak-ng through pyttsx3's binding; ``voice`` is an espeak-ng voice name (``en-us``)."""

    def __init__(self, voice: str | None = None, rate: int | None = None) -> None:
        self._voice = voice or DEFAULT_VOICE
        self._rate = rate or DEFAULT_RATE_WPM

    def render(self, text: str) -> SpeechAudio:
        chunks: list[bytes] = []

        def collect(wav: Any, count: int, events: Any) -> int:
            if wav and count > 0:
                chunks.append(ctypes.string_at(wav, count * 2))
            return 0  # go on

        with _espeak_lock:
            espeak, sample_rate = _espeak()
            if espeak.SetVoiceByName(self._voice.encode()) != espeak.EE_OK:
                raise SpeechError(
                    f"espeak-ng has no voice {self._voice!r}; see: espeak-ng --voices"
                )
            espeak.SetParameter(espeak.RATE, self._rate, 0)
            espeak.SetSynthCallback(collect)
            status = espeak.Synth(text.encode("utf-8"), flags=espeak.ENDPAUSE | espeak.CHARS_UTF8)
        if status != espeak.EE_OK:
            raise SpeechError(f"espeak-ng failed ({status}) on {text[:40]!r}")
        samples = np.frombuffer(b"".join(chunks), dtype="<i2")
        if len(samples) == 0:
            raise SpeechError(f"espeak-ng produced no audio for {text[:40]!r}")
        log.debug(
            "rendered %d characters as %.2f s of speech", len(text), len(samples) / sample_rate
        )
        return SpeechAudio(samples.astype(np.float32) / 32768.0, sample_rate)
