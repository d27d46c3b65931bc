"""Text normalisation shared by the matcher and the language-model builders."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from voice.errors import VoiceError

_SENTENCE_END = re.compile(r"(?<=[.?!;:])\s+")
_NOT_WORD = re.compile(r"[^\w']+")
_EDGE_APOSTROPHES = re.compile(r"(^'+|'+$)")


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
