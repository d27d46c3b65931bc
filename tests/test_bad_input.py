"""Bad input gets one clear line; the other inputs of the same call are still answered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.speech import synthesize
from tests.test_ask import json_lines, run_voice
from voice.match import THRESHOLD, WHISPER_THRESHOLD


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(
        "Could peace talks resume soon?", tmp_path_factory.mktemp("good") / "q4.wav", "flite-slt"
    )


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_bad_audio_files_each_get_one_line_and_the_good_one_is_answered(
    good: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio\n")
    header_only = tmp_path / "header-only.wav"
    header_only.write_bytes(good.read_bytes()[:30])
    ten_minutes = tmp_path / "lecture.wav"
    soundfile.write(str(ten_minutes), np.zeros(16000 * 600, dtype=np.int16), 16000)
    missing = tmp_path / "missing.wav"

    bad = [empty, not_audio, header_only, ten_minutes, missing]
    result = run_voice("ask", "--json", str(bad[0]), str(good), *map(str, bad[1:]))

    assert result.returncode == 1
    rows = json_lines(result.stdout)
    answered = [r for r in rows if "error" not in r]
    assert [(r["input"], r["id"]) for r in answered] == [(str(good), 4)]
    errors = {r["input"]: str(r["error"]) for r in rows if "error" in r}
    assert set(errors) == {str(p) for p in bad}
    assert "empty" in errors[str(empty)]
    assert "not a readable audio file" in errors[str(not_audio)]
    assert "not a readable audio file" in errors[str(header_only)]
    assert "600 s long" in errors[str(ten_minutes)] and "--max-seconds" in errors[str(ten_minutes)]
    assert "no such file" in errors[str(missing)]
    lines = error_lines(result.stderr)
    assert len(lines) == len(bad)
    assert all(line.startswith("voice: error: ") for line in lines)
    assert "Traceback" not in result.stderr


def test_truncated_wav_is_answered_from_what_is_there(good: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.wav"
    data = good.read_bytes()
    truncated.write_bytes(data[: int(len(data) * 0.8)])
    result = run_voice("ask", "--json", str(truncated))
    assert result.returncode == 0, result.stderr
    (row,) = json_lines(result.stdout)
    assert row["id"] == 4
    assert "Traceback" not in result.stderr


def test_silence_and_noise_get_the_fallback(tmp_path: Path) -> None:
    silence = tmp_path / "silence.wav"
    soundfile.write(str(silence), np.zeros(16000 * 2, dtype=np.int16), 16000)
    noise = tmp_path / "noise.wav"
    rng = np.random.default_rng(7)
    soundfile.write(str(noise), (rng.standard_normal(16000 * 2) * 0.05).astype(np.float32), 16000)
    result = run_voice("ask", "--json", str(silence), str(noise))
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert [r["id"] for r in rows] == [None, None]
    assert all("You can ask, for example" in str(r["answer"]) for r in rows)


def test_malformed_seed_file_reports_file_and_line_and_keeps_the_rest(tmp_path: Path) -> None:
    seeds = tmp_path / "kb.txt"
    seeds.write_text(
        "Could peace talks resume soon?\nNot soon.\n-\nA question with no answer?\n-\n"
        "Where is the toilet?\nDownstairs.\n"
    )
    result = run_voice("ask", "--json", "--seeds", str(seeds), "--text", "where is the toilet")
    assert result.returncode == 0
    (row,) = json_lines(result.stdout)
    assert row["id"] == 2 and row["answer"] == "Downstairs."
    assert f"{seeds}:4: question 'A question with no answer?' has no answer" in result.stderr


def test_a_synonyms_file_that_is_not_utf8_is_skipped_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "kb.txt").write_text("Where is the cloakroom?\nDownstairs.\n")
    (tmp_path / "venue.synonyms").write_text("cloakroom, coat check\n")
    (tmp_path / "notepad.synonyms").write_bytes("caf\xe9, coffee shop\n".encode("latin-1"))
    result = run_voice(
        "ask", "--json", "--seeds", str(tmp_path), "--text", "where is the coat check"
    )
    assert result.returncode == 0, result.stderr
    (row,) = json_lines(result.stdout)
    assert row["id"] == 1  # the readable synonyms file still counts
    assert error_lines(result.stderr) == [
        f"voice: WARNING: {tmp_path / 'notepad.synonyms'}:1: not UTF-8 text (invalid continuation "
        "byte); synonyms file skipped"
    ]


def test_seeds_folder_with_no_entries_cannot_run(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("-\n-\n")
    result = run_voice("ask", "--seeds", str(tmp_path), "--text", "hello")
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        f"voice: error: no entries found in {tmp_path}; "
        "write questions and answers as described in README.md#seeds"
    ]


def test_model_that_is_not_a_model_cannot_run(tmp_path: Path, good: Path) -> None:
    result = run_voice("ask", "--model", str(tmp_path), str(good))
    assert result.returncode == 2
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"voice: error: {tmp_path}: not a Vosk model folder")
    missing = run_voice("ask", "--model", str(tmp_path / "nope"), str(good))
    assert missing.returncode == 2
    assert error_lines(missing.stderr) == [
        f"voice: error: {tmp_path / 'nope'}: no such model folder"
    ]


def test_ask_without_inputs_says_what_to_give() -> None:
    result = run_voice("ask")
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        'voice: error: nothing to answer: give audio FILEs or --text "a question"'
    ]


def test_max_seconds_lets_a_longer_file_through(tmp_path: Path) -> None:
    """The limit named in the error message is the option that lifts it."""
    long_silence = tmp_path / "long.wav"
    soundfile.write(str(long_silence), np.zeros(16000 * 65, dtype=np.int16), 16000)
    refused = run_voice("ask", "--json", str(long_silence))
    assert refused.returncode == 1 and "--max-seconds" in refused.stderr
    allowed = run_voice("ask", "--json", "--max-seconds", "90", str(long_silence))
    assert allowed.returncode == 0, allowed.stderr
    (row,) = json_lines(allowed.stdout)
    assert row["id"] is None and float(row["audio_seconds"]) == pytest.approx(65, abs=0.1)


def test_threshold_option_decides_between_answer_and_fallback() -> None:
    question = "why did the peace talks fail in ukraine"
    default = json_lines(run_voice("ask", "--json", "--text", question).stdout)[0]
    strict = json_lines(
        run_voice("ask", "--json", "--threshold", "101", "--text", question).stdout
    )[0]
    assert default["id"] == 1
    assert strict["id"] is None and strict["best_id"] == 1


def test_the_default_threshold_is_the_engines() -> None:
    """Whisper's slips are real words, so it answers a closer call (WHISPER_THRESHOLD) than
    PocketSphinx, whose garbles match unrelated questions by chance (THRESHOLD)."""
    # Scores 34 for entry 4 ("Could peace talks resume soon?").
    question = "i was wondering if we might see both sides back at the table in the near future"
    whisper = json_lines(run_voice("ask", "--json", "--text", question).stdout)[0]
    assert whisper["id"] == 4  # the default engine here is Whisper (tiny.en)
    assert WHISPER_THRESHOLD <= whisper["score"] < THRESHOLD
    for engine in ("pocketsphinx", "pocketsphinx+whisper"):
        asked = run_voice("ask", "--json", "--engine", engine, "--text", question).stdout
        refused = json_lines(asked)[0]
        assert refused["id"] is None and refused["best_id"] == 4, engine


def test_a_cache_folder_that_cannot_be_made_gets_one_line(tmp_path: Path) -> None:
    """``VOICE_CACHE`` under a file (a typo, a path from another machine): one line, exit 2."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    cache = blocker / "voice"
    result = run_voice("ask", "--text", "where is the toilet", cache=cache)
    assert result.returncode == 2, result.stderr
    assert error_lines(result.stderr) == [
        f"voice: error: cannot use the cache folder {cache} (Not a directory); "
        "set VOICE_CACHE to a folder this user can write"
    ]
