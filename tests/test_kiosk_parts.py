"""The kiosk's parts without a sound card: the answer cache, the spoken commands, the seed
watcher, and the loop itself driven by recorded questions as fast as it goes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from tests.evalset import SEEDS
from tests.kiosk_fakes import (
    FrameFeed,
    InstantPlayer,
    ToneSpeaker,
    frames_of,
    question_frames,
    silence,
    write_seeds,
)
from tests.speech import synthesize
from voice.answer_cache import AnswerCache
from voice.audio import read_audio
from voice.commands import Command, Commands
from voice.config import Settings
from voice.interaction_log import InteractionLog
from voice.kiosk import Kiosk, KioskEvent
from voice.knowledge import KioskAssistant, Knowledge, build_knowledge, reloaded_assistant
from voice.language import ENGLISH, KOREAN
from voice.match import KOREAN_THRESHOLD, THRESHOLD
from voice.reload import SeedWatcher
from voice.seeds import load_knowledge_base

# -- answer cache ---------------------------------------------------------------------------


def test_cache_renders_once_and_again_only_what_changed(tmp_path: Path) -> None:
    speaker = ToneSpeaker()
    cache = AnswerCache(speaker, "en", 200, tmp_path)
    report = cache.prepare(["one answer", "two answer", "one answer"])
    assert (report.rendered, report.reused, report.failed) == (2, 0, ())
    again = AnswerCache(speaker, "en", 200, tmp_path)
    report = again.prepare(["one answer", "two answer changed"])
    assert (report.rendered, report.reused) == (1, 1)
    assert speaker.rendered == ["one answer", "two answer", "two answer changed"]
    assert again.get("one answer").seconds == pytest.approx(cache.get("one answer").seconds)


def test_cache_key_holds_voice_and_rate(tmp_path: Path) -> None:
    paths = {
        AnswerCache(ToneSpeaker(), voice, rate, tmp_path).path("same text")
        for voice, rate in (("en", 200), ("en", 180), ("en-us", 200))
    }
    assert len(paths) == 3


def test_one_answer_that_cannot_be_rendered_does_not_stop_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = AnswerCache(ToneSpeaker(broken=["bad one"]), "en", 200, tmp_path)
    report = cache.prepare(["good one", "bad one", "good two"])
    assert report.rendered == 2
    assert [text for text, _ in report.failed] == ["bad one"]
    assert "no audio for 'bad one'" in caplog.text
    assert cache.get("good two").seconds > 0


# -- commands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("stop", Command.STOP),
        ("stop please", Command.STOP),
        ("say that again", Command.REPEAT),
        ("repeat", Command.REPEAT),
        ("where do i stop the car", None),
        ("could peace talks resume soon", None),
        ("", None),
    ],
)
def test_a_command_is_almost_all_that_was_said(said: str, command: Command | None) -> None:
    assert Commands().find(said) is command


# -- seed watcher ---------------------------------------------------------------------------


def test_watcher_takes_a_good_edit_and_keeps_the_old_seeds_on_a_broken_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Where is the exit?\nBehind you.\n")
    watcher = SeedWatcher(seeds, load_knowledge_base(seeds), poll_seconds=0.01)

    def settle(at: float) -> object:
        watcher.poll(at)  # sees the change
        return watcher.poll(at + 1.0)  # loads it once it has settled

    (seeds / "a.txt").write_text("Where is the exit?\nTo your left.\n")
    os.utime(seeds / "a.txt", ns=(1, 1))
    kb = settle(100.0)
    assert kb is not None and kb.entries[0].answer == "To your left."  # type: ignore[attr-defined]

    (seeds / "a.txt").write_text("Where is the exit?\n-\nWhere is the bar?\nUpstairs.\n")
    os.utime(seeds / "a.txt", ns=(2, 2))
    assert settle(200.0) is None
    assert "has no answer" in (watcher.rejected or "")
    assert watcher.current.entries[0].answer == "To your left."

    (seeds / "a.txt").write_bytes(b"\xff\xfe not text")
    os.utime(seeds / "a.txt", ns=(3, 3))
    assert settle(300.0) is None
    assert "no entries found" in (watcher.rejected or "")
    assert "seed edit not used" in caplog.text


# -- the loop, fed recorded audio -----------------------------------------------------------

QUESTIONS = [
    (4, "Could peace talks resume soon?", "flite-slt"),
    (5, "What is Russia's current stance on peace negotiations?", "flite-kal"),
    (2, "What role are European countries playing in the impasse?", "espeak-f3"),
]
OUT_OF_DOMAIN = "What time does the swimming pool open tomorrow?"


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    folder = tmp_path_factory.mktemp("kiosk-clips")
    said = {text: voice for _, text, voice in QUESTIONS}
    said.update({OUT_OF_DOMAIN: "espeak", "say that again": "flite-slt"})
    return {
        text: question_frames(synthesize(text, folder / f"{n}.wav", voice))
        for n, (text, voice) in enumerate(said.items())
    }


def _knowledge(seeds: Path, cache: Path, speaker: ToneSpeaker) -> Knowledge:
    assistant = KioskAssistant.from_settings(Settings(seeds=seeds))
    return build_knowledge(assistant, lambda: AnswerCache(speaker, "en", 200, cache))


def _run(knowledge: Knowledge, said: list[list[bytes]]) -> tuple[list[dict], InstantPlayer]:
    feed: list[bytes] = silence(600)
    for frames in said:
        feed += frames + silence(1500)
    player = InstantPlayer()
    rows: list[dict] = []
    kiosk = Kiosk(knowledge, lambda: FrameFeed(feed, kiosk.stop), lambda: player, InteractionLog())

    def collect(event: KioskEvent) -> None:
        if event.kind == "answer":
            rows.append(event.data)

    kiosk.subscribe(collect)
    kiosk.run()
    return rows, player


def test_questions_in_a_row_are_answered_from_cached_audio(
    tmp_path: Path, clips: dict[str, list[bytes]]
) -> None:
    speaker = ToneSpeaker()
    knowledge = _knowledge(write_seeds(tmp_path / "seeds"), tmp_path / "cache", speaker)
    rendered = len(speaker.rendered)
    rows, player = _run(knowledge, [clips[text] for _, text, _ in QUESTIONS])
    assert [r["id"] for r in rows] == [entry for entry, _, _ in QUESTIONS], rows
    assert len(speaker.rendered) == rendered, "an answer was rendered while the visitor waited"
    for row, (_, audio) in zip(rows, player.played, strict=True):
        assert audio.seconds == pytest.approx(knowledge.cache.get(row["answer"]).seconds)
        assert 0 <= row["post_endpoint_ms"] < 5000  # measured in tests/bench_kiosk.py


def test_out_of_domain_gets_the_fallback_and_repeat_says_it_again(
    tmp_path: Path, clips: dict[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path / "vectors"))  # none kept from before
    knowledge = _knowledge(write_seeds(tmp_path / "seeds"), tmp_path / "cache", ToneSpeaker())
    # Every answer and question was encoded at start: the refusal's suggestions encode none.
    sentences = knowledge.assistant.matcher.sentences
    assert sentences is not None
    encoded: list[str] = []
    passages = sentences.passages
    monkeypatch.setattr(
        sentences, "passages", lambda texts: encoded.extend(texts) or passages(texts)
    )
    rows, player = _run(knowledge, [clips[OUT_OF_DOMAIN], clips["say that again"]])
    assert rows[0]["kind"] == "fallback" and rows[0]["id"] is None, rows
    assert rows[0]["answer"].startswith(ENGLISH.kiosk_prompt)
    assert encoded == [], "an answer was encoded while the visitor waited"
    suggested = [e.question for e in knowledge.kb.entries if e.question in rows[0]["answer"]]
    assert len(suggested) == 2, rows[0]["answer"]
    assert len(player.played) == 2, "the repeat was not played"
    assert player.played[1][1] is player.played[0][1]


def test_a_question_after_a_shouted_one_is_still_answered(tmp_path: Path) -> None:
    """A shout that overloads the microphone leaves the live decoder's channel mean far off:
    the next, normal question came out as "why compete to go shoot you to do yield" and was
    refused. A refused live transcript is decoded again with the utterance's own mean."""
    shout = "What is Russia's current stance on peace negotiations?"
    shouted = read_audio(synthesize(shout, tmp_path / "shout.wav", "espeak-f3"), 60)
    loud = np.clip(shouted.samples.astype(np.int32) * 8, -32768, 32767).astype("<i2")
    normal = synthesize(
        "Why have peace negotiations in Ukraine failed?", tmp_path / "q.wav", "espeak"
    )
    knowledge = _knowledge(SEEDS, tmp_path / "cache", ToneSpeaker())
    rows, _ = _run(knowledge, [frames_of(loud), question_frames(normal)])
    # The shout itself may be refused or heard as nothing (no row): the question is the last row.
    assert rows and rows[-1]["id"] == 1, rows
    assert rows[-1]["decoded_again"], "answered by the live decode: the test no longer tests this"


def test_tts_failing_for_one_answer_at_start_up_leaves_the_others(
    tmp_path: Path, clips: dict[str, list[bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    broken = load_knowledge_base(seeds).get(4).answer
    knowledge = _knowledge(seeds, tmp_path / "cache", ToneSpeaker(broken=[broken]))
    with caplog.at_level(logging.ERROR):
        rows, _ = _run(knowledge, [clips[text] for _, text, _ in QUESTIONS])
    assert [r["id"] for r in rows] == [5, 2], rows
    assert "no audio for" in caplog.text
    assert "interaction failed" in caplog.text


def test_a_korean_knowledge_base_is_refused_in_korean(tmp_path: Path) -> None:
    """The refusal and its "or" are rendered with the answers, in the knowledge base's language."""
    korean = Path(__file__).resolve().parent / "data" / "korean" / "museum.txt"
    assistant = KioskAssistant.from_settings(Settings(seeds=korean))
    speaker = ToneSpeaker()
    knowledge = Knowledge(assistant, AnswerCache(speaker, "ko", 200, tmp_path / "cache"))
    knowledge.cache.prepare(knowledge.texts())
    assert {KOREAN.kiosk_prompt, KOREAN.join} <= set(speaker.rendered)
    said = assistant.matcher.match(["내일 축구 경기는 누가 이길까요"])  # who wins tomorrow's match
    text, audio = knowledge.fallback(said)
    assert said.entry is None
    assert text.startswith(KOREAN.kiosk_prompt + " ") and f" {KOREAN.join} " in text, text
    assert len(audio.samples) > 0


def test_a_seed_reload_keeps_the_kiosk_settings(tmp_path: Path) -> None:
    """An edited knowledge base gets a new assistant: it must keep what the kiosk was started
    with (here --engine pocketsphinx --threshold 40 --no-denoise) and read the synonyms again."""
    old = KioskAssistant.from_settings(
        Settings(seeds=SEEDS, engine="pocketsphinx", threshold=40.0, denoise=False)
    )
    (tmp_path / "kb.txt").write_text("Where is the cloakroom?\nDownstairs.\n")
    (tmp_path / "venue.synonyms").write_text("cloakroom, coat check\n")
    new = reloaded_assistant(load_knowledge_base(tmp_path), old, tmp_path)
    assert (new.engine, new.matcher.threshold, new.denoise) == ("pocketsphinx", 40.0, False)
    assert isinstance(new, KioskAssistant) and new.commands is old.commands
    assert new.ask_text("where is the coat check").id == 1


def test_a_reload_chooses_the_engine_again_for_the_new_language(tmp_path: Path) -> None:
    """``auto`` depends on the knowledge base's language: PocketSphinx cannot hear Korean, so an
    edit into Korean gets Whisper's multilingual model, and an edit back the English pairing.
    A Vosk model put into the models folder is used from the next edit, as at start-up; an
    engine asked for by name stays whatever the language."""
    from tests.test_vosk import MODEL

    models = tmp_path / "models"
    models.mkdir()
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "kb.txt").write_text("화장실은 어디에 있어요\n일 층에 있어요.\n", "utf-8")
    korean = load_knowledge_base(tmp_path / "ko")
    english = load_knowledge_base(SEEDS)
    old = KioskAssistant.from_settings(Settings(seeds=SEEDS, models_root=models))
    assert old.engine == "pocketsphinx+whisper"
    into_korean = reloaded_assistant(korean, old, tmp_path / "ko")
    assert into_korean.engine == "whisper"
    assert reloaded_assistant(english, into_korean, SEEDS).engine == "pocketsphinx+whisper"
    (models / "ko").symlink_to(MODEL)
    assert (
        reloaded_assistant(korean, into_korean, tmp_path / "ko").choice.model_dir == models / "ko"
    )
    named = KioskAssistant.from_settings(Settings(seeds=SEEDS, engine="pocketsphinx"))
    assert reloaded_assistant(korean, named, tmp_path / "ko").engine == "pocketsphinx"


def test_a_reload_into_korean_takes_the_korean_default_threshold(tmp_path: Path) -> None:
    """Without --threshold, the threshold is the knowledge base's language's own, after an edit
    too; a given one stays whatever the language."""
    (tmp_path / "kb.txt").write_text("화장실은 어디에 있어요\n일 층에 있어요.\n", encoding="utf-8")
    korean = load_knowledge_base(tmp_path)
    for asked, expected in ((None, KOREAN_THRESHOLD), (30.0, 30.0)):
        old = KioskAssistant.from_settings(
            Settings(seeds=SEEDS, engine="pocketsphinx", threshold=asked)
        )
        assert old.matcher.threshold == (asked or THRESHOLD)
        new = reloaded_assistant(korean, old, tmp_path)
        assert new.matcher.threshold == expected
    assert new.ask_text("화장실 어디예요").id == 1
