"""The product path in one object: audio or text in -> transcript -> match -> answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Self

from voice.asr import (
    EngineChoice,
    EngineRequest,
    Recognizer,
    Transcript,
    full_engine,
    load_recognizer,
    recognize,
)
from voice.audio import MAX_QUESTION_SECONDS, Pcm, read_audio
from voice.config import Settings
from voice.match import Matcher, MatchResult, default_threshold
from voice.seeds import KnowledgeBase, load_knowledge_base
from voice.terms import Analyzer, read_synonyms
from voice.text import proper_names, words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """What ``voice ask`` reports for one input; the field names are the JSON keys."""

    input: str
    transcript: str
    id: int | None
    question: str | None
    score: float
    answer: str
    engine: str
    seconds: float
    runner_up_id: int | None = None
    runner_up_score: float | None = None
    audio_seconds: float | None = None
    best_id: int | None = None
    """The best-scoring entry even when its score is below the threshold (``id`` is then None);
    ``voice eval`` uses it to show what other thresholds would do."""
    alternatives: tuple[str, ...] = ()
    """The recognizer's other hypotheses, best first, which the matcher also weighed (PocketSphinx
    gives some; Whisper none): with ``transcript``, enough to match the answer again
    (``voice eval --rescore``)."""
    suggested_ids: tuple[int, ...] = ()
    """The entries whose questions a refusal named (Matcher.suggestions); none when answered."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def answer_from(
    result: MatchResult,
    transcript: Transcript,
    input_name: str,
    engine: str,
    started: float,
    audio_seconds: float | None = None,
) -> Answer:
    runner = result.runner_up
    return Answer(
        input=input_name,
        transcript=transcript.text,
        id=result.entry.id if result.entry else None,
        question=result.entry.question if result.entry else None,
        score=result.score,
        answer=result.answer,
        engine=engine,
        seconds=round(time.perf_counter() - started, 3),
        runner_up_id=runner.entry.id if runner else None,
        runner_up_score=round(runner.score, 1) if runner else None,
        audio_seconds=round(audio_seconds, 3) if audio_seconds is not None else None,
        best_id=result.best.entry.id if result.best else None,
        alternatives=transcript.alternatives,
        suggested_ids=tuple(entry.id for entry in result.suggested),
    )


class Assistant:
    """Holds the knowledge base, the matcher and (loaded on first use) the recognizer."""

    live_answers = False
    """Answers are wanted the moment speech ends (see voice.asr.choose_engine)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        choice: EngineChoice,
        threshold: float | None = None,
        max_seconds: float = MAX_QUESTION_SECONDS,
        synonyms: Sequence[Sequence[str]] = (),
        denoise: bool = True,
        request: EngineRequest | None = None,
    ) -> None:
        self.kb = kb
        self.max_seconds = max_seconds
        self.denoise = denoise
        self.threshold_setting = threshold
        """As asked (None: the language's default), so a reload in another language follows it."""
        questions = [entry.question for entry in kb.entries]
        self.full_threshold: float = (
            default_threshold(questions, full_engine(choice.engine))
            if threshold is None
            else threshold
        )
        """The threshold for what a whole-utterance decode hears (a file, and the kiosk's second
        decode: voice.utterance.match_live): the full engine's own, so Whisper's transcript is
        matched at Whisper's threshold where the kiosk pairs it with PocketSphinx, whose live
        transcripts are matched at PocketSphinx's; ``--threshold``, when given, for both."""
        if threshold is None:
            threshold = default_threshold(questions, choice.engine)
        self.matcher = Matcher(kb, threshold, Analyzer.for_questions(kb.phrasings(), synonyms))
        self.choice = choice
        self.request = request
        """The engine as asked: chosen again for an edited knowledge base (None: keep it)."""
        self._recognizer: Recognizer | None = None

    def reloaded(self, kb: KnowledgeBase, seeds: Path) -> Self:
        """The same assistant (class and every setting) over an edited knowledge base,
        with the synonym files beside ``seeds`` read again. Kept beside ``__init__`` so that a new
        setting is carried over here too: a copy elsewhere once dropped ``denoise``. The engine
        is chosen again from the request: an edit into Korean needs an engine that hears Korean,
        and a Vosk model added since start-up is used, as at start-up. A choice that is no longer
        possible (the model folder removed) fails the reload, and the old knowledge base stays."""
        choice = self.choice
        if self.request is not None:
            choice = self.request.choose(live=self.live_answers, korean=kb.in_korean)
        return type(self)(
            kb,
            choice,
            self.threshold_setting,
            self.max_seconds,
            read_synonyms(seeds),
            self.denoise,
            self.request,
        )

    @classmethod
    def from_settings(cls, settings: Settings, choice: EngineChoice | None = None) -> Assistant:
        """Load the knowledge base and choose the engine (unless ``choice`` names the one whose
        transcripts will be matched); raises VoiceError with a clear message."""
        kb = load_knowledge_base(settings.seeds)
        synonyms = read_synonyms(settings.seeds)
        request = EngineRequest(settings.engine, settings.model, settings.models_root)
        if choice is None:
            choice = request.choose(live=cls.live_answers, korean=kb.in_korean)
        return cls(
            kb,
            choice,
            settings.threshold,
            settings.max_seconds,
            synonyms,
            settings.denoise,
            request,
        )

    @property
    def engine(self) -> str:
        return self.choice.engine

    @property
    def recognizer(self) -> Recognizer:
        if self._recognizer is None:
            started = time.perf_counter()
            self._recognizer = load_recognizer(
                self.choice,
                vocabulary=self.vocabulary(),
                questions=self.questions(),
                denoise=self.denoise,
                names=self.names(),
            )
            log.info("%s loaded in %.2f s", self.choice.engine, time.perf_counter() - started)
        return self._recognizer

    def questions(self) -> list[str]:
        """Every way the knowledge base words its questions, entry by entry."""
        return self.kb.phrasings()

    def names(self) -> list[str]:
        """The names in the answers (voice.text.proper_names) with a word that is not among
        the dictionary's everyday ones, so that Whisper expects a question about them ("what
        has Ryabkov said"): common ones (NATO, Anchorage) it already spells."""
        known = self.matcher.analyzer.knows
        return [
            name
            for entry in self.kb.entries
            for name in proper_names(entry.answer)
            if not all(known(word) for word in words(name))
        ]

    def vocabulary(self) -> list[str]:
        """Domain text the recognizer is biased toward: every phrasing, every answer, and the
        synonyms of the questions' words (voice.terms), all on one line so that they add words
        without adding ways to start a question. On the held-out set's clean and 10 dB clips
        (714, seven voices) this answered 70.0% and 58.8% right, against 66.7% and 53.8%
        without the synonyms: phrasings 77 -> 88 and 42 -> 62 of 180 for the six synthesizer
        voices, seed questions unchanged, 3 more of 96 unrelated questions answered in noise
        ("how many soldiers have died in the war", now heard with "war"). One synonym a line
        gave the same numbers but lost a seed question ("why have..." became "like the...").
        It made the kiosk soak's live decode of that espeak question after espeak-f3's fail
        (950 of 1,000 right, was 1,000), until refusals were decoded again (voice.utterance:
        1,000). Single-word synonyms only fixed that but gave 69.7% and 55.7% on the same
        held-out clips: the phrases ("in the near future") help in noise."""
        texts = self.questions()
        texts.extend(e.answer for e in self.kb.entries)
        synonyms = self.matcher.synonyms()
        if synonyms:
            texts.append(" ".join(synonyms))
        return texts

    def answer_transcript(
        self,
        transcript: Transcript,
        input_name: str,
        started: float,
        audio_seconds: float | None = None,
    ) -> Answer:
        result = self.matcher.match(transcript.hypotheses, self.full_threshold)
        return answer_from(result, transcript, input_name, self.engine, started, audio_seconds)

    def ask_text(self, text: str) -> Answer:
        started = time.perf_counter()
        result = self.matcher.match([text])
        return answer_from(result, Transcript(text), text, "text", started)

    def ask_pcm(self, pcm: Pcm, input_name: str = "<audio>") -> Answer:
        started = time.perf_counter()
        transcript = recognize(self.recognizer, list(pcm.chunks()))
        return self.answer_transcript(transcript, input_name, started, pcm.seconds)

    def ask_file(self, path: Path) -> Answer:
        """Answer a recorded question; raises AudioError when the file cannot be used."""
        started = time.perf_counter()
        pcm = read_audio(Path(path), self.max_seconds)
        transcript = recognize(self.recognizer, list(pcm.chunks()))
        return self.answer_transcript(transcript, str(path), started, pcm.seconds)
