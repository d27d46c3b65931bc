"""Text normalisation shared by the matcher and the language-model builders."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from voice.errors import VoiceError

_SENTENCE_END = re.compile(r"(?<=[.?!;:])\s+")
_NOT_WORD = re.compile(r"[^\w']+")
_EDGE_APOSTROPHES = re.compile(r"(^'+|'+$)")
_NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def words(text: str) -> list[str]:
    """Lower-case words with punctuation removed; apostrophes inside words are kept."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    out = []
    for token in _NOT_WORD.split(text):
        if "_" in token:
            token = token.replace("_", "")
        if token[:1] == "'" or token[-1:] == "'":
            token = _EDGE_APOSTROPHES.sub("", token)
        if token:
            out.append(token)
    return out


def normalize(text: str) -> str:
    return " ".join(words(text))


def sentences(text: str) -> list[str]:
    """Normalised sentences of a paragraph (for language models: one sentence per line)."""
    out = []
    for part in _SENTENCE_END.split(text):
        norm = normalize(part)
        if norm:
            out.append(norm)
    return out


def proper_names(text: str) -> list[str]:
    """Runs of capitalised words ("Deputy Foreign Minister Sergey Ryabkov", "NATO") in order of
    appearance. A sentence's first word counts only when it is written in capitals: "The" and
    "Russia's" at a sentence's start are not names."""
    names: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        run: list[str] = []
        end = 0
        for index, found in enumerate(_NAME_WORD.finditer(sentence)):
            word = found.group()
            capital = word[0].isupper() and (index > 0 or word.isupper())
            if run and (not capital or sentence[end : found.start()].strip()):
                names.append(" ".join(run))
                run = []
            if capital:
                run.append(word)
            end = found.end()
        if run:
            names.append(" ".join(run))
    return names


def read_utf8(path: Path) -> str:
    """A text file users write (seeds, synonyms, logs), a BOM dropped. Raises VoiceError saying
    what is wrong ("not UTF-8 text (...)", "cannot read (...)"); the caller adds where and what
    it does about it."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VoiceError(f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise VoiceError(f"cannot read ({exc.strerror})") from None
