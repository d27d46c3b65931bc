"""Speech recognizers behind one small streaming interface.

A :class:`Recognizer` is loaded once (models are big); each utterance gets a
:class:`RecognizerStream`: feed it 16 kHz mono int16 PCM chunks, read partial text while the person
speaks, and get the final :class:`Transcript` at the end. Files and the microphone use the same
interface. Engines live in their own modules and are imported lazily, so ``voice --help`` and most
tests never load them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from voice.errors import ModelError

ENGINES = ("auto", "vosk", "pocketsphinx")


@dataclass(frozen=True)
class Transcript:
    """Best text first; ``alternatives`` are the recognizer's other hypotheses, best first."""

    text: str
    alternatives: tuple[str, ...] = field(default=())

    @property
    def hypotheses(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for text in (self.text, *self.alternatives):
            if text.strip():
                seen.setdefault(text, None)
        return tuple(seen)


class RecognizerStream(Protocol):
    """One utterance being recognized."""

    def accept(self, pcm: bytes) -> None:
        """Feed 16 kHz mono little-endian int16 samples."""

    def partial(self) -> str:
        """Text recognized so far (may change)."""

    def finish(self) -> Transcript:
        """End the utterance and return the final transcript."""


@runtime_checkable
class LiveFinish(Protocol):
    """A stream that can end its utterance from its live decode, without a second pass."""

    def finish_live(self) -> Transcript:
        """Like ``finish()``, from what :meth:`RecognizerStream.partial` has decoded so far."""


def finish_quickly(stream: RecognizerStream) -> Transcript:
    """The final transcript as fast as the engine can give it: from the live decode when the
    stream offers one (PocketSphinx's ``finish()`` decodes the whole utterance again for batch
    cepstral-mean accuracy), else ``finish()`` (Vosk decodes live anyway). For a listener
    waiting on the answer; files use ``finish()``."""
    if isinstance(stream, LiveFinish):
        return stream.finish_live()
    return stream.finish()


def decode_fully(stream: RecognizerStream) -> Transcript | None:
    """The engine's full decode of an utterance already finished with :func:`finish_quickly`,
    or None when that finish was the full one already (Vosk). A second opinion for a live
    transcript the matcher refused (see voice.utterance.Utterance.decode_again)."""
    if isinstance(stream, LiveFinish):
        return stream.finish()
    return None


class Recognizer(Protocol):
    name: str

    def stream(self) -> RecognizerStream:
        """Start recognizing a new utterance."""


@dataclass(frozen=True)
class EngineChoice:
    engine: str
    model_dir: Path | None = None


def is_vosk_model(path: Path) -> bool:
    """A Vosk model folder holds an acoustic model (``am/final.mdl`` or ``final.mdl``)."""
    return (path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()


def find_vosk_models(models_root: Path) -> list[Path]:
    """Vosk model folders directly under ``models_root``, in name order."""
    if not models_root.is_dir():
        return []
    return sorted(p for p in models_root.iterdir() if p.is_dir() and is_vosk_model(p))


def choose_engine(
    requested: str, model_dir: Path | None, found_models: Sequence[Path]
) -> EngineChoice:
    """Pick the engine: ``auto`` prefers Vosk when a model is given or found, else PocketSphinx."""
    if requested not in ENGINES:
        raise ModelError(f"unknown engine {requested!r}; choose one of {', '.join(ENGINES)}")
    if model_dir is not None:
        if requested == "pocketsphinx":
            raise ModelError("--model names a Vosk model; it cannot be used with pocketsphinx")
        if not model_dir.is_dir():
            raise ModelError(f"{model_dir}: no such model folder")
        if not is_vosk_model(model_dir):
            raise ModelError(
                f"{model_dir}: not a Vosk model folder (no am/final.mdl); "
                "unpack a model from the Vosk models page into models/<name>/"
            )
        return EngineChoice("vosk", model_dir)
    if requested == "pocketsphinx":
        return EngineChoice("pocketsphinx")
    if found_models:
        return EngineChoice("vosk", found_models[0])
    if requested == "vosk":
        raise ModelError(
            "no Vosk model found under models/; pass --model DIR or use --engine pocketsphinx"
        )
    return EngineChoice("pocketsphinx")


def load_recognizer(choice: EngineChoice, vocabulary: Sequence[str] = ()) -> Recognizer:
    """Load the chosen engine. ``vocabulary`` is domain text (questions, answers) to bias toward."""
    if choice.engine == "vosk":
        from voice.asr.vosk import VoskRecognizer

        assert choice.model_dir is not None
        return VoskRecognizer(choice.model_dir, vocabulary)
    from voice.asr.pocketsphinx import PocketSphinxRecognizer

    return PocketSphinxRecognizer(vocabulary)


def recognize(recognizer: Recognizer, chunks: Sequence[bytes]) -> Transcript:
    """Recognize a whole utterance given as PCM chunks."""
    stream = recognizer.stream()
    for chunk in chunks:
        stream.accept(chunk)
    return stream.finish()
