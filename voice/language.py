"""The assistant's own sentences (the polite refusal and its suggestions) in the knowledge base's
language: a Korean museum kiosk should not apologise in English before naming Korean questions.

The language is read from the questions' script, not configured: knowledge bases are written in
one language, and the recognizer's model already has to match it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    """What the assistant says when it will not answer."""

    no_answer: str
    """Opening of the refusal when something was heard but matched nothing well enough."""
    nothing_heard: str
    """Opening of the refusal when the recognizer heard no words."""
    suggest: str
    """Leads into the questions that can be asked."""
    kiosk_prompt: str
    """The kiosk's shorter refusal, followed at once by the suggested questions."""
    join: str
    """Between two suggested questions."""


ENGLISH = Phrases(
    no_answer="Sorry, I don't have an answer to that.",
    nothing_heard="Sorry, I didn't catch a question.",
    suggest="You can ask, for example:",
    kiosk_prompt="Sorry, I didn't catch that. You can ask, for example:",
    join="or",
)

KOREAN = Phrases(
    no_answer="죄송해요, 그 질문에는 답을 드릴 수 없어요.",
    nothing_heard="죄송해요, 질문을 듣지 못했어요.",
    suggest="이렇게 물어보실 수 있어요:",
    kiosk_prompt="죄송해요, 잘 듣지 못했어요. 이렇게 물어보실 수 있어요:",
    join="또는",
)

HANGUL_SHARE = 0.5
"""Knowledge bases whose questions' words are at least this share Hangul are Korean. Mixed
questions ("와이파이 password 뭐예요") are still mostly one script; half is the natural divide.
Words, not letters, are counted: a Hangul syllable is one character, an English word several."""

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def is_korean(questions: Iterable[str]) -> bool:
    """Whether a knowledge base with these questions is in Korean (HANGUL_SHARE). Text without
    any Hangul is answered by one scan in C: counting the words of 100,000 English questions in
    Python took 1.2 s, and loading asks this several times."""
    text = "\n".join(questions)
    if not _HANGUL.search(text):
        return False
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    hangul = sum(1 for w in words if _HANGUL.search(w))
    return bool(words) and hangul / len(words) >= HANGUL_SHARE


def phrases_for(questions: Iterable[str]) -> Phrases:
    """The refusal sentences for a knowledge base with these questions (English by default)."""
    return KOREAN if is_korean(questions) else ENGLISH
