"""Recorded files + expected answers -> per-file results and a summary.

Each clip goes through the product path (:meth:`voice.Assistant.ask_file`), so the numbers are
the ones a user would get. Clips are spread over a pool of worker processes, each with its own
recognizer. A clip that cannot be read or recognized becomes one failed row carrying its error;
it counts as wrong in every accuracy, and the run goes on.

Definitions (all rates are fractions of their own group of files):

- in-domain accuracy: of the files that should get entry N, the share that got entry N;
- false-reject rate: of those, the share that got the fallback (nothing matched well enough);
- refused, right entry suggested: of those refused, the share whose fallback named the entry's
  question among its suggestions (the visitor can ask again in its words);
- out-of-domain rejection rate: of the files that should get no answer, the share that got none;
- false-accept rate: of those, the share that got an answer (1 - rejection rate);
- accuracy: the share of all files whose outcome was the expected one;
- WER: word edits (substitutions, deletions, insertions) over reference words, summed over files
  with a reference text; for a Korean reference, syllables instead of words, spaces ignored
  (Korean's usual character error rate: recognizers space particles as they like, and
  "화장실 은" for "화장실은" is no error);
- real-time factor: processing seconds over audio seconds (below 1: faster than real time).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from voice.assistant import Answer, Assistant
from voice.config import Settings
from voice.errors import VoiceError
from voice.language import is_korean
from voice.manifest import Sample
from voice.text import words

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileResult:
    """The outcome for one clip; the field names are the JSON-lines keys."""

    path: str
    expected_id: int | None
    predicted_id: int | None
    correct: bool
    transcript: str = ""
    reference: str | None = None
    score: float = 0.0
    best_id: int | None = None
    runner_up_id: int | None = None
    runner_up_score: float | None = None
    wer: float | None = None
    word_errors: int | None = None
    reference_words: int | None = None
    seconds: float = 0.0
    audio_seconds: float | None = None
    rtf: float | None = None
    error: str | None = None
    alternatives: tuple[str, ...] = ()
    """The recognizer's other hypotheses (voice.assistant.Answer.alternatives)."""
    suggested_ids: tuple[int, ...] = ()
    """The entries a refusal named (voice.assistant.Answer.suggested_ids)."""
    engine: str = ""
    """The recognizer that heard the clip: its default threshold applies when rescoring."""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def in_domain(self) -> bool:
        return self.expected_id is not None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("fields")
        data.update({k: v for k, v in extra.items() if k not in data})
        return data

    def with_answer(self, answer: Answer) -> FileResult:
        """This clip with what ``answer`` decided: the entry, its score and the runner-up."""
        return replace(
            self,
            predicted_id=answer.id,
            correct=answer.id == self.expected_id,
            score=answer.score,
            best_id=answer.best_id,
            runner_up_id=answer.runner_up_id,
            runner_up_score=answer.runner_up_score,
            suggested_ids=answer.suggested_ids,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        """The result to_json wrote: keys it does not know are the manifest's columns again.
        Raises TypeError or AttributeError for data that is not one."""
        known = {f.name for f in dataclass_fields(cls)} - {"fields"}
        values = {k: v for k, v in data.items() if k in known}
        values["alternatives"] = tuple(str(a) for a in values.get("alternatives") or ())
        values["suggested_ids"] = tuple(int(i) for i in values.get("suggested_ids") or ())
        extra = {k: str(v) for k, v in data.items() if k not in known}
        return cls(**values, fields=extra)


def write_results(results: Iterable[FileResult], path: Path) -> None:
    """One JSON line per clip (``voice eval --jsonl``): what ``voice eval --rescore`` reads back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for result in results:
            handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edits, reference words) after normalising case and punctuation; for a Korean
    reference, (syllable edits, reference syllables)."""
    ref, hyp = words(reference), words(hypothesis)
    if is_korean([reference]):
        ref, hyp = list("".join(ref)), list("".join(hyp))
    return Levenshtein.distance(ref, hyp), len(ref)


def wer(reference: str, hypothesis: str) -> float:
    edits, total = word_errors(reference, hypothesis)
    return edits / total if total else float(bool(words(hypothesis)))


def evaluate_sample(assistant: Assistant, sample: Sample) -> FileResult:
    """Answer one clip and compare with what was expected."""
    started = time.perf_counter()
    try:
        answer = assistant.ask_file(sample.path)
    except Exception as exc:  # one bad clip is one failed row, never the end of a run
        if not isinstance(exc, VoiceError):
            log.debug("%s failed", sample.path, exc_info=True)
        message = str(exc) if isinstance(exc, VoiceError) else f"{type(exc).__name__}: {exc}"
        return FileResult(
            path=sample.name,
            expected_id=sample.expected_id,
            predicted_id=None,
            correct=False,
            reference=sample.text,
            seconds=round(time.perf_counter() - started, 3),
            error=message,
            fields=sample.fields,
        )
    edits = total = None
    rate = None
    if sample.text is not None:
        edits, total = word_errors(sample.text, answer.transcript)
        rate = round(edits / total, 4) if total else None
    rtf = answer.seconds / answer.audio_seconds if answer.audio_seconds else None
    heard = FileResult(
        path=sample.name,
        expected_id=sample.expected_id,
        predicted_id=None,
        correct=False,
        transcript=answer.transcript,
        reference=sample.text,
        wer=rate,
        word_errors=edits,
        reference_words=total,
        seconds=answer.seconds,
        audio_seconds=answer.audio_seconds,
        rtf=round(rtf, 4) if rtf is not None else None,
        alternatives=answer.alternatives,
        engine=answer.engine,
        fields=sample.fields,
    )
    return heard.with_answer(answer)


_worker: Assistant | VoiceError | None = None

ORPHAN_CHECK_SECONDS = 1.0
"""How often a worker checks that the ``voice eval`` that started it is still there."""


def _exit_with_parent(parent: int) -> None:
    """End this worker when its parent (``voice eval``, pid ``parent``, given by the parent:
    it may be gone before this runs) is. A run stopped by ``kill`` (not Ctrl-C, which reaches
    the whole process group) left its workers blocked on a pipe forever, 115 MB each, after they
    had decoded the clips already handed to them."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _start_worker(settings: Settings, parent: int) -> None:
    global _worker
    _exit_with_parent(parent)
    try:
        assistant = Assistant.from_settings(settings)
        assistant.recognizer  # load before the first clip, so its timing is the clip's  # noqa: B018
        _worker = assistant
    except VoiceError as exc:  # raised with the first clip: a failing initializer would respawn
        _worker = exc


def _evaluate_in_worker(sample: Sample) -> FileResult:
    if isinstance(_worker, VoiceError):
        raise _worker
    assert _worker is not None
    return evaluate_sample(_worker, sample)


def evaluate(
    samples: Sequence[Sample],
    settings: Settings,
    jobs: int = 2,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Evaluate every sample, in order, on ``jobs`` worker processes (1: in this process)."""
    jobs = max(1, min(jobs, len(samples)))
    if jobs == 1:
        assistant = Assistant.from_settings(settings)
        assistant.recognizer  # noqa: B018
        return _collect((evaluate_sample(assistant, s) for s in samples), len(samples), progress)
    Assistant.from_settings(settings)  # a bad knowledge base or model fails here, once, clearly
    # Worker k gets clips k, k + jobs, k + 2 jobs, ... in order. A recognizer carries state from
    # one utterance to the next (PocketSphinx's running cepstral mean), so a fixed share keeps
    # a run repeatable, which a shared queue (whichever worker is free) would not.
    # spawn, not fork: each worker imports voice afresh and loads its own recognizer.
    # concurrent.futures, not multiprocessing.Pool: a worker that dies (a recognizer crashing in
    # native code) makes Pool.imap wait forever, where an executor raises BrokenProcessPool.
    context = multiprocessing.get_context("spawn")
    with ExitStack() as stack:
        streams = []
        for k in range(jobs):
            pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=_start_worker, initargs=(settings, os.getpid())
            )
            stack.callback(pool.shutdown, wait=True, cancel_futures=True)
            streams.append(pool.map(_evaluate_in_worker, samples[k::jobs]))
        ordered = (next(streams[i % jobs]) for i in range(len(samples)))
        try:
            return _collect(ordered, len(samples), progress)
        except BrokenProcessPool:
            raise VoiceError(
                "a worker process died while answering (the recognizer crashed); "
                "run with --jobs 1 to see where"
            ) from None


def _collect(
    results: Iterable[FileResult], total: int, progress: Progress | None
) -> list[FileResult]:
    collected = []
    for result in results:
        collected.append(result)
        if progress:
            progress(len(collected), total)
    return collected


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summarize(results: Sequence[FileResult]) -> dict[str, Any]:
    """The numbers of a run (or of one group of it); see the module docstring."""
    inside = [r for r in results if r.in_domain]
    outside = [r for r in results if not r.in_domain]
    answered = [r for r in results if r.error is None]
    refused = [r for r in inside if r.predicted_id is None and r.error is None]
    with_reference = [r for r in answered if r.reference_words]
    seconds = np.array([r.seconds for r in answered], dtype=np.float64)
    audio = sum(r.audio_seconds or 0.0 for r in answered)
    return {
        "files": len(results),
        "errors": len(results) - len(answered),
        "in_domain": len(inside),
        "out_of_domain": len(outside),
        "in_domain_accuracy": _rate(sum(r.correct for r in inside), len(inside)),
        "false_reject_rate": _rate(
            sum(r.predicted_id is None and r.error is None for r in inside), len(inside)
        ),
        "wrong_answer_rate": _rate(
            sum(r.predicted_id is not None and not r.correct for r in inside), len(inside)
        ),
        "refused_suggested_rate": _rate(
            sum(r.expected_id in r.suggested_ids for r in refused), len(refused)
        ),
        "ood_rejection_rate": _rate(sum(r.correct for r in outside), len(outside)),
        "false_accept_rate": _rate(sum(r.predicted_id is not None for r in outside), len(outside)),
        "accuracy": _rate(sum(r.correct for r in results), len(results)),
        "wer": _rate(
            sum(r.word_errors or 0 for r in with_reference),
            sum(r.reference_words or 0 for r in with_reference),
        ),
        "mean_seconds": float(seconds.mean()) if len(seconds) else None,
        "p95_seconds": float(np.percentile(seconds, 95)) if len(seconds) else None,
        "rtf": float(seconds.sum() / audio) if audio else None,
    }


def group_key(result: FileResult, grouping: str) -> str:
    """The group of a result for ``voice`` or a combination such as ``voice+condition``."""
    return " / ".join(result.fields.get(c, "") or "-" for c in grouping.split("+"))


def summarize_groups(
    results: Sequence[FileResult], groupings: Sequence[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """``{grouping: {group value: summary}}``, groups in order of first appearance."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for grouping in groupings:
        groups: dict[str, list[FileResult]] = {}
        for result in results:
            groups.setdefault(group_key(result, grouping), []).append(result)
        out[grouping] = {value: summarize(members) for value, members in groups.items()}
    return out


def accepted_at(result: FileResult, threshold: float) -> int | None:
    """The entry the clip would get at another threshold (the matcher's rule: best score at or
    above the threshold), None for the fallback."""
    if result.error is not None or result.best_id is None:
        return None
    return result.best_id if result.score >= threshold else None


def sweep(
    results: Sequence[FileResult], thresholds: Iterable[float] = range(0, 101)
) -> list[dict[str, float | None]]:
    """In-domain accuracy, out-of-domain rejection and accuracy at each threshold."""
    inside = [r for r in results if r.in_domain]
    outside = [r for r in results if not r.in_domain]
    rows = []
    for threshold in thresholds:
        hits = sum(accepted_at(r, threshold) == r.expected_id for r in inside)
        rejected = sum(accepted_at(r, threshold) is None for r in outside)
        rows.append(
            {
                "threshold": float(threshold),
                "in_domain_accuracy": _rate(hits, len(inside)),
                "ood_rejection_rate": _rate(rejected, len(outside)),
                "accuracy": _rate(hits + rejected, len(results)),
            }
        )
    return rows


def best_threshold(rows: Sequence[dict[str, float | None]]) -> dict[str, float | None] | None:
    """The threshold with the highest accuracy (the middle one of a tie, away from the edges)."""
    scored = [r for r in rows if r["accuracy"] is not None]
    if not scored:
        return None
    top = max(r["accuracy"] or 0.0 for r in scored)
    ties = [r for r in scored if r["accuracy"] == top]
    return ties[len(ties) // 2]


NONE_LABEL, ERROR_LABEL = "none", "error"


def confusion(results: Sequence[FileResult]) -> dict[tuple[str, str], int]:
    """Counts of (expected, predicted) labels: entry numbers, ``none`` or ``error``."""
    counts: dict[tuple[str, str], int] = {}
    for r in results:
        expected = str(r.expected_id) if r.expected_id is not None else NONE_LABEL
        if r.error is not None:
            predicted = ERROR_LABEL
        else:
            predicted = str(r.predicted_id) if r.predicted_id is not None else NONE_LABEL
        counts[expected, predicted] = counts.get((expected, predicted), 0) + 1
    return counts


def worst_failures(results: Sequence[FileResult], limit: int = 20) -> list[FileResult]:
    """Wrong outcomes, worst first: errors, then confident wrong answers (highest score first),
    then rejected questions (lowest score first, the ones hardest to fix by a threshold)."""
    wrong = [r for r in results if not r.correct]

    def badness(r: FileResult) -> tuple[int, float]:
        if r.error is not None:
            return (0, 0.0)
        if r.predicted_id is not None:
            return (1, -r.score)
        return (2, r.score)

    return sorted(wrong, key=badness)[:limit]
