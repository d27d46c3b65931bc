"""A language model that mixes the knowledge base's own text with general English.

P(w | h) = DOMAIN_WEIGHT * P_domain(w | h) + (1 - DOMAIN_WEIGHT) * P_general(w | h), each side
with its own back-off, written as one ARPA back-off model: every n-gram either side lists is
listed, and back-off weights are recomputed so each history's probabilities still sum to one.
The domain side is a trigram model of the seeds (so a seed question is decoded almost word for
word); the general side is the bigram model of the most common English words (so a paraphrase or
an unrelated question is decoded as English rather than forced onto seed words).

The general side has 1.7 million bigrams: they are mixed with numpy, and only the few n-grams of
the domain are handled one by one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from voice.asr.general_english import GeneralEnglish

UNKNOWN_GENERAL = 1e-7
"""General-English probability of a seed word the general model does not know ("ryabkov")."""

_FLOOR = 1e-6


def write_mixed_arpa(
    corpus: Sequence[str],
    general: GeneralEnglish,
    common: int,
    domain_weight: float,
    discount: float,
    out: TextIO,
) -> None:
    """Write the mixed model of ``corpus`` (normalised sentences whose words all have a
    pronunciation) and the first ``common`` words of ``general`` to ``out`` as ARPA text."""
    from pocketsphinx.lm import ArpaBoLM

    domain = ArpaBoLM(text="\n".join(corpus), add_start=True, discount_mass=discount)
    domain.compute()
    lam = domain_weight

    # Vocabulary: the common general words (their bigram indices stay valid), then seed words.
    words = list(general.words[:common])
    index = {w: i for i, w in enumerate(words)}
    for word in domain.prob_1:
        if word not in index:
            index[word] = len(words)
            words.append(word)
    n = len(words)
    general_index = general.index()

    p_general = np.full(n, UNKNOWN_GENERAL)
    backoff_general = np.ones(n)
    for word, i in index.items():
        g = general_index.get(word)
        if g is not None:
            p_general[i] = 10.0 ** general.unigram[g]
            backoff_general[i] = 10.0 ** general.backoff[g]
    p_domain = np.zeros(n)
    alpha_domain = np.ones(n)
    for word, p in domain.prob_1.items():
        p_domain[index[word]] = p
        alpha_domain[index[word]] = domain.alpha_1[word]
    p1 = lam * p_domain + (1 - lam) * p_general
    # Each side's unigrams fall short of one (the seeds' model keeps half its mass for unknown
    # words; the general side is cut to its common words): rescaled, every history's
    # distribution sums to one, as a back-off model should.
    p1[index["<s>"]] = 0.0
    p1 /= p1.sum()

    # Bigrams: the general ones, with the domain's (backed-off) estimate mixed in ...
    gh = general.first.astype(np.int64)
    gw = general.second.astype(np.int64)
    g_keys = gh * n + gw
    g_p = 10.0 ** general.bigram.astype(np.float64)
    d_p = alpha_domain[gh] * p_domain[gw]
    # ... the domain's own bigrams overriding that estimate, or added when general lacks them.
    dh, dw, dp = [], [], []
    for w1, grams in domain.prob_2.items():
        for w2, p in grams.items():
            dh.append(index[w1])
            dw.append(index[w2])
            dp.append(p)
    dh_a, dw_a, dp_a = np.asarray(dh, np.int64), np.asarray(dw, np.int64), np.asarray(dp)
    d_keys = dh_a * n + dw_a
    pos = np.searchsorted(g_keys, d_keys)
    pos_c = np.minimum(pos, len(g_keys) - 1)
    shared = g_keys[pos_c] == d_keys
    d_p[pos_c[shared]] = dp_a[shared]
    new = ~shared
    first = np.concatenate([gh, dh_a[new]])
    second = np.concatenate([gw, dw_a[new]])
    p2 = np.concatenate(
        [
            lam * d_p + (1 - lam) * g_p,
            lam * dp_a[new] + (1 - lam) * backoff_general[dh_a[new]] * p_general[dw_a[new]],
        ]
    )
    order = np.argsort(first * n + second, kind="stable")
    first, second, p2 = first[order], second[order], p2[order]
    keys = first * n + second
    alpha1 = _backoff_weights(first, p2, p1[second], n)

    def general_bigram(v: int, w: int) -> float:
        listed = _listed(g_keys, g_p, v * n + w)
        return listed if listed is not None else float(backoff_general[v] * p_general[w])

    def mixed_bigram(v: int, w: int) -> float:
        listed = _listed(keys, p2, v * n + w)
        return listed if listed is not None else float(alpha1[v] * p1[w])

    # Trigrams: the domain's only (general English here is a bigram model).
    trigrams: dict[tuple[int, int], dict[int, float]] = {}
    for w1, grams2 in domain.grams_3.items():
        for w2, grams3 in grams2.items():
            u, v = index[w1], index[w2]
            total = domain.grams_2[w1][w2]
            trigrams[(u, v)] = {
                index[w3]: lam * count * domain.deflator / total
                + (1 - lam) * general_bigram(v, index[w3])
                for w3, count in grams3.items()
            }
    alpha2 = {
        context: max(1 - sum(ps.values()), _FLOOR)
        / max(1 - sum(mixed_bigram(context[1], w) for w in ps), _FLOOR)
        for context, ps in trigrams.items()
    }

    _write(out, words, p1, alpha1, first, second, p2, trigrams, alpha2)


def _listed(keys: np.ndarray, values: np.ndarray, key: int) -> float | None:
    """The value of a listed bigram (``keys`` sorted), None when the bigram is not listed."""
    i = int(np.searchsorted(keys, key))
    return float(values[i]) if i < len(keys) and keys[i] == key else None


def _backoff_weights(history: np.ndarray, p: np.ndarray, p_lower: np.ndarray, n: int) -> np.ndarray:
    """alpha(h) = (1 - sum of listed P(w|h)) / (1 - sum of the lower-order P(w)) per history."""
    listed = np.bincount(history, weights=p, minlength=n)
    lower = np.bincount(history, weights=p_lower, minlength=n)
    return np.maximum(1 - listed, _FLOOR) / np.maximum(1 - lower, _FLOOR)


def _write(
    out: TextIO,
    words: list[str],
    p1: np.ndarray,
    alpha1: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    p2: np.ndarray,
    trigrams: dict[tuple[int, int], dict[int, float]],
    alpha2: dict[tuple[int, int], float],
) -> None:
    log1 = np.log10(np.maximum(p1, 1e-99))
    log1[words.index("<s>")] = -99.0  # a sentence start is never predicted
    n3 = sum(len(ps) for ps in trigrams.values())
    out.write(f"\\data\\\nngram 1={len(words)}\nngram 2={len(first)}\n")
    out.write(f"ngram 3={n3}\n" if n3 else "")
    out.write("\n\\1-grams:\n")
    out.writelines(
        f"{p:.4f} {w} {a:.4f}\n"
        for p, w, a in zip(log1.tolist(), words, np.log10(alpha1).tolist(), strict=True)
    )
    out.write("\n\\2-grams:\n")
    names = np.asarray(words, dtype=object)
    contexts = {(u, v): math.log10(a) for (u, v), a in alpha2.items()}
    for p, a, b, u, v in zip(
        np.log10(p2).tolist(),
        names[first].tolist(),
        names[second].tolist(),
        first.tolist(),
        second.tolist(),
        strict=True,
    ):
        backoff = contexts.get((u, v))
        out.write(f"{p:.4f} {a} {b}\n" if backoff is None else f"{p:.4f} {a} {b} {backoff:.4f}\n")
    if n3:
        out.write("\n\\3-grams:\n")
        for (u, v), ps in trigrams.items():
            history = f"{words[u]} {words[v]}"
            out.writelines(f"{math.log10(p):.4f} {history} {words[w]}\n" for w, p in ps.items())
    out.write("\n\\end\\\n")
