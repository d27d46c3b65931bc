"""The microphone and the speaker, for real, on a virtual sound card (tests/pulse.py).

A question is spoken into the ``room``; ``voice listen`` hears it on ``room.monitor``, prints the
answer and speaks it into ``speaker``, whose monitor the test records. What was recorded must be
the answer's speech: as long as espeak-ng's rendering of the answer text, with the same loudness
contour. The CLI runs as a child process, exactly as a user starts it.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.levels import active_seconds, contour_similarity, first_pause, trailing_silence
from tests.process import VOICE, LiveProcess
from tests.pulse import RECORD_RATE, ROOM, SPEAKER, PulseServer
from tests.speech import synthesize
from voice.config import Settings
from voice.seeds import load_knowledge_base
from voice.tts import Pyttsx3Speaker, SpeechAudio

pytestmark = pytest.mark.audio_device

QUESTIONS = {
    4: ("Could peace talks resume soon?", "flite-slt"),
    5: ("What is Russia's current stance on peace negotiations?", "espeak"),
}
"""Seed entry id -> (how the question is asked, the synthetic voice asking it)."""

STARTUP_TIMEOUT = 60.0
"""Start-up to the "Listening" line: loading Python, the seeds and PocketSphinx (~2 s here)."""

ANSWER_TIMEOUT = 15.0
"""From the end of a question to its JSON line (measured 1.0-1.6 s); generous for slow CI."""

ANSWER_DELAY = 3.0
"""Longest acceptable silence between the end of a question and the first sound of its answer.
Measured 1.1-1.7 s: the 720 ms endpoint, PocketSphinx's final pass (0.5-0.9 s), rendering and
output latency (~0.15 s). An endpoint that never came would take the 15 s utterance cut."""

SETTLE_TIMEOUT = 5.0
"""From "answer played" to the recording having heard it end."""

SAME_SPEECH = 0.7
"""Contour similarity above which a recording is the answer's speech (see tests/levels.py:
renderings of the same text measure 0.85-1.0, of other texts below 0.4)."""

DURATION_TOLERANCE = 0.25
"""Seconds a recorded answer may differ from a fresh rendering's length: espeak-ng's own
variation is up to 0.06 s; a lost sentence or a clipped start would be far more."""

ENDED = 0.3
"""Seconds of silence after the last sound that mean the recorded speech has ended."""


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("questions")
    return {
        entry_id: synthesize(text, folder / f"{entry_id}-{voice}.wav", voice)
        for entry_id, (text, voice) in QUESTIONS.items()
    }


@pytest.fixture(scope="module")
def answers() -> dict[int, str]:
    kb = load_knowledge_base(Settings.defaults().seeds)
    return {entry.id: entry.answer for entry in kb.entries}


def assert_spoken(recorded: np.ndarray, expected: SpeechAudio, keep: Path) -> None:
    """``recorded`` holds ``expected``'s speech, whole: same length, same loudness contour.
    Both are written next to ``keep`` (``.heard.wav``, ``.expected.wav``) to listen to."""
    heard_wav, expected_wav = keep.with_suffix(".heard.wav"), keep.with_suffix(".expected.wav")
    soundfile.write(str(heard_wav), recorded, RECORD_RATE)
    soundfile.write(str(expected_wav), expected.samples, expected.rate)
    heard = active_seconds(recorded, RECORD_RATE)
    wanted = active_seconds(expected.samples, expected.rate)
    similarity = contour_similarity(recorded, RECORD_RATE, expected.samples, expected.rate)
    verdict = f"heard {heard:.2f} s, expected {wanted:.2f} s, similarity {similarity:.2f}: "
    verdict += f"compare {heard_wav} with {expected_wav}"
    assert heard == pytest.approx(wanted, abs=DURATION_TOLERANCE), verdict
    assert similarity > SAME_SPEECH, f"recorded sound is not the answer's speech: {verdict}"


def ended(samples: np.ndarray) -> bool:
    return (
        active_seconds(samples, RECORD_RATE) > 0 and trailing_silence(samples, RECORD_RATE) >= ENDED
    )


def _read(path: Path) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(str(path), dtype="int16")
    return samples, rate


def test_devices_lists_the_pulse_device(pulse: PulseServer) -> None:
    result = subprocess.run(
        [*VOICE, "devices"], env=pulse.client_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\s*\d+\s+pulse\s+\(in \d+, out \d+", result.stdout, re.M), result.stdout
    assert result.stderr == ""


def test_listen_answers_questions_aloud_and_not_itself(
    pulse: PulseServer,
    questions: dict[int, Path],
    answers: dict[int, str],
    record_property: Callable[[str, object], None],
    tmp_path: Path,
) -> None:
    """Two questions in one run. The room hears the speaker (a loopback, like a kiosk's own
    loudspeaker), so without half-duplex the assistant would answer its own answers."""
    speaker = Pyttsx3Speaker()
    order = [4, 5]
    args = ["listen", "--json", "--max-questions", str(len(order))]
    echo = (f"source={SPEAKER}.monitor", f"sink={ROOM}", "latency_msec=60")
    with pulse.module("module-loopback", *echo), LiveProcess(args, pulse.assistant_env()) as voice:
        voice.expect_stderr(r"^Listening \(", STARTUP_TIMEOUT)
        for number, entry_id in enumerate(order, start=1):
            with pulse.recording() as recording, pulse.recording(f"{ROOM}.monitor") as room:
                pulse.play(questions[entry_id], ROOM)
                played = time.monotonic()
                row = json.loads(voice.expect_stdout(r"^\{", ANSWER_TIMEOUT))
                printed = time.monotonic() - played + trailing_silence(*_read(questions[entry_id]))
                record_property(
                    f"speech_end_to_answer_printed_{entry_id}", round(float(printed), 2)
                )
                assert row["id"] == entry_id, row
                assert row["answer"] == answers[entry_id]
                expected = speaker.render(row["answer"])
                playing = expected.seconds + ANSWER_TIMEOUT
                if number < len(order):
                    voice.expect_stderr(r"^Listening\.$", playing)
                else:
                    assert voice.wait(playing) == 0, voice.stderr_lines
                assert recording.wait_until(ended, SETTLE_TIMEOUT), "the answer was not heard"
                assert room.wait_until(ended, SETTLE_TIMEOUT)
                assert_spoken(recording.samples(), expected, tmp_path / f"answer-{entry_id}")
            # The room heard the question, a pause, then the whole answer: an echo to resist.
            heard = room.samples()
            assert active_seconds(heard, RECORD_RATE) > active_seconds(
                expected.samples, expected.rate
            )
            pause = first_pause(heard, RECORD_RATE, ENDED)
            assert pause is not None
            waited = pause[1] - pause[0]
            record_property(f"speech_end_to_answer_sound_{entry_id}", round(float(waited), 2))
            assert waited < ANSWER_DELAY, f"{waited:.2f} s of silence before the answer"
    assert len(voice.stdout_lines) == len(order), voice.stdout_lines


def test_ask_say_plays_the_answer(
    pulse: PulseServer, questions: dict[int, Path], tmp_path: Path
) -> None:
    """``voice ask --say`` speaks the answer to a recorded question, all of it, then exits."""
    seeds = tmp_path / "short.txt"
    seeds.write_text(
        "Could peace talks resume soon?\nNot soon, both sides say.\n-\n"
        "What is Russia's current stance on peace negotiations?\nThat talks have stalled.\n"
    )
    with pulse.recording() as recording:
        result = subprocess.run(
            [*VOICE, "ask", "--say", "--json", "--seeds", str(seeds), str(questions[4])],
            env=pulse.assistant_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert recording.wait_until(ended, SETTLE_TIMEOUT), "the answer was not heard"
    row = json.loads(result.stdout)
    assert row["answer"] == "Not soon, both sides say."
    assert_spoken(recording.samples(), Pyttsx3Speaker().render(row["answer"]), tmp_path / "answer")


def _no_sound_env(pulse: PulseServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    """ALSA's only device is PulseAudio (as in most containers and desktops); whether a server
    answers is up to the caller. No real sound card of the machine can leak in."""
    config = tmp_path / "asound.conf"
    config.write_text(
        "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
        "pcm.pulse { type pulse }\nctl.pulse { type pulse }\n"
    )
    return pulse.client_env(ALSA_CONFIG_PATH=str(config), **extra)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VOICE, *args], env=env, capture_output=True, text=True, timeout=60)


def test_listen_without_any_audio_device_says_so_in_one_line(
    pulse: PulseServer, tmp_path: Path
) -> None:
    env = _no_sound_env(pulse, tmp_path, PULSE_SERVER=f"unix:{tmp_path}/no-server")
    result = _run(["listen"], env)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "voice ask" in result.stderr
    assert "Traceback" not in result.stderr


def test_listen_on_a_listed_microphone_that_cannot_open_says_so_in_one_line(
    pulse: PulseServer, tmp_path: Path
) -> None:
    """PortAudio lists PulseAudio's device, but the source it routes to does not exist: opening
    fails deep in ALSA, which prints its own diagnostics; the user sees one line."""
    env = _no_sound_env(pulse, tmp_path, PULSE_SOURCE="no-such-source")
    assert "pulse" in _run(["devices"], env).stdout
    result = _run(["listen"], env)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "cannot open the microphone" in result.stderr
    assert "voice ask" in result.stderr


def test_ask_say_without_a_speaker_still_answers(pulse: PulseServer, tmp_path: Path) -> None:
    env = _no_sound_env(pulse, tmp_path, PULSE_SINK="no-such-sink")
    result = _run(["ask", "--say", "--text", "Could peace talks resume soon?"], env)
    assert result.returncode == 1
    assert "peace" in result.stdout
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "cannot play on the speaker" in result.stderr
