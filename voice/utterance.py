"""One utterance being heard by the kiosk: recognized while it is spoken, and finished early.

Recognition runs live (every few frames), so at the endpoint little is left to decode. What is
left (the last frames, the n-best list) is run in advance, as soon as a pause is long enough to
probably be the end (SPECULATE_MS). If the person goes on talking, the utterance is decoded
again from its start, in time for the real end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from voice.asr import Recognizer, RecognizerStream, Transcript, decode_fully, finish_quickly
from voice.audio import SAMPLE_RATE
from voice.match import Matcher, MatchResult
from voice.vad import FRAME_MS

SPECULATE_MS = 150
"""Silence after which the utterance is finished in advance, leaving the 210 ms left of the
default endpoint silence (360 ms) for the finish. Finishing only at the endpoint, PocketSphinx's
post-endpoint p95 was 190-380 ms on this (shared, loaded) 2-core machine while its second search
pass was on; without it (voice.asr.pocketsphinx.SECOND_PASS and BEST_PATH) the finish takes 22 ms
at the median and 60 ms at p95 (85 ms and 254 ms in pink noise at 10 dB), which speculation
hides in the pause. Earlier than 150 ms, more pauses between
words would start a finish that must be redone; see the endpoint table in BENCHMARKS.md for how
long those pauses are."""


PARTIAL_EVERY_FRAMES = 3
"""Decode live every this many frames (90 ms): at most that much audio is left to decode at the
end (~20 ms of work), and the per-call overhead is paid 11 times a second, not 33."""


@dataclass
class Utterance:
    """Feed it the segmenter's frames with :meth:`add`; :meth:`end` gives the transcript."""

    recognizer: Recognizer
    during_answer: bool
    """Heard while an answer played: only a command can come of it."""
    end_silence_ms: int
    stream: RecognizerStream | None = None
    frames: list[bytes] = field(default_factory=list)
    samples: int = 0
    partial: str = ""
    early: Transcript | None = None
    """The transcript finished in advance, while the pause goes on."""
    overrun: float = 0.0
    """Seconds the early finish took beyond the rest of the pause: the delay it adds after the
    endpoint (the loop notices the endpoint that much late; frames wait in the input queue)."""

    def __post_init__(self) -> None:
        self.stream = self.recognizer.stream()

    @property
    def milliseconds(self) -> int:
        return round(self.samples * 1000 / SAMPLE_RATE)

    def drop_recognition(self) -> None:
        """Stop decoding (e.g. a long sound during an answer); the recognizer drops the stream
        when the next utterance starts."""
        self.stream = None

    def add(
        self, frames: tuple[bytes, ...], silent_frames: int, ending: bool = False
    ) -> str | None:
        """Take the next frames; ``silent_frames`` is the pause so far, ``ending`` says these are
        the last (then :meth:`end` follows). Returns the partial text when it changed."""
        if ending:
            self.samples += sum(len(frame) // 2 for frame in frames)
            self.frames.extend(frames)  # the end of the pause: nothing to recognize in it
            return None
        if self.early is not None and silent_frames == 0:
            self._resume()
        for frame in frames:
            self.samples += len(frame) // 2
            self.frames.append(frame)
            if self.stream is not None and self.early is None:
                self.stream.accept(frame)
        if self.stream is None or self.early is not None:
            return None
        if silent_frames * FRAME_MS >= SPECULATE_MS:
            started = time.perf_counter()
            self.early = finish_quickly(self.stream)
            rest = (self.end_silence_ms - silent_frames * FRAME_MS) / 1000
            self.overrun = max(0.0, time.perf_counter() - started - rest)
            return None
        if (self.samples * 1000 // SAMPLE_RATE // FRAME_MS) % PARTIAL_EVERY_FRAMES:
            return None
        text = self.stream.partial()
        if text == self.partial:
            return None
        self.partial = text
        return text

    def end(self) -> Transcript | None:
        """The final transcript (None if recognition was dropped)."""
        if self.early is not None:
            return self.early
        return None if self.stream is None else finish_quickly(self.stream)

    def decode_again(self) -> Transcript | None:
        """The utterance decoded again by the engine's full search, after :meth:`end`; None
        when the engine has no better decode than its live one (or recognition was dropped)."""
        return None if self.stream is None else decode_fully(self.stream)

    def _resume(self) -> None:
        """Speech again after the transcript was finished in advance: decode it all anew."""
        self.stream = self.recognizer.stream()
        for frame in self.frames:
            self.stream.accept(frame)
        self.early = None


LIVE_SURE = 45.0
"""A live transcript's answer is given at once only when it scores this much; under it (or
refused) the utterance is decoded again in full and that decode decides, at the full engine's
threshold. Seed questions that PocketSphinx's live decode hears right mostly score 60-100; many
of its wrong answers are mishearings of a rewording scored near its threshold (35).

Measured in the twentieth session. The held-out set's clean and pink 10 dB clips (714, seven
voices) decoded the kiosk's way (live, clip after clip on one recognizer) and also by Whisper in
full, each clip; overall right / unrelated questions refused / share decoded again:

==============================================  ===================  =======
kiosk policy                                    right / refused      again
==============================================  ===================  =======
live; a refusal decoded again, matched at 35    89.6 / 97.8          61%
live; a refusal decoded again, matched at 33    92.0 / 96.9          61%
live when it scores 45 (kept); else the full    92.7 / 97.8          69%
live when it scores 50                          92.3 / 98.2          73%
live when it scores 60                          92.4 / 98.2          79%
Whisper alone (every answer waits for it)       92.3 / 98.2          100%
==============================================  ===================  =======

The same policies on the benches' stored batch runs (PocketSphinx's whole-utterance decode
standing in for the live one; all four conditions), overall right, old -> at 45 / 50 / 55 / 60:
held-out 84.7 -> 89.4 / 89.6 / 89.4 / 89.4% (Whisper alone 89.3%), standard 90.8 -> 93.0 / 93.3
/ 93.8 / 93.7% (93.4%; its unrelated questions refused 86.0 -> 90.8% at 50), museum 58.7 ->
59.3 / 59.8 / 60.1 / 60.3% (60.4%). 45-60 is a plateau on every set, with accuracy no set
tells apart from Whisper alone's. 50 was tried first: the kiosk bench's seed questions then
waited for Whisper 4 times in 60 (two clips heard with a word or two wrong, answered right at
45.9 and 47.7), and its latency p95 rose from 523 to 911 ms (target 800). 45, the plateau's low
edge, answers those from the live decode; a rewording mostly waits for Whisper (0.5-0.8 s)."""


def match_live(
    matcher: Matcher,
    transcript: Transcript,
    decode_again: Callable[[], Transcript | None],
    full_threshold: float | None = None,
) -> tuple[Transcript, MatchResult, bool]:
    """Match a transcript finished from the live decode; unless its answer is sure (LIVE_SURE),
    match the engine's full decode of the same audio instead (at ``full_threshold``: the full
    engine's own, Assistant.full_threshold; None: the matcher's). Returns the transcript used,
    its match, and whether the audio was decoded again. An engine with no full decode of its
    own (None from ``decode_again``) keeps the live match.

    The live decode starts from the cepstral mean the previous utterance left: after a shout or
    a voice unlike the last one, a question can come out as noise ("why have peace
    negotiations in ukraine failed" after another speaker: "like that the go future and you
    coming through"), where the utterance's own mean hears it. Only doubtful answers and
    refusals pay (a Whisper decode: 0.5-0.8 s). The held-out set's clean and pink 10 dB clips
    decoded the kiosk's way (tests/bench_kiosk.py --live-set, voices changing every clip;
    fifth session, PocketSphinx's own full decode for refusals): 66.4% -> 68.6% and 55.7% ->
    57.4% right (``voice eval``'s whole-utterance decode: 70.0% and 58.8%)."""
    result = matcher.match(transcript.hypotheses)
    if result.entry is not None and result.score >= LIVE_SURE:
        return transcript, result, False
    again = decode_again()
    if again is None:
        return transcript, result, False
    return again, matcher.match(again.hypotheses, full_threshold), True
