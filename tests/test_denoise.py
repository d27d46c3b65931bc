"""Noise suppression in front of the recognizer: it keeps every sample and the speech, removes
steady noise, and PocketSphinx answers more noisy questions right with it than from the raw
audio."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.levels import frame_dbfs
from tests.speech import synthesize
from tests.test_ask import run_voice
from voice.asr import Transcript
from voice.asr.denoise import Denoised
from voice.audio import SAMPLE_RATE, read_audio
from voice.degrade import add_noise, pink_noise

NOISY_VOICES = "flite-slt"
"""The voice whose noisy clips suppression rescues. Measured 2026-11-27 on the set with
espeak-f3 too (74 clips, pink 10 dB, PocketSphinx), raw -> suppressed: flite-slt 35.1% -> 62.2%,
espeak-f3 70.3% -> 67.6%. espeak-f3 added half the test's time (70 s) and none of its margin."""
MIN_NOISY_ACCURACY = 45.0
"""A few points under what the current code measures on this set (see the assertion message).
The set is the questions to answer only (25 clips): suppression is there to hear them. Measured
2026-11-27 with the built-in unrelated questions too (37 clips): raw 35.1% -> suppressed 62.2%,
of which the questions 1 -> 13 of 25 right and the unrelated ones 12 -> 10 of 12 refused. They
cost a third of the test's time (PocketSphinx decodes a noisy clip in about 2.5 s here) and
took nothing from its margin; the accuracy guard keeps refusals in CI."""


class Recording:
    """A recognizer that keeps what it is fed: the audio after suppression."""

    name = "recording"

    def __init__(self) -> None:
        self.fed = bytearray()

    def stream(self) -> Recording:
        self.fed.clear()
        return self

    def accept(self, pcm: bytes) -> None:
        self.fed += pcm

    def partial(self) -> str:
        return ""

    def finish(self) -> Transcript:
        return Transcript("")


def through(audio: np.ndarray, chunk: int, live: bool = False) -> np.ndarray:
    """What the recognizer is fed; ``live`` asks for partial text as the audio comes (the
    stream then decides after half a second, not at the end)."""
    recording = Recording()
    stream = Denoised(recording).stream()
    data = audio.astype("<i2").tobytes()
    for start in range(0, len(data), chunk):
        stream.accept(data[start : start + chunk])
        if live:
            stream.partial()
    stream.finish()
    return np.frombuffer(bytes(recording.fed), dtype="<i2")


def test_every_sample_comes_through_whatever_the_chunk_size(tmp_path: Path) -> None:
    speech = read_audio(synthesize("what are the latest developments", tmp_path / "q.wav")).samples
    for chunk in (2, 318, 320, 1000, 4096):  # bytes: not multiples of a 10 ms frame as well
        for live in (False, True):
            assert len(through(speech, chunk, live)) == len(speech), (chunk, live)


def test_steady_noise_is_removed_and_speech_kept(tmp_path: Path) -> None:
    speech = read_audio(synthesize("what are the latest developments", tmp_path / "q.wav")).samples
    rng = np.random.default_rng(1)
    clean = speech.astype(np.float32) / 32768.0
    noisy = add_noise(clean, pink_noise(len(clean), rng), 5.0)
    noisy_pcm = np.clip(noisy * 32768.0, -32768, 32767).astype(np.int16)
    cleaned = through(noisy_pcm, 4096)
    before, after = frame_dbfs(noisy_pcm, SAMPLE_RATE), frame_dbfs(cleaned, SAMPLE_RATE)
    pauses = frame_dbfs(speech, SAMPLE_RATE) < -60  # frames where only the noise is
    speaking = frame_dbfs(speech, SAMPLE_RATE) > -30
    # The noise alone loses more than 10 dB, and the speech stands out of it by 6 dB more.
    assert np.median(before[pauses] - after[pauses]) > 10
    contrast_before = np.median(before[speaking]) - np.median(before[pauses])
    contrast_after = np.median(after[speaking]) - np.median(after[pauses])
    assert contrast_after - contrast_before > 6, (contrast_before, contrast_after)


@pytest.fixture(scope="module")
def noisy_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("noisy")
    made = run_voice(
        "testset", str(out), "--voices", NOISY_VOICES, "--noise-snr", "10", "--no-clean",
        "--out-of-domain", "none", "--seed", "5", timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return out / "manifest.csv"


def accuracy(manifest: Path, *options: str) -> float:
    result = run_voice("eval", "--manifest", str(manifest), "--json", *options, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return float(json.loads(result.stdout)["summary"]["accuracy"])


def test_noise_suppression_answers_more_noisy_questions_right(noisy_set: Path) -> None:
    """For PocketSphinx (the kiosk's live decoder); Whisper hears noise better without it."""
    raw = accuracy(noisy_set, "--engine", "pocketsphinx", "--no-denoise")
    denoised = accuracy(noisy_set, "--engine", "pocketsphinx")
    assert denoised > raw, (raw, denoised)
    assert denoised * 100 >= MIN_NOISY_ACCURACY, (raw, denoised)
