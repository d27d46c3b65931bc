"""Which language a knowledge base is in decides its matcher, threshold, recognizer and refusal."""

from __future__ import annotations

import pytest

from voice.language import is_korean


@pytest.mark.parametrize(
    "questions, korean",
    [
        (["화장실은 어디에 있어요", "표는 얼마예요"], True),
        (["와이파이 password 뭐예요"], True),  # two of three words are Hangul
        (["where is the 화장실", "how much is a ticket"], False),  # one Hangul word in eight
        (["wifi 비밀번호", "ticket 가격"], True),  # half: HANGUL_SHARE
        (["Why have peace negotiations in Ukraine failed?"], False),
        (["123 456", "?"], False),  # no word with a letter at all
        ([], False),
    ],
)
def test_a_knowledge_base_is_korean_when_half_its_words_are_hangul(
    questions: list[str], korean: bool
) -> None:
    assert is_korean(questions) is korean
    assert is_korean(iter(questions)) is korean  # any iterable, read once
