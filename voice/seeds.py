"""Load the Q&A knowledge base ("seeds") from text files.

Format: blocks separated by a line holding only ``-``. In a block the first non-blank line is the
question and the remaining lines are the answer. Lines right after the question that start with
``~`` are extra phrasings of the same question (an extension; files without them load unchanged).

Real files come with BOMs, CRLF, blank lines and missing answers: every block that cannot become an
entry is reported as a :class:`SeedProblem` with ``file:line``, never dropped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from voice.errors import SeedError, VoiceError
from voice.language import is_korean
from voice.text import read_utf8

log = logging.getLogger(__name__)

SEPARATOR = "-"
PHRASING_PREFIX = "~"
SEED_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class Entry:
    """One question and its answer; ``id`` is 1-based across the whole knowledge base."""

    id: int
    question: str
    answer: str
    source: str
    line: int
    phrasings: tuple[str, ...] = ()

    @property
    def all_questions(self) -> tuple[str, ...]:
        return (self.question, *self.phrasings)


@dataclass(frozen=True)
class SeedProblem:
    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    problems: tuple[SeedProblem, ...] = field(default=())
    sources: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: int) -> Entry:
        return self.entries[entry_id - 1]

    def phrasings(self) -> list[str]:
        """Every way the knowledge base words its questions (each entry's question, then its
        ``~`` phrasings), entry by entry."""
        return [q for entry in self.entries for q in entry.all_questions]

    @property
    def in_korean(self) -> bool:
        """Whether the questions are in Korean (voice.language.is_korean): it decides the engine,
        the threshold and the test voices."""
        return is_korean(entry.question for entry in self.entries)


@dataclass
class _Block:
    lines: list[tuple[int, str]] = field(default_factory=list)


def _split_blocks(text: str) -> list[_Block]:
    blocks = [_Block()]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line == SEPARATOR:
            blocks.append(_Block())
        else:
            blocks[-1].lines.append((number, line))
    return blocks


def parse_seeds(text: str, source: str, first_id: int = 1) -> tuple[list[Entry], list[SeedProblem]]:
    """Parse one seed file's text; ids start at ``first_id``."""
    text = text.lstrip("\ufeff")
    entries: list[Entry] = []
    problems: list[SeedProblem] = []
    for block in _split_blocks(text):
        content = [(n, line) for n, line in block.lines if line]
        if not content:
            continue
        q_line, question = content[0]
        rest = content[1:]
        phrasings: list[str] = []
        while rest and rest[0][1].startswith(PHRASING_PREFIX):
            phrasing = rest.pop(0)[1][len(PHRASING_PREFIX) :].strip()
            if phrasing:
                phrasings.append(phrasing)
        answer = " ".join(line for _, line in rest)
        if question.startswith(PHRASING_PREFIX):
            problems.append(
                SeedProblem(source, q_line, "block starts with a '~' phrasing but has no question")
            )
            continue
        if not answer:
            problems.append(
                SeedProblem(source, q_line, f"question {question!r} has no answer; entry skipped")
            )
            continue
        entries.append(
            Entry(
                id=first_id + len(entries),
                question=question,
                answer=answer,
                source=source,
                line=q_line,
                phrasings=tuple(phrasings),
            )
        )
    return entries, problems


def seed_files(path: Path) -> list[Path]:
    """The seed files at ``path`` (a file, or a folder's ``*.txt`` files in name order)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SEED_SUFFIXES
        )
    raise SeedError(f"{path}: no such seed file or folder; pass --seeds FILE_OR_FOLDER")


def load_knowledge_base(path: Path) -> KnowledgeBase:
    """Read every seed file under ``path``; raise :class:`SeedError` if nothing usable is found."""
    files = seed_files(Path(path))
    entries: list[Entry] = []
    problems: list[SeedProblem] = []
    for file in files:
        try:
            text = read_utf8(file)
        except VoiceError as exc:
            problems.append(SeedProblem(str(file), 1, f"{exc}; file skipped"))
            continue
        found, bad = parse_seeds(text, str(file), first_id=len(entries) + 1)
        entries.extend(found)
        problems.extend(bad)
    for problem in problems:
        log.warning("%s", problem)
    if not entries:
        where = f"{path} has no seed files (*.txt)" if not files else f"no entries found in {path}"
        raise SeedError(f"{where}; write questions and answers as described in README.md#seeds")
    return KnowledgeBase(tuple(entries), tuple(problems), tuple(str(f) for f in files))
