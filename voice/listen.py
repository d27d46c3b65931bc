"""The microphone loop: hear a question, answer it aloud, listen again, until stopped.

Recognition runs while the person speaks (each frame is fed to the recognizer as it arrives), so
little is left to do at the endpoint. Half-duplex: the microphone is muted while the answer plays,
so the assistant never answers its own voice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from voice.asr import RecognizerStream
from voice.assistant import Answer, Assistant
from voice.audio import SAMPLE_RATE
from voice.devices import resolve_device
from voice.errors import VoiceError
from voice.mic import Microphone
from voice.playback import play
from voice.tts import Speaker
from voice.vad import Event, segment

log = logging.getLogger(__name__)

ECHO_TAIL_MS = 500
"""Input dropped after an answer has played: its sound still reaches the microphone from the
output's buffers and the room's reverberation (RT60 of ordinary rooms: 0.3-0.6 s). Measured on
the test sound card with the speaker looped into the room: a 300 ms echo delay made the tail start
a (wordless) utterance when none was dropped; an 800 ms delay got the tail ("what") answered."""


@dataclass(frozen=True)
class ListenOptions:
    input_device: int | str | None = None
    output_device: int | str | None = None
    speak: bool = True
    max_questions: int | None = None
    """Stop after this many answers (None: until interrupted)."""


def listen(
    assistant: Assistant,
    speaker: Speaker | None,
    options: ListenOptions,
    on_answer: Callable[[Answer], None],
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run the loop; returns the number of questions answered.

    ``on_ready`` is called whenever the microphone is live and the next question can be asked: when
    its first audio arrives, and again after each answer has been spoken. Anything said before then
    is not heard (the device is not open yet, or the microphone is muted while the answer plays).
    """
    if options.speak and speaker is not None:
        resolve_device(options.output_device, kind="output")  # fail now, not after a question
    answered = 0
    with Microphone(options.input_device) as mic:
        mic.mute()  # what is said while a model loads would be answered late: not heard at all
        recognizer = assistant.recognizer
        mic.unmute()
        stream: RecognizerStream | None = None
        samples = 0
        started = 0.0
        ready = True
        for step in segment(mic.frames()):
            if ready:
                ready = False
                if on_ready is not None:
                    on_ready()
            if step.event is Event.START:
                stream = recognizer.stream()
                samples = 0
            if stream is None or step.event is Event.SILENCE:
                continue
            for frame in step.frames:
                stream.accept(frame)
                samples += len(frame) // 2
            if step.event is not Event.END:
                continue
            started = time.perf_counter()
            transcript = stream.finish()
            stream = None
            if not transcript.text.strip():
                log.debug("utterance of %.2f s with no words; ignored", samples / SAMPLE_RATE)
                continue
            answer = assistant.answer_transcript(
                transcript, "microphone", started, samples / SAMPLE_RATE
            )
            on_answer(answer)
            answered += 1
            if options.speak and speaker is not None:
                _say(mic, speaker, answer.answer, options.output_device)
            if options.max_questions is not None and answered >= options.max_questions:
                break
            ready = True
    return answered


def _say(mic: Microphone, speaker: Speaker, text: str, device: int | str | None) -> None:
    """Speak with the microphone muted. A speaker that fails is logged and the loop goes on: the
    answer has been printed, and the next question may still be heard."""
    mic.mute()
    try:
        play(speaker.render(text), device)
    except VoiceError as exc:
        log.error("answer not spoken: %s", exc)
    finally:
        mic.unmute(discard_ms=ECHO_TAIL_MS)
