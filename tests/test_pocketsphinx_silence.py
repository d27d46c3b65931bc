"""A recording with silence around the question (a push-to-talk recorder, a file cut loosely):
PocketSphinx's batch decode hears it from just before the speech to just after
(voice.asr.pocketsphinx.around_speech), so the silence does not pull the cepstral mean."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.speech import synthesize
from voice import Assistant, Settings
from voice.asr.pocketsphinx import SPEECH_MARGIN_SECONDS, around_speech
from voice.audio import SAMPLE_RATE, read_audio, to_pcm, write_wav
from voice.degrade import PAD_SECONDS, pad_silence, pink_noise

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUESTION = "Could peace talks resume soon?"
"""espeak's voice saying it after 1.5 s and before 2.5 s of faint noise was heard as "could peace op
ed to do you" with the silence decoded too (the rooms bench, BENCHMARKS.md)."""


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    path = synthesize(QUESTION, tmp_path_factory.mktemp("speech") / "q.wav", "espeak")
    return read_audio(path).samples.astype(np.float32) / 32768.0


def test_a_question_with_silence_around_it_is_answered(spoken: np.ndarray, tmp_path: Path) -> None:
    padded = tmp_path / "padded.wav"
    write_wav(padded, pad_silence(spoken, SAMPLE_RATE, np.random.default_rng(0)), SAMPLE_RATE)
    answer = Assistant.from_settings(Settings(seeds=SEEDS, engine="pocketsphinx")).ask_file(padded)
    assert answer.id == 4, answer.transcript


def test_only_the_silence_is_left_out(spoken: np.ndarray) -> None:
    padded = pad_silence(spoken, SAMPLE_RATE, np.random.default_rng(0))
    kept = len(around_speech(to_pcm(padded, SAMPLE_RATE).to_bytes())) / 2 / SAMPLE_RATE
    speech = len(spoken) / SAMPLE_RATE
    assert kept <= speech + 2 * SPEECH_MARGIN_SECONDS + 0.02
    assert kept < len(padded) / SAMPLE_RATE - sum(PAD_SECONDS) + 2 * SPEECH_MARGIN_SECONDS + 0.02
    assert kept >= 0.5 * speech, "speech was cut"


def test_noise_as_loud_as_speech_keeps_everything(spoken: np.ndarray) -> None:
    noisy = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), spoken]) + 0.05 * pink_noise(
        SAMPLE_RATE + len(spoken), np.random.default_rng(1)
    )
    pcm = to_pcm(noisy.astype(np.float32) / max(1.0, float(np.abs(noisy).max())), SAMPLE_RATE)
    assert around_speech(pcm.to_bytes()) == pcm.to_bytes()
