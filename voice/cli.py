"""Command line: parse, call the library, turn errors into one-line messages and exit codes.

Exit codes: 0 all done; 1 some inputs could not be answered (the others were); 2 the command
could not run at all (bad seeds, model, device or usage); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from voice import __version__
from voice.asr import ENGINES
from voice.assistant import Answer, Assistant
from voice.audio import MAX_QUESTION_SECONDS, write_wav
from voice.config import Settings
from voice.errors import AudioError, VoiceError
from voice.manifest import AUDIO_SUFFIXES, audio_files_under
from voice.match import KOREAN_THRESHOLD, THRESHOLD, WHISPER_THRESHOLD
from voice.stderr_lines import whole_lines_on_stderr

log = logging.getLogger("voice")

EXIT_OK, EXIT_SOME_FAILED, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 130


def add_knowledge_options(group: argparse._ActionsContainer) -> None:
    """--seeds and --threshold: what every command that matches questions needs."""
    group.add_argument(
        "--seeds",
        type=Path,
        default=Settings.defaults().seeds,
        help="a seed file or a folder of them (default: %(default)s)",
    )
    group.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"match score 0-100 below which the fallback answer is given (default: "
        f"{WHISPER_THRESHOLD:g} with Whisper, {THRESHOLD:g} with PocketSphinx or Vosk; the "
        f"kiosk's pairing: {THRESHOLD:g} live, {WHISPER_THRESHOLD:g} for Whisper's decode; "
        f"{KOREAN_THRESHOLD:g} for a knowledge base in Korean)",
    )


def _common_options() -> argparse.ArgumentParser:
    defaults = Settings.defaults()
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("knowledge base and recognizer")
    add_knowledge_options(group)
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="speech recognizer; auto uses Vosk when a Vosk model is present, else the embedded "
        "Whisper tiny.en model (the kiosk: PocketSphinx live, Whisper for a second opinion); "
        "for a knowledge base in Korean, Whisper base (default: %(default)s)",
    )
    group.add_argument(
        "--model", type=Path, help="a Vosk model folder or a CTranslate2 Whisper model folder"
    )
    group.add_argument(
        "--models-dir",
        type=Path,
        default=defaults.models_root,
        help="where --engine auto looks for Vosk models (default: %(default)s)",
    )
    group.add_argument(
        "--no-denoise",
        dest="denoise",
        action="store_false",
        help="feed PocketSphinx or Vosk the raw audio, without noise suppression "
        "(Whisper always hears the raw audio)",
    )
    group.add_argument("-v", "--verbose", action="store_true", help="log each decision")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="voice", description="Offline spoken question answering over a Q&A knowledge base."
    )
    parser.add_argument("--version", action="version", version=f"voice {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = sub.add_parser(
        "ask",
        parents=[common],
        help="answer recorded questions (audio files) or typed text",
        description="Answer recorded questions: WAV, FLAC, OGG or MP3, any rate, mono or stereo.",
    )
    ask.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="audio files, or folders of them (every audio file inside, in path order)",
    )
    ask.add_argument(
        "--text",
        action="append",
        default=[],
        metavar="TEXT",
        help="a typed question (skips speech recognition); may be repeated",
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per input per line")
    ask.add_argument("--say", action="store_true", help="also speak each answer")
    ask.add_argument("--save-dir", type=Path, help="write each spoken answer as a WAV file here")
    ask.add_argument("--output-device", help="output device for --say (index or name)")
    ask.add_argument(
        "--max-seconds",
        type=float,
        default=MAX_QUESTION_SECONDS,
        help="longest audio file answered (default: %(default)s)",
    )
    ask.set_defaults(run=cmd_ask)

    listen = sub.add_parser(
        "listen",
        parents=[common],
        help="answer spoken questions from the microphone",
        description="Listen on a microphone and answer each spoken question aloud until Ctrl-C.",
    )
    listen.add_argument("--device", help="input device (index or name; default: system default)")
    listen.add_argument("--output-device", help="output device (index or name)")
    listen.add_argument("--no-speak", action="store_true", help="print answers without speaking")
    listen.add_argument("--json", action="store_true", help="print one JSON object per answer")
    listen.add_argument(
        "--max-questions", type=int, help="stop after this many answers (default: never)"
    )
    listen.set_defaults(run=cmd_listen, long_running=True)

    devices = sub.add_parser(
        "devices", help="list audio devices", description="List audio devices."
    )
    devices.set_defaults(run=cmd_devices)

    from voice import cli_eval  # eval and testset live there (cli.py would grow too long)

    cli_eval.add_parsers(sub, common)
    from voice import cli_kiosk  # the unattended appliance has many options of its own

    cli_kiosk.add_parser(sub, common)
    from voice import cli_review  # the author's to-do list from the kiosk's logs

    cli_review.add_parser(sub)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        seeds=args.seeds,
        engine=args.engine,
        model=args.model,
        models_root=args.models_dir,
        threshold=args.threshold,
        max_seconds=getattr(args, "max_seconds", MAX_QUESTION_SECONDS),
        denoise=args.denoise,
    )


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    matched = f"#{answer.id} {answer.question}" if answer.id is not None else "(no match: fallback)"
    print(
        f"{answer.input}\n"
        f"  transcript: {answer.transcript}\n"
        f"  matched:    {matched}  [score {answer.score:.1f}]\n"
        f"  answer:     {answer.answer}",
        flush=True,
    )


def _answer_path(save_dir: Path, answer: Answer, number: int, used: set[Path]) -> Path:
    stem = Path(answer.input).stem if answer.engine != "text" else f"text-{number}"
    path = save_dir / f"{stem}.answer.wav"
    suffix = 2
    while path in used:
        path = save_dir / f"{stem}-{suffix}.answer.wav"
        suffix += 1
    used.add(path)
    return path


def cmd_ask(args: argparse.Namespace) -> int:
    if not args.files and not args.text:
        raise VoiceError('nothing to answer: give audio FILEs or --text "a question"')
    assistant = Assistant.from_settings(_settings(args))
    if args.files:
        # A model that cannot load is the whole command failing (exit 2), not each file.
        assistant.recognizer  # noqa: B018
    speaker = None
    if args.say or args.save_dir:
        from voice.tts import Pyttsx3Speaker

        speaker = Pyttsx3Speaker()
    failed = 0
    used: set[Path] = set()
    inputs: list[tuple[str, object]] = [("text", t) for t in args.text]
    inputs += _file_inputs(args.files)
    for number, (kind, value) in enumerate(inputs, start=1):
        try:
            if kind == "text":
                answer = assistant.ask_text(str(value))
            elif kind == "empty folder":
                raise AudioError(
                    f"{value}: no audio files ({', '.join(AUDIO_SUFFIXES)}) in this folder "
                    "or its subfolders"
                )
            else:
                answer = assistant.ask_file(Path(str(value)))
        except VoiceError as exc:
            failed += 1
            _report_input_error(str(value), exc, args.json)
            continue
        _print_answer(answer, args.json)
        if speaker is not None:
            try:
                audio = speaker.render(answer.answer)
                if args.save_dir:
                    write_wav(
                        _answer_path(args.save_dir, answer, number, used), audio.samples, audio.rate
                    )
                if args.say:
                    from voice.playback import play

                    play(audio, args.output_device)
            except VoiceError as exc:
                failed += 1
                _report_input_error(str(value), exc, args.json)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _file_inputs(paths: list[Path]) -> list[tuple[str, object]]:
    """The audio files to answer: a folder stands for every audio file in it and its subfolders,
    in path order (a batch of recordings); a folder without any is one input that fails."""
    inputs: list[tuple[str, object]] = []
    for path in paths:
        if path.is_dir():
            inputs += [("file", f) for f in audio_files_under(path)] or [("empty folder", path)]
        else:
            inputs.append(("file", path))
    return inputs


def _report_input_error(name: str, exc: VoiceError, as_json: bool) -> None:
    message = str(exc)
    print(f"voice: error: {message}", file=sys.stderr, flush=True)
    if as_json:
        print(json.dumps({"input": name, "error": message}, ensure_ascii=False), flush=True)


def cmd_listen(args: argparse.Namespace) -> int:
    from voice.listen import ListenOptions, listen
    from voice.tts import Pyttsx3Speaker

    assistant = Assistant.from_settings(_settings(args))
    options = ListenOptions(
        input_device=args.device,
        output_device=args.output_device,
        speak=not args.no_speak,
        max_questions=args.max_questions,
    )
    prompt = (
        f"Listening ({assistant.engine}, {len(assistant.kb)} questions). Ask away; Ctrl-C stops."
    )

    def ready() -> None:
        """Once the microphone is live, and again (shorter) after each spoken answer."""
        nonlocal prompt
        print(prompt, file=sys.stderr, flush=True)
        prompt = "Listening."

    listen(
        assistant,
        None if args.no_speak else Pyttsx3Speaker(),
        options,
        lambda answer: _print_answer(answer, args.json),
        on_ready=ready,
    )
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from voice.devices import list_devices

    devices = list_devices()
    if not devices:
        print("no audio devices found")
    for d in devices:
        kinds = []
        if d["max_input_channels"]:
            kinds.append(f"in {d['max_input_channels']}")
        if d["max_output_channels"]:
            kinds.append(f"out {d['max_output_channels']}")
        print(
            f"{d['index']:3d}  {d['name']}  ({', '.join(kinds)}, {d['default_samplerate']:.0f} Hz)"
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A loop that plays and records for hours gets ALSA's notices on stderr: keep lines whole.
    lines = whole_lines_on_stderr() if getattr(args, "long_running", False) else nullcontext()
    with lines:
        logging.basicConfig(
            level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
            format="voice: %(levelname)s: %(message)s",
            stream=sys.stderr,
        )
        try:
            return int(args.run(args))
        except VoiceError as exc:
            print(f"voice: error: {exc}", file=sys.stderr)
            return EXIT_CANNOT_RUN
        except KeyboardInterrupt:
            print("voice: stopped", file=sys.stderr)
            return EXIT_INTERRUPTED
