"""`voice testset`: labelled speech synthesized from the knowledge base, clean and degraded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.evalset import SEEDS, read_rows
from voice.cli import main
from voice.degrade import LOW_LEVEL_DBFS, PAD_SECONDS, active_power, mix_at_snr, pink_noise
from voice.errors import VoiceError
from voice.seeds import load_knowledge_base
from voice.testset import (
    COLUMNS,
    data_file,
    read_out_of_domain,
    read_phrasings,
    synthesize,
)


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _make(out: Path, *extra: str) -> int:
    return main(
        ["testset", str(out), "--seeds", str(SEEDS), "--voices", "espeak,flite-slt"]
        + ["--phrasings", "none", "--out-of-domain", str(_ood(out.parent)), *extra]
    )


def _ood(folder: Path) -> Path:
    path = folder / "ood.txt"
    path.write_text("# two questions the seeds do not answer\nnear\thow many refugees left\n")
    return path


@pytest.fixture(scope="module")
def degraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("set") / "a"
    args = ["--speeds", "1,1.3", "--noise-snr", "10", "--babble-snr", "5", "--reverb"]
    args += ["--telephone", "--pad", "--low-level", "--seed", "3"]
    assert _make(out, *args) == 0
    return out


def test_every_text_voice_speed_and_condition_is_one_labelled_clip(degraded: Path) -> None:
    rows = read_rows(degraded / "manifest.csv")
    assert list(rows[0]) == list(COLUMNS)
    conditions = {"clean", "noise-10db", "babble-5db", "reverb", "telephone", "pad", "low-level"}
    assert {r["condition"] for r in rows} == conditions
    assert len(rows) == 6 * 2 * 2 * len(conditions)  # (5 questions + 1 OOD) x voices x speeds
    assert {r["expected_id"] for r in rows} == {"1", "2", "3", "4", "5", "none"}
    assert {r["kind"] for r in rows} == {"question", "ood-near"}
    for row in rows:
        info = soundfile.info(str(degraded / row["path"]))
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")


def _clip(folder: Path, name: str) -> np.ndarray:
    data, _ = soundfile.read(str(folder / "audio" / f"{name}.wav"), dtype="float32")
    return data


def test_degradations_do_what_they_say(degraded: Path) -> None:
    def clip(condition: str, speed: str = "1") -> np.ndarray:
        return _clip(degraded, f"e1-q_flite-slt_x{speed}_{condition}")

    clean = clip("clean")
    assert len(clip("clean", "1.3")) < 0.85 * len(clean)  # spoken faster
    assert len(clip("pad")) - len(clean) == pytest.approx(sum(PAD_SECONDS) * 16000, abs=2)
    peak = 20 * np.log10(np.max(np.abs(clip("low-level"))))
    assert peak == pytest.approx(LOW_LEVEL_DBFS, abs=0.5)
    assert len(clip("reverb")) > len(clean)  # the room rings on
    spectrum = np.abs(np.fft.rfft(clip("telephone"))) ** 2
    freqs = np.fft.rfftfreq(len(clip("telephone")), 1 / 16000)
    assert spectrum[freqs > 4200].sum() < 0.001 * spectrum.sum()  # nothing above the band
    for condition in ("noise-10db", "babble-5db"):
        added = clip(condition) - clean
        assert np.abs(added).max() > 0.01, condition


def test_noise_is_mixed_at_the_requested_snr_from_signal_power() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(32000) / 16000
    speech = np.concatenate([np.zeros(8000), 0.3 * np.sin(2 * np.pi * 220 * t), np.zeros(8000)])
    noise = pink_noise(len(speech), rng)
    for snr in (20.0, 10.0, 0.0):
        mixed = mix_at_snr(speech.astype(np.float32), noise, snr)
        # mixed = a * speech + b * noise (a < 1 when the mix was scaled down to avoid clipping)
        (a, b), *_ = np.linalg.lstsq(np.stack([speech, noise], axis=1), mixed, rcond=None)
        measured = 10 * np.log10(active_power(a * speech) / active_power(b * noise))
        assert measured == pytest.approx(snr, abs=0.1)


def test_the_same_seed_gives_the_same_files_and_another_seed_other_noise(
    degraded: Path, tmp_path: Path
) -> None:
    args = ["--speeds", "1,1.3", "--noise-snr", "10", "--babble-snr", "5", "--reverb"]
    args += ["--telephone", "--pad", "--low-level"]
    assert _make(tmp_path / "b", *args, "--seed", "3") == 0
    assert _digests(tmp_path / "b") == _digests(degraded)
    assert _make(tmp_path / "c", "--noise-snr", "10", "--seed", "4") == 0
    same = _digests(tmp_path / "c")
    first = _digests(degraded)
    assert same["audio/e2-q_espeak_x1_clean.wav"] == first["audio/e2-q_espeak_x1_clean.wav"]
    assert (
        same["audio/e2-q_espeak_x1_noise-10db.wav"] != first["audio/e2-q_espeak_x1_noise-10db.wav"]
    )


def test_the_built_in_phrasings_and_out_of_domain_questions() -> None:
    kb = load_knowledge_base(SEEDS)
    phrasings = read_phrasings(data_file("phrasings.tsv"), kb)
    assert len(phrasings) >= 15
    assert {p.expected_id for p in phrasings} == {1, 2, 3, 4, 5}
    ood = read_out_of_domain(data_file("out_of_domain.tsv"))
    assert len(ood) >= 12 and all(u.expected_id is None for u in ood)
    assert {u.kind for u in ood} == {"ood-near", "ood-far"}


def test_phrasings_for_other_questions_are_skipped_and_bad_lines_named(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("Where is the toilet?\nDown the hall.\n-\nWhen do you close?\nAt six.\n")
    kb = load_knowledge_base(seeds)
    assert read_phrasings(data_file("phrasings.tsv"), kb) == []
    bad = tmp_path / "p.tsv"
    bad.write_text("1\twhere can i wash my hands\n7\twhat time is closing\n")
    with pytest.raises(VoiceError, match=r"p.tsv:2: entry 7 does not exist"):
        read_phrasings(bad, kb)
    bad.write_text("one\twhere can i wash my hands\n")
    with pytest.raises(VoiceError, match=r"p.tsv:1: expected '<entry id><TAB><phrasing>'"):
        read_phrasings(bad, kb)


def test_an_unknown_voice_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["testset", str(tmp_path / "x"), "--seeds", str(SEEDS), "--voices", "hal9000"])
    assert code == 2
    assert "unknown voice(s) hal9000" in capsys.readouterr().err


def test_a_korean_knowledge_base_is_spoken_by_korean_voices_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The English voices and the built-in (English) out-of-domain questions would make a
    Korean test set of nonsense."""
    korean = Path(__file__).resolve().parent / "data" / "korean" / "museum.txt"
    assert main(["testset", str(tmp_path), "--seeds", str(korean)]) == 0
    rows = read_rows(tmp_path / "manifest.csv")
    assert {row["voice"] for row in rows} == {"espeak-ko", "mbrola-hn1"}
    assert {row["kind"] for row in rows} == {"question"}
    assert len(rows) == 10
    assert "out-of-domain questions are English: left out" in capsys.readouterr().err


def test_every_voice_speaks() -> None:
    for voice in ("espeak", "espeak-gb", "flite-awb", "flite-kal16", "festival"):
        audio = synthesize("peace talks", voice)
        assert 0.3 < len(audio) / 16000 < 3.0, voice
        assert active_power(audio) > 1e-4, voice


@pytest.mark.parametrize(
    ("voice", "text"),
    [
        ("piper-joe", "is there any chance of negotiations restarting"),
        ("mbrola-hn1", "박물관은 몇 시에 문을 닫아요"),  # voice.korean_speech
    ],
)
def test_a_voice_says_the_same_clip_every_time_and_follows_the_speed(voice: str, text: str) -> None:
    """Piper draws random noise inside its model; seeded from the text, a test set stays
    byte-for-byte repeatable, whatever this process spoke before (Piper speaks in-process, and
    onnxruntime seeds a session when it is made). hn1 is given phonemes and durations computed
    from the text."""
    first = synthesize(text, voice)
    synthesize("and now for something completely different", voice)
    assert np.array_equal(first, synthesize(text, voice))
    assert 1.0 < len(first) / 16000 < 6.0
    assert active_power(first) > 1e-4
    slower = synthesize(text, voice, speed=0.75)
    assert len(slower) > 1.2 * len(first)
