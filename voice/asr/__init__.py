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

ENGINES = ("auto", "vosk", "whisper", "pocketsphinx", "pocketsphinx+whisper")
"""``pocketsphinx+whisper``: PocketSphinx's live decode answers when it is sure, Whisper decodes
the rest again (voice.asr.two_pass, voice.utterance.match_live); what ``auto`` gives the kiosk.
``voice eval`` with it matches Whisper's whole decode of every clip."""


def full_engine(engine: str) -> str:
    """The engine whose transcript a whole-utterance decode gives: the second of a pair
    (``pocketsphinx+whisper``: Whisper), else the engine itself."""
    return engine.rpartition("+")[2]


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
    requested: str,
    model_dir: Path | None,
    found_models: Sequence[Path],
    live: bool = False,
    korean: bool = False,
) -> EngineChoice:
    """Pick the engine: ``auto`` prefers Vosk when a model is given or found, else Whisper when
    its model package is installed, else PocketSphinx. ``model_dir`` may be a Vosk model or a
    CTranslate2 Whisper model folder. ``live``: answers are wanted the moment speech ends (the
    kiosk), so ``auto`` pairs the bundled Whisper with PocketSphinx's live decode. ``korean``:
    the knowledge base is in Korean, which PocketSphinx cannot hear, so ``auto`` without a Vosk
    model is Whisper alone (its multilingual model: voice.asr.whisper)."""
    from voice.asr.whisper import bundled_model, is_whisper_model

    if requested not in ENGINES:
        raise ModelError(f"unknown engine {requested!r}; choose one of {', '.join(ENGINES)}")
    if model_dir is not None:
        if requested.startswith("pocketsphinx"):
            raise ModelError(f"--model names a model folder; {requested} uses its own models")
        if not model_dir.is_dir():
            raise ModelError(f"{model_dir}: no such model folder")
        if requested in ("auto", "whisper") and is_whisper_model(model_dir):
            return EngineChoice("whisper", model_dir)
        if requested in ("auto", "vosk") and is_vosk_model(model_dir):
            return EngineChoice("vosk", model_dir)
        if requested == "whisper":
            raise ModelError(
                f"{model_dir}: not a CTranslate2 Whisper model folder "
                "(needs model.bin, config.json and tokenizer.json)"
            )
        also = "" if requested == "vosk" else " nor a Whisper model folder (model.bin)"
        raise ModelError(
            f"{model_dir}: not a Vosk model folder (no am/final.mdl){also}; "
            "unpack a model from the Vosk models page into models/<name>/"
        )
    if requested in ("pocketsphinx", "whisper", "pocketsphinx+whisper"):
        return EngineChoice(requested)
    if found_models:
        return EngineChoice("vosk", found_models[0])
    if requested == "vosk":
        raise ModelError(
            "no Vosk model found under models/; pass --model DIR or use --engine whisper"
        )
    if korean:
        return EngineChoice("whisper")
    if bundled_model() is None:
        return EngineChoice("pocketsphinx")
    return EngineChoice("pocketsphinx+whisper" if live else "whisper")


@dataclass(frozen=True)
class EngineRequest:
    """The engine as the user asked for it (``--engine``, ``--model``, the models folder). Kept
    so that an edited knowledge base chooses again: what ``auto`` means depends on the knowledge
    base's language and on the Vosk models present."""

    requested: str = "auto"
    model_dir: Path | None = None
    models_root: Path = Path("models")

    def choose(self, *, live: bool, korean: bool) -> EngineChoice:
        found = find_vosk_models(self.models_root)
        return choose_engine(self.requested, self.model_dir, found, live=live, korean=korean)


def load_recognizer(
    choice: EngineChoice,
    vocabulary: Sequence[str] = (),
    questions: Sequence[str] = (),
    denoise: bool = False,
    names: Sequence[str] = (),
) -> Recognizer:
    """Load the chosen engine. ``vocabulary`` is domain text (questions, answers, synonyms) to
    bias toward; ``questions`` the knowledge base's questions alone and ``names`` the answers'
    proper names (Whisper's prompt).
    ``denoise`` puts noise suppression (voice.asr.denoise) in front of the engines it helps:
    PocketSphinx and Vosk, not Whisper (measured: see voice.asr.whisper)."""
    from voice.asr.denoise import Denoised

    def suppressed(recognizer: Recognizer) -> Recognizer:
        return Denoised(recognizer) if denoise else recognizer

    if choice.engine == "vosk":
        from voice.asr.vosk import VoskRecognizer

        assert choice.model_dir is not None
        return suppressed(VoskRecognizer(choice.model_dir, vocabulary))
    if choice.engine == "whisper":
        from voice.asr.whisper import WhisperRecognizer

        return WhisperRecognizer(choice.model_dir, questions, names)
    from voice.asr.pocketsphinx import PocketSphinxRecognizer

    if choice.engine == "pocketsphinx+whisper":
        from voice.asr.two_pass import LiveAndFull
        from voice.asr.whisper import WhisperRecognizer

        live = suppressed(PocketSphinxRecognizer(vocabulary))
        return LiveAndFull(live, WhisperRecognizer(None, questions, names))
    return suppressed(PocketSphinxRecognizer(vocabulary))


def recognize(recognizer: Recognizer, chunks: Sequence[bytes]) -> Transcript:
    """Recognize a whole utterance given as PCM chunks."""
    stream = recognizer.stream()
    for chunk in chunks:
        stream.accept(chunk)
    return stream.finish()
