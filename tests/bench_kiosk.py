"""`make bench` (kiosk part): how fast ``voice kiosk`` answers, what it costs, and that it lasts.

1. Endpoint silence: synthetic questions with natural pauses (commas) through the endpointer at
   several silence lengths; how many were cut in two.
2. Live vs full decoding: accuracy and finishing time of the kiosk's recognizer on synthetic
   questions (PocketSphinx live; the full decode is Whisper's by default).
3. Response latency through the real audio path (a private PulseAudio, tests/pulse.py): from the
   end of each spoken question in the room to the first sound of its answer at the speaker, over
   --questions questions; the kiosk's own post-endpoint times from its JSON lines.
4. CPU while idle-listening (the kiosk process, --idle seconds).
5. Soak: --soak questions fed to the loop as fast as it goes; memory every 100, missed answers.
6. Only with --live-set MANIFEST: a test set decoded the kiosk's way (live, voices changing every
   clip), with and without refusals decoded again; printed, not written.

Writes the section between the markers below in BENCHMARKS.md (other sections are left alone).
Run: make bench   (or .venv/bin/python -m tests.bench_kiosk [--questions N] [--soak N])
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from tests.bench import commit, machine, replace_section
from tests.kiosk_audio import kiosk, room_recording, timed_recording
from tests.kiosk_fakes import FrameFeed, InstantPlayer, ToneSpeaker, frames_of, silence
from tests.pulse import SPEAKER, start_server
from tests.speech import synthesize
from tests.test_ask import QUESTIONS  # the seed questions, one list for tests and benches
from voice.answer_cache import AnswerCache
from voice.asr import Recognizer, RecognizerStream, decode_fully, finish_quickly
from voice.audio import read_audio
from voice.config import Settings
from voice.interaction_log import InteractionLog
from voice.kiosk import KIOSK_END_SILENCE_MS, Kiosk, KioskEvent
from voice.knowledge import KioskAssistant, build_knowledge
from voice.manifest import read_manifest
from voice.utterance import PARTIAL_EVERY_FRAMES, match_live
from voice.vad import Endpointer, Event, segment

START, END = "<!-- voice-kiosk:start -->", "<!-- voice-kiosk:end -->"
ROOT = Path(__file__).resolve().parent.parent

VOICES = ("flite-slt", "flite-kal", "espeak-f3", "espeak")
PAUSED = [
    "Could peace talks, in your view, resume soon?",
    "Why, after all this time, have peace negotiations in Ukraine failed?",
    "What role, if any, are European countries playing in the impasse?",
    "What are, today, the latest developments in Ukraine fighting?",
    "So, what is Russia's current stance, on peace negotiations?",
    "Tell me, could the talks, or some talks, resume soon?",
]
"""Questions with the pauses people make (commas: the synthesizers pause 150-400 ms there)."""

BENCH_SEEDS = "\n-\n".join(f"{q}\nAnswer {n}." for n, q in QUESTIONS.items()) + "\n"
"""The seed questions with one-word answers: the latency run waits for each answer to end."""


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def clips(folder: Path, texts: dict[int, str], voices: tuple[str, ...]) -> list[tuple[int, Path]]:
    out = []
    for voice in voices:
        for entry_id, text in texts.items():
            out.append((entry_id, synthesize(text, folder / f"{voice}-{entry_id}.wav", voice)))
    return out


def endpoint_table(folder: Path) -> list[str]:
    paths = [
        synthesize(text, folder / f"paused-{v}-{i}.wav", v)
        for i, text in enumerate(PAUSED)
        for v in VOICES
    ]
    rows = ["| end silence | questions cut in two | of |", "|---|---|---|"]
    for ms in (200, 250, 300, 360, 400, 500, 700):
        cut = 0
        for path in paths:
            frames = silence(300) + frames_of(read_audio(path, 60).samples) + silence(1000)
            steps = segment(frames, Endpointer(end_silence_ms=ms))
            starts = sum(step.event is Event.START for step in steps)
            cut += starts > 1
        rows.append(f"| {ms} ms | {cut} | {len(paths)} |")
    return rows


LIVE_AGAIN = "live, decoded again unless sure (the kiosk)"
FULL = "full finish()"


def fed_stream(recognizer: Recognizer, path: Path, live: bool) -> RecognizerStream:
    """A stream that has heard the clip in kiosk frames, decoding as it goes when ``live`` (as
    voice.utterance does, every PARTIAL_EVERY_FRAMES frames)."""
    stream = recognizer.stream()
    for n, frame in enumerate(frames_of(read_audio(path, 60).samples), start=1):
        stream.accept(frame)
        if live and n % PARTIAL_EVERY_FRAMES == 0:
            stream.partial()
    return stream


def decoding_table(folder: Path, assistant: KioskAssistant) -> list[str]:
    recognizer = assistant.recognizer
    said = clips(folder, QUESTIONS, VOICES)
    results: dict[str, tuple[int, list[float]]] = {}
    for mode in (FULL, "live finish_live()", LIVE_AGAIN):
        right, seconds = 0, []
        for entry_id, path in said:
            stream = fed_stream(recognizer, path, live=mode.startswith("live"))
            started = time.perf_counter()
            transcript = stream.finish() if mode == FULL else finish_quickly(stream)
            if mode == LIVE_AGAIN:  # as voice.kiosk does
                _, match, _ = match_live(
                    assistant.matcher,
                    transcript,
                    partial(decode_fully, stream),
                    assistant.full_threshold,
                )
            else:
                match = assistant.matcher.match(transcript.hypotheses)
            seconds.append(time.perf_counter() - started)
            right += match.entry is not None and match.entry.id == entry_id
        results[mode] = (right, seconds)
    rows = ["| decoding | answered right | finishing p50 | p95 |", "|---|---|---|---|"]
    for mode, (right, seconds) in results.items():
        rows.append(
            f"| {mode} | {right} of {len(said)} | {pct(seconds, 50) * 1000:.0f} ms "
            f"| {pct(seconds, 95) * 1000:.0f} ms |"
        )
    return rows


def live_set_table(manifest: Path) -> list[str]:
    """A test set decoded the kiosk's way, clip after clip on one recognizer (the channel mean
    carried over while voices and noise change every clip): live, and live with doubtful answers
    decoded again, per condition. Slow (about 1.2 s a clip on one core): not run by default."""
    assistant = KioskAssistant.from_settings(Settings.defaults())
    recognizer = assistant.recognizer
    counts: dict[str, list[int]] = {}
    for sample in read_manifest(manifest, assistant.kb):
        stream = fed_stream(recognizer, sample.path, live=True)
        transcript = finish_quickly(stream)
        _, match, decoded_again = match_live(
            assistant.matcher, transcript, partial(decode_fully, stream), assistant.full_threshold
        )
        final = match.entry.id if match.entry else None
        live = None if decoded_again else final  # decoded again: the live decode was not sure
        row = counts.setdefault(sample.fields.get("condition", "all"), [0, 0, 0])
        row[0] += live == sample.expected_id
        row[1] += final == sample.expected_id
        row[2] += 1
    rows = [f"| condition | clips | live | {LIVE_AGAIN} |", "|---|---|---|---|"]
    for condition, (live_right, final_right, total) in counts.items():
        rows.append(
            f"| {condition} | {total} | {100 * live_right / total:.1f}% "
            f"| {100 * final_right / total:.1f}% |"
        )
    return rows


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency_run(folder: Path, count: int, idle: float) -> dict[str, object]:
    seeds = folder / "bench-seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "bench.txt").write_text(BENCH_SEEDS)
    said = clips(folder, QUESTIONS, VOICES[:3])
    pulse = start_server(folder / "pulse")
    latencies: list[float] = []
    post: list[float] = []
    wrong = 0
    try:
        voice = kiosk(pulse, seeds, folder / "cache")
        room, speaker = room_recording(pulse), timed_recording(pulse, f"{SPEAKER}.monitor")
        try:
            for n in range(count):
                entry_id, path = said[n % len(said)]
                played = time.monotonic()
                pulse.play(path)
                row = json.loads(voice.expect_stdout(r"^\{", 15))
                voice.expect_stderr(r"^kiosk: listening", 15)
                wrong += row["id"] != entry_id
                post.append(row["post_endpoint_ms"])
                question_end = room.sound_spans(after=played)[-1][1]
                answer = speaker.sound_spans(after=question_end)
                if answer:
                    latencies.append(answer[0][0] - question_end)
            before = cpu_seconds(voice.process.pid)
            time.sleep(idle)  # measuring idle CPU: the kiosk must be left alone for this long
            idle_cpu = (cpu_seconds(voice.process.pid) - before) / idle
        finally:
            room.stop()
            speaker.stop()
            voice.process.terminate()
            voice.wait(15)
    finally:
        pulse.stop()
    return {"latencies": latencies, "post": post, "wrong": wrong, "idle_cpu": idle_cpu}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def soak(folder: Path, count: int) -> dict[str, object]:
    seeds = folder / "soak-seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "bench.txt").write_text(BENCH_SEEDS)
    assistant = KioskAssistant.from_settings(Settings(seeds=seeds))
    knowledge = build_knowledge(
        assistant, lambda: AnswerCache(ToneSpeaker(), "tone", 1, folder / "soak-cache")
    )
    said = [(e, frames_of(read_audio(p, 60).samples)) for e, p in clips(folder, QUESTIONS, VOICES)]
    gap = silence(1200)
    memory: list[tuple[int, float]] = []
    answers: list[dict] = []

    def feed():  # type: ignore[no-untyped-def]
        for n in range(count):
            if n % 100 == 0:
                memory.append((n, rss_mb()))
            yield from said[n % len(said)][1]
            yield from gap
        memory.append((count, rss_mb()))

    player = InstantPlayer()
    kiosk_loop = Kiosk(knowledge, lambda: FrameFeed(feed(), kiosk_loop.stop), lambda: player,
                       InteractionLog())  # fmt: skip

    def collect(event: KioskEvent) -> None:
        if event.kind == "answer":
            answers.append(event.data)
            player.played.clear()  # the stand-in keeps every clip; the soak must not

    kiosk_loop.subscribe(collect)
    started = time.perf_counter()
    kiosk_loop.run()
    seconds = time.perf_counter() - started
    right = sum(a["id"] == said[n % len(said)][0] for n, a in enumerate(answers) if n < count)
    post = [a["post_endpoint_ms"] for a in answers]
    return {"answers": len(answers), "right": right, "memory": memory, "seconds": seconds,
            "post": post}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--soak", type=int, default=1000)
    parser.add_argument("--idle", type=float, default=20.0)
    parser.add_argument(
        "--live-set",
        type=Path,
        metavar="MANIFEST",
        help="only decode this test set the kiosk's way and print the table (not written)",
    )
    args = parser.parse_args()
    if args.live_set:
        print("\n".join(live_set_table(args.live_set)))
        return
    code = commit()  # at the start: later commits during the run must not be credited
    header = f"{machine()}, load average {os.getloadavg()[0]:.1f} at the start"
    with tempfile.TemporaryDirectory(prefix="voice-bench-kiosk-") as tmp:
        folder = Path(tmp)
        endpoint = endpoint_table(folder)
        print("\n".join(endpoint), flush=True)
        kiosk_assistant = KioskAssistant.from_settings(Settings.defaults())
        decoding_engine = kiosk_assistant.engine
        decoding = decoding_table(folder, kiosk_assistant)
        print("\n".join(decoding), flush=True)
        live = latency_run(folder, args.questions, args.idle)
        print({k: v for k, v in live.items() if k != "latencies"}, flush=True)
        soaked = soak(folder, args.soak)
        print({k: v for k, v in soaked.items() if k != "post"}, flush=True)
    lat = [x * 1000 for x in live["latencies"]]  # type: ignore[attr-defined]
    post = live["post"]
    memory = soaked["memory"]
    first_mb = memory[1][1] if len(memory) > 1 else memory[0][1]  # type: ignore[index]
    today = datetime.date.today().isoformat()
    text = f"""## Kiosk: response latency, idle CPU and a 1,000-question soak

Measured {today} on {header}; code at {code}. Reproduce with `make bench`
(`.venv/bin/python -m tests.bench_kiosk`). Other benchmarks shared the machine: absolute times
are pessimistic.

**Response latency** through the real audio path (a private PulseAudio; questions played into
the `room` null sink, answers recorded at the `speaker` sink's monitor), from the end of each
question's sound to the first sound of its answer, {len(lat)} questions (5 seed questions x 3
synthetic voices, repeated), default settings (end silence {KIOSK_END_SILENCE_MS} ms):

| | p50 | p95 | max | target |
|---|---|---|---|---|
| end of question -> first answer sample | {pct(lat, 50):.0f} ms | {pct(lat, 95):.0f} ms | {max(lat):.0f} ms | p50 <= 500, p95 <= 800 |
| endpoint detected -> answer handed to the speaker | {pct(post, 50):.0f} ms | {pct(post, 95):.0f} ms | {max(post):.0f} ms | p95 <= 150 |

Wrong answers in that run: {live["wrong"]} of {len(post)} (recognition, not latency).

**CPU while idle-listening** (the kiosk process over {args.idle:.0f} s of silence):
{100 * live["idle_cpu"]:.1f}% of one core (target: under 15%).

**Soak**: {args.soak} questions (the 20 clips of 5 questions x 4 voices in turn, 1.2 s of
silence between) fed to the loop as fast as it goes, with a stand-in speaker:
{soaked["answers"]} answered ({soaked["right"]} right), in {soaked["seconds"]:.0f} s.
Resident memory: {first_mb:.0f} MiB after 100 questions, {memory[-1][1]:.0f} MiB after {memory[-1][0]}
(every 100: {", ".join(f"{mb:.0f}" for _, mb in memory)} MiB). Post-endpoint p95 in the soak:
{pct(soaked["post"], 95):.0f} ms.

**Endpoint silence** (`KIOSK_END_SILENCE_MS`): synthetic questions with pauses at commas, how
many the endpointer cut in two at each end silence:

{chr(10).join(endpoint)}

**Live vs full decoding** (the kiosk's recognizer, `{decoding_engine}`: the live decode is
PocketSphinx's, the full one the second engine's; the default seeds, 5 questions x 4 voices): the
kiosk finishes from the live decode, its last step run in advance 150 ms into each pause
(`SPECULATE_MS`), instead of decoding the whole question again; only a question whose live
answer is not sure (`LIVE_SURE`) is decoded again in full (finishing times include the matching):

{chr(10).join(decoding)}
"""  # noqa: E501
    replace_section(f"{START}\n{text.rstrip()}\n{END}\n", START, END)
    print(f"wrote the kiosk section of {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
