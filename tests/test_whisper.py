"""Whisper for real: the tiny.en model from its wheel answers spoken questions through the CLI
and the Python API, is what ``--engine auto`` picks when no Vosk model is present, gives the same
transcript for the same audio every time, and a folder that is not a Whisper model gets one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech import sox, synthesize
from tests.test_ask import QUESTIONS, json_lines, run_voice
from voice import Assistant, Settings
from voice.asr import EngineChoice, choose_engine
from voice.asr.whisper import (
    PROMPT_WORDS,
    WhisperRecognizer,
    bundled_model,
    is_whisper_model,
    prompt_from,
)
from voice.audio import read_audio
from voice.errors import ModelError
from voice.text import proper_names


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("whisper")
    made = {
        "q2": synthesize(QUESTIONS[2], out / "q2.wav", "flite-slt"),
        "p4": synthesize("is there any chance the peace talks start again", out / "p4.wav"),
        "ood": synthesize("who won the football match yesterday", out / "ood.wav", "flite-kal"),
    }
    # The same question in pink noise at 10 dB SNR, as in the test sets.
    noise = out / "noise.wav"
    sox("-n", "-r", "16000", "-c", "1", str(noise), "synth", "4", "pinknoise", "vol", "0.05")
    made["q2-noisy"] = out / "q2-noisy.wav"
    sox("-m", str(made["q2"]), str(noise), str(made["q2-noisy"]), "rate", "16000")
    return made


def test_the_model_ships_in_a_wheel_and_auto_picks_it() -> None:
    folder = bundled_model()
    assert folder is not None and is_whisper_model(folder)
    assert choose_engine("auto", None, []) == EngineChoice("whisper")
    # The kiosk answers from PocketSphinx's live decode and asks Whisper about refusals.
    assert choose_engine("auto", None, [], live=True) == EngineChoice("pocketsphinx+whisper")
    assert choose_engine("auto", folder, []) == EngineChoice("whisper", folder)


def test_cli_answers_spoken_questions_and_refuses_an_unrelated_one(clips: dict) -> None:
    names = ["q2", "p4", "ood", "q2-noisy"]
    result = run_voice("ask", "--json", "--engine", "whisper", *(str(clips[n]) for n in names))
    assert result.returncode == 0, result.stderr
    rows = {n: r for n, r in zip(names, json_lines(result.stdout), strict=True)}
    assert {n: rows[n]["engine"] for n in names} == dict.fromkeys(names, "whisper")
    assert {n: rows[n]["id"] for n in names} == {"q2": 2, "p4": 4, "ood": None, "q2-noisy": 2}
    assert "football" in str(rows["ood"]["transcript"]).lower()


def test_the_same_audio_gives_the_same_transcript(clips: dict) -> None:
    assistant = Assistant.from_settings(Settings.defaults())
    assert assistant.engine == "whisper"
    assert isinstance(assistant.recognizer, WhisperRecognizer)  # raw audio: no suppressor
    audio = read_audio(clips["q2-noisy"])
    first = [assistant.ask_pcm(audio).transcript for _ in range(3)]
    assert first[0] and first == [first[0]] * 3


def test_a_folder_that_is_not_a_whisper_model_gets_one_line(tmp_path: Path, clips: dict) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    result = run_voice("ask", "--engine", "whisper", "--model", str(tmp_path), str(clips["q2"]))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"voice: error: {tmp_path}: not a CTranslate2 Whisper model folder "
        "(needs model.bin, config.json and tokenizer.json)"
    ]


def test_the_prompt_holds_the_first_questions_that_fit() -> None:
    questions = [f"question number {n} about the museum?" for n in range(100)]
    prompt = prompt_from(questions)
    assert prompt is not None and prompt.startswith("question number 0 about")
    assert len(prompt.split()) <= PROMPT_WORDS
    assert "number 24 " in prompt and "number 25 " not in prompt  # 6 words each: 25 fit in 150
    assert prompt_from([]) is None


def test_the_prompt_puts_the_names_the_questions_do_not_say_first() -> None:
    questions = ["What is Russia's stance?", "Where is NATO meeting?"]
    names = ["Sergey Ryabkov", "NATO", "Anchorage", "Sergey  Ryabkov"]
    prompt = prompt_from(questions, names)
    assert prompt == "Sergey Ryabkov, Anchorage. What is Russia's stance? Where is NATO meeting?"
    # The questions have the budget first: names only fill what is left of it.
    assert prompt_from(questions, names, max_words=9) == (
        "Anchorage. What is Russia's stance? Where is NATO meeting?"
    )
    assert prompt_from([], ["Rembrandt"]) == "Rembrandt."


def test_whisper_is_told_the_rare_names_in_the_answers(tmp_path: Path) -> None:
    """ "Ryabkov" is only in an answer; without it in the prompt Whisper heard "rehab cough"."""
    assistant = Assistant.from_settings(Settings.defaults())
    # NATO, Anchorage, the European Union: everyday words that Whisper spells already.
    assert assistant.names() == ["Deputy Foreign Minister Sergey Ryabkov"]
    recognizer = assistant.recognizer
    assert isinstance(recognizer, WhisperRecognizer) and recognizer.prompt is not None
    # The questions stay at the prompt's end, where Whisper carries on from.
    assert recognizer.prompt.startswith("Deputy Foreign Minister Sergey Ryabkov. Why have")
    clip = synthesize("What has Ryabkov said about the talks?", tmp_path / "q.wav", "flite-slt")
    answer = assistant.ask_pcm(read_audio(clip))
    assert "Ryabkov" in answer.transcript
    assert answer.id == 5, answer
    without = WhisperRecognizer(None, assistant.questions())
    assert "Ryabkov" not in without.transcribe(read_audio(clip).to_bytes()).text


def test_proper_names_are_the_answers_capitalised_words() -> None:
    answer = (
        "Russia's Deputy Foreign Minister Sergey Ryabkov said NATO, the US and the European "
        "Union met in Anchorage. The Night Watch is by Rembrandt."
    )
    assert proper_names(answer) == [
        "Deputy Foreign Minister Sergey Ryabkov",
        "NATO",
        "US",
        "European Union",
        "Anchorage",
        "Night Watch",
        "Rembrandt",
    ]
    assert proper_names("it is open until six. ask at the desk.") == []


def test_pocketsphinx_with_a_model_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        choose_engine("pocketsphinx+whisper", tmp_path, [])
    assert str(caught.value) == (
        "--model names a model folder; pocketsphinx+whisper uses its own models"
    )


def test_a_damaged_whisper_model_gets_one_line(tmp_path: Path, clips: dict) -> None:
    bundled = bundled_model()
    assert bundled is not None
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    (tmp_path / "model.bin").write_bytes(b"\0" * 4096)  # a download cut short
    result = run_voice("ask", "--model", str(tmp_path), str(clips["q2"]))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"voice: error: {tmp_path}: CTranslate2 cannot load this Whisper model")


def test_without_the_model_wheel_auto_falls_back_and_whisper_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The wheel missing (a fault this machine cannot cause otherwise: it is a dependency)."""
    import voice.asr.whisper as whisper

    monkeypatch.setattr(whisper, "MODEL_PACKAGE", "no_such_model_package")
    assert choose_engine("auto", None, []) == EngineChoice("pocketsphinx")
    with pytest.raises(ModelError) as caught:
        WhisperRecognizer()
    assert str(caught.value) == (
        "the Whisper model package (no_such_model_package) is not installed; "
        "run `make install` or use --engine pocketsphinx"
    )
