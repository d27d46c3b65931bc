"""The knowledge-base-independent tables a kiosk builds on its first start, built once per test
session and copied into each kiosk test's fresh cache folder.

A kiosk's first start on a new machine builds PocketSphinx's general English bigrams (~20 s) and
the word-vector table (~1.5 s) into its cache (voice.cache), whatever its seeds. Every kiosk test
starts with an empty cache so that its answers and its language model are its own; it paid those
20 s each time (four to five times a run). The tables come from installed wheels, not from
anything a test changes, so sharing them tests the same thing. The language model of the seeds
(``lm/``) and the rendered answers (``answers/``) are still built by each test module's first
kiosk (the screen's tests share even those: :func:`shared_cache`), and the first start on an
empty cache is still what ``make test`` does on a fresh machine (tests/test_ask.py's runs, in
the user's own cache).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD = (
    "from voice.asr import EngineChoice, load_recognizer\n"
    "from voice.word_vectors import load_word_vectors\n"
    "load_recognizer(EngineChoice('pocketsphinx'), vocabulary=['hello'])\n"
    "load_word_vectors()\n"
)
"""Load what builds the tables, in a child process with its own ``VOICE_CACHE``."""


@functools.cache
def _tables() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="voice-tables-"))
    atexit.register(shutil.rmtree, folder, True)
    env = dict(os.environ, VOICE_CACHE=str(folder))
    done = subprocess.run(
        [sys.executable, "-c", BUILD], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    tables = sorted(folder.glob("*.npz"))
    assert tables, f"no table was built in {folder}"
    return folder


def warm_cache(cache: Path) -> Path:
    """``cache`` (created) with the shared tables in it; returned for chaining."""
    cache.mkdir(parents=True, exist_ok=True)
    for table in _tables().glob("*.npz"):
        target = cache / table.name
        if not target.exists():
            shutil.copyfile(table, target)
    return cache


@functools.cache
def shared_cache() -> Path:
    """One warmed cache for kiosks that all use the short test seeds (tests/kiosk_fakes.py) and
    test what the screen shows, not how the kiosk starts: the first builds the seeds' language
    model and renders the answers, the others start the way a restarted kiosk does."""
    folder = Path(tempfile.mkdtemp(prefix="voice-cache-"))
    atexit.register(shutil.rmtree, folder, True)
    return warm_cache(folder)
