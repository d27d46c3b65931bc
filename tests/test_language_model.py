"""The mixed language model: seeds' trigrams interpolated with general English bigrams.

Checked on small models whose probabilities can be worked out: listed n-grams carry the
interpolated probability, every history's distribution sums to one, and PocketSphinx reads the
file to the same numbers.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from pocketsphinx import Config, LogMath, NGramModel
from pocketsphinx.lm import ArpaBoLM

from voice.asr.general_english import GeneralEnglish
from voice.asr.mixed_lm import UNKNOWN_GENERAL, write_mixed_arpa

WEIGHT = 0.5
DISCOUNT = 0.5
SEEDS = ["what role are european countries playing", "could peace talks resume soon"]
GENERAL_TEXT = [
    "what is the news today",
    "is there any news about the talks",
    "what are the countries doing",
    "the talks could resume",
]


def general_model() -> GeneralEnglish:
    """A GeneralEnglish built from a tiny corpus (so every number is known)."""
    lm = ArpaBoLM(text="\n".join(GENERAL_TEXT), add_start=True, discount_mass=DISCOUNT)
    lm.compute()
    words = sorted(lm.prob_1, key=lambda w: (w not in ("<s>", "</s>"), -lm.prob_1[w], w))
    index = {w: i for i, w in enumerate(words)}
    pairs = sorted(
        (index[a], index[b], math.log10(p)) for a, gr in lm.prob_2.items() for b, p in gr.items()
    )
    return GeneralEnglish(
        words=words,
        unigram=np.asarray([math.log10(lm.prob_1[w]) for w in words], dtype=np.float32),
        backoff=np.asarray([math.log10(lm.alpha_1[w]) for w in words], dtype=np.float32),
        first=np.asarray([a for a, _, _ in pairs], dtype=np.int32),
        second=np.asarray([b for _, b, _ in pairs], dtype=np.int32),
        bigram=np.asarray([p for _, _, p in pairs], dtype=np.float32),
    )


class Arpa:
    """Reads an ARPA file and computes back-off probabilities (the textbook definition)."""

    def __init__(self, text: str) -> None:
        self.prob: dict[tuple[str, ...], float] = {}
        self.backoff: dict[tuple[str, ...], float] = {}
        order = 0
        for line in text.splitlines():
            if line.startswith("\\"):
                order = int(line[1]) if line[1:2].isdigit() else 0
                continue
            fields = line.split()
            if order and len(fields) >= order + 1:
                gram = tuple(fields[1 : order + 1])
                self.prob[gram] = 10 ** float(fields[0])
                if len(fields) == order + 2:
                    self.backoff[gram] = 10 ** float(fields[order + 1])
        self.vocabulary = sorted(g[0] for g in self.prob if len(g) == 1 and g[0] != "<s>")

    def p(self, *gram: str) -> float:
        if gram in self.prob:
            return self.prob[gram]
        if len(gram) == 1:
            return 0.0  # a word this model does not know
        return self.backoff.get(gram[:-1], 1.0) * self.p(*gram[1:])


def test_listed_ngrams_carry_the_interpolated_probability() -> None:
    general = general_model()
    out = io.StringIO()
    write_mixed_arpa(SEEDS, general, len(general.words), WEIGHT, DISCOUNT, out)
    mixed = Arpa(out.getvalue())
    domain_out = io.StringIO()
    domain = ArpaBoLM(text="\n".join(SEEDS), add_start=True, discount_mass=DISCOUNT)
    domain.compute()
    domain.write(domain_out)
    seeds_only = Arpa(domain_out.getvalue())
    general_out = io.StringIO()
    plain = ArpaBoLM(text="\n".join(GENERAL_TEXT), add_start=True, discount_mass=DISCOUNT)
    plain.compute()
    plain.write(general_out)
    english = Arpa(general_out.getvalue())

    def expected(*gram: str) -> float:
        known = (gram[-1],) in english.prob
        general_p = english.p(*gram[-2:]) if known else UNKNOWN_GENERAL
        return WEIGHT * seeds_only.p(*gram) + (1 - WEIGHT) * general_p

    # A seed trigram, a seed bigram, a general bigram the seeds never say, a shared bigram.
    for gram in [
        ("what", "role", "are"),
        ("peace", "talks"),
        ("the", "news"),
        ("talks", "could"),
    ]:
        assert mixed.p(*gram) == pytest.approx(expected(*gram), rel=2e-3), gram


def test_every_history_sums_to_one() -> None:
    general = general_model()
    out = io.StringIO()
    write_mixed_arpa(SEEDS, general, len(general.words), WEIGHT, DISCOUNT, out)
    mixed = Arpa(out.getvalue())
    words = mixed.vocabulary
    assert sum(mixed.p(w) for w in words) == pytest.approx(1.0, abs=1e-3)
    for history in [("what",), ("the",), ("talks",), ("european",), ("what", "role"), ("<s>",)]:
        total = sum(mixed.p(*history, w) for w in words)
        assert total == pytest.approx(1.0, abs=2e-3), history


def test_pocketsphinx_reads_the_mixed_model_to_the_same_numbers(tmp_path: Path) -> None:
    general = general_model()
    path = tmp_path / "mixed.arpa"
    with open(path, "w", encoding="utf-8") as out:
        write_mixed_arpa(SEEDS, general, len(general.words), WEIGHT, DISCOUNT, out)
    mixed = Arpa(path.read_text(encoding="utf-8"))
    logmath = LogMath(1.0001)
    model = NGramModel(Config(loglevel="FATAL"), logmath, str(path))
    for gram in [("what", "role", "are"), ("the", "news"), ("soon",)]:
        # NGramModel.prob takes the words most recent first, in log base 1.0001.
        score = model.prob(list(reversed(gram)))
        assert score * math.log10(1.0001) == pytest.approx(math.log10(mixed.p(*gram)), abs=1e-3)


def test_a_failed_binary_conversion_leaves_a_working_text_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The fault path the README names: the child process that converts the model to binary
    fails; the recognizer loads the ARPA text instead and still hears the question."""
    import shutil

    import voice.asr.pocketsphinx as engine
    from tests.speech import synthesize
    from voice.asr import recognize
    from voice.audio import read_audio
    from voice.cache import cache_dir

    general = next(cache_dir().glob("general-english-*.npz"), None)
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path / "cache"))
    if general is not None:  # skip the once-per-machine extraction (13 s)
        shutil.copy(general, cache_dir())
    monkeypatch.setattr(engine, "write_model", lambda *args: False)
    question = "what are the latest developments in ukraine fighting"
    recognizer = engine.PocketSphinxRecognizer([question])
    assert "loading it as text" in caplog.text
    assert list((tmp_path / "cache" / "lm").glob("*/domain.arpa"))
    clip = read_audio(synthesize(question, tmp_path / "q.wav", "flite-slt"))
    heard = recognize(recognizer, list(clip.chunks())).text
    assert "developments" in heard and "ukraine" in heard, heard
