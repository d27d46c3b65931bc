"""The kiosk's choice between its live transcript and a full decode of the same question
(voice.utterance.match_live), with the real matcher over the seeds. The transcripts are given as
text: which words a recognizer hears is tested with real audio elsewhere (test_live_decoding,
test_kiosk_parts); here it is what the kiosk answers once it has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice import Settings
from voice.asr import Transcript
from voice.knowledge import KioskAssistant
from voice.match import THRESHOLD, WHISPER_THRESHOLD
from voice.utterance import LIVE_SURE, match_live

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

DOUBTFUL = "what is the role of russia"
"""What the live decode might make of "what is the role of europe": the stance entry (5) by
words, over PocketSphinx's threshold but under LIVE_SURE."""

BETWEEN = "i was wondering if we might see both sides back at the table in the near future"
"""Entry 4 by words, between Whisper's threshold and PocketSphinx's."""


@pytest.fixture(scope="module")
def kiosk() -> KioskAssistant:
    assistant = KioskAssistant.from_settings(Settings(seeds=SEEDS))
    assert assistant.engine == "pocketsphinx+whisper"
    return assistant


def test_the_texts_sit_where_the_tests_need_them(kiosk: KioskAssistant) -> None:
    doubtful = kiosk.matcher.match([DOUBTFUL])
    assert doubtful.entry is not None and doubtful.entry.id == 5
    assert THRESHOLD <= doubtful.score < LIVE_SURE
    between = kiosk.matcher.match([BETWEEN])
    assert between.best is not None and between.best.entry.id == 4
    assert WHISPER_THRESHOLD <= between.score < THRESHOLD


def test_a_doubtful_live_answer_is_decided_by_the_full_decode_at_its_own_threshold(
    kiosk: KioskAssistant,
) -> None:
    assert kiosk.full_threshold == WHISPER_THRESHOLD
    used, result, again = match_live(
        kiosk.matcher,
        Transcript(DOUBTFUL),
        lambda: Transcript(BETWEEN),
        kiosk.full_threshold,
    )
    assert again and used.text == BETWEEN
    assert result.entry is not None and result.entry.id == 4


def test_a_full_decode_that_refuses_overrules_a_doubtful_live_answer(
    kiosk: KioskAssistant,
) -> None:
    unrelated = "who won the football game last night"
    _, result, again = match_live(
        kiosk.matcher, Transcript(DOUBTFUL), lambda: Transcript(unrelated), kiosk.full_threshold
    )
    assert again and result.entry is None
    assert result.suggested, "a refusal names questions that can be asked"


def test_a_sure_live_answer_is_given_without_decoding_again(kiosk: KioskAssistant) -> None:
    def decode_again() -> Transcript:
        raise AssertionError("a sure answer was decoded again")

    said = Transcript("why have peace negotiations in ukraine failed")
    used, result, again = match_live(kiosk.matcher, said, decode_again, kiosk.full_threshold)
    assert not again and used is said
    assert result.entry is not None and result.entry.id == 1


def test_an_engine_without_a_full_decode_keeps_its_live_answer(kiosk: KioskAssistant) -> None:
    """Vosk's live decode is its only one (voice.asr.decode_fully gives None)."""
    _, result, again = match_live(kiosk.matcher, Transcript(DOUBTFUL), lambda: None)
    assert not again and result.entry is not None and result.entry.id == 5


def test_a_threshold_given_applies_to_both_decodes() -> None:
    strict = KioskAssistant.from_settings(Settings(seeds=SEEDS, threshold=40.0))
    assert strict.full_threshold == 40.0
    _, result, again = match_live(
        strict.matcher, Transcript(DOUBTFUL), lambda: Transcript(BETWEEN), strict.full_threshold
    )
    assert again and result.entry is None
    alone = KioskAssistant.from_settings(Settings(seeds=SEEDS, engine="pocketsphinx"))
    assert alone.full_threshold == THRESHOLD


def test_a_recording_heard_through_the_pairing_is_matched_at_whispers_threshold(
    kiosk: KioskAssistant,
) -> None:
    """`voice ask FILE` / `voice eval` with the pairing match Whisper's whole decode
    (Assistant.answer_transcript); typed text is neither engine's and keeps the matcher's."""
    heard = kiosk.answer_transcript(Transcript(BETWEEN), "clip.wav", 0.0)
    assert heard.id == 4
    assert kiosk.ask_text(BETWEEN).id is None
