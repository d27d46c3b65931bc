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
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from voice.seeds import Entry, KnowledgeBase
from voice.terms import Analyzer

log = logging.getLogger(__name__)

THRESHOLD = 30.0
"""Scores below this get the fallback answer. On a development set of 84 synthetic clips (4
voices; the seed questions, 2 paraphrases each, 6 unrelated questions) overall accuracy was 64,
66, 64, 64, 61, 57 of 84 at thresholds 25, 30, 35, 40, 45, 50. Checked on the held-out test set
in BENCHMARKS.md."""

WORD_MATCH = 80.0
"""Two words count as the same word when their fuzzy ratio reaches this (plural, tense,
recognizer spelling slips) ; below it they count as different words."""

CANDIDATES = 40
"""How many phrasings the index's first pass keeps for full scoring."""

MIN_FUZZY_LENGTH = 4
"""Shorter terms must match exactly: "war" is not "was", "us" is not "is"."""

PRECISION_BETA = 0.5
"""F-measure weighting: below 1, what was said being explained by the question counts more than
the question being covered, since people ask with fewer words than the seed question has. Beta
0.5, 0.75 and 1 gave the same accuracy (+-2 of 84) on the development set."""

ANSWER_WEIGHT = 0.15
"""Share of the score from the said terms appearing in the entry's answer: "will they start
negotiating again" shares little with "Could peace talks resume soon?" but more with its answer.
On the development set it changed overall accuracy by -1 to +1 of 84 at weights 0 to 0.25: no
measurable gain yet; kept small so that answer words can break ties between questions."""

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


class Matcher:
    """Scores transcripts against every phrasing of every entry in a knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float = THRESHOLD,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.kb = kb
        self.threshold = threshold
        self.analyzer = analyzer or Analyzer()
        terms = self.analyzer.terms
        self._phrasings: list[tuple[Entry, str, list[str]]] = [
            (entry, text, list(dict.fromkeys(terms(text))))
            for entry in kb.entries
            for text in entry.all_questions
        ]
        self._answers: dict[int, frozenset[str]] = {}
        postings: dict[str, list[int]] = {}
        for index, (_, _, phrasing) in enumerate(self._phrasings):
            for term in phrasing:
                postings.setdefault(term, []).append(index)
        n = len(self._phrasings)
        self._postings = {t: np.asarray(ids, dtype=np.int32) for t, ids in postings.items()}
        self._idf = {t: math.log(1.0 + n / len(ids)) for t, ids in postings.items()}
        self._vocabulary = [t for t in postings if len(t) >= MIN_FUZZY_LENGTH]
        self._unseen_idf = math.log(1.0 + n)

    def _answer_terms(self, entry: Entry) -> frozenset[str]:
        """Answer terms, analysed on first use: only shortlisted entries ever need them, and
        analysing 100,000 answers up front took most of a 24 s start-up."""
        found = self._answers.get(entry.id)
        if found is None:
            found = self._answers[entry.id] = frozenset(self.analyzer.terms(entry.answer))
        return found

    def shortlist(self, said: Sequence[str]) -> list[int]:
        """Phrasings sharing a term with what was said (or a near spelling of one), the
        CANDIDATES with the most shared IDF weight first. An inverted index keeps this fast for
        any size: a rapidfuzz scan of 100,000 phrasings took 150 ms per hypothesis."""
        weights = np.zeros(len(self._phrasings), dtype=np.float32)
        for term in set(said):
            related = {term: 1.0}
            # A term the index knows matches exactly; only unknown ones (a recognizer's slip,
            # an inflection the stemmer missed) are looked up by spelling.
            if term not in self._postings and len(term) >= MIN_FUZZY_LENGTH:
                for other, ratio, _ in process.extract(
                    term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_MATCH, limit=5
                ):
                    related.setdefault(other, ratio / 100.0)
            for other, closeness in related.items():
                ids = self._postings.get(other)
                if ids is not None:
                    weights[ids] += self._idf[other] * closeness
        hits = np.flatnonzero(weights)
        if len(hits) > CANDIDATES:
            hits = hits[np.argpartition(-weights[hits], CANDIDATES)[:CANDIDATES]]
        return [int(i) for i in hits[np.argsort(-weights[hits], kind="stable")]]

    def _found(self, term: str, target: Collection[str]) -> float:
        """1 when ``term`` is in ``target``; a fuzzy ratio for near spellings of longer terms."""
        if term in target:
            return 1.0
        if len(term) < MIN_FUZZY_LENGTH:
            return 0.0
        best = process.extractOne(term, target, scorer=fuzz.ratio, score_cutoff=WORD_MATCH)
        return best[1] / 100.0 if best is not None and len(best[0]) >= MIN_FUZZY_LENGTH else 0.0

    def _overlap(self, source: list[str], target: Collection[str]) -> float:
        """IDF-weighted share of ``source`` terms found in ``target``."""
        weights = [self._idf.get(t, self._unseen_idf) for t in source]
        total = sum(weights)
        if total == 0:
            return 0.0
        return sum(w * self._found(t, target) for t, w in zip(source, weights, strict=True)) / total

    def score(self, said: list[str], phrasing: list[str], entry: Entry) -> float:
        """0-100: how well the terms said match one phrasing (and its entry's answer)."""
        if not said or not phrasing:
            return 0.0
        precision = self._overlap(said, phrasing)
        recall = self._overlap(phrasing, said)
        beta2 = PRECISION_BETA**2
        denominator = beta2 * precision + recall
        question = 0.0 if denominator == 0 else (1 + beta2) * precision * recall / denominator
        answer = self._overlap(said, self._answer_terms(entry))
        return 100.0 * ((1 - ANSWER_WEIGHT) * question + ANSWER_WEIGHT * answer)

    def match(self, hypotheses: Sequence[str]) -> MatchResult:
        """Match the recognizer's hypotheses (best first). An entry's score is its mean over the
        hypotheses: alternatives that drop a word score high by chance ("recent your what" for
        "where is the nearest toilet"), a consensus does not. On 84 synthetic clips the mean
        answered 65 right where the best hypothesis alone answered 58 and the maximum 60."""
        heard = [h for h in hypotheses if h.strip()]
        totals: dict[int, float] = {}
        best_by_entry: dict[int, Candidate] = {}
        said_by_hypothesis = [self.analyzer.terms(h) for h in heard]
        # One shortlist for all hypotheses: they share most words, and the index is the cost.
        shortlist = self.shortlist([t for said in said_by_hypothesis for t in said])
        for hypothesis, said in zip(heard, said_by_hypothesis, strict=True):
            scores: dict[int, Candidate] = {}
            for index in shortlist:
                entry, text, phrasing = self._phrasings[index]
                score = self.score(said, phrasing, entry)
                if entry.id not in scores or score > scores[entry.id].score:
                    scores[entry.id] = Candidate(entry, score, text, hypothesis)
            for entry_id, candidate in scores.items():
                totals[entry_id] = totals.get(entry_id, 0.0) + candidate.score / len(heard)
                if entry_id not in best_by_entry or candidate.score > best_by_entry[entry_id].score:
                    best_by_entry[entry_id] = candidate
        best_by_entry = {
            entry_id: Candidate(c.entry, totals[entry_id], c.phrasing, c.hypothesis)
            for entry_id, c in best_by_entry.items()
        }
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
