"""The always-on kiosk loop: hear a question, answer it from cached audio, listen again, for weeks.

One thread reads the microphone and runs the whole state machine (listening -> hearing ->
answering -> listening; muted and mic-lost on the side); PortAudio's output callback plays the
answers. Each step is emitted as a :class:`KioskEvent` to whoever subscribes (the CLI prints
them; a display can show them).

Half-duplex: while an answer plays, what the microphone hears is never taken as a question. It is
still recognized, so a short "stop" or "repeat" (:mod:`voice.commands`) is obeyed (barge-in).

Nothing ends the loop but :meth:`Kiosk.stop` (or an exception from a signal handler): a lost
microphone is reopened with backoff, a failed speaker likewise, a broken seed edit is ignored,
and an unexpected error in one interaction is logged with its traceback and the next goes on.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from voice.asr import Transcript
from voice.audio import SAMPLE_RATE
from voice.commands import Command, Commands
from voice.errors import DeviceError, VoiceError
from voice.interaction_log import InteractionLog
from voice.knowledge import Knowledge
from voice.output import Player
from voice.recovery import DEAD_INPUT_MS, Backoff, OutputKeeper, SilentInput
from voice.reload import SeedWatcher
from voice.tts import SpeechAudio
from voice.utterance import Utterance, match_live
from voice.vad import FRAME_MS, MAX_UTTERANCE_MS, PREROLL_MS, Endpointer, EnergyDetector, segment

log = logging.getLogger(__name__)

KIOSK_END_SILENCE_MS = 360
"""Silence that ends a question in the kiosk (``voice listen`` waits 700 ms). Every millisecond
of it is answer latency. Measured by ``tests/bench_kiosk.py`` (BENCHMARKS.md) on synthetic
questions with commas, i.e. natural pauses: see the table there for how many were cut in two at
each value."""

ECHO_TAIL_MS = 500
"""Input ignored after an answer ends (the speaker's echo and the room's reverberation): the
value ``voice listen`` measured (voice/listen.py)."""

BARGE_IN_MAX_MS = 2_500
"""While answering, a sound longer than this is not a command (it is the answer's own echo, or
someone talking): it is no longer decoded."""

MUTE_POLL_S = 0.5
"""How often the mute file is looked for."""


class State(Enum):
    LISTENING = "listening"
    HEARING = "hearing"
    ANSWERING = "answering"
    MUTED = "muted"
    MIC_LOST = "mic-lost"


@dataclass(frozen=True)
class KioskEvent:
    """``kind``: state | partial | answer | command | reload; ``data`` is JSON-ready."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KioskOptions:
    end_silence_ms: int = KIOSK_END_SILENCE_MS
    max_utterance_ms: int = MAX_UTTERANCE_MS
    preroll_ms: int = PREROLL_MS
    echo_tail_ms: int = ECHO_TAIL_MS
    commands: Commands = Commands()
    muted: bool = False
    """Start muted (``--mute``)."""
    mute_file: Path | None = None
    """While this file exists the kiosk is muted."""
    dead_input_ms: int = DEAD_INPUT_MS


class FrameSource(Protocol):
    def frames(self) -> Iterator[bytes]:
        """16 kHz mono int16 frames of FRAME_MS; raises DeviceError when the input is lost."""


class Kiosk:
    def __init__(
        self,
        knowledge: Knowledge,
        open_input: Callable[[], AbstractContextManager[FrameSource]],
        open_output: Callable[[], Player],
        interactions: InteractionLog,
        options: KioskOptions = KioskOptions(),
        watcher: SeedWatcher | None = None,
        rebuild: Callable[[Any], Knowledge] | None = None,
        keep_audio: bool = False,
    ) -> None:
        self.knowledge = knowledge
        self.options = options
        self._open_input = open_input
        self._log = interactions
        self._watcher = watcher
        self._rebuild = rebuild
        self._keep_audio = keep_audio
        self._subscribers: list[Callable[[KioskEvent], None]] = []
        self._stopping = threading.Event()
        self._mute_switch = options.muted
        self._mute_checked = 0.0
        self._mute_file_present = False
        self._state: State | None = None
        self._output = OutputKeeper(open_output)
        self._utterance: Utterance | None = None
        self._endpointer = Endpointer(
            end_silence_ms=options.end_silence_ms, max_utterance_ms=options.max_utterance_ms
        )
        self._discard = 0
        self._was_answering = False
        self._last: tuple[str, SpeechAudio] | None = None
        self._pending: Knowledge | None = None
        self._building: threading.Thread | None = None
        self.answered = 0
        self._requests: queue.SimpleQueue[int] = queue.SimpleQueue()

    # -- public ----------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[KioskEvent], None]) -> None:
        self._subscribers.append(listener)

    def stop(self) -> None:
        """Ask the loop to end (thread-safe); :meth:`run` returns within a frame or so."""
        self._stopping.set()

    def toggle_mute(self) -> None:
        """Flip the mute switch (e.g. from a SIGUSR1 handler); takes effect at the next frame."""
        self._mute_switch = not self._mute_switch

    @property
    def muted(self) -> bool:
        return self._mute_switch or self._mute_file_present

    def set_muted(self, value: bool) -> None:
        """Mute or unmute (thread-safe, e.g. from the display); the mute file still mutes."""
        self._mute_switch = value

    def request_answer(self, entry_id: int) -> None:
        """Answer entry ``entry_id`` aloud as if it had been asked (thread-safe, e.g. a tap on the
        display); done at the next frame, ignored while muted or if the id is no longer known."""
        self._requests.put(entry_id)

    @property
    def speaker_ok(self) -> bool:
        """False while the speaker is missing or failed (it is being reopened)."""
        player = self._player
        return player is not None and player.healthy()

    def run(self) -> None:
        """Listen and answer until :meth:`stop`; devices that fail are reopened, with backoff."""
        backoff = Backoff()
        try:
            while not self._stopping.is_set():
                self._output.check(time.monotonic())
                try:
                    with self._open_input() as source:
                        self._listen(source, backoff)
                except SilentInput as exc:
                    log.info("%s; reopening it", exc)
                except DeviceError as exc:
                    self._abandon()
                    wait = backoff.failed(time.monotonic())
                    self._set_state(State.MIC_LOST, reason=str(exc))
                    log.error("microphone: %s; trying again in %.1f s", exc, wait)
                    self._stopping.wait(wait)
                except Exception:  # e.g. PortAudio failing while closing: still, never give up
                    self._abandon()
                    wait = backoff.failed(time.monotonic())
                    log.exception("input failed unexpectedly; trying again in %.1f s", wait)
                    self._stopping.wait(wait)
        finally:
            self._output.close()
            self._log.close()

    # -- the loop --------------------------------------------------------------------------

    def _listen(self, source: FrameSource, backoff: Backoff) -> None:
        for step in segment(
            self._gated(source.frames(), backoff),
            self._endpointer,
            EnergyDetector(),
            self.options.preroll_ms,
        ):
            try:
                self._on_step(step.event.value, step.frames)
            except VoiceError as exc:
                log.error("interaction failed: %s", exc)
                self._abandon()
            except Exception:  # one bad interaction must not end a kiosk that runs for weeks
                log.exception("unexpected error in an interaction; listening again")
                self._abandon()

    def _gated(self, frames: Iterator[bytes], backoff: Backoff) -> Iterator[bytes]:
        """The frames the segmenter may hear: none while muted, none in an answer's echo tail."""
        first = True
        zeros = 0
        dead = math.ceil(self.options.dead_input_ms / FRAME_MS)
        for frame in frames:
            busy = self._player is not None and self._player.busy()
            if first:
                first = False
                backoff.reset()
                if not busy:
                    self._set_state(State.MUTED if self.muted else State.LISTENING)
            if self._stopping.is_set():
                return
            zeros = zeros + 1 if frame == bytes(len(frame)) and not busy else 0
            if zeros >= dead and self._utterance is None:
                raise SilentInput(f"the input gave only digital silence for {zeros * FRAME_MS} ms")
            try:
                self._housekeeping()
            except Exception:  # a reload or a device check gone wrong must not end the loop
                log.exception("kiosk housekeeping failed; going on")
            if self.muted:
                if self._state is not State.MUTED:
                    self._abandon()
                    self._set_state(State.MUTED)
                continue
            answering = self._player is not None and self._player.busy()
            if self._was_answering and not answering:
                self._abandon()  # what was heard during the answer is its echo: drop it
                self._discard = math.ceil(self.options.echo_tail_ms / FRAME_MS)
            self._was_answering = answering
            if self._discard > 0:
                self._discard -= 1
                continue
            if not answering and self._utterance is None:
                self._set_state(State.LISTENING)
            yield frame

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._mute_checked >= MUTE_POLL_S and self.options.mute_file is not None:
            self._mute_checked = now
            self._mute_file_present = self.options.mute_file.exists()
        self._output.check(now)
        while not self._requests.empty():
            self._answer_requested(self._requests.get())
        if self._watcher is not None and self._building is None:
            kb = self._watcher.poll()
            if kb is not None and self._rebuild is not None:
                self._start_rebuild(kb)
        if self._pending is not None and self._utterance is None:
            self.knowledge, self._pending = self._pending, None
            self._emit(
                "reload", entries=len(self.knowledge.kb), engine=self.knowledge.assistant.engine
            )

    def _start_rebuild(self, kb: Any) -> None:
        rebuild = self._rebuild
        assert rebuild is not None

        def work() -> None:
            try:
                self._pending = rebuild(kb)
            except VoiceError as exc:
                log.error("seed edit not used: %s", exc)
            except Exception:
                log.exception("seed edit not used: unexpected error while loading it")
            finally:
                self._building = None

        self._building = threading.Thread(target=work, name="kiosk-reload", daemon=True)
        self._building.start()

    @property
    def _player(self) -> Player | None:
        return self._output.player

    # -- utterances ------------------------------------------------------------------------

    def _on_step(self, event: str, frames: tuple[bytes, ...]) -> None:
        if event == "silence":
            return
        if event == "start":
            answering = self._player is not None and self._player.busy()
            recognizer = self.knowledge.assistant.recognizer
            self._utterance = Utterance(recognizer, answering, self.options.end_silence_ms)
            if not answering:
                self._set_state(State.HEARING)
        utterance = self._utterance
        if utterance is None:
            return
        partial = utterance.add(frames, self._endpointer.silence_frames, event == "end")
        if partial is not None and not utterance.during_answer:
            self._emit("partial", text=partial)
        if utterance.during_answer and utterance.milliseconds > BARGE_IN_MAX_MS:
            utterance.drop_recognition()
        if event != "end":
            return
        ended = time.perf_counter() - utterance.overrun
        self._utterance = None
        transcript = utterance.end()
        if transcript is not None:
            self._respond(utterance, transcript, ended)

    def _respond(self, utterance: Utterance, transcript: Transcript, ended: float) -> None:
        finalised = time.perf_counter()
        speech_ms = round(utterance.samples * 1000 / SAMPLE_RATE)
        command = self.options.commands.find(transcript.text)
        base = {"transcript": transcript.text, "speech_ms": speech_ms}
        if command is Command.STOP:
            if self._player is not None and self._player.busy():
                self._player.stop()
                self._emit("command", command="stop")
                self._log.write({"kind": "stop", **base})
            return
        if command is Command.REPEAT:
            if self._last is not None:
                self._emit("command", command="repeat")
                self._say(self._last[1])
                self._log.write({"kind": "repeat", **base, "answer": self._last[0]})
            return
        if utterance.during_answer:
            log.debug("heard %r while answering: not a command, ignored", transcript.text)
            return
        if not transcript.text.strip():
            log.debug("utterance of %d ms with no words; ignored", speech_ms)
            self._set_state(State.LISTENING)
            return
        knowledge = self.knowledge
        transcript, result, decoded_again = match_live(
            knowledge.assistant.matcher,
            transcript,
            utterance.decode_again,
            knowledge.assistant.full_threshold,
        )
        base["transcript"] = transcript.text
        if result.entry is not None:
            text, audio = result.entry.answer, knowledge.cache.get(result.entry.answer)
        else:
            text, audio = knowledge.fallback(result)
        matched = time.perf_counter()
        self._say(audio)
        handed = time.perf_counter()
        self._last = (text, audio)
        self.answered += 1
        row = {
            "kind": "answer" if result.entry is not None else "fallback",
            **base,
            "id": result.entry.id if result.entry else None,
            "question": result.entry.question if result.entry else None,
            "score": result.score,
            "answer": text,
            "suggested_ids": [entry.id for entry in result.suggested],
            "finalise_ms": round((finalised - ended) * 1000, 1),
            "match_ms": round((matched - finalised) * 1000, 1),
            "post_endpoint_ms": round((handed - ended) * 1000, 1),
        }
        audio_bytes = b"".join(utterance.frames) if self._keep_audio else None
        row["early"] = utterance.early is not None
        row["decoded_again"] = decoded_again
        self._emit("answer", **self._log.write(row, audio_bytes))

    def _say(self, audio: SpeechAudio) -> None:
        if self._player is None:
            log.error("answer not spoken: no speaker (it is being reopened)")
            return
        self._player.play(audio)
        self._was_answering = True
        self._set_state(State.ANSWERING)

    def _answer_requested(self, entry_id: int) -> None:
        """An answer asked for by id (:meth:`request_answer`): said and logged like a spoken one."""
        try:
            if self.muted:
                log.info("entry %d requested while muted: ignored", entry_id)
                return
            entries = self.knowledge.kb.entries
            if not 1 <= entry_id <= len(entries):
                log.warning("entry %d requested but the seeds have %d", entry_id, len(entries))
                return
            entry = entries[entry_id - 1]
            self._abandon()  # the request wins over a question half heard
            audio = self.knowledge.cache.get(entry.answer)
            self._say(audio)
            self._last = (entry.answer, audio)
            self.answered += 1
            row = {"kind": "request", "transcript": "", "id": entry.id, "question": entry.question}
            self._emit("answer", **self._log.write({**row, "score": None, "answer": entry.answer}))
        except Exception:  # runs in the frame loop, outside an interaction's own guard
            log.exception("requested entry %d not answered", entry_id)

    def _abandon(self) -> None:
        """Forget the utterance in progress (mute, echo, device loss)."""
        self._utterance = None  # its stream is dropped when the next utterance starts
        self._endpointer.reset()

    # -- events ----------------------------------------------------------------------------

    def _set_state(self, state: State, **data: Any) -> None:
        if state is self._state:
            return
        self._state = state
        self._emit("state", state=state.value, **data)

    def _emit(self, kind: str, /, **data: Any) -> None:
        event = KioskEvent(kind, data)
        for listener in self._subscribers:
            try:
                listener(event)
            except Exception:  # a broken display must not stop the kiosk
                log.exception("event listener failed on %s", kind)
