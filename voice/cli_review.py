"""The ``voice review`` subcommand (parsing and printing only; the work is voice.review)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path

from voice.config import Settings

log = logging.getLogger(__name__)

SHOWN = 20
"""Refused questions listed by default: a morning's worth of to-do, not the whole log."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    from voice.cli import add_knowledge_options

    review = sub.add_parser(
        "review",
        help="list what people asked that the knowledge base does not answer",
        description="Read interaction logs (voice kiosk --log, or the JSON lines of voice "
        "listen/ask --json), match every question again against the seeds as they are now, and "
        "list the ones still refused, most asked first, with the entry each came nearest to. "
        "Add the right ones to their entry as ~ phrasings.",
    )
    review.add_argument("logs", nargs="+", type=Path, metavar="LOG", help="JSON-lines log files")
    add_knowledge_options(review)
    review.add_argument(
        "--top", type=int, default=SHOWN, help="how many to list; 0: all (default: %(default)s)"
    )
    review.add_argument(
        "--json", action="store_true", help="print one JSON object per refused question"
    )
    review.add_argument("-v", "--verbose", action="store_true", help="log each decision")
    review.set_defaults(run=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    from voice.knowledge import KioskAssistant
    from voice.review import read_transcripts, review

    transcripts, problems = read_transcripts(args.logs)
    for problem in problems:
        log.warning("%s", problem)
    settings = dataclasses.replace(Settings.defaults(), seeds=args.seeds, threshold=args.threshold)
    # The kiosk's matcher and the threshold its refusals were judged at: every one was decoded
    # again in full (voice.utterance.match_live), so the full engine's (Whisper's, as for
    # `voice listen` and `voice ask`). The recognizer is never loaded.
    assistant = KioskAssistant.from_settings(settings)
    result = review(assistant.matcher, transcripts, assistant.full_threshold)
    shown = result.refused[: args.top] if args.top > 0 else result.refused
    if args.json:
        for refused in shown:
            print(json.dumps(refused.to_json(), ensure_ascii=False))
        return 0
    refused_count = sum(r.count for r in result.refused)
    print(
        f"{result.heard} questions heard: {result.answered} answered now, {refused_count} "
        f"refused ({len(result.refused)} different)"
    )
    if not shown:
        return 0
    print("refused, most asked first (times asked, what was heard, nearest entry and its score):")
    for refused in shown:
        nearest = (
            f'#{refused.nearest_id} "{refused.nearest_question}" {refused.score:.1f}'
            if refused.nearest_id is not None
            else "no entry shares a word"
        )
        print(f'{refused.count:5d}  "{refused.transcript}"  nearest: {nearest}')
    if len(shown) < len(result.refused):
        print(f"... and {len(result.refused) - len(shown)} more (--top 0 lists all)")
    example = next((r for r in shown if r.nearest_question), None)
    question = example.nearest_question if example else "<the entry's question>"
    heard = example.transcript if example else "<what was asked>"
    print(
        "To answer one, add it to its entry as a line starting with ~ under the question:\n"
        f"  {question}\n  ~ {heard}\n"
        "then run voice review again: answered ones drop off the list."
    )
    return 0
