"""What a kiosk knows at one moment: the assistant (seeds, matcher, recognizer) and every answer
and prompt already rendered to audio. Built whole before it is used, at start-up and after each
seed edit, so the loop switches from one to the next between two questions and never waits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.answer_cache import AnswerCache
from voice.assistant import Assistant
from voice.commands import Commands
from voice.match import MatchResult
from voice.seeds import KnowledgeBase
from voice.tts import SpeechAudio

log = logging.getLogger(__name__)

COMMAND_WEIGHT = 5
"""Times each command phrase is added to the recognizer's vocabulary. Once, "stop" alone was
heard as "top" or a domain word; five copies make the phrase likely for a short utterance
without pulling questions toward it (the phrases share no words with typical questions).
Measured again with the mixed language model (fifth session): 49 short commands spoken by seven
voices, decoded live, were obeyed 42 / 42 / 43 times at 5 / 2 / 1 copies, and the held-out
questions decoded the kiosk's way answered 70.3% / 69.7% (clean) and 59.7% / 59.4% (pink 10 dB)
at 5 / 1 copies: the copies neither help nor cost now; left at 5."""


class KioskAssistant(Assistant):
    """The assistant whose recognizer also knows the spoken commands."""

    commands: Commands = Commands()
    live_answers = True

    def vocabulary(self) -> list[str]:
        return [*super().vocabulary(), *self.commands.phrases() * COMMAND_WEIGHT]


@dataclass
class Knowledge:
    assistant: Assistant
    cache: AnswerCache

    @property
    def kb(self) -> KnowledgeBase:
        return self.assistant.kb

    def texts(self) -> list[str]:
        """Everything the kiosk may say: answers, the fallback prompt and the questions it names."""
        entries = self.kb.entries
        phrases = self.assistant.matcher.phrases
        return [
            *(e.answer for e in entries),
            phrases.kiosk_prompt,
            phrases.join,
            *(e.question for e in entries),
        ]

    def fallback(self, result: MatchResult) -> tuple[str, SpeechAudio]:
        """The refusal naming the nearest questions, from cached pieces (any mix of them is said
        at once, where rendering the sentence would take a moment each time)."""
        phrases = self.assistant.matcher.phrases
        pieces = [phrases.kiosk_prompt]  # short: the visitor is waiting
        for number, entry in enumerate(result.suggested):
            if number:
                pieces.append(phrases.join)
            pieces.append(entry.question)
        clips = [self.cache.get(p) for p in pieces]
        rate = clips[0].rate
        samples = np.concatenate([c.samples for c in clips if c.rate == rate])
        return " ".join(pieces), SpeechAudio(samples, rate)


def build_knowledge(assistant: Assistant, make_cache: Callable[[], AnswerCache]) -> Knowledge:
    """Load the recognizer and render (or load) every clip: the slow part, done off the loop."""
    started = time.perf_counter()
    assistant.recognizer  # noqa: B018  (loads the model now, not at the first question)
    assistant.matcher.prepare_vectors()
    knowledge = Knowledge(assistant, make_cache())
    report = knowledge.cache.prepare(knowledge.texts())
    log.info(
        "ready with %d entries in %.1f s (%d clips rendered, %d cached, %d failed)",
        len(assistant.kb),
        time.perf_counter() - started,
        report.rendered,
        report.reused,
        len(report.failed),
    )
    return knowledge


def reloaded_assistant(kb: KnowledgeBase, old: Assistant, seeds: Path) -> Assistant:
    """A new assistant for an edited knowledge base (:meth:`Assistant.reloaded`), keeping a
    kiosk's spoken commands."""
    new = old.reloaded(kb, seeds)
    if isinstance(old, KioskAssistant) and isinstance(new, KioskAssistant):
        new.commands = old.commands
    return new
