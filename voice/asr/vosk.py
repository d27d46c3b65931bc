"""Vosk (Kaldi): used whenever a Vosk model folder is present. One Model, one recognizer per
utterance, so several streams can run at once on one loaded model.

Vocabulary biasing. A model with a lookahead graph (``graph/HCLr.fst`` + ``Gr.fst``, as the small
Vosk models have) decodes with a language model that Vosk builds at run time from a phrase list
(a bigram model with backoff, so word orders outside the list stay possible). The phrases are the
knowledge base's own sentences, questions and answers. Measured with the small Korean model on
espeak-ng Korean speech: 5 knowledge-base questions and 10 unrelated sentences, each at 130, 150
and 175 words a minute (45 files):

=========================================  ============  =================  ================
language model                             right answer  unrelated refused  real-time factor
=========================================  ============  =================  ================
the model's general one                    1/15 (1/15)   30/30 (30/30)      1.4
knowledge-base questions + answers (kept)  13/15 (13/15) 28/30 (25/30)      0.05
questions only                             14/15 (14/15) 20/30 (17/30)      0.05
questions + answers + ``<UNK>``            13/15         28/30              0.05
questions + answers, pieces not rejoined   7/15 (5/15)   28/30 (26/30)      0.05
=========================================  ============  =================  ================

(Matcher of the first commit, threshold 55; in brackets the reworked term matcher, threshold 40.
The real-time factor is on 2 busy cores.)

The general model turns synthetic Korean into unrelated words ("배우 러 예요" for "표는 얼마예요"),
so it refuses everything, the questions included. The answers' words give unrelated speech
somewhere to land other than the questions' words; the unknown-word symbol changed nothing, so it
is left out. The price of the phrase list: whatever is said comes out in knowledge-base words,
so a question near one in the knowledge base can be heard as it ("식당은 언제 열어요" came out
as "오늘 날씨 어때요" with a knowledge base holding the weather question but not the restaurant's).
Models with a static graph (``HCLG.fst``) cannot take a phrase list and decode with
their own language model.

Korean models spell many particles and endings as words of their own ("화장실 은", "얼마 예요"),
so a Hangul word missing from the model's vocabulary is split into the longest words it does know,
and those pieces, when recognized in a row, are joined back into the knowledge base's spelling:
the matcher then compares like with like.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from voice.asr import Transcript, is_vosk_model
from voice.audio import SAMPLE_RATE
from voice.errors import ModelError
from voice.text import sentences

log = logging.getLogger(__name__)

NBEST = 5
"""Alternatives handed to the matcher (Vosk's SetMaxAlternatives)."""

_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
"""Words whose written pieces are pronounced as the whole word is, so they may be split."""

_T = TypeVar("_T")

_KALDI_PREFIX = re.compile(r"^(?:ERROR|WARNING|LOG)\s*(?:\(\S*\))?:?\s*")


def missing_files(model_dir: Path) -> list[str]:
    """Files a model in the usual layout (``am/final.mdl``) needs and lacks; Vosk only says
    "Failed to create a model" (older layouts, with ``final.mdl`` at the top, are left to Vosk)."""
    if not (model_dir / "am" / "final.mdl").is_file():
        return [] if (model_dir / "final.mdl").is_file() else ["am/final.mdl"]
    missing = []
    if not (model_dir / "conf" / "mfcc.conf").is_file():
        missing.append("conf/mfcc.conf")
    graph = model_dir / "graph"
    lookahead = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    if not (graph / "HCLG.fst").is_file() and not lookahead:
        missing.append("graph/HCLG.fst (or graph/HCLr.fst and graph/Gr.fst)")
    if lookahead and not (graph / "disambig_tid.int").is_file():
        missing.append("graph/disambig_tid.int")
    return missing


def takes_phrase_list(model_dir: Path) -> bool:
    """Vosk decodes with a run-time phrase list only on a lookahead graph without an HCLG.fst."""
    graph = model_dir / "graph"
    return (graph / "HCLr.fst").is_file() and not (graph / "HCLG.fst").is_file()


@contextmanager
def native_stderr_captured() -> Iterator[list[str]]:
    """Keep what native code writes to file descriptor 2 (Kaldi and OpenFst print their errors
    there whatever Vosk's log level); the lines are handed back instead of reaching the user."""
    lines: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines.extend(sink.read().decode("utf-8", "replace").splitlines())


class NativeFailure(Exception):
    """A Vosk call failed; the message is the reason Kaldi printed."""


def run_native(action: Callable[[], _T]) -> _T:
    """Run a Vosk call with native stderr captured: Kaldi's lines go to the debug log, and a
    failure raises :class:`NativeFailure` with the reason Kaldi printed."""
    failure: Exception | None = None
    with native_stderr_captured() as said:
        try:
            result = action()
        except Exception as exc:  # vosk raises bare Exceptions ("Failed to create a model")
            failure = exc
    for line in said:
        log.debug("kaldi: %s", line)
    if failure is not None:
        raise NativeFailure(kaldi_reason(said, str(failure)))
    return result


def kaldi_reason(lines: Sequence[str], fallback: str) -> str:
    """The last error Kaldi printed, without its source-location prefix."""
    errors = [line for line in lines if line.startswith("ERROR")]
    if not errors:
        return fallback
    return _KALDI_PREFIX.sub("", errors[-1]).strip() or fallback


def split_word(word: str, known: Callable[[str], bool]) -> list[str] | None:
    """``word`` as words of the model's vocabulary: itself, or (Hangul only) the longest known
    prefix first, then the rest the same way; None when no such split exists."""
    if known(word):
        return [word]
    if not _HANGUL_WORD.fullmatch(word):
        return None
    pieces: list[str] = []
    rest = word
    while rest:
        for end in range(len(rest), 0, -1):
            if known(rest[:end]):
                pieces.append(rest[:end])
                rest = rest[end:]
                break
        else:
            return None
    return pieces


@dataclass(frozen=True)
class PhraseList:
    """The run-time language model's sentences, in the model's words."""

    phrases: tuple[str, ...]
    joins: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Word pieces -> the knowledge-base word they were split from."""
    dropped: tuple[str, ...] = ()
    """Words the model cannot say (not even in pieces), left out."""


def build_phrase_list(texts: Sequence[str], known: Callable[[str], bool]) -> PhraseList:
    phrases: list[str] = []
    joins: dict[tuple[str, ...], str] = {}
    dropped: dict[str, None] = {}
    for text in texts:
        for sentence in sentences(text):
            said: list[str] = []
            for word in sentence.split():
                pieces = split_word(word, known)
                if pieces is None:
                    dropped.setdefault(word, None)
                    continue
                said.extend(pieces)
                if len(pieces) > 1:
                    joins[tuple(pieces)] = word
            if said:
                phrases.append(" ".join(said))
    return PhraseList(tuple(dict.fromkeys(phrases)), joins, tuple(dropped))


def rejoin(text: str, joins: dict[tuple[str, ...], str]) -> str:
    """Join recognized word pieces back into the knowledge-base words they came from (longest
    run first)."""
    if not joins:
        return text
    longest = max(len(pieces) for pieces in joins)
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 1, -1):
            word = joins.get(tuple(tokens[i : i + n]))
            if word is not None:
                out.append(word)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


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
        missing = missing_files(model_dir)
        if missing:
            raise ModelError(
                f"{model_dir}: incomplete Vosk model (missing {', '.join(missing)}); "
                "unpack the whole model archive again"
            )
        self._vosk = vosk
        self.model_dir = model_dir
        try:
            self._model = run_native(lambda: vosk.Model(str(model_dir)))
        except NativeFailure as exc:
            raise ModelError(
                f"{model_dir}: Vosk cannot load this model, a file is damaged or "
                f"not a Vosk model file ({exc})"
            ) from None

        self.phrases = PhraseList(())
        if vocabulary and takes_phrase_list(model_dir):
            self.phrases = build_phrase_list(vocabulary, self._known)
            if self.phrases.dropped:
                log.debug("not in the model's vocabulary, left out: %s", self.phrases.dropped)
            log.debug("phrase list: %s", self.phrases.phrases)
        elif vocabulary:
            log.debug("%s has a static graph: decoding with its own language model", model_dir)
        self._grammar = (
            json.dumps(list(self.phrases.phrases), ensure_ascii=False)
            if self.phrases.phrases
            else None
        )
        # A model can load and still be unusable (e.g. ivector/ missing): find out now, not on
        # the first question.
        try:
            run_native(self._kaldi_recognizer)
        except NativeFailure as exc:
            raise ModelError(
                f"{model_dir}: Vosk cannot start recognizing with this model ({exc})"
            ) from None

    def _known(self, word: str) -> bool:
        return int(self._model.vosk_model_find_word(word)) >= 0

    def _kaldi_recognizer(self) -> Any:
        if self._grammar is None:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        else:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar)
        recognizer.SetMaxAlternatives(NBEST)
        return recognizer

    def stream(self) -> _VoskStream:
        try:
            recognizer = self._kaldi_recognizer()
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a recognizer")
            raise ModelError(f"{self.model_dir}: Vosk cannot start recognizing ({exc})") from None
        return _VoskStream(recognizer, self.phrases.joins)


class _VoskStream:
    def __init__(self, recognizer: Any, joins: dict[tuple[str, ...], str]) -> None:
        self._recognizer = recognizer
        self._joins = joins
        self._finals: list[dict[str, Any]] = []

    def accept(self, pcm: bytes) -> None:
        if pcm and self._recognizer.AcceptWaveform(pcm):
            # Vosk ends an utterance on its own silence detection; keep each piece.
            self._finals.append(json.loads(self._recognizer.Result()))

    def partial(self) -> str:
        done = " ".join(_best(r) for r in self._finals)
        now = json.loads(self._recognizer.PartialResult()).get("partial", "")
        return rejoin(" ".join(t for t in (done, now) if t), self._joins)

    def finish(self) -> Transcript:
        self._finals.append(json.loads(self._recognizer.FinalResult()))
        pieces = [r for r in self._finals if _best(r)]
        best = rejoin(" ".join(_best(r) for r in pieces), self._joins)
        alternatives: list[str] = []
        if len(pieces) == 1:
            alternatives = [
                rejoin(str(a.get("text", "")).strip(), self._joins)
                for a in pieces[0].get("alternatives", [])[1:]
            ]
        return Transcript(best, tuple(a for a in alternatives if a and a != best))


def _best(result: dict[str, Any]) -> str:
    if "alternatives" in result:
        alternatives = result["alternatives"]
        return str(alternatives[0].get("text", "")).strip() if alternatives else ""
    return str(result.get("text", "")).strip()
