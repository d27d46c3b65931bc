"""General English word statistics (unigrams and bigrams) from the language model inside the
PocketSphinx wheel (``en-us.lm.bin``), extracted once and cached as a small numpy file.

A language model built only from the seeds can only say seed words: "any news from the front
line" came out as "the why in". Mixing general English into it (see :mod:`voice.asr.mixed_lm`)
lets paraphrases and unrelated questions be transcribed as what was said, which the matcher then
scores honestly. Bigrams matter, not only words: with the 20,000 most common words as unigrams
the held-out paraphrases had a word error rate of 49%; with their bigrams mixed in, 35%.

How the numbers are read: ``NGramModel.write`` (pocketsphinx 5.1) prints the model as ARPA text
and then crashes (segmentation fault) when it reaches the trigrams, after the unigrams and
bigrams are on disk. It is run in a child process and its output read up to the trigrams; the
last few bigrams of the dump (about 40 of 2 million, in the stdio buffer when it crashed) are
lost. Should a later pocketsphinx write the whole file, the same reader takes it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.cache import cached_arrays
from voice.errors import VoiceError

log = logging.getLogger(__name__)

CACHE_VERSION = 3
SENTENCE_MARKS = ("<s>", "</s>")

_WRITE = """
import sys
from pocketsphinx import Config, LogMath, NGramModel
logmath = LogMath(1.0001)  # the model keeps no reference to it: hold it while the model lives
model = NGramModel(Config(loglevel="FATAL"), logmath, sys.argv[1])
model.write(sys.argv[2], NGramModel.str_to_type(sys.argv[3]))
"""


def write_model(source: Path, target: Path, kind: str) -> bool:
    """Write the n-gram model ``source`` to ``target`` as ``kind`` ("arpa" or "bin") in a child
    process, so the writer's crashes (see the module docstring) cannot take this one down.
    True when the child finished cleanly."""
    done = subprocess.run(
        [sys.executable, "-c", _WRITE, str(source), str(target), kind],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return done.returncode == 0 and target.exists()


@dataclass(frozen=True)
class GeneralEnglish:
    """Unigrams of every word with a pronunciation, most likely first, and the bigrams among
    the first ``common`` of them. Probabilities are log10, as in ARPA files."""

    words: list[str]
    unigram: np.ndarray
    """log10 P(word), aligned with ``words``."""
    backoff: np.ndarray
    """log10 backoff weight of each word as a history."""
    first: np.ndarray
    """Bigram histories (indices into ``words``), sorted by (first, second)."""
    second: np.ndarray
    bigram: np.ndarray
    """log10 P(second | first)."""

    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}


def general_english(lm_bin: Path, dictionary: Path, common: int) -> GeneralEnglish:
    """The general model's statistics, extracted on first use (a few seconds) and cached."""
    name = f"general-english-v{CACHE_VERSION}-{lm_bin.stat().st_size}-{common}.npz"

    def extract() -> dict[str, np.ndarray]:
        log.info("reading general English statistics from %s (once)", lm_bin)
        model = _extract(lm_bin, dictionary, common)
        return {
            "words": np.asarray(model.words),
            "unigram": model.unigram,
            "backoff": model.backoff,
            "first": model.first,
            "second": model.second,
            "bigram": model.bigram,
        }

    data = cached_arrays(name, extract)
    return GeneralEnglish(
        words=[str(w) for w in data["words"]],
        unigram=data["unigram"],
        backoff=data["backoff"],
        first=data["first"],
        second=data["second"],
        bigram=data["bigram"],
    )


def _extract(lm_bin: Path, dictionary: Path, common: int) -> GeneralEnglish:
    pronounced = _dictionary_words(dictionary) | set(SENTENCE_MARKS)
    with tempfile.TemporaryDirectory(prefix="voice-lm-") as tmp:
        arpa = Path(tmp) / "general.arpa"
        write_model(lm_bin, arpa, "arpa")  # expected to crash after the bigrams
        if not arpa.exists():
            raise VoiceError(f"could not read the general English model {lm_bin}")
        unigrams, bigrams = _read_arpa(arpa, pronounced)
    # Sentence marks first: "<s> what" is among the most telling bigrams of a question.
    unigrams.sort(key=lambda item: (item[0] not in SENTENCE_MARKS, -item[1]))
    words = [w for w, _, _ in unigrams]
    index = {w: i for i, w in enumerate(words[:common])}
    pairs = [(index[a], index[b], p) for a, b, p in bigrams if a in index and b in index]
    pairs.sort()
    if not words or not pairs:
        raise VoiceError(f"no n-grams could be read from the general English model {lm_bin}")
    log.info(
        "general English: %d words, %d bigrams among the first %d", len(words), len(pairs), common
    )
    return GeneralEnglish(
        words=words,
        unigram=np.asarray([p for _, p, _ in unigrams], dtype=np.float32),
        backoff=np.asarray([b for _, _, b in unigrams], dtype=np.float32),
        first=np.asarray([a for a, _, _ in pairs], dtype=np.int32),
        second=np.asarray([b for _, b, _ in pairs], dtype=np.int32),
        bigram=np.asarray([p for _, _, p in pairs], dtype=np.float32),
    )


def _dictionary_words(dictionary: Path) -> set[str]:
    with open(dictionary, encoding="utf-8") as handle:
        return {line.split(" ", 1)[0] for line in handle if "(" not in line.split(" ", 1)[0]}


def _read_arpa(
    arpa: Path, pronounced: set[str]
) -> tuple[list[tuple[str, float, float]], list[tuple[str, str, float]]]:
    """Unigrams (word, log10 p, log10 backoff) and bigrams (first, second, log10 p) of words with
    a pronunciation; stops at the trigrams or at a line cut short by the crash."""
    unigrams: list[tuple[str, float, float]] = []
    bigrams: list[tuple[str, str, float]] = []
    order = 0
    with open(arpa, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("\\"):
                order = int(line[1]) if line[1:2].isdigit() else 0
                if order > 2:
                    break
                continue
            fields = line.split()
            try:
                if order == 1 and len(fields) in (2, 3) and fields[1] in pronounced:
                    backoff = float(fields[2]) if len(fields) == 3 else 0.0
                    unigrams.append((fields[1], float(fields[0]), backoff))
                elif order == 2 and len(fields) == 4 and line.endswith("\n"):
                    bigrams.append((fields[1], fields[2], float(fields[0])))
            except ValueError:  # the last, half-written line
                break
    return unigrams, bigrams
