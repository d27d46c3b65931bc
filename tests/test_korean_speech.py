"""The second Korean test voice: Korean text -> hn1 phonemes -> MBROLA speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.korean_speech import phones, speak
from voice.seeds import load_knowledge_base
from voice.testset import read_out_of_domain, read_phrasings

KOREAN = Path(__file__).resolve().parent / "data" / "korean"


def said(text: str) -> str:
    return " ".join(p.sampa for p in phones(text))


@pytest.mark.parametrize(
    ("text", "pronounced"),
    [
        ("좋아요", "ts\\ o a jo"),  # ㅎ before a vowel is silent
        ("읽어요", "i l_} g V jo"),  # the second of two final consonants links, voiced
        ("같이", "k a ts\\_h i"),  # palatalisation
        ("합니다", "h a m_} n i d a"),  # nasal assimilation
        ("신라", "s\\ i l_} l a"),  # lateral assimilation
        ("종로", "ts\\ o N n o"),  # ㄹ after a nasal is [n]
        ("축하해요", "ts\\_h u k_h a h E jo"),  # a stop before ㅎ is aspirated
        ("학교", "h a k_} k_> jo"),  # a lax stop after a stop is tense
        ("표는 얼마예요", "p_h jo n M n V l_} m a je jo"),  # a final links across words
        ("옷 안", "o d a n_}"),  # ... as the sound it has become
    ],
)
def test_standard_pronunciation_rules(text: str, pronounced: str) -> None:
    assert said(text) == pronounced


def test_text_without_hangul_says_nothing() -> None:
    assert phones("Wi-Fi 123 ?!") == []


def test_every_korean_test_text_is_spoken_without_a_missing_diphone(tmp_path: Path) -> None:
    """hn1 has no diphone for, e.g., a final [n] before a vowel: the rules must never ask for
    one. Every sentence of the Korean test set is checked, which is what the benchmark speaks."""
    kb = load_knowledge_base(KOREAN / "museum.txt")
    texts = [entry.question for entry in kb.entries] + [entry.answer for entry in kb.entries]
    texts += [u.text for u in read_phrasings(KOREAN / "phrasings.tsv", kb)]
    texts += [u.text for u in read_out_of_domain(KOREAN / "out_of_domain.tsv")]
    assert len(texts) == 42
    for index, text in enumerate(texts):
        assert speak(text, tmp_path / f"{index}.wav") == [], text
