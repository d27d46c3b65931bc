"""``voice eval --rescore``: match an earlier run's transcripts again, without decoding.

Decoding is nearly all of an evaluation's time (21 minutes for the 1,428 clips of the held-out
set with Whisper on two cores; rescoring them takes 2 s). Someone tuning a knowledge base (a
phrasing, a synonym, the threshold) can see the effect on the same recordings at once: the run's
JSON lines keep each clip's transcript, the recognizer's other hypotheses and its manifest
columns, and the same matcher on the same hypotheses gives what a new run with the same
recognizer would give. Decode times, word error rates and failed clips are the stored run's.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from voice.asr import EngineChoice, Transcript
from voice.assistant import Assistant
from voice.errors import ManifestError, VoiceError
from voice.evaluate import FileResult
from voice.text import read_utf8


def read_results(path: Path) -> list[FileResult]:
    """The results ``voice eval --jsonl`` wrote; a line that is not one is an error naming it."""
    try:
        text = read_utf8(path)
    except VoiceError as exc:
        raise ManifestError(f"{path}: {exc}") from None
    results: list[FileResult] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            result = FileResult.from_json(data)
            if not isinstance(result.path, str) or not isinstance(result.transcript, str):
                raise ValueError("path and transcript must be text")
            if result.expected_id is not None and not isinstance(result.expected_id, int):
                raise ValueError("expected_id must be a number or null")
        except (ValueError, TypeError, AttributeError) as exc:
            raise ManifestError(
                f"{path}:{number}: not a line of `voice eval --jsonl` output ({exc}); give the "
                "file an earlier run wrote with --jsonl"
            ) from None
        results.append(result)
    if not results:
        raise ManifestError(f"{path}: no results in it; give the file `voice eval --jsonl` wrote")
    return results


def stored_engine(stored: list[FileResult]) -> EngineChoice | None:
    """The engine that heard a stored run, when it was one: its transcripts are matched with that
    engine's default threshold (voice.match.default_threshold), whatever engine this machine would
    choose now, and nothing is chosen or loaded. None for a run without engines recorded."""
    engines = {result.engine for result in stored if result.engine}
    return EngineChoice(engines.pop()) if len(engines) == 1 else None


def rescore(stored: list[FileResult], assistant: Assistant) -> list[FileResult]:
    """Each stored clip matched again by ``assistant``'s knowledge base and threshold."""
    out: list[FileResult] = []
    for result in stored:
        if result.error:
            out.append(result)  # never decoded: nothing to match
            continue
        transcript = Transcript(result.transcript, result.alternatives)
        answer = assistant.answer_transcript(transcript, result.path, time.perf_counter())
        out.append(result.with_answer(answer))
    return out
