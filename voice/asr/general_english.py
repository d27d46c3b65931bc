"""The most common English words and their probabilities, read from the general language model
inside the PocketSphinx wheel (``en-us.lm.bin``), and cached as a small text file.

A language model built only from the seeds can only say seed words: "any news from the front
line" came out as "the why in". Mixing in the general model's most common words lets paraphrases
and unrelated questions be transcribed as what was said, which the matcher then scores honestly.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

from voice.cache import cache_dir

log = logging.getLogger(__name__)

CACHE_VERSION = 2
LOG_BASE = 1.0001
"""PocketSphinx's integer log base; probabilities come back as powers of it."""


def _read_unigrams(lm_bin: Path, dictionary: Path) -> list[tuple[str, float]]:
    """(word, log10 probability) of the dictionary's words under a binary n-gram model, most
    likely first; words the model does not know are left out.

    Probabilities are asked word by word: ``NGramModel.write`` to ARPA crashes (segmentation
    fault) part-way through this 100 MB model in pocketsphinx 5.0.
    """
    from pocketsphinx import Config, LogMath, NGramModel

    config = Config(loglevel="FATAL")
    logmath = LogMath(LOG_BASE)  # the model keeps no reference: hold it while the model lives
    model = NGramModel(config, logmath, str(lm_bin))
    unknown = model.prob(["<unk>"])
    to_log10 = math.log10(LOG_BASE)
    words: list[tuple[str, float]] = []
    with open(dictionary, encoding="utf-8") as handle:
        for line in handle:
            word = line.split(" ", 1)[0]
            if "(" in word or not word:
                continue
            score = model.prob([word])
            if score > unknown:
                words.append((word, score * to_log10))
    del model
    words.sort(key=lambda item: -item[1])
    return words


def common_words(lm_bin: Path, dictionary: Path, count: int) -> list[tuple[str, float]]:
    """The ``count`` most likely words of ``lm_bin`` with their probabilities (not log)."""
    cached = cache_dir() / f"common-words-v{CACHE_VERSION}-{lm_bin.stat().st_size}.tsv"
    if not cached.exists():
        log.info("reading common English words from %s (once)", lm_bin)
        words = _read_unigrams(lm_bin, dictionary)
        partial = cached.with_suffix(".tmp")
        partial.write_text("".join(f"{w}\t{p}\n" for w, p in words), encoding="utf-8")
        partial.replace(cached)
    out: list[tuple[str, float]] = []
    with open(cached, encoding="utf-8") as handle:
        for line in handle:
            if len(out) >= count:
                break
            word, logprob = line.rstrip("\n").split("\t")
            out.append((word, 10.0 ** float(logprob)))
    return out
