"""What ``voice eval`` evaluates: recorded clips and the answer each should get.

Two ways to say it. A manifest CSV with the columns ``path`` (relative to the manifest's folder)
and ``expected_id`` (the 1-based entry number, or ``none`` for a question that should not be
answered), an optional ``text`` (the reference transcript) and any other columns (kept, for
grouping results). Or, voice2json style, a folder where each ``clip.wav`` has a ``clip.txt``
holding what is said; the expected entry is the one that text itself matches (or none).

Every problem is reported with its row before any audio is decoded: a typo in a manifest should
cost a second, not the minutes of a whole run.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from voice.errors import ManifestError
from voice.seeds import KnowledgeBase

REQUIRED = ("path", "expected_id")
NONE_ID = "none"
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
SHOWN_PROBLEMS = 10
"""Problems listed in one error message; the rest are counted."""


@dataclass(frozen=True)
class Sample:
    """One clip to evaluate."""

    name: str
    """The path as the manifest wrote it (or relative to the folder): the clip's name in reports."""
    path: Path
    expected_id: int | None
    text: str | None
    """Reference transcript, when known."""
    fields: dict[str, str] = field(default_factory=dict)
    """Other columns (voice, condition, ...), for grouping."""
    line: int = 0


def read_samples(
    source: Path, kb: KnowledgeBase, expected_for_text: Callable[[str], int | None]
) -> list[Sample]:
    """A manifest file or a folder of clips with transcripts."""
    source = Path(source)
    if source.is_dir():
        return read_folder(source, expected_for_text)
    return read_manifest(source, kb)


def _parse_id(value: str, kb: KnowledgeBase) -> int | None:
    value = value.strip()
    if value.lower() == NONE_ID:
        return None
    if not value.isdigit():
        raise ValueError(f"expected_id {value!r} is not an entry number or '{NONE_ID}'")
    entry_id = int(value)
    if not 1 <= entry_id <= len(kb):
        raise ValueError(
            f"expected_id {entry_id} is not an entry of the knowledge base (it has 1-{len(kb)})"
        )
    return entry_id


def read_manifest(manifest: Path, kb: KnowledgeBase) -> list[Sample]:
    """Read and check a manifest CSV; raise :class:`ManifestError` naming every bad row."""
    manifest = Path(manifest)
    if not manifest.is_file():
        raise ManifestError(f"{manifest}: no such manifest file")
    try:
        handle = open(manifest, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ManifestError(f"{manifest}: cannot read ({exc.strerror})") from None
    samples: list[Sample] = []
    problems: list[str] = []
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ManifestError(
                f"{manifest}: empty; it needs a header row with path,expected_id"
            ) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ManifestError(f"{manifest}: not a CSV file ({exc})") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ManifestError(
                f"{manifest}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header has: {', '.join(header) or 'nothing'}); "
                f"a manifest needs {', '.join(REQUIRED)} and may have text and any others"
            )
        try:
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    problems.append(
                        f"line {line}: {len(cells)} cells, the header has {len(header)}"
                    )
                    continue
                row = dict(zip(header, cells, strict=True))
                sample, problem = _sample(row, line, manifest.parent, kb)
                if problem:
                    problems.append(f"line {line}: {problem}")
                elif sample:
                    samples.append(sample)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ManifestError(f"{manifest} line {reader.line_num}: {exc}") from None
    if problems:
        raise ManifestError(_problems(str(manifest), problems))
    if not samples:
        raise ManifestError(f"{manifest}: no rows; add one row per audio file")
    return samples


def _sample(
    row: dict[str, str], line: int, base: Path, kb: KnowledgeBase
) -> tuple[Sample | None, str | None]:
    name = row["path"].strip()
    if not name:
        return None, "empty path"
    try:
        expected = _parse_id(row["expected_id"], kb)
    except ValueError as exc:
        return None, str(exc)
    path = base / name
    if not path.is_file():
        return None, f"{name}: no such audio file (paths are relative to the manifest's folder)"
    text = (row.get("text") or "").strip() or None
    fields = {k: v.strip() for k, v in row.items() if k not in (*REQUIRED, "text")}
    return Sample(name, path, expected, text, fields, line), None


def audio_files_under(folder: Path) -> list[Path]:
    """Every audio file (by its name's ending) in ``folder`` and its subfolders, in path order:
    a folder of recordings is answered or evaluated in the same order every time."""
    return sorted(
        p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
    )


def read_folder(folder: Path, expected_for_text: Callable[[str], int | None]) -> list[Sample]:
    """Every audio file under ``folder`` with the ``.txt`` file of the same name beside it."""
    clips = audio_files_under(folder)
    if not clips:
        raise ManifestError(
            f"{folder}: no audio files ({', '.join(AUDIO_SUFFIXES)}); "
            "give a folder of clip.wav + clip.txt pairs or --manifest FILE"
        )
    samples, problems = [], []
    for clip in clips:
        name = clip.relative_to(folder).as_posix()
        transcript = clip.with_suffix(".txt")
        if not transcript.is_file():
            problems.append(f"{name}: no {transcript.name} beside it saying what is spoken")
            continue
        try:
            text = transcript.read_text(encoding="utf-8-sig").strip()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{transcript.name}: cannot read ({exc})")
            continue
        folder_name = clip.parent.relative_to(folder).as_posix()
        samples.append(
            Sample(name, clip, expected_for_text(text), text or None, {"folder": folder_name})
        )
    if problems:
        raise ManifestError(_problems(str(folder), problems))
    return samples


def _problems(where: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    tail = f"; and {more} more" if more > 0 else ""
    return f"{where}: {len(problems)} bad row{'s' if len(problems) > 1 else ''}: {shown}{tail}"
