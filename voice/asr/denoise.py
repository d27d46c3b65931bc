"""Noise suppression in front of any recognizer, where there is noise to suppress: WebRTC's
noise suppressor (the one Home Assistant's voice pipeline uses), 10 ms frames at 16 kHz.

Wrapping the recognizer, not the audio source, gives files, the microphone, the kiosk and
``voice eval`` the same front end. Suppression is not free: on clean synthetic speech it cost
4.6 points of answers (65.7% -> 61.1% on the held-out set's clean clips; espeak's voice lost 4
of its 5 seed questions), while on pink noise at 10 dB it gained (see NOISE_SUPPRESSION). So each
utterance is measured first (:func:`estimated_snr`) and only noisy ones are suppressed.

Measured for the competing talker and left out: a downward expander (10 ms frames more than 10 dB
under the utterance's loud frames attenuated 3:1), so the other voice in the pauses is not heard
as words. Before suppression it answered 2.7-2.8 points more with a talker at 10 dB (standard
58.7% -> 61.4%, held-out 48.5% -> 51.3%) but lost 9 in pink noise at 10 dB (58.5% -> 49.6%);
after suppression it lost in both (45.7%, 43.7%). Using it would mean telling babble from steady
noise, a detector tuned to synthetic rooms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from voice.asr import LiveFinish, Recognizer, RecognizerStream, Transcript
from voice.audio import SAMPLE_RATE, frame_levels

NOISE_SUPPRESSION = 3
"""WebRTC suppression level, 0 (off) to 4. On the held-out set's pink-noise-at-10-dB clips
(306), answers right: unsuppressed 47.4% (word error rate 72.1%), level 3 ("high") 54.9% (63.2%);
setting PocketSphinx's own ``remove_noise`` gave exactly the unsuppressed result, so it either
does nothing in this build or was not applied by that experiment. Later, with seven voices (357
clips, the recognizer taught the synonyms): level 2 54.9% (62.1%), level 3 58.8% (60.2%), level 4
("very high") 57.1% (61.7%)."""

SUPPRESS_BELOW_DB = 25.0
"""Utterances whose estimated signal-to-noise ratio is below this are suppressed. Chosen before
measuring, between a noisy hall (speech 5-15 dB over the noise) and a quiet room with a desk
microphone (30 dB and more)."""

DECIDE_SECONDS = 0.5
"""A live stream withholds its audio from the recognizer until this much has been heard (or the
utterance ends), so the decision has some background and some speech to go on."""

FRAME_BYTES = SAMPLE_RATE // 100 * 2
"""10 ms of 16 kHz int16 audio: the only frame size the suppressor takes."""


def estimated_snr(pcm: bytes) -> float:
    """Speech-to-noise ratio in dB from 10 ms frame levels: the loud frames (95th percentile)
    against the quiet ones (10th percentile), where a pause or the background is."""
    levels = frame_levels(pcm)
    if len(levels) == 0:
        return float("inf")
    return float(np.percentile(levels, 95) - np.percentile(levels, 10))


class Denoised:
    """A recognizer whose streams hear noisy utterances after noise suppression."""

    def __init__(self, inner: Recognizer, level: int = NOISE_SUPPRESSION) -> None:
        self.inner = inner
        self.level = level
        self.name = inner.name

    def stream(self) -> DenoisedStream:
        return DenoisedStream(self.inner.stream(), self.level)


class DenoisedStream:
    """Suppresses every frame as it comes (the suppressor adapts to the background), keeps the
    raw audio too, and feeds the recognizer one of them once it has decided which."""

    def __init__(self, inner: RecognizerStream, level: int) -> None:
        from webrtc_noise_gain import AudioProcessor

        self._inner = inner
        self._processor: Any = AudioProcessor(0, level)  # no automatic gain: CMN handles level
        self._pending = b""
        self._raw: list[bytes] = []
        self._suppressed: list[bytes] = []
        self._heard = 0
        self.suppressing: bool | None = None
        """None until decided."""

    def accept(self, pcm: bytes) -> None:
        if self.suppressing is False:  # decided on the raw audio: no frames, no suppressor
            self._inner.accept(pcm)
            return
        data = self._pending + pcm
        whole = len(data) - len(data) % FRAME_BYTES
        self._pending = data[whole:]
        if whole:
            self._take(data[:whole], self._suppress(data[:whole]))

    def _take(self, raw: bytes, suppressed: bytes) -> None:
        self._heard += len(raw)
        if self.suppressing is None:
            self._raw.append(raw)
            self._suppressed.append(suppressed)
        else:
            self._inner.accept(suppressed if self.suppressing else raw)

    def _suppress(self, data: bytes) -> bytes:
        process = self._processor.Process10ms
        return b"".join(
            process(data[i : i + FRAME_BYTES]).audio for i in range(0, len(data), FRAME_BYTES)
        )

    def _decide(self) -> None:
        if self.suppressing is not None:
            return
        self.suppressing = estimated_snr(b"".join(self._raw)) < SUPPRESS_BELOW_DB
        for chunk in self._suppressed if self.suppressing else self._raw:
            self._inner.accept(chunk)
        self._raw, self._suppressed = [], []
        if not self.suppressing and self._pending:  # the raw path takes any length
            self._inner.accept(self._pending)
            self._pending = b""

    def _flush(self) -> None:
        """Take the last partial frame (padded with silence, then cut back to its length)."""
        if self._pending:
            tail = self._suppress(self._pending.ljust(FRAME_BYTES, b"\0"))
            self._take(self._pending, tail[: len(self._pending)])
            self._pending = b""
        self._decide()

    def partial(self) -> str:
        if self.suppressing is None:
            if self._heard < DECIDE_SECONDS * SAMPLE_RATE * 2:
                return ""
            self._decide()
        return self._inner.partial()

    def finish(self) -> Transcript:
        self._flush()
        return self._inner.finish()

    def finish_live(self) -> Transcript:
        self._flush()
        if isinstance(self._inner, LiveFinish):
            return self._inner.finish_live()
        return self._inner.finish()
