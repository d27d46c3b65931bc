"""The ``voice eval`` and ``voice testset`` subcommands (parsing and printing only).

Kept beside cli.py, which registers them, so that neither file grows past a readable size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from voice.errors import VoiceError

DEFAULT_JOBS = os.cpu_count() or 1
AUTO_GROUPS = ("kind", "voice", "condition", "speed", "folder")
"""Columns the HTML report groups by when --by is not given (those with more than one value)."""


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}"
        ) from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


def _optional_file(text: str) -> Path | None:
    return None if text.lower() == "none" else Path(text)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from voice.testset import DEFAULT_VOICES, KOREAN_VOICES, VOICES

    ev = sub.add_parser(
        "eval",
        parents=[common],
        help="measure accuracy on recorded questions with known answers",
        description="Answer every clip of a test set and compare with the expected entries. "
        "The test set is a manifest CSV (--manifest: columns path, expected_id, optional text "
        "and any others) or a FOLDER of clip.wav files each with a clip.txt transcript.",
    )
    ev.add_argument("folder", nargs="?", type=Path, metavar="FOLDER", help="clips with .txt files")
    ev.add_argument("--manifest", type=Path, metavar="FILE", help="a manifest CSV")
    ev.add_argument(
        "--by",
        type=_names,
        default=(),
        metavar="COLS",
        help="also summarize per value of these columns, e.g. voice,condition "
        "(voice+condition: per combination)",
    )
    ev.add_argument(
        "--rescore",
        type=Path,
        metavar="JSONL",
        help="match the transcripts an earlier run wrote with --jsonl again, without decoding: "
        "a changed knowledge base or threshold measured in seconds (decode times, word error "
        "rates and failed clips are that run's)",
    )
    ev.add_argument("--jsonl", type=Path, metavar="FILE", help="write one JSON line per file")
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    ev.add_argument("--report", type=Path, metavar="DIR", help="write an HTML report (index.html)")
    ev.add_argument(
        "--min-accuracy",
        type=float,
        metavar="PERCENT",
        help="exit with status 1 when overall accuracy is below this (a CI gate)",
    )
    ev.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        help="worker processes, each with its own recognizer (default: %(default)s, the cores)",
    )
    ev.set_defaults(run=cmd_eval)

    ts = sub.add_parser(
        "testset",
        help="synthesize a labelled test set (audio + manifest.csv) from the knowledge base",
        description="Speak every question, extra phrasing and out-of-domain question with "
        "several voices and speeds, clean and degraded, and write OUT_DIR/manifest.csv for "
        "`voice eval`. The same arguments give the same files.",
    )
    ts.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    ts.add_argument("--seeds", type=Path, default=common.get_default("seeds"))
    ts.add_argument(
        "--voices",
        type=_names,
        help=f"comma-separated, from: {', '.join(VOICES)} (default: {','.join(DEFAULT_VOICES)}; "
        f"{','.join(KOREAN_VOICES)} for a knowledge base in Korean)",
    )
    ts.add_argument("--speeds", type=_floats, default=(1.0,), help="e.g. 0.8,1.0,1.25")
    ts.add_argument("--noise-snr", type=_floats, default=(), metavar="DB,...", help="pink noise")
    ts.add_argument("--babble-snr", type=_floats, default=(), metavar="DB,...", help="a talker")
    ts.add_argument("--reverb", action="store_true", help="add a reverberant-room copy")
    ts.add_argument("--telephone", action="store_true", help="add a telephone-band copy")
    ts.add_argument("--pad", action="store_true", help="add a copy with silence around it")
    ts.add_argument("--low-level", action="store_true", help="add a quiet (-35 dBFS) copy")
    ts.add_argument("--no-clean", action="store_true", help="only the degraded copies")
    ts.add_argument(
        "--phrasings",
        type=_optional_file,
        metavar="FILE",
        help="extra phrasings, lines '<id> TAB <text>' (default: the built-in ones; none: off)",
    )
    ts.add_argument(
        "--out-of-domain",
        type=_optional_file,
        metavar="FILE",
        help="questions not to answer, one a line (default: the built-in English ones; none: off)",
    )
    ts.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    ts.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="parallel synthesizers")
    ts.set_defaults(run=cmd_testset, phrasings=False, out_of_domain=False)


def cmd_eval(args: argparse.Namespace) -> int:
    from voice.assistant import Assistant
    from voice.cli import EXIT_OK, EXIT_SOME_FAILED, _settings
    from voice.evaluate import evaluate, summarize, summarize_groups, write_results
    from voice.manifest import read_samples
    from voice.progress import ProgressBar
    from voice.report import Evaluation, passed, text_table, verdict, write_report
    from voice.rescore import read_results, rescore, stored_engine

    sources = [s for s in (args.folder, args.manifest, args.rescore) if s is not None]
    if len(sources) != 1:
        raise VoiceError("give one of: a FOLDER of clips, --manifest FILE, --rescore JSONL")
    [source] = sources
    settings = _settings(args)
    stored = read_results(args.rescore) if args.rescore is not None else None
    assistant = Assistant.from_settings(
        settings, stored_engine(stored) if stored is not None else None
    )
    if stored is not None:
        results = rescore(stored, assistant)
        engine = f"transcripts of {args.rescore.name}"
    else:
        samples = read_samples(source, assistant.kb, lambda text: assistant.ask_text(text).id)
        results = evaluate(samples, settings, args.jobs, ProgressBar("evaluating"))
        engine = assistant.engine
    if args.jsonl:
        write_results(results, args.jsonl)
    evaluation = Evaluation(
        source=str(source),
        engine=engine,
        threshold=assistant.full_threshold,
        results=results,
        summary=summarize(results),
        groups=summarize_groups(results, args.by),
        questions={e.id: e.question for e in assistant.kb.entries},
        min_accuracy=args.min_accuracy,
        base=source if Path(source).is_dir() else Path(source).parent,
    )
    if args.json:
        print(json.dumps(evaluation.to_json(), ensure_ascii=False, indent=2))
    else:
        print(text_table(evaluation))
        print(verdict(evaluation))
    if args.report:
        columns = [c for c in AUTO_GROUPS if len({r.fields.get(c) for r in results} - {None}) > 1]
        if not args.by and columns:
            evaluation.groups = summarize_groups(results, columns)
        print(f"report: {write_report(evaluation, args.report)}", file=sys.stderr)
    failed = [r for r in results if r.error]
    for result in failed[:5]:
        print(f"voice: error: {result.error}", file=sys.stderr)
    if failed:
        print(
            f"voice: {len(failed)} of {len(results)} files could not be evaluated", file=sys.stderr
        )
    return EXIT_SOME_FAILED if failed or passed(evaluation) is False else EXIT_OK


def cmd_testset(args: argparse.Namespace) -> int:
    from voice.cli import EXIT_OK
    from voice.progress import ProgressBar
    from voice.seeds import load_knowledge_base
    from voice.testset import (
        DEFAULT_VOICES,
        KOREAN_VOICES,
        Conditions,
        data_file,
        make_testset,
        read_out_of_domain,
        read_phrasings,
        utterances,
    )

    kb = load_knowledge_base(args.seeds)
    korean = kb.in_korean
    voices = args.voices or (KOREAN_VOICES if korean else DEFAULT_VOICES)
    phrasings_file = data_file("phrasings.tsv") if args.phrasings is False else args.phrasings
    ood_file = data_file("out_of_domain.tsv") if args.out_of_domain is False else args.out_of_domain
    if korean and args.out_of_domain is False:
        # The built-in ones are English: spoken by a Korean voice they test nothing.
        print(
            "voice: the built-in out-of-domain questions are English: left out; give Korean "
            "ones with --out-of-domain FILE",
            file=sys.stderr,
        )
        ood_file = None
    phrasings = read_phrasings(phrasings_file, kb) if phrasings_file else []
    ood = read_out_of_domain(ood_file) if ood_file else []
    conditions = Conditions(
        noise_snr=args.noise_snr,
        babble_snr=args.babble_snr,
        reverb=args.reverb,
        telephone=args.telephone,
        pad=args.pad,
        low_level=args.low_level,
        clean=not args.no_clean,
    )
    testset = make_testset(
        kb,
        args.out_dir,
        utterances(kb, phrasings, ood),
        voices,
        args.speeds,
        conditions,
        seed=args.seed,
        jobs=args.jobs,
        progress=ProgressBar("synthesizing"),
    )
    if testset.missing_voices:
        print(
            f"voice: not installed, left out: {', '.join(testset.missing_voices)}", file=sys.stderr
        )
    print(f"wrote {len(testset.rows)} clips and {testset.manifest}")
    print(f"evaluate with: voice eval --manifest {testset.manifest} --by voice,condition")
    return EXIT_OK
