"""Vosk (Kaldi): used whenever a Vosk model folder is present. One Model, one recognizer per
utterance, so several streams can run at once on one loaded model."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice.asr import Transcript, is_vosk_model
from voice.audio import SAMPLE_RATE
from voice.errors import ModelError

log = logging.getLogger(__name__)

NBEST = 5
"""Alternatives handed to the matcher (Vosk's SetMaxAlternatives)."""


class VoskRecognizer:
    name = "vosk"

    def __init__(self, model_dir: Path, vocabulary: Sequence[str] = ()) -> None:
        try:
            import vosk
        except ImportError as exc:  # pragma: no cover - vosk is a dependency
            raise ModelError(f"the vosk package is not installed ({exc})") from None
        vosk.SetLogLevel(-1)
        if not is_vosk_model(model_dir):
            raise ModelError(f"{model_dir}: not a Vosk model folder (no am/final.mdl)")
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelError(f"{model_dir}: Vosk cannot load this model ({exc})") from None
        self._vosk = vosk
        self.model_dir = model_dir

    def stream(self) -> _VoskStream:
        recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        recognizer.SetMaxAlternatives(NBEST)
        return _VoskStream(recognizer)


class _VoskStream:
    def __init__(self, recognizer: Any) -> None:
        self._recognizer = recognizer
        self._finals: list[dict[str, Any]] = []

    def accept(self, pcm: bytes) -> None:
        if pcm and self._recognizer.AcceptWaveform(pcm):
            # Vosk ends an utterance on its own silence detection; keep each piece.
            self._finals.append(json.loads(self._recognizer.Result()))

    def partial(self) -> str:
        done = " ".join(_best(r) for r in self._finals)
        now = json.loads(self._recognizer.PartialResult()).get("partial", "")
        return " ".join(t for t in (done, now) if t)

    def finish(self) -> Transcript:
        self._finals.append(json.loads(self._recognizer.FinalResult()))
        pieces = [r for r in self._finals if _best(r)]
        best = " ".join(_best(r) for r in pieces)
        alternatives: list[str] = []
        if len(pieces) == 1:
            alternatives = [a.get("text", "") for a in pieces[0].get("alternatives", [])[1:]]
        return Transcript(best, tuple(a for a in alternatives if a and a != best))


def _best(result: dict[str, Any]) -> str:
    if "alternatives" in result:
        alternatives = result["alternatives"]
        return str(alternatives[0].get("text", "")).strip() if alternatives else ""
    return str(result.get("text", "")).strip()
