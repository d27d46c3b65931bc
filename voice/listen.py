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
from voice.mic import Microphone
from voice.playback import play
from voice.tts import Speaker
from voice.vad import Event, segment

log = logging.getLogger(__name__)


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
) -> int:
    """Run the loop; returns the number of questions answered."""
    recognizer = assistant.recognizer
    answered = 0
    with Microphone(options.input_device) as mic:
        stream: RecognizerStream | None = None
        samples = 0
        started = 0.0
        for step in segment(mic.frames()):
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
                log.debug("utterance with no words; ignored")
                continue
            answer = assistant.answer_transcript(
                transcript, "microphone", started, samples / SAMPLE_RATE
            )
            on_answer(answer)
            answered += 1
            if options.speak and speaker is not None:
                mic.mute()
                try:
                    play(speaker.render(answer.answer), options.output_device)
                finally:
                    mic.unmute()
            if options.max_questions is not None and answered >= options.max_questions:
                break
    return answered
