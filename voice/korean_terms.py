"""Korean text -> the matcher's terms: the content morphemes of each word, found by Kiwi.

Korean glues particles and endings onto its words, so "화장실은" and "화장실" (the toilet, with
and without a topic particle), "닫아요" and "닫나요" (closes), "얼마예요" and "얼마" are different
words to a matcher that splits at spaces, and a recognizer puts its spaces where its model does
("입장료 가 얼마 예요"). Typed in word for word, the Korean test set's phrasings were answered 4
of 20 that way, 9 by morpheme: "화장실 어디예요" shared no word with "화장실은 어디에 있어요". Kiwi
(``kiwipiepy``, with its model in the ``kiwipiepy-model`` wheel: nothing is downloaded) splits
each word into morphemes and tags them; nouns, verb and adjective stems, adverbs, numbers and
foreign words are kept, particles, endings, the copula and auxiliaries are not.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

from voice.text import words

log = logging.getLogger(__name__)

CONTENT_TAGS = frozenset(
    "NNG NNP NNB NP NR VV VA MAG MM XR SL SN SH XPN".split()
)  # fmt: skip
"""Kiwi's part-of-speech tags of the morphemes that say what a question is about: nouns (general,
proper, bound, pronoun, numeral), verb and adjective stems, general adverbs, determiners (몇),
roots, foreign, number and Chinese-character words, and a noun prefix (폐관's 폐)."""

FUNCTION_WORDS = frozenset("수 것 거 좀 듯 줄".split())
"""Content-tagged morphemes that only carry grammar: "할 수 있어요" (can), 것/거 (thing), 좀
(please). Also dropping 있/없 (there is / isn't), 하 (do) and 되 (be), as English drops "is",
"have", "do" and "be", was measured on the Korean set's texts typed in: phrasings 9 -> 8 of 20
answered, unrelated questions refused 10 of 12 either way; so they count."""

COMPOUND_TAGS = frozenset("NNG NNP XPN XSN XR SL SH".split())
"""Noun pieces written together are one term: Kiwi splits a compound by context ("비밀번호" alone
is 비밀 + 번호, in "와이파이 비밀번호 알려 주세요" one noun), and drops a suffix ("입장권" as
입장), so the same word would be different terms in a question and in a synonym list."""

Splitter = Callable[[str], list[str]]


@functools.cache
def korean_splitter() -> Splitter:
    """Text -> its content morphemes, by Kiwi (loaded once: about 2 s and 330 MB). Without the
    package, words split at spaces, with one warning: Korean then matches only word for word."""
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:
        log.warning(
            "Korean questions are matched word for word: kiwipiepy is not installed (%s); "
            "run `make install` to get it",
            exc,
        )
        return words
    kiwi = Kiwi(num_workers=-1, load_typo_dict=False, load_multi_dict=False)
    lock = threading.Lock()  # one Kiwi, shared by the kiosk's threads

    def split(text: str) -> list[str]:
        with lock:
            tokens = kiwi.tokenize(text)
        terms: list[str] = []
        compound_ends = -1  # where the last noun piece ended in the text, to join the next one
        for token in tokens:
            tag = token.tag.split("-")[0]
            if tag in COMPOUND_TAGS and token.start == compound_ends and terms:
                terms[-1] += token.form.casefold()
            elif tag in CONTENT_TAGS and token.form not in FUNCTION_WORDS:
                terms.append(token.form.casefold())
            else:
                compound_ends = -1
                continue
            compound_ends = token.start + token.len if tag in COMPOUND_TAGS else -1
        return terms

    return split
