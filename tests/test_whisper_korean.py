"""Whisper base hears a Korean knowledge base where no Vosk model is present: ``auto`` picks it,
its two wheel halves are joined into the cache once (and again when that copy is damaged), and an
English-only Whisper model given for a Korean knowledge base gets one clear line.

The questions are spoken by MBROLA's hn1 (recorded Korean diphones, voice.korean_speech), the
test set's Korean voice that sounds most like a person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_ask import run_voice
from tests.test_vosk import ENTRIES, UNRELATED, write_korean_seeds
from voice.asr import EngineChoice, choose_engine
from voice.asr.whisper import MULTILINGUAL_PARTS, _package_data, bundled_model
from voice.audio import SAMPLE_RATE, write_wav
from voice.testset import synthesize as synthesize_voice


@pytest.fixture(scope="module")
def ko_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_korean_seeds(tmp_path_factory.mktemp("ko-seeds") / "museum.txt")


@pytest.fixture(scope="module")
def hn1(tmp_path_factory: pytest.TempPathFactory) -> dict[int | None, Path]:
    """Each question, and the unrelated sentence (None), spoken by hn1."""
    out = tmp_path_factory.mktemp("hn1")
    texts: dict[int | None, str] = {i: question for i, (question, _) in ENTRIES.items()}
    texts[None] = UNRELATED
    clips = {}
    for entry_id, text in texts.items():
        clips[entry_id] = out / f"{entry_id}.wav"
        write_wav(clips[entry_id], synthesize_voice(text, "mbrola-hn1"), SAMPLE_RATE)
    return clips


def halves_size() -> int:
    """The two halves of ``model.bin`` as the wheels installed them."""
    total = 0
    for number, package in enumerate(MULTILINGUAL_PARTS, start=1):
        folder = _package_data(package)
        assert folder is not None, package
        total += (folder / f"model.bin.part{number}").stat().st_size
    return total


def test_auto_chooses_whisper_for_korean_without_a_vosk_model(tmp_path: Path) -> None:
    assert choose_engine("auto", None, [], korean=True) == EngineChoice("whisper")
    # PocketSphinx cannot hear Korean: the kiosk waits for Whisper rather than pairing them.
    assert choose_engine("auto", None, [], live=True, korean=True) == EngineChoice("whisper")
    vosk_model = tmp_path / "ko"
    assert choose_engine("auto", None, [vosk_model], korean=True) == EngineChoice(
        "vosk", vosk_model
    )


def test_spoken_korean_is_answered_and_the_model_is_joined_once(
    ko_seeds: Path,
    hn1: dict[int | None, Path],
    tmp_path: Path,
) -> None:
    cache, no_models = tmp_path / "cache", tmp_path / "models"
    no_models.mkdir()
    ids = list(hn1)
    args = ["ask", "--json", "--seeds", str(ko_seeds), "--models-dir", str(no_models)]
    result = run_voice(*args, *(str(hn1[i]) for i in ids), timeout=300, cache=cache)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["engine"] for row in rows] == ["whisper"] * len(ids)
    assert [row["id"] for row in rows] == ids, [row["transcript"] for row in rows]
    (joined,) = cache.glob("whisper-base-*/model.bin")
    assert joined.stat().st_size == halves_size()

    # A damaged copy (a full disk, a bad sector) is joined again, and the answer is the same.
    joined.write_bytes(joined.read_bytes()[:4096])
    again = run_voice(*args, str(hn1[2]), timeout=300, cache=cache)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["id"] == 2
    assert joined.stat().st_size == halves_size()


def test_an_english_only_model_for_a_korean_knowledge_base_gets_one_line(
    ko_seeds: Path,
    hn1: dict[int | None, Path],
    tmp_path: Path,
) -> None:
    english = bundled_model()
    assert english is not None
    args = ["ask", "--seeds", str(ko_seeds), "--model", str(english), str(hn1[1])]
    result = run_voice(*args, timeout=300, cache=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"voice: error: {english}: an English-only Whisper model cannot hear a knowledge base "
        "in Korean; leave out --model to use the bundled multilingual one"
    )


def test_a_cache_where_the_model_cannot_be_joined_gets_one_line(
    ko_seeds: Path,
    hn1: dict[int | None, Path],
    tmp_path: Path,
) -> None:
    """A file where the joined model's folder goes (a cache copied from elsewhere, a typo)."""
    (tmp_path / f"whisper-base-{halves_size()}").write_text("")
    args = ["ask", "--seeds", str(ko_seeds), "--models-dir", str(tmp_path), str(hn1[1])]
    result = run_voice(*args, timeout=300, cache=tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        f"voice: error: cannot put the multilingual Whisper model together in {tmp_path}/"
    ), line
    assert line.endswith("free some disk space there or set VOICE_CACHE to a writable folder")
