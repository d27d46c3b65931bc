"""The seed loader reads what users really hand over and reports the rest with file:line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from voice.errors import SeedError
from voice.seeds import load_knowledge_base, parse_seeds

PROJECT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_project_seed_file_loads_all_five_entries_in_order() -> None:
    kb = load_knowledge_base(PROJECT_SEEDS)
    assert [e.id for e in kb.entries] == [1, 2, 3, 4, 5]
    assert kb.entries[0].question == "Why have peace negotiations in Ukraine failed?"
    assert kb.entries[3].question == "Could peace talks resume soon?"
    assert kb.entries[4].answer.endswith("return to negotiations soon.")
    assert kb.problems == ()


def test_original_shared_seed_file_loads_unchanged() -> None:
    files = sorted(SHARED_SEED.glob("*.txt")) if SHARED_SEED.is_dir() else []
    if not files:
        files = sorted(PROJECT_SEEDS.glob("*.txt"))
    kb = load_knowledge_base(files[0])
    assert len(kb) == 5
    assert all(e.answer for e in kb.entries)


def test_crlf_bom_blank_lines_and_multiline_answers() -> None:
    text = (
        "\ufeff-\r\n\r\nFirst question?\r\nAnswer line one.\r\n\r\nline two.\r\n"
        "-\r\n-\r\nSecond?\r\nYes.\r\n"
    )
    entries, problems = parse_seeds(text, "x.txt")
    assert problems == []
    assert [(e.id, e.question, e.answer) for e in entries] == [
        (1, "First question?", "Answer line one. line two."),
        (2, "Second?", "Yes."),
    ]
    assert entries[1].line == 9


def test_missing_answer_is_reported_with_file_and_line_and_others_kept() -> None:
    text = "Q one?\nA one.\n-\nQ without answer?\n-\nQ three?\nA three.\n"
    entries, problems = parse_seeds(text, "kb.txt")
    assert [e.question for e in entries] == ["Q one?", "Q three?"]
    assert [e.id for e in entries] == [1, 2]
    assert [str(p) for p in problems] == [
        "kb.txt:4: question 'Q without answer?' has no answer; entry skipped"
    ]


def test_phrasings_extension() -> None:
    text = (
        "Where is the toilet?\n~ where can I wash my hands\n~where are the restrooms\nDownstairs.\n"
    )
    (entry,), problems = parse_seeds(text, "kb.txt")
    assert problems == []
    assert entry.phrasings == ("where can I wash my hands", "where are the restrooms")
    assert entry.answer == "Downstairs."


def test_folder_reads_txt_files_in_name_order_with_continuous_ids(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B?\nb.\n")
    (tmp_path / "a.txt").write_text("A1?\na1.\n-\nA2?\na2.\n")
    (tmp_path / "notes.md").write_text("not seeds\n")
    kb = load_knowledge_base(tmp_path)
    assert [(e.id, e.question) for e in kb.entries] == [(1, "A1?"), (2, "A2?"), (3, "B?")]


def test_malformed_file_problems_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "kb.txt").write_text("Good?\nYes.\n-\nBad?\n")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9?\nOui.\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        kb = load_knowledge_base(tmp_path)
    assert len(kb) == 1
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"{tmp_path / 'kb.txt'}:4: ") for m in messages)
    assert any("latin1.txt:1: not UTF-8" in m for m in messages)


def test_folder_without_entries_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("-\n\n-\n")
    with pytest.raises(SeedError, match="no entries found"):
        load_knowledge_base(tmp_path)
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(SeedError, match="no seed files"):
        load_knowledge_base(empty)
    with pytest.raises(SeedError, match="no such seed file"):
        load_knowledge_base(tmp_path / "missing")
