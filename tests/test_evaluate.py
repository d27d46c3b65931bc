"""`voice eval`: a synthesized test set evaluated end to end, and what its numbers mean."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.evalset import SEEDS, make_tiny_set, read_jsonl, read_rows, run_eval, write_rows
from voice.cli import main
from voice.evaluate import FileResult, accepted_at, summarize, sweep, wer, word_errors
from voice.match import THRESHOLD


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_set(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def first_run(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, list[dict]]:
    """The tiny set evaluated by the real command on two workers: (exit code, summary JSON,
    JSON lines)."""
    jsonl = tmp_path_factory.mktemp("run") / "results.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "voice", "eval", "--seeds", str(SEEDS), "--json", "--jobs", "2"]
        + ["--engine", "pocketsphinx", "--manifest", str(tiny), "--by", "voice,kind"]
        + ["--jsonl", str(jsonl)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), read_jsonl(jsonl)


def test_every_file_is_evaluated_in_manifest_order_with_its_columns(
    tiny: Path, first_run: tuple[int, dict, list[dict]]
) -> None:
    _, report, rows = first_run
    manifest = read_rows(tiny)
    assert [r["path"] for r in rows] == [m["path"] for m in manifest]
    assert [r["voice"] for r in rows] == [m["voice"] for m in manifest]
    summary = report["summary"]
    assert (summary["files"], summary["in_domain"], summary["out_of_domain"]) == (14, 10, 4)
    assert set(report["groups"]["voice"]) == {"espeak", "flite-slt"}
    assert all(g["files"] == 7 for g in report["groups"]["voice"].values())
    assert report["groups"]["kind"]["question"]["files"] == 10
    for row in rows:
        assert row["seconds"] > 0 and row["audio_seconds"] > 1.0
        assert row["rtf"] == pytest.approx(row["seconds"] / row["audio_seconds"], rel=0.01)
        assert row["correct"] == (row["predicted_id"] == row["expected_id"])


def test_refusals_that_named_the_right_question_are_counted() -> None:
    """Of the known questions refused, the share whose fallback named the one meant; the ids
    survive the JSON lines that `voice eval --rescore` reads back."""
    named = FileResult("a.wav", 3, None, False, suggested_ids=(1, 3))
    missed = FileResult("b.wav", 2, None, False, suggested_ids=(4, 5))
    answered = FileResult("c.wav", 1, 1, True)
    unrelated = FileResult("d.wav", None, None, True, suggested_ids=(1, 2))
    assert summarize([named, missed, answered, unrelated])["refused_suggested_rate"] == 0.5
    assert FileResult.from_json(named.to_json()).suggested_ids == (1, 3)


def test_the_summary_adds_up(first_run: tuple[int, dict, list[dict]]) -> None:
    _, report, rows = first_run
    s = report["summary"]
    inside = s["in_domain_accuracy"] + s["false_reject_rate"] + s["wrong_answer_rate"]
    assert inside + s["errors"] / 10 == pytest.approx(1.0)
    assert s["ood_rejection_rate"] + s["false_accept_rate"] == pytest.approx(1.0)
    correct = s["in_domain_accuracy"] * 10 + s["ood_rejection_rate"] * 4
    assert s["accuracy"] == pytest.approx(correct / 14)
    assert s["p95_seconds"] >= s["mean_seconds"] * 0.5
    # the threshold sweep reproduces the product's own decisions at the current threshold
    results = [FileResult.from_json(r) for r in rows]
    at_current = next(r for r in sweep(results) if r["threshold"] == THRESHOLD)
    assert at_current["accuracy"] == pytest.approx(s["accuracy"])


def test_rescoring_a_run_answers_as_it_did_without_decoding_again(
    first_run: tuple[int, dict, list[dict]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report, rows = first_run
    assert any(r["alternatives"] for r in rows), "PocketSphinx's other hypotheses are kept"
    stored = tmp_path / "run.jsonl"
    stored.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    again = tmp_path / "again.jsonl"
    code, rescored, _ = run_eval(capsys, "--rescore", str(stored), "--jsonl", str(again))
    assert code == 0
    # The run's engine (PocketSphinx) gives the threshold, not the one this machine would choose.
    assert rescored["threshold"] == report["threshold"] == THRESHOLD
    assert rescored["engine"] == "transcripts of run.jsonl"
    assert rescored["summary"]["accuracy"] == report["summary"]["accuracy"]
    for before, after in zip(rows, read_jsonl(again), strict=True):
        for key in ("path", "predicted_id", "score", "best_id", "runner_up_id", "voice", "kind"):
            assert after[key] == before[key], (key, before["path"])
        assert after["seconds"] == before["seconds"]  # the stored decode, not a new one
    # A stricter threshold, measured on the same transcripts: nothing is answered any more.
    _, strict, _ = run_eval(capsys, "--rescore", str(stored), "--threshold", "101")
    assert strict["summary"]["in_domain_accuracy"] == 0.0
    assert strict["summary"]["ood_rejection_rate"] == 1.0
    # Nothing is decoded, so no engine is chosen: one this machine lacks is no obstacle.
    code, named, err = run_eval(
        capsys, "--rescore", str(stored), "--engine", "vosk", "--models-dir", str(tmp_path)
    )
    assert code == 0, err
    assert named["summary"]["accuracy"] == report["summary"]["accuracy"]


def test_rescoring_something_else_is_one_error_naming_the_line(
    first_run: tuple[int, dict, list[dict]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = tmp_path / "run.jsonl"
    stored.write_text(json.dumps(first_run[2][0]) + "\npath,expected_id\n", encoding="utf-8")
    code, _, err = run_eval(capsys, "--rescore", str(stored))
    assert code == 2
    assert f"{stored}:2: not a line of `voice eval --jsonl` output" in err
    code, _, err = run_eval(capsys, "--rescore", str(stored), "--manifest", str(stored))
    assert code == 2 and "give one of" in err
    stored.write_text("\n")
    code, _, err = run_eval(capsys, "--rescore", str(stored))
    assert code == 2 and f"{stored}: no results in it" in err


@pytest.fixture(scope="module")
def echoed(
    tiny: Path, first_run: tuple[int, dict, list[dict]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The same clips, in the same order, labelled with exactly what the first run answered
    and heard: by construction an all-correct set with exact transcripts."""
    rows = first_run[2]
    assert not [r for r in rows if r["error"]], "the tiny set must be readable"
    manifest = read_rows(tiny)
    for row, result in zip(manifest, rows, strict=True):
        row["expected_id"] = str(result["predicted_id"] or "none")
        row["text"] = result["transcript"]
    out = tiny.parent / "echoed.csv"
    return write_rows(out, manifest)


def test_an_all_correct_set_scores_100_percent(
    echoed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = run_eval(
        capsys, "--manifest", str(echoed), "--jobs", "2", "--min-accuracy", "100"
    )
    summary = report["summary"]
    assert code == 0
    assert summary["accuracy"] == 1.0
    assert summary["false_accept_rate"] in (0.0, None)
    assert summary["false_reject_rate"] in (0.0, None)


def test_the_word_error_rate_of_exact_transcripts_is_0(
    echoed: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    jsonl = tmp_path / "r.jsonl"
    _, report, _ = run_eval(capsys, "--manifest", str(echoed), "--jsonl", str(jsonl))
    assert report["summary"]["wer"] == 0.0
    assert all(r["wer"] in (0.0, None) for r in read_jsonl(jsonl))


def test_a_set_with_every_expected_id_shifted_scores_0_and_fails_the_gate(
    tiny: Path, first_run: tuple[int, dict, list[dict]], capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = read_rows(tiny)
    for row, result in zip(manifest, first_run[2], strict=True):
        got = result["predicted_id"]
        row["expected_id"] = str(got % 5 + 1) if got else "1"
    shifted = write_rows(tiny.parent / "shifted.csv", manifest)
    code, report, err = run_eval(capsys, "--manifest", str(shifted), "--min-accuracy", "1")
    assert report["summary"]["accuracy"] == 0.0
    assert report["summary"]["in_domain_accuracy"] == 0.0
    assert code == 1


def test_metrics_mean_what_their_names_say() -> None:
    def r(expected: int | None, got: int | None, best: int | None = None, score=60.0):
        return FileResult("x.wav", expected, got, got == expected, score=score, best_id=best or got)

    results = [
        r(1, 1),
        r(2, 2),
        r(3, None, best=3, score=40.0),  # false reject
        r(4, 5),  # wrong answer
        r(None, None, best=2, score=30.0),  # rejected, as it should be
        r(None, 1),  # false accept
    ]
    s = summarize(results)
    assert s["in_domain_accuracy"] == 0.5
    assert s["false_reject_rate"] == 0.25
    assert s["wrong_answer_rate"] == 0.25
    assert s["ood_rejection_rate"] == 0.5
    assert s["false_accept_rate"] == 0.5
    assert s["accuracy"] == 0.5
    # lowering the threshold to 40 turns the false reject into a right answer
    assert accepted_at(results[2], 40.0) == 3
    low = next(x for x in sweep(results) if x["threshold"] == 40.0)
    assert low["in_domain_accuracy"] == 0.75
    # at 0 everything is accepted: no out-of-domain file is rejected
    assert sweep(results)[0]["ood_rejection_rate"] == 0.0


def test_word_error_rate() -> None:
    assert (
        wer(
            "Why have peace negotiations in Ukraine failed?",
            "why have peace negotiations in ukraine failed",
        )
        == 0.0
    )
    assert word_errors("could peace talks resume soon", "could peace walks resume soon") == (1, 5)
    assert word_errors("peace talks", "the peace talks now") == (2, 2)
    assert wer("peace talks", "") == 1.0


def test_korean_errors_are_counted_in_syllables_whatever_the_spacing() -> None:
    assert word_errors("화장실은 어디에 있어요", "화장실 은 어디 에 있어요") == (0, 10)
    assert word_errors("표는 얼마예요", "오늘 얼마 예요") == (2, 6)  # 표는 -> 오늘


def _wav(path: Path) -> Path:
    soundfile.write(str(path), np.zeros(1600, dtype=np.int16), 16000)
    return path


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("path,text", "clip.wav,hello", "missing column expected_id"),
        ("file,expected_id", "clip.wav,1", "missing column path"),
        ("path,expected_id", "clip.wav,9", "line 3: expected_id 9 is not an entry"),
        ("path,expected_id", "clip.wav,two", "line 3: expected_id 'two' is not an entry number"),
        ("path,expected_id", "nothere.wav,1", "line 3: nothere.wav: no such audio file"),
        ("path,expected_id", "clip.wav,1,extra", "line 3: 3 cells, the header has 2"),
    ],
)
def test_a_malformed_manifest_is_an_error_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, row: str, message: str
) -> None:
    _wav(tmp_path / "clip.wav")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{header}\nclip.wav,{'none' if 'expected_id' in header else 'x'}\n{row}\n")
    if "expected_id" not in header or "path" not in header:
        manifest.write_text(f"{header}\n{row}\n")
    code, _, err = run_eval(capsys, "--manifest", str(manifest))
    assert code == 2
    assert message in err
    assert err.count("\n") == 1, "one line, not a traceback"


def test_an_unreadable_file_is_one_failed_row_and_the_run_goes_on(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = read_rows(tiny)[0]
    shutil.copy(tiny.parent / good["path"], tmp_path / "good.wav")
    (tmp_path / "garbage.wav").write_text("this is not audio\n")
    (tmp_path / "empty.wav").write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        f"path,expected_id\ngarbage.wav,1\ngood.wav,{good['expected_id']}\nempty.wav,none\n"
    )
    jsonl = tmp_path / "r.jsonl"
    code, report, err = run_eval(
        capsys, "--manifest", str(manifest), "--jsonl", str(jsonl), "--jobs", "1"
    )
    rows = read_jsonl(jsonl)
    assert code == 1
    assert [r["path"] for r in rows] == ["garbage.wav", "good.wav", "empty.wav"]
    assert "not a readable audio file" in rows[0]["error"]
    assert "empty" in rows[2]["error"]
    assert rows[1]["error"] is None and rows[1]["transcript"]
    assert report["summary"]["errors"] == 2 and report["summary"]["files"] == 3
    assert "2 of 3 files could not be evaluated" in err


def test_a_folder_of_clips_with_transcripts_voice2json_style(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = read_rows(tiny)
    question = next(r for r in rows if r["expected_id"] == "3")
    unrelated = next(r for r in rows if r["kind"] == "ood-far")
    for name, row in (("asked", question), ("other/unrelated", unrelated)):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(tiny.parent / row["path"], tmp_path / f"{name}.wav")
        (tmp_path / f"{name}.txt").write_text(row["text"] + "\n")
    jsonl = tmp_path.parent / f"{tmp_path.name}.jsonl"
    code, report, _ = run_eval(capsys, str(tmp_path), "--jsonl", str(jsonl), "--by", "folder")
    results = {r["path"]: r for r in read_jsonl(jsonl)}
    assert results["asked.wav"]["expected_id"] == 3
    assert results["other/unrelated.wav"]["expected_id"] is None
    assert results["asked.wav"]["reference"] == question["text"]
    assert set(report["groups"]["folder"]) == {".", "other"}
    (tmp_path / "asked.txt").unlink()
    code, _, err = run_eval(capsys, str(tmp_path))
    assert code == 2 and "asked.wav: no asked.txt beside it" in err


def test_a_recognizer_that_cannot_load_stops_the_run_with_one_message(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken-model"  # every file a model has, none of them a model
    for name in ("am/final.mdl", "conf/mfcc.conf", "graph/HCLG.fst", "graph/words.txt"):
        (broken / name).parent.mkdir(parents=True, exist_ok=True)
        (broken / name).write_bytes(b"not a model\n")
    capsys.readouterr()
    code = main(["eval", "--manifest", str(tiny), "--model", str(broken), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "broken-model: Vosk cannot load this model" in err


def _workers_of(pid: int) -> set[int]:
    """The multiprocessing workers a process has started (not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = set()
    for child in children.read_text().split() if children.exists() else []:
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_end_with_a_run_that_is_killed(tiny: Path, tmp_path: Path) -> None:
    """`kill` reaches only the parent: its workers must not stay behind, decoding and then
    waiting forever."""
    rows = read_rows(tiny)
    for row in rows:
        row["path"] = str(tiny.parent / row["path"])
    long_run = write_rows(tmp_path / "long.csv", rows * 30)  # minutes of decoding
    run = subprocess.Popen(
        [sys.executable, "-m", "voice", "eval", "--seeds", str(SEEDS), "--jobs", "2"]
        + ["--engine", "pocketsphinx", "--manifest", str(long_run)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(workers := _workers_of(run.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, "the run never started its two workers"
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for worker in left:
        os.kill(worker, signal.SIGKILL)
    assert not left, "workers outlived the killed run"
