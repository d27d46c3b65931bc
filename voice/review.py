"""What people asked that the knowledge base could not answer, from the logs a running assistant
writes (``voice kiosk --log``, or the JSON lines of ``voice listen --json`` / ``voice ask
--json``).

Every transcript is matched again against the seeds as they are now, so a question the author has
since covered with a ``~`` phrasing drops off the list. What is left, most asked first, with the
entry each came nearest to, is the author's to-do list: people's own words are the paraphrases no
test set anticipates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from voice.commands import Command
from voice.errors import VoiceError
from voice.match import Matcher
from voice.text import normalize, read_utf8

NOT_QUESTIONS = frozenset(command.value for command in Command)
"""Kiosk log kinds that are spoken commands ("stop", "repeat"), not questions."""


@dataclass(frozen=True)
class Refused:
    """One distinct question the knowledge base does not answer."""

    transcript: str
    count: int
    nearest_id: int | None
    nearest_question: str | None
    score: float

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Review:
    heard: int
    """Questions read from the logs (commands and silences left out)."""
    answered: int
    refused: tuple[Refused, ...]


def read_transcripts(paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    """The questions' transcripts in the logs, and a ``file:line`` problem per unusable line.
    A log that cannot be read at all is an error: reviewing half the logs silently would mislead.
    """
    transcripts: list[str] = []
    problems: list[str] = []
    for path in paths:
        try:
            text = read_utf8(path)
        except VoiceError as exc:
            raise VoiceError(f"{path}: {exc}") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"{path}:{number}: not a JSON line; skipped")
                continue
            if isinstance(row, dict) and "error" in row:
                continue  # an input that could not be answered has nothing to review
            if not isinstance(row, dict) or not isinstance(row.get("transcript"), str):
                problems.append(f"{path}:{number}: no transcript; skipped")
                continue
            if row.get("kind") in NOT_QUESTIONS or not row["transcript"].strip():
                continue
            transcripts.append(row["transcript"])
    return transcripts, problems


def review(matcher: Matcher, transcripts: Iterable[str], threshold: float | None = None) -> Review:
    """Match each distinct question once (the same words however punctuated or capitalised) and
    keep the refused ones, most asked first, then nearest to an answer first. ``threshold``:
    the one the logged transcripts were judged at (None: the matcher's)."""
    counts: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for transcript in transcripts:
        key = normalize(transcript)
        if key:
            counts[key] += 1
            shown.setdefault(key, Counter())[transcript.strip()] += 1
    refused = []
    answered = 0
    for key, count in counts.items():
        result = matcher.match([key], threshold)
        if result.entry is not None:
            answered += count
            continue
        # Where the author should add it: what the refusal named first, when anything was near.
        nearest = next(iter(matcher.nearest(result.candidates, key)), None)
        scores = {c.entry.id: c.score for c in result.candidates}
        refused.append(
            Refused(
                transcript=shown[key].most_common(1)[0][0],
                count=count,
                nearest_id=nearest.id if nearest else None,
                nearest_question=nearest.question if nearest else None,
                score=round(scores.get(nearest.id, 0.0), 1) if nearest else 0.0,
            )
        )
    refused.sort(key=lambda r: (-r.count, -r.score, r.transcript))
    return Review(sum(counts.values()), answered, tuple(refused))
