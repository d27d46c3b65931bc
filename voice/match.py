"""Match a transcript to the closest knowledge-base question, or decide not to answer.

Scoring is word-based rather than character-based: ``WRatio`` favours short questions for long
transcripts (a perfect transcript of "what went wrong with the peace negotiations in ukraine"
scored highest against "Could peace talks resume soon?"). Here a question scores by how many of
its content words the transcript contains and how many of the transcript's content words it
explains (an F-measure), each word weighted by how rare it is in the knowledge base, with
sounds-alike spelling differences ("negotiation"/"negotiations", "europe"/"european") forgiven
by a per-word fuzzy ratio. rapidfuzz does the heavy lifting in C: a fast first pass picks a few
candidates from any number of entries; only those are scored in full.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from voice.seeds import Entry, KnowledgeBase
from voice.text import words

log = logging.getLogger(__name__)

THRESHOLD = 55.0
"""Scores below this get the fallback answer. Chosen on synthetic in-domain and out-of-domain
questions (see BENCHMARKS.md): between the two score distributions."""

WORD_MATCH = 80.0
"""Two words count as the same word when their fuzzy ratio reaches this (plural, tense,
recognizer spelling slips) ; below it they count as different words."""

CANDIDATES = 40
"""How many phrasings the fast first pass keeps for full scoring."""

SEQUENCE_WEIGHT = 0.2
"""Share of the score from whole-string similarity (word order); the rest is word overlap."""

STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at by for with about from into over under as is are was
    were be been being am do does did doing have has had having it its it's this that these
    those there here what which who whom whose when where why how i me my we our you your he
    she him her his they them their can could would should will shall may might must so than
    then too very just also not no any some all more most such own same other s t don't isn't
    aren't what's who's let's tell please know like um uh oh well okay ok hey hello
    """.split()  # noqa: SIM905
)

FALLBACK = "Sorry, I don't have an answer to that."
FALLBACK_NOTHING_HEARD = "Sorry, I didn't catch a question."
SUGGESTIONS = 2
"""Questions named in the fallback: enough to show what can be asked, short enough to listen to."""


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    phrasing: str
    hypothesis: str


@dataclass(frozen=True)
class MatchResult:
    """The decision for one transcript: ``entry`` is None when nothing matched well enough."""

    entry: Entry | None
    score: float
    candidates: tuple[Candidate, ...]
    answer: str
    threshold: float

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def runner_up(self) -> Candidate | None:
        return self.candidates[1] if len(self.candidates) > 1 else None


def content_words(text: str) -> list[str]:
    all_words = words(text)
    content = [w for w in all_words if w not in STOPWORDS]
    return content or all_words


class Matcher:
    """Scores transcripts against every phrasing of every entry in a knowledge base."""

    def __init__(self, kb: KnowledgeBase, threshold: float = THRESHOLD) -> None:
        self.kb = kb
        self.threshold = threshold
        self._phrasings: list[tuple[Entry, str, list[str]]] = []
        for entry in kb.entries:
            for text in entry.all_questions:
                self._phrasings.append((entry, text, content_words(text)))
        self._choices = [" ".join(c) for _, _, c in self._phrasings]
        document_frequency: Counter[str] = Counter()
        for _, _, content in self._phrasings:
            document_frequency.update(set(content))
        n = len(self._phrasings)
        self._idf = {w: math.log(1.0 + n / df) for w, df in document_frequency.items()}
        self._unseen_idf = math.log(1.0 + n)

    def _weight(self, word: str) -> float:
        return self._idf.get(word, self._unseen_idf)

    def _soft_overlap(self, source: list[str], target: list[str]) -> float:
        """Weighted share of ``source`` words found (fuzzily) in ``target``."""
        total = sum(self._weight(w) for w in source)
        if total == 0:
            return 0.0
        found = 0.0
        for word in source:
            best = max((fuzz.ratio(word, t) for t in target), default=0.0)
            if best >= WORD_MATCH:
                found += self._weight(word) * best / 100.0
        return found / total

    def score(self, hypothesis: str, phrasing_words: list[str]) -> float:
        said = content_words(hypothesis)
        if not said or not phrasing_words:
            return 0.0
        recall = self._soft_overlap(phrasing_words, said)
        precision = self._soft_overlap(said, phrasing_words)
        overlap = 0.0 if recall + precision == 0 else 2 * recall * precision / (recall + precision)
        sequence = fuzz.ratio(" ".join(said), " ".join(phrasing_words)) / 100.0
        return 100.0 * ((1 - SEQUENCE_WEIGHT) * overlap + SEQUENCE_WEIGHT * sequence)

    def match(self, hypotheses: Sequence[str]) -> MatchResult:
        """Match the recognizer's hypotheses (best first); the best-scoring entry wins."""
        best_by_entry: dict[int, Candidate] = {}
        for hypothesis in (h for h in hypotheses if h.strip()):
            query = " ".join(content_words(hypothesis))
            shortlist = process.extract(
                query, self._choices, scorer=fuzz.token_set_ratio, limit=CANDIDATES
            )
            for _, _, index in shortlist:
                entry, text, phrasing_words = self._phrasings[index]
                score = self.score(hypothesis, phrasing_words)
                current = best_by_entry.get(entry.id)
                if current is None or score > current.score:
                    best_by_entry[entry.id] = Candidate(entry, score, text, hypothesis)
        ranked = tuple(sorted(best_by_entry.values(), key=lambda c: (-c.score, c.entry.id)))
        top = ranked[0] if ranked else None
        accepted = top is not None and top.score >= self.threshold
        result = MatchResult(
            entry=top.entry if accepted and top else None,
            score=round(top.score, 1) if top else 0.0,
            candidates=ranked,
            answer=top.entry.answer if accepted and top else self.fallback(ranked, hypotheses),
            threshold=self.threshold,
        )
        log.debug(
            "match: hypotheses=%r best=%s runner_up=%s threshold=%.0f -> id=%s",
            list(hypotheses)[:3],
            _describe(result.best),
            _describe(result.runner_up),
            self.threshold,
            result.entry.id if result.entry else None,
        )
        return result

    def fallback(self, ranked: Sequence[Candidate], hypotheses: Sequence[str]) -> str:
        """The polite refusal, naming a few questions that can be asked (the nearest ones)."""
        suggested = [c.entry.question for c in ranked[:SUGGESTIONS]]
        for entry in self.kb.entries:
            if len(suggested) >= SUGGESTIONS:
                break
            if entry.question not in suggested:
                suggested.append(entry.question)
        opening = FALLBACK if any(h.strip() for h in hypotheses) else FALLBACK_NOTHING_HEARD
        quoted = " or ".join(f'"{q}"' for q in suggested)
        return f"{opening} You can ask, for example: {quoted}"


def _describe(candidate: Candidate | None) -> str:
    if candidate is None:
        return "-"
    return f"#{candidate.entry.id} {candidate.score:.1f} {candidate.phrasing!r}"
