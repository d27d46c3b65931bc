"""``voice kiosk`` through real audio (tests/pulse.py): questions are spoken into the ``room``, the
kiosk hears its monitor and speaks into ``speaker``, whose monitor the test records. Faults are
real too: the room's device is unloaded and loaded again, seed files are edited while it runs.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import numpy as np
import pytest

from tests.kiosk_audio import kiosk
from tests.kiosk_fakes import write_seeds
from tests.levels import active_seconds, contour_similarity
from tests.process import LiveProcess
from tests.pulse import RECORD_RATE, ROOM, SPEAKER, PulseServer
from tests.speech import synthesize
from tests.test_audio_devices import assert_spoken, ended
from tests.test_vosk import ENTRIES as KOREAN_ENTRIES
from tests.test_vosk import write_korean_seeds
from tests.warm_tables import warm_cache
from voice.answer_cache import AnswerCache
from voice.audio import SAMPLE_RATE, write_wav
from voice.language import ENGLISH
from voice.manifest import read_manifest
from voice.seeds import load_knowledge_base
from voice.testset import synthesize as synthesize_voice
from voice.tts import DEFAULT_RATE_WPM, DEFAULT_VOICE, Pyttsx3Speaker, SpeechAudio

pytestmark = pytest.mark.audio_device

SAID = {
    "q1": ("Why have peace negotiations in Ukraine failed?", "flite-kal"),
    "q2": ("What role are European countries playing in the impasse?", "espeak-f3"),
    "q4": ("Could peace talks resume soon?", "flite-slt"),
    "q5": ("What is Russia's current stance on peace negotiations?", "flite-kal"),
    "ood": ("What time does the swimming pool open tomorrow?", "espeak"),
    "stop": ("stop", "espeak"),
    "again": ("say that again", "flite-slt"),
}
"""What the visitors say (text, synthetic voice). Chosen so recognition is not what is tested:
each question was answered right 10 times in 10 at different frame alignments (espeak's "What is
Russia's current stance" only 9 in 10, so it is not used)."""

ANSWER_TIMEOUT = 15.0
"""From playing a question to its JSON line (measured under 1 s; generous for a loaded CI)."""

PLAYED_TIMEOUT = 30.0
"""From the JSON line to "listening" again: the answer's length (the long one is 20 s)."""

SETTLE = 5.0

SANE_POST_ENDPOINT_MS = 5000
"""An upper bound that only a hang or a lost speculative finish would break."""


@pytest.fixture(scope="module")
def said(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("kiosk-said")
    return {k: synthesize(text, folder / f"{k}.wav", v) for k, (text, v) in SAID.items()}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for every kiosk of this module: answers are rendered by the first start only."""
    return warm_cache(tmp_path_factory.mktemp("kiosk-cache"))


def clip(cache: Path, text: str) -> SpeechAudio:
    """The very audio the kiosk plays for ``text``."""
    return AnswerCache(Pyttsx3Speaker(), DEFAULT_VOICE, DEFAULT_RATE_WPM, cache / "answers").get(
        text
    )


def ask(pulse: PulseServer, voice: LiveProcess, question: Path) -> dict:
    pulse.play(question, ROOM)
    return json.loads(voice.expect_stdout(r"^\{", ANSWER_TIMEOUT))


def stop(voice: LiveProcess) -> None:
    voice.process.send_signal(signal.SIGTERM)
    assert voice.wait(15) == 0, voice.stderr_lines
    assert voice.stderr_lines[-1] == "kiosk: stopped"
    assert not [line for line in voice.stderr_lines if "Traceback" in line]


def test_questions_in_a_row_are_answered_aloud_and_unknown_ones_get_the_fallback(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    kb = load_knowledge_base(seeds)
    log, records = tmp_path / "kiosk.jsonl", tmp_path / "records"
    voice = kiosk(pulse, seeds, cache, "--log", str(log), "--record-dir", str(records))
    try:
        for key, entry_id in (("q4", 4), ("q5", 5), ("q2", 2)):
            with pulse.recording() as recording:
                row = ask(pulse, voice, said[key])
                assert (row["kind"], row["id"]) == ("answer", entry_id), row
                assert row["answer"] == kb.get(entry_id).answer
                voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
                assert recording.wait_until(ended, SETTLE), "the answer was not heard"
                assert_spoken(recording.samples(), clip(cache, row["answer"]), tmp_path / key)
        with pulse.recording() as recording:
            row = ask(pulse, voice, said["ood"])
            assert (row["kind"], row["id"]) == ("fallback", None), row
            voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
            assert recording.wait_until(ended, SETTLE)
            prompt, join = ENGLISH.kiosk_prompt, ENGLISH.join
            named = row["answer"].removeprefix(prompt + " ").split(f" {join} ")
            assert len(named) == 2 and all(q in [e.question for e in kb.entries] for q in named)
            pieces = [clip(cache, t) for t in (prompt, named[0], join, named[1])]
            expected = SpeechAudio(np.concatenate([p.samples for p in pieces]), pieces[0].rate)
            assert_spoken(recording.samples(), expected, tmp_path / "fallback")
    finally:
        stop(voice)
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["id"] for r in rows] == [4, 5, 2, None]
    # Latency is measured by tests/bench_kiosk.py; here only that it is logged and not absurd
    # (a 2-core CI machine running other jobs has shown 1.2 s).
    assert all(0 <= r["post_endpoint_ms"] < SANE_POST_ENDPOINT_MS for r in rows), rows
    manifest = (records / "manifest.csv").read_text().splitlines()
    assert manifest[0] == "path,expected_id,text,kiosk_score" and len(manifest) == 5
    assert all((records / r["audio"]).is_file() for r in rows)
    kept = read_manifest(records / "manifest.csv", kb)  # what `voice eval --manifest` reads
    assert [sample.expected_id for sample in kept] == [4, 5, 2, None]


def test_stop_cuts_an_answer_short_and_say_that_again_repeats_it(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    answer = load_knowledge_base(seeds).get(1).answer
    full = clip(cache, answer)
    voice = kiosk(pulse, seeds, cache)
    try:
        for command in ("first", "again"):
            with pulse.recording() as recording:
                if command == "first":
                    assert ask(pulse, voice, said["q1"])["id"] == 1
                else:
                    pulse.play(said["again"], ROOM)
                    voice.expect_stderr(r"^kiosk: command command=repeat", ANSWER_TIMEOUT)
                assert recording.wait_until(lambda s: active_seconds(s, RECORD_RATE) > 2, SETTLE)
                pulse.play(said["stop"], ROOM)
                voice.expect_stderr(r"^kiosk: command command=stop", ANSWER_TIMEOUT)
                voice.expect_stderr(r"^kiosk: listening", SETTLE)
                assert recording.wait_until(ended, SETTLE)
                heard = recording.samples()
            played = active_seconds(heard, RECORD_RATE)
            assert 2 < played < full.seconds - 5, f"{played:.1f} s of {full.seconds:.1f} s played"
            # What played was the beginning of the answer, each time.
            start = heard[np.flatnonzero(np.abs(heard) > 100)[0] :][: RECORD_RATE * 2]
            begins = full.samples[: full.rate * 2]
            similar = contour_similarity(start, RECORD_RATE, begins, full.rate)
            assert similar > 0.7, f"not the answer's beginning ({similar:.2f})"
    finally:
        stop(voice)


def test_the_kiosk_does_not_answer_its_own_voice(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    """The speaker is looped back into the room, as a kiosk's loudspeaker reaches its own
    microphone: each answer is heard by the kiosk, and must be neither answered nor obeyed."""
    seeds = write_seeds(tmp_path / "seeds")
    echo = (f"source={SPEAKER}.monitor", f"sink={ROOM}", "latency_msec=60")
    with pulse.module("module-loopback", *echo):
        voice = kiosk(pulse, seeds, cache)
        try:
            for key, entry_id in (("q4", 4), ("q5", 5), ("q2", 2)):
                assert ask(pulse, voice, said[key])["id"] == entry_id
                voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
        finally:
            stop(voice)
    assert len(voice.stdout_lines) == 3, voice.stdout_lines
    assert not [line for line in voice.stderr_lines if "command" in line], voice.stderr_lines


def _room_module(pulse: PulseServer) -> str:
    for line in pulse.pactl("list", "short", "modules").splitlines():
        if "module-null-sink" in line and f"sink_name={ROOM}" in line:
            return line.split()[0]
    raise AssertionError("no room sink module")


def test_a_lost_microphone_is_reopened_and_the_next_question_answered(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    """PulseAudio moves the stream of a vanished source to another one (here the speaker's
    monitor, which is silent) and never back: the kiosk reopens an input that gives only
    digital zeros, finds the room gone (mic-lost), and keeps trying until it is back."""
    voice = kiosk(pulse, write_seeds(tmp_path / "seeds"), cache, "--dead-input-ms", "2000")
    try:
        pulse.pactl("unload-module", _room_module(pulse))
        try:
            voice.expect_stderr(r"^kiosk: mic-lost", 15)
        finally:
            pulse.pactl("load-module", "module-null-sink", f"sink_name={ROOM}")
        voice.expect_stderr(r"^kiosk: listening", 30)
        assert ask(pulse, voice, said["q4"])["id"] == 4
        voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
    finally:
        stop(voice)


def test_seed_edits_take_effect_and_a_broken_edit_keeps_the_old_answers(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    """Edits are used within seconds, a broken one is not; an edit into Korean changes the engine
    too (PocketSphinx cannot hear Korean) and a Korean question is answered."""
    seeds = write_seeds(tmp_path / "seeds")
    seed_file = seeds / "kiosk.txt"
    (tmp_path / "models").mkdir()  # no Vosk model: `auto` is the bundled engines
    voice = kiosk(pulse, seeds, cache, "--models-dir", str(tmp_path / "models"))
    try:
        edited = seed_file.read_text().replace("Not soon, both sides say.", "Perhaps next year.")
        seed_file.write_text(edited)
        voice.expect_stderr(r"^kiosk: reload entries=5 engine=pocketsphinx\+whisper$", 60)
        assert ask(pulse, voice, said["q4"])["answer"] == "Perhaps next year."
        voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
        seed_file.write_bytes(b"\xff\xfe" + edited.encode("utf-16-le"))  # not UTF-8: no entries
        voice.expect_stderr(r"seed edit not used", 30)
        assert ask(pulse, voice, said["q4"])["answer"] == "Perhaps next year."
        voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
        write_korean_seeds(seed_file)
        voice.expect_stderr(r"^kiosk: reload entries=5 engine=whisper$", 60)
        question = tmp_path / "closing-time.wav"
        write_wav(question, synthesize_voice(KOREAN_ENTRIES[3][0], "mbrola-hn1"), SAMPLE_RATE)
        assert ask(pulse, voice, question)["answer"] == KOREAN_ENTRIES[3][1]
        voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
    finally:
        stop(voice)


def test_mute_file_and_signal_mute_the_kiosk(
    pulse: PulseServer, said: dict[str, Path], cache: Path, tmp_path: Path
) -> None:
    mute = tmp_path / "mute"
    mute.touch()
    voice = kiosk(pulse, write_seeds(tmp_path / "seeds"), cache, "--mute-file", str(mute))
    try:
        voice.expect_stderr(r"^kiosk: muted", 5)
        pulse.play(said["q5"], ROOM)  # not heard
        mute.unlink()
        voice.expect_stderr(r"^kiosk: listening", 5)
        assert ask(pulse, voice, said["q4"])["id"] == 4
        voice.expect_stderr(r"^kiosk: listening", PLAYED_TIMEOUT)
        voice.process.send_signal(signal.SIGUSR1)
        voice.expect_stderr(r"^kiosk: muted", 5)
    finally:
        stop(voice)
    assert len(voice.stdout_lines) == 1, voice.stdout_lines
