"""`voice review` turns an assistant's log into the author's to-do list: what was refused, most
asked first, and it shrinks once the author adds those questions as `~` phrasings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.test_ask import json_lines, run_voice
from voice.match import THRESHOLD

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ASKED = [
    "Could peace talks resume soon?",
    "so what's russia's line on a deal these days",
    "So what's Russia's line on a deal these days?",
    "so what's russia's line on a deal these days",
    "where can i park",
]


def write_log(seeds: Path, path: Path) -> Path:
    """A log as `voice ask --json` writes it (the same lines `voice kiosk --log` has)."""
    args = [a for text in ASKED for a in ("--text", text)]
    result = run_voice("ask", "--json", "--seeds", str(seeds), *args)
    assert result.returncode == 0, result.stderr
    # A spoken command in a kiosk log is not a question.
    command = json.dumps({"kind": "stop", "transcript": "stop", "id": None})
    path.write_text(result.stdout + "this line is not JSON\n" + command + "\n")
    return path


def test_review_lists_refused_questions_most_asked_first_and_shrinks_once_covered(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    log = write_log(seeds, tmp_path / "kiosk.jsonl")

    result = run_voice("review", "--json", "--seeds", str(seeds), str(log))
    assert result.returncode == 0, result.stderr
    refused = json_lines(result.stdout)
    assert [(r["transcript"], r["count"]) for r in refused] == [
        ("so what's russia's line on a deal these days", 3),
        ("where can i park", 1),
    ]
    assert refused[0]["nearest_id"] == 5  # Russia's stance, the entry it belongs to
    # Unrelated: some entry is nearest in meaning, with no score (it shares no word).
    assert refused[1]["nearest_id"] in range(1, 6) and refused[1]["score"] == 0.0
    assert (
        result.stderr.strip() == f"voice: WARNING: {log}:{len(ASKED) + 1}: not a JSON line; skipped"
    )

    top = run_voice("review", "--top", "1", "--seeds", str(seeds), str(log)).stdout
    assert "... and 1 more (--top 0 lists all)" in top and "where can i park" not in top
    # A lower threshold answers the Russia question (it scores 32.1 for entry 5).
    low = run_voice("review", "--json", "--threshold", "20", "--seeds", str(seeds), str(log))
    low_refused = json_lines(low.stdout)
    assert [r["transcript"] for r in low_refused] == ["where can i park"]

    text = run_voice("review", "--seeds", str(seeds), str(log)).stdout
    assert text.splitlines()[0] == "5 questions heard: 1 answered now, 4 refused (2 different)"
    assert "~ so what's russia's line on a deal these days" in text  # how to add it

    # The author puts the question under entry 5 as a phrasing.
    seed_file = next(seeds.glob("*.txt"))
    question = "What is Russia's current stance on peace negotiations?"
    phrasing = "~ so what's russia's line on a deal these days"
    seed_file.write_text(seed_file.read_text().replace(question, f"{question}\n{phrasing}"))
    again = json_lines(run_voice("review", "--json", "--seeds", str(seeds), str(log)).stdout)
    assert [r["transcript"] for r in again] == ["where can i park"]


def test_review_files_a_rewording_under_the_entry_it_means(tmp_path: Path) -> None:
    """ "when do you lock up" shares no word with "What time does the museum close?" and is
    refused: the review still names that entry as the nearest (by meaning), so the author knows
    where the phrasing goes."""
    museum = Path(__file__).resolve().parent / "data" / "english" / "museum.txt"
    asked = run_voice("ask", "--json", "--seeds", str(museum), "--text", "when do you lock up")
    assert json_lines(asked.stdout)[0]["id"] is None, asked.stdout
    log = tmp_path / "kiosk.jsonl"
    log.write_text(asked.stdout)
    result = run_voice("review", "--json", "--seeds", str(museum), str(log))
    refused = json_lines(result.stdout)
    assert [(r["transcript"], r["nearest_question"]) for r in refused] == [
        ("when do you lock up", "What time does the museum close?")
    ]
    text = run_voice("review", "--seeds", str(museum), str(log)).stdout
    assert "  What time does the museum close?\n  ~ when do you lock up" in text, text


def test_a_log_that_cannot_be_read_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = run_voice("review", str(missing))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"voice: error: {missing}: cannot read (No such file or directory)"
    )


def test_review_judges_with_the_threshold_the_kiosk_refused_at(tmp_path: Path) -> None:
    """The kiosk's refusals are judged on Whisper's decode at WHISPER_THRESHOLD (a doubtful or
    refused live transcript is decoded again: voice.utterance.match_live), as `voice ask`'s are:
    a close call between the two engines' thresholds is answered now. At THRESHOLD (what a kiosk
    on PocketSphinx alone judges at, given as --threshold) it is listed."""
    # Scores 34 for entry 4 ("Could peace talks resume soon?").
    close_call = "i was wondering if we might see both sides back at the table in the near future"
    log = tmp_path / "kiosk.jsonl"
    log.write_text(json.dumps({"kind": "fallback", "transcript": close_call}) + "\n")
    assert json_lines(run_voice("review", "--json", str(log)).stdout) == []
    alone = run_voice("review", "--json", "--threshold", str(THRESHOLD), str(log)).stdout
    assert [(r["transcript"], r["nearest_id"]) for r in json_lines(alone)] == [(close_call, 4)]
