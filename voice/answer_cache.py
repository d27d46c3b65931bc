"""Answers rendered to audio once and kept on disk, so a kiosk plays an answer the moment it is
chosen instead of synthesizing it while the visitor waits (espeak-ng takes 0.1-0.5 s for a long
answer on this machine, more on a small board).

Each clip is a WAV file under ``cache_dir()/answers/`` named by a hash of the text, the voice and
the speaking rate: a changed answer gets a new name and is the only one rendered again; clips of
texts no longer used are left for ``voice`` to never read again (they are small; delete the
folder to reclaim them).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voice.cache import cache_dir
from voice.errors import VoiceError
from voice.tts import Speaker, SpeechAudio

log = logging.getLogger(__name__)

FORMAT_VERSION = "1"
"""Part of every key: bump it when the way clips are rendered or stored changes."""


def clip_key(text: str, voice: str, rate: int) -> str:
    """The file name stem for ``text`` spoken by ``voice`` at ``rate`` words per minute."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{voice}\0{rate}\0{text}".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class PrepareReport:
    """What :meth:`AnswerCache.prepare` did: counts, and the texts that could not be rendered."""

    rendered: int
    reused: int
    failed: tuple[tuple[str, str], ...]
    """(text, why) for every text that has no audio."""


class AnswerCache:
    """Rendered speech for known texts: in memory for the texts in use, on disk for all runs."""

    def __init__(self, speaker: Speaker, voice: str, rate: int, folder: Path | None = None):
        self.speaker = speaker
        self.voice = voice
        self.rate = rate
        self.folder = folder if folder is not None else cache_dir() / "answers"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._clips: dict[str, SpeechAudio] = {}

    def path(self, text: str) -> Path:
        return self.folder / f"{clip_key(text, self.voice, self.rate)}.wav"

    def prepare(self, texts: Iterable[str]) -> PrepareReport:
        """Load or render every text. One that cannot be rendered is logged and reported, and
        the others go on: a kiosk that cannot say one answer can still say the rest."""
        rendered = reused = 0
        failed: list[tuple[str, str]] = []
        wanted = list(dict.fromkeys(t for t in texts if t.strip()))
        clips: dict[str, SpeechAudio] = {}
        for text in wanted:
            try:
                audio, fresh = self._load_or_render(text)
            except VoiceError as exc:
                log.error("no audio for %r: %s", text[:60], exc)
                failed.append((text, str(exc)))
                continue
            clips[text] = audio
            rendered += fresh
            reused += not fresh
        self._clips = clips
        log.info(
            "answer audio: %d rendered, %d from the cache, %d failed", rendered, reused, len(failed)
        )
        return PrepareReport(rendered, reused, tuple(failed))

    def get(self, text: str) -> SpeechAudio:
        """The audio of ``text``: from memory, else the disk, else rendered now (and kept)."""
        audio = self._clips.get(text)
        if audio is None:
            audio, _ = self._load_or_render(text)
            self._clips[text] = audio
        return audio

    def _load_or_render(self, text: str) -> tuple[SpeechAudio, bool]:
        """(audio, whether it was rendered now)."""
        path = self.path(text)
        if path.exists():
            try:
                samples, rate = soundfile.read(str(path), dtype="float32")
                return SpeechAudio(np.asarray(samples, dtype=np.float32), int(rate)), False
            except (OSError, RuntimeError) as exc:  # a damaged file: render it again
                log.warning("cached clip %s unreadable (%s); rendering again", path, exc)
        audio = self.speaker.render(text)
        try:
            _write_atomically(path, audio)
        except (OSError, RuntimeError) as exc:  # a full or read-only disk: play it from memory
            log.warning("cannot keep the clip of %r in %s: %s", text[:60], self.folder, exc)
        return audio, True


def _write_atomically(path: Path, audio: SpeechAudio) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a clip to be played."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".wav.part")
    os.close(handle)
    try:
        soundfile.write(temporary, audio.samples, audio.rate, format="WAV", subtype="PCM_16")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
