"""Text normalisation shared by the matcher and the language-model builders."""

from __future__ import annotations

import re
import unicodedata

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
