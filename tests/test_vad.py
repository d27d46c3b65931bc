"""Endpointing: the state machine with lists of booleans, then segment() on real (synthesized)
speech with silence and noise around it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.speech import sox, synthesize
from voice.audio import SAMPLE_RATE, read_audio
from voice.vad import (
    END_SILENCE_MS,
    FRAME_MS,
    MAX_UTTERANCE_MS,
    PREROLL_MS,
    START_MS,
    Endpointer,
    Event,
    Segment,
    segment,
)

START = math.ceil(START_MS / FRAME_MS)
END = math.ceil(END_SILENCE_MS / FRAME_MS)
PREROLL = PREROLL_MS // FRAME_MS
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
S, Q = True, False  # a speech frame, a quiet frame


def events(flags: list[bool], endpointer: Endpointer | None = None) -> list[Event]:
    endpointer = endpointer or Endpointer()
    return [endpointer.update(flag) for flag in flags]


def test_speech_starts_an_utterance_after_start_ms() -> None:
    got = events([Q, Q] + [S] * START)
    assert got == [Event.SILENCE] * (2 + START - 1) + [Event.START]


def test_a_click_or_a_broken_run_does_not_start() -> None:
    click = [S] * (START - 1) + [Q]
    assert set(events(click * 5)) == {Event.SILENCE}


def test_silence_ends_the_utterance_after_end_silence_ms() -> None:
    got = events([S] * START + [Q] * END)
    assert got[START - 1] is Event.START
    assert got[START:-1] == [Event.SPEECH] * (END - 1)
    assert got[-1] is Event.END


def test_pauses_between_words_shorter_than_end_silence_do_not_end() -> None:
    pause = [Q] * (END - 1) + [S]
    got = events([S] * START + pause * 5)
    assert Event.END not in got
    assert events([S] * START + pause * 5 + [Q] * END)[-1] is Event.END


def test_a_long_utterance_is_cut_at_max_length() -> None:
    endpointer = Endpointer(max_utterance_ms=30 * FRAME_MS)
    got = events([S] * 40, endpointer)
    assert got.index(Event.END) == 30 - 1  # the start-up frames count toward the length
    assert got.count(Event.END) == 1
    assert got[30 : 30 + START][-1] is Event.START  # talking on starts the next one


def test_default_max_length_is_max_utterance_ms() -> None:
    frames = MAX_UTTERANCE_MS // FRAME_MS
    got = events([S] * frames)
    assert got[-1] is Event.END and Event.END not in got[:-1]


def test_after_an_end_a_new_utterance_needs_a_new_start() -> None:
    got = events(([S] * START + [Q] * END) * 2)
    assert got.count(Event.START) == 2 and got.count(Event.END) == 2


def _frames(count: int) -> list[bytes]:
    """Distinct frames: frame i holds the number i."""
    return [i.to_bytes(4, "little") * (FRAME_BYTES // 4) for i in range(count)]


def test_segment_includes_the_preroll_and_every_frame_of_the_utterance() -> None:
    frames = _frames(80)
    speech = set(range(30, 40))
    steps = list(segment(frames, detector=lambda f: int.from_bytes(f[:4], "little") in speech))
    kinds = [s.event for s in steps]
    assert kinds.count(Event.START) == 1 and kinds.count(Event.END) == 1
    start = kinds.index(Event.START)
    assert start == 30 + START - 1
    first = 30 + START - 1 - (START + PREROLL) + 1
    assert steps[start].frames == tuple(frames[first : start + 1])
    utterance = [f for s in steps if s.event is not Event.SILENCE for f in s.frames]
    end = kinds.index(Event.END)
    assert utterance == frames[first : end + 1]
    assert end == 39 + END


def test_preroll_is_short_when_speech_starts_at_once() -> None:
    frames = _frames(20)
    steps = list(segment(frames, detector=lambda f: True))
    assert steps[START - 1] == Segment(Event.START, tuple(frames[:START]))


def _utterances(path: Path) -> list[tuple[float, float]]:
    """(start, end) seconds of each utterance segment() finds in a file."""
    pcm = read_audio(path).to_bytes()
    frames = [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]
    found: list[tuple[float, float]] = []
    start = 0
    for index, step in enumerate(segment(frames)):  # one step per frame
        if step.event is Event.START:
            start = index - len(step.frames) + 1
        elif step.event is Event.END:
            found.append((start * FRAME_MS / 1000, (index + 1) * FRAME_MS / 1000))
    return found


def _speech_span(path: Path) -> tuple[float, float]:
    samples = read_audio(path).samples.astype(np.float32)
    loud = np.flatnonzero(np.abs(samples) > 0.05 * np.abs(samples).max())
    return loud[0] / SAMPLE_RATE, loud[-1] / SAMPLE_RATE


@pytest.mark.parametrize("voice", ["espeak", "flite-slt", "flite-kal"])
def test_segment_finds_one_question_in_silence(tmp_path: Path, voice: str) -> None:
    spoken = synthesize("Could peace talks resume soon?", tmp_path / "q.wav", voice)
    padded = tmp_path / "padded.wav"
    sox(str(spoken), str(padded), "pad", "1.5", "1.5")
    speech_start, speech_end = _speech_span(padded)
    [(start, end)] = _utterances(padded)
    assert start <= speech_start - PREROLL_MS / 1000 + 0.05  # the pre-roll is in
    assert start >= speech_start - PREROLL_MS / 1000 - START_MS / 1000 - 0.1
    assert speech_end + END_SILENCE_MS / 1000 - 0.1 <= end <= speech_end + 1.0


def test_segment_in_steady_noise_and_between_two_questions(tmp_path: Path) -> None:
    """Two questions 1.5 s apart, clean and in steady pink noise about 14 dB below the speech
    (louder than MIN_SPEECH_DBFS + SPEECH_MARGIN_DB from the first frame on)."""
    first = synthesize("Could peace talks resume soon?", tmp_path / "a.wav", "espeak")
    second = synthesize("What is Russia's stance?", tmp_path / "b.wav", "flite-slt")
    same = []
    for name, path in (("a", first), ("b", second)):
        same.append(tmp_path / f"{name}16.wav")
        sox(str(path), "-r", "16000", "-c", "1", str(same[-1]))
    quiet = tmp_path / "quiet.wav"
    sox("-n", "-r", "16000", "-c", "1", str(quiet), "trim", "0", "1.5")
    both = tmp_path / "both.wav"
    sox(str(quiet), str(same[0]), str(quiet), str(same[1]), str(quiet), str(both))
    noise = tmp_path / "noise.wav"
    sox("-n", "-r", "16000", "-c", "1", str(noise), "synth", "60", "pinknoise", "vol", "0.1")
    noisy = tmp_path / "noisy.wav"
    sox("-m", str(both), str(noise), str(noisy), "trim", "0", "12")
    clean, loud = _utterances(both), _utterances(noisy)
    assert len(clean) == 2
    assert len(loud) == 2
    for (start, end), (noisy_start, noisy_end) in zip(clean, loud, strict=True):
        assert start <= noisy_start <= start + PREROLL_MS / 1000  # the first word is still in
        assert noisy_end == pytest.approx(end, abs=0.3)
