"""The few spoken commands a kiosk obeys at any time, even while it speaks: "stop" and "repeat".

A command is recognized by the ordinary recognizer (the phrases are added to its vocabulary) and
must make up almost all of what was said: "stop" ends an answer, "where do I stop the car" is a
question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

STOP_WORDS = ("stop", "cancel", "be quiet", "enough")
"""Say one of these while an answer plays to cut it short."""

REPEAT_WORDS = ("repeat", "say that again", "that again", "say it again", "pardon")
"""Say one of these to hear the last answer again. "that again" because the recognizer often
hears the first word of "say that again" as "you" or "to" (synthetic voices, BENCHMARKS.md)."""

EXTRA_WORDS = 1
"""Words allowed around a command phrase ("stop please", "ok repeat"): more and it is a sentence
that merely contains the word, which is a question, not a command."""


class Command(Enum):
    STOP = "stop"
    REPEAT = "repeat"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@dataclass(frozen=True)
class Commands:
    stop: tuple[str, ...] = STOP_WORDS
    repeat: tuple[str, ...] = REPEAT_WORDS

    def phrases(self) -> list[str]:
        return [*self.stop, *self.repeat]

    def find(self, transcript: str) -> Command | None:
        """The command ``transcript`` is, if it is one."""
        said = _words(transcript)
        if not said:
            return None
        for command, phrases in ((Command.STOP, self.stop), (Command.REPEAT, self.repeat)):
            for phrase in phrases:
                words = _words(phrase)
                if len(said) <= len(words) + EXTRA_WORDS and _contains(said, words):
                    return command
        return None


def _contains(said: Sequence[str], words: Sequence[str]) -> bool:
    n = len(words)
    return any(list(said[i : i + n]) == list(words) for i in range(len(said) - n + 1))
