"""A tiny synthesized test set for the `voice eval` tests: the five seed questions and two
out-of-domain questions, each in two voices (14 clips, a few seconds to make)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from voice.cli import main
from voice.seeds import load_knowledge_base
from voice.testset import Utterance, make_testset, utterances

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
VOICES = ("espeak", "flite-slt")
OUT_OF_DOMAIN = (
    Utterance("how many refugees have left ukraine", None, "ood-near", "ood01"),
    Utterance("can you recommend a good pizza place nearby", None, "ood-far", "ood02"),
)


def make_tiny_set(out_dir: Path) -> Path:
    """Write the clips and their manifest; return the manifest's path."""
    kb = load_knowledge_base(SEEDS)
    testset = make_testset(kb, out_dir, utterances(kb, [], OUT_OF_DOMAIN), VOICES, seed=7)
    return testset.manifest


def read_rows(manifest: Path) -> list[dict[str, str]]:
    with open(manifest, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(manifest: Path, rows: list[dict[str, str]]) -> Path:
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def run_eval(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    """`voice eval --json ...` in this process: (exit code, the printed summary JSON, stderr)."""
    capsys.readouterr()
    code = main(["eval", "--seeds", str(SEEDS), "--engine", "pocketsphinx", "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
