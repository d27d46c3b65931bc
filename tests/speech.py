"""Make test speech at test time with the system's synthesizers (deterministic for given text)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

VOICES = {
    "espeak": ["espeak-ng", "-v", "en-us", "-s", "160"],
    "espeak-f3": ["espeak-ng", "-v", "en-us+f3", "-s", "150"],
    "flite-slt": ["flite", "-voice", "slt"],
    "flite-kal": ["flite", "-voice", "kal16"],
}


def synthesize(text: str, path: Path, voice: str = "espeak") -> Path:
    """Speak ``text`` into the WAV ``path`` with one of :data:`VOICES` (or ``espeak:<lang>``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if voice.startswith("espeak:"):
        command = ["espeak-ng", "-v", voice.split(":", 1)[1], "-w", str(path), text]
    elif voice.startswith("espeak"):
        command = [*VOICES[voice], "-w", str(path), text]
    else:
        command = [*VOICES[voice], "-t", text, "-o", str(path)]
    if shutil.which(command[0]) is None:
        raise RuntimeError(f"{command[0]} is not installed; run `make test` to install it")
    subprocess.run(command, check=True, capture_output=True)
    return path


def sox(*args: str) -> None:
    """Run sox (convert, mix, pad, change rate) with its arguments. ``-R``: sox dithers whenever
    it changes the level, from a random seed unless told otherwise; the same test audio every
    run (the quiet-microphone test heard 8 to 12 of its 15 clips right from run to run)."""
    subprocess.run(["sox", "-R", *args], check=True, capture_output=True)
