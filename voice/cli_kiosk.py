"""The ``voice kiosk`` subcommand: parse, build the kiosk, print its events, stop on signals.

stdout gets one JSON line per interaction (as the ``--log`` file does); stderr gets one line per
state change (``kiosk: listening``), which is what a service's journal should show.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from voice.vad import MAX_UTTERANCE_MS, PREROLL_MS

log = logging.getLogger(__name__)


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _print_line(line: str) -> None:
    print(line, flush=True)


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from voice.commands import REPEAT_WORDS, STOP_WORDS
    from voice.kiosk import ECHO_TAIL_MS, KIOSK_END_SILENCE_MS
    from voice.recovery import DEAD_INPUT_MS
    from voice.tts import DEFAULT_RATE_WPM, DEFAULT_VOICE

    kiosk = sub.add_parser(
        "kiosk",
        parents=[common],
        help="run unattended: always listening, answering aloud, recovering from device loss",
        description="Run as an unattended kiosk until SIGTERM or Ctrl-C. Uses the system's "
        "default input and output (PULSE_SOURCE / PULSE_SINK route them) unless named. "
        "SIGUSR1 toggles mute.",
    )
    add = kiosk.add_argument
    add("--device", help="input device (index or name; default: the system default)")
    add("--output-device", help="output device (index or name; default: the system default)")
    add(
        "--end-silence-ms",
        type=int,
        default=KIOSK_END_SILENCE_MS,
        metavar="MS",
        help="silence that ends a question (default: %(default)s)",
    )
    add(
        "--max-utterance-ms",
        type=int,
        default=MAX_UTTERANCE_MS,
        metavar="MS",
        help="longest question; longer is cut and answered (default: %(default)s)",
    )
    add(
        "--preroll-ms",
        type=int,
        default=PREROLL_MS,
        metavar="MS",
        help="audio kept from before speech starts (default: %(default)s)",
    )
    add(
        "--echo-tail-ms",
        type=int,
        default=ECHO_TAIL_MS,
        metavar="MS",
        help="input ignored after an answer, its echo (default: %(default)s)",
    )
    add(
        "--stop-words",
        type=_phrases,
        default=",".join(STOP_WORDS),
        metavar="LIST",
        help="comma-separated phrases that stop an answer (default: %(default)s)",
    )
    add(
        "--repeat-words",
        type=_phrases,
        default=",".join(REPEAT_WORDS),
        metavar="LIST",
        help="comma-separated phrases that repeat the last answer (default: %(default)s)",
    )
    add("--voice", default=DEFAULT_VOICE, help="espeak-ng voice (default: %(default)s)")
    add("--rate", type=int, default=DEFAULT_RATE_WPM, help="words a minute (default: %(default)s)")
    add("--mute", action="store_true", help="start muted (SIGUSR1 or --mute-file unmutes)")
    add("--mute-file", type=Path, metavar="FILE", help="muted while this file exists")
    add("--log", type=Path, metavar="FILE", help="also append the JSON lines to this file")
    add(
        "--record-dir",
        type=Path,
        metavar="DIR",
        help="keep each question's audio here with its result and a manifest.csv for voice eval "
        "(default: no audio is kept)",
    )
    add("--no-reload", action="store_true", help="do not watch the seed files for edits")
    add(
        "--dead-input-ms",
        type=int,
        default=DEAD_INPUT_MS,
        metavar="MS",
        help="reopen an input that gives only digital zeros this long (default: %(default)s)",
    )
    add(
        "--display",
        action="store_true",
        help="serve the kiosk's screen, a web page to open with `chromium --kiosk URL`",
    )
    add(
        "--host", default="127.0.0.1", help="address the screen is served on (default: %(default)s)"
    )
    add(
        "--port",
        type=_port,
        default=8765,
        help="its port; 0 picks a free one (default: %(default)s)",
    )
    add(
        "--display-config",
        type=Path,
        metavar="FILE",
        help="the screen's title, logo and colours (TOML or JSON; implies --display)",
    )
    kiosk.set_defaults(run=cmd_kiosk, long_running=True)


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def _start_display(args: argparse.Namespace, kiosk: Any) -> Any:
    """The screen's web server, running; raises VoiceError if its config or port is unusable."""
    from voice.display import DisplayConfig, DisplayServer, load_display_config

    path = args.display_config
    config = load_display_config(path) if path is not None else DisplayConfig()
    server = DisplayServer(kiosk, config, args.host, args.port)
    server.start()
    print(f"kiosk: display on {server.url}", file=sys.stderr, flush=True)
    return server


def cmd_kiosk(args: argparse.Namespace) -> int:
    from voice.answer_cache import AnswerCache
    from voice.cli import EXIT_OK, _settings
    from voice.commands import Commands
    from voice.interaction_log import InteractionLog
    from voice.kiosk import Kiosk, KioskEvent, KioskOptions
    from voice.knowledge import KioskAssistant, build_knowledge, reloaded_assistant
    from voice.mic import Microphone
    from voice.output import Output
    from voice.reload import SeedWatcher
    from voice.tts import Pyttsx3Speaker

    settings = _settings(args)
    commands = Commands(stop=args.stop_words, repeat=args.repeat_words)
    speaker = Pyttsx3Speaker(args.voice, args.rate)

    def make_cache() -> AnswerCache:
        return AnswerCache(speaker, args.voice, args.rate)

    assistant = KioskAssistant.from_settings(settings)
    assert isinstance(assistant, KioskAssistant)
    assistant.commands = commands  # before the recognizer loads: they join its vocabulary
    knowledge = build_knowledge(assistant, make_cache)

    def rebuild(kb: Any) -> Any:
        return build_knowledge(
            reloaded_assistant(kb, kiosk.knowledge.assistant, settings.seeds), make_cache
        )

    def open_output() -> Output:
        output = Output(args.output_device)
        output.open()
        return output

    options = KioskOptions(
        end_silence_ms=args.end_silence_ms,
        max_utterance_ms=args.max_utterance_ms,
        preroll_ms=args.preroll_ms,
        echo_tail_ms=args.echo_tail_ms,
        commands=commands,
        muted=args.mute,
        mute_file=args.mute_file,
        dead_input_ms=args.dead_input_ms,
    )
    kiosk = Kiosk(
        knowledge,
        open_input=lambda: Microphone(args.device),
        open_output=open_output,
        interactions=InteractionLog(_print_line, args.log, args.record_dir),
        options=options,
        watcher=None if args.no_reload else SeedWatcher(settings.seeds, knowledge.kb),
        rebuild=rebuild,
        keep_audio=args.record_dir is not None,
    )

    def show(event: KioskEvent) -> None:
        if event.kind == "state":
            reason = event.data.get("reason")
            suffix = f" ({reason})" if reason else ""
            print(f"kiosk: {event.data['state']}{suffix}", file=sys.stderr, flush=True)
        elif event.kind in ("command", "reload"):
            detail = " ".join(f"{k}={v}" for k, v in event.data.items())
            print(f"kiosk: {event.kind} {detail}", file=sys.stderr, flush=True)

    kiosk.subscribe(show)
    signal.signal(signal.SIGTERM, lambda *_: kiosk.stop())
    signal.signal(signal.SIGUSR1, lambda *_: kiosk.toggle_mute())
    display = _start_display(args, kiosk) if args.display or args.display_config else None
    print(
        f"kiosk: ready ({knowledge.assistant.engine}, {len(knowledge.kb)} questions)",
        file=sys.stderr,
        flush=True,
    )
    try:
        kiosk.run()
    finally:
        if display is not None:
            display.stop()
    print("kiosk: stopped", file=sys.stderr, flush=True)
    return EXIT_OK
