"""Show an evaluation: a text table for the terminal and a self-contained HTML report.

The HTML report is one file with inline CSS and SVG and no scripts: it opens offline, from a CI
artifact or an e-mail, years later. The worst failures get audio players whose audio is embedded
as ``data:`` URIs rather than linked by relative path, so the report stays whole when it is
moved away from the clips or the test set is deleted; at about 32 kB per second of 16 kHz speech
only those few clips are embedded.
"""

from __future__ import annotations

import base64
import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import soundfile

from voice.audio import SAMPLE_RATE, read_audio
from voice.charts import (
    ACCURACY_COLOUR,
    IN_DOMAIN_COLOUR,
    OUT_OF_DOMAIN_COLOUR,
    bar_chart,
    histogram,
    line_chart,
)
from voice.errors import VoiceError
from voice.evaluate import (
    ERROR_LABEL,
    NONE_LABEL,
    FileResult,
    best_threshold,
    confusion,
    sweep,
    worst_failures,
)

REPORT_FILE = "index.html"
WORST = 20
"""Failures listed with a player: enough to see the patterns, few enough to listen to."""

ROWS = (
    ("files", "files", "count"),
    ("errors", "unreadable files", "count"),
    ("in_domain_accuracy", "in-domain top-1 accuracy", "rate"),
    ("ood_rejection_rate", "out-of-domain rejection", "rate"),
    ("false_accept_rate", "false accept (OOD answered)", "rate"),
    ("false_reject_rate", "false reject (in-domain refused)", "rate"),
    ("refused_suggested_rate", "refused, right entry suggested", "rate"),
    ("wrong_answer_rate", "wrong answer (in-domain)", "rate"),
    ("accuracy", "overall accuracy", "rate"),
    ("wer", "word error rate (Korean: syllables)", "rate"),
    ("mean_seconds", "mean processing s", "seconds"),
    ("p95_seconds", "p95 processing s", "seconds"),
    ("rtf", "real-time factor", "factor"),
)


@dataclass
class Evaluation:
    """Everything a report shows."""

    source: str
    engine: str
    threshold: float
    results: list[FileResult]
    summary: dict[str, Any]
    groups: dict[str, dict[str, dict[str, Any]]]
    questions: dict[int, str] = field(default_factory=dict)
    min_accuracy: float | None = None
    """Percent; the verdict line says whether it was met."""
    base: Path | None = None
    """The folder the results' paths are relative to (for the audio players)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "engine": self.engine,
            "threshold": self.threshold,
            "summary": self.summary,
            "groups": self.groups,
        }


def fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "rate":
        return f"{100 * value:.1f}%"
    if kind == "seconds":
        return f"{value:.2f}"
    if kind == "factor":
        return f"{value:.3f}"
    return str(value)


GROUP_COLUMNS = (
    ("files", "files", "count"),
    ("in_domain_accuracy", "in-dom acc", "rate"),
    ("ood_rejection_rate", "OOD reject", "rate"),
    ("false_accept_rate", "false acc", "rate"),
    ("false_reject_rate", "false rej", "rate"),
    ("accuracy", "accuracy", "rate"),
    ("wer", "WER", "rate"),
    ("mean_seconds", "mean s", "seconds"),
    ("rtf", "RTF", "factor"),
)
"""The columns of the per-group tables: the summary's rows that differ most between groups."""


def text_table(evaluation: Evaluation) -> str:
    """The summary, one line per number; then a table per grouping, one row per group."""
    label_width = max(len(label) for _, label, _ in ROWS)
    lines = [
        f"{label.ljust(label_width)}  {fmt(evaluation.summary.get(key), kind):>8}"
        for key, label, kind in ROWS
    ]
    for grouping, groups in evaluation.groups.items():
        name_width = max([len(grouping), *(len(v) for v in groups)])
        widths = [max(7, len(title)) for _, title, _ in GROUP_COLUMNS]
        titles = "  ".join(t.rjust(w) for (_, t, _), w in zip(GROUP_COLUMNS, widths, strict=True))
        lines += ["", f"{grouping.ljust(name_width)}  {titles}"]
        for value, summary in groups.items():
            cells = "  ".join(
                fmt(summary.get(key), kind).rjust(w)
                for (key, _, kind), w in zip(GROUP_COLUMNS, widths, strict=True)
            )
            lines.append(f"{value.ljust(name_width)}  {cells}")
    return "\n".join(lines)


def verdict(evaluation: Evaluation) -> str:
    s = evaluation.summary
    line = (
        f"{fmt(s['accuracy'], 'rate')} of {s['files']} files answered as expected "
        f"({evaluation.engine}, threshold {evaluation.threshold:g})"
    )
    met = passed(evaluation)
    if met is not None:
        line += f": {'PASS' if met else 'FAIL'} (minimum {evaluation.min_accuracy:g}%)"
    return line


def passed(evaluation: Evaluation) -> bool | None:
    """Whether overall accuracy reaches ``min_accuracy`` (None when no minimum was given)."""
    if evaluation.min_accuracy is None:
        return None
    return (evaluation.summary["accuracy"] or 0.0) * 100 >= evaluation.min_accuracy


def _failed_class(evaluation: Evaluation) -> str:
    return " fail" if passed(evaluation) is False else ""


def write_report(evaluation: Evaluation, out_dir: Path) -> Path:
    """Write ``index.html`` into ``out_dir``; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_FILE
    path.write_text(render_html(evaluation), encoding="utf-8")
    return path


def render_html(evaluation: Evaluation) -> str:
    results = evaluation.results
    rows = sweep(results)
    best = best_threshold(rows)
    sections = [
        _summary_section(evaluation),
        _groups_section(evaluation),
        _confusion_section(results, evaluation.questions),
        _scores_section(results, evaluation.threshold),
        _sweep_section(rows, evaluation.threshold, best),
        _failures_section(results, evaluation.base),
    ]
    created = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>voice eval: {escape(evaluation.source)}</title>
<style>{CSS}</style></head>
<body><main>
<h1>Evaluation of {escape(evaluation.source)}</h1>
<p class="meta">{escape(evaluation.engine)} recognizer, match threshold
{evaluation.threshold:g}, {len(results)} files, {created}</p>
<p class="verdict{_failed_class(evaluation)}">{escape(verdict(evaluation))}</p>
{"".join(sections)}
</main></body></html>
"""


CSS = """
body{margin:0;background:#f9fafb;color:#111827;font:14px/1.45 system-ui,sans-serif}
main{max-width:1060px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.meta{color:#6b7280;margin:0 0 12px}
.verdict{font-size:18px;font-weight:600;background:#fff;border-left:5px solid #15803d;
 padding:10px 14px;margin:0} .verdict.fail{border-left-color:#dc2626}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:10px}
.card b{display:block;font-size:22px} .card span{color:#6b7280;font-size:12px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;
 margin-top:16px;overflow-x:auto}
table{border-collapse:collapse;font-size:13px} td,th{padding:3px 8px;text-align:right}
th{color:#374151} td.l,th.l{text-align:left}
.confusion td{min-width:34px;border:1px solid #f3f4f6}
.failures td{vertical-align:top;border-top:1px solid #e5e7eb;text-align:left}
.failures audio{width:220px;height:32px}
.note{color:#6b7280;font-size:12px}
"""


def _summary_section(evaluation: Evaluation) -> str:
    cards = "".join(
        f'<div class="card"><b>{fmt(evaluation.summary.get(key), kind)}</b>'
        f"<span>{escape(label)}</span></div>"
        for key, label, kind in ROWS
    )
    return f'<section id="summary"><h2>Summary</h2><div class="cards">{cards}</div></section>'


def _groups_section(evaluation: Evaluation) -> str:
    if not evaluation.groups:
        return ""
    charts = []
    for grouping, groups in evaluation.groups.items():
        bars = [(value, s["accuracy"], f"({s['files']} files)") for value, s in groups.items()]
        charts.append(f"<h3>by {escape(grouping)}</h3>")
        charts.append(bar_chart(bars, f"accuracy by {grouping}"))
    return f'<section id="groups"><h2>Accuracy per group</h2>{"".join(charts)}</section>'


def _label(label: str) -> str:
    return f"#{label}" if label.isdigit() else label


def _confusion_section(results: Sequence[FileResult], questions: Mapping[int, str]) -> str:
    counts = confusion(results)
    labels = [str(i) for i in sorted(questions)] + [NONE_LABEL]
    extra = {e for e, _ in counts} | {p for _, p in counts}
    labels += sorted(extra - set(labels) - {ERROR_LABEL}, key=lambda x: (len(x), x))
    predicted = [*labels, ERROR_LABEL] if any(p == ERROR_LABEL for _, p in counts) else labels
    expected = [e for e in labels if any(k[0] == e for k in counts)]
    totals = {e: sum(n for (x, _), n in counts.items() if x == e) for e in expected}
    head = "".join(
        f'<th title="{escape(_title(p, questions))}">{_label(p)}</th>' for p in predicted
    )
    body = []
    for e in expected:
        cells = []
        for p in predicted:
            n = counts.get((e, p), 0)
            share = n / totals[e] if totals[e] else 0.0
            colour = "21,128,61" if e == p else "220,38,38"
            style = f' style="background:rgba({colour},{0.08 + 0.7 * share:.2f})"' if n else ""
            cells.append(f"<td{style}>{n or ''}</td>")
        body.append(
            f'<tr><th class="l" title="{escape(_title(e, questions))}">{_label(e)}</th>'
            f"{''.join(cells)}</tr>"
        )
    names = "".join(f"<li>#{i} {escape(q)}</li>" for i, q in sorted(questions.items()))
    return (
        '<section id="confusion"><h2>Confusion matrix</h2>'
        '<p class="note">Rows: the expected entry; columns: the answer given. The diagonal is '
        "right; <i>none</i> is the fallback (no answer).</p>"
        f'<table class="confusion"><tr><th class="l">expected \\ got</th>{head}</tr>'
        f'{"".join(body)}</table><ul class="note">{names}</ul></section>'
    )


def _title(label: str, questions: Mapping[int, str]) -> str:
    if label.isdigit():
        return questions.get(int(label), "")
    return {"none": "no answer (fallback)", "error": "file could not be evaluated"}.get(label, "")


def _scores_section(results: Sequence[FileResult], threshold: float) -> str:
    ok = [r for r in results if r.error is None]
    chart = histogram(
        {
            "in-domain": ([r.score for r in ok if r.in_domain], IN_DOMAIN_COLOUR),
            "out-of-domain": ([r.score for r in ok if not r.in_domain], OUT_OF_DOMAIN_COLOUR),
        },
        "match score of in-domain and out-of-domain files",
        marker=threshold,
        marker_label=f"threshold {threshold:g}",
    )
    return (
        '<section id="scores"><h2>Score distributions</h2><p class="note">The best match score of '
        "each file. Files right of the threshold get an answer: out-of-domain files there are "
        "false accepts, in-domain files left of it false rejects.</p>"
        f"{chart}</section>"
    )


def _sweep_section(
    rows: Sequence[dict[str, float | None]], threshold: float, best: dict[str, float | None] | None
) -> str:
    xs = [float(r["threshold"] or 0.0) for r in rows]
    markers = [(threshold, f"current {threshold:g}")]
    note = ""
    if best is not None and best["threshold"] is not None:
        markers.append((best["threshold"], f"best {best['threshold']:g}"))
        note = (
            f"Highest accuracy here: {fmt(best['accuracy'], 'rate')} at threshold "
            f"{best['threshold']:g} (in-domain {fmt(best['in_domain_accuracy'], 'rate')}, "
            f"out-of-domain rejection {fmt(best['ood_rejection_rate'], 'rate')}); set it with "
            f"<code>--threshold {best['threshold']:g}</code>. Tuned on this set, it flatters it: "
            "check it on other recordings."
        )
    chart = line_chart(
        xs,
        {
            "in-domain accuracy": ([r["in_domain_accuracy"] for r in rows], IN_DOMAIN_COLOUR),
            "OOD rejection": ([r["ood_rejection_rate"] for r in rows], OUT_OF_DOMAIN_COLOUR),
            "accuracy": ([r["accuracy"] for r in rows], ACCURACY_COLOUR),
        },
        "accuracy against match threshold",
        markers,
    )
    return (
        '<section id="threshold"><h2>Accuracy against threshold</h2>'
        f'{chart}<p class="note">{note}</p></section>'
    )


def _audio_uri(path: Path) -> str | None:
    try:
        pcm = read_audio(path)
    except VoiceError:
        return None
    buffer = io.BytesIO()
    soundfile.write(buffer, pcm.samples, SAMPLE_RATE, format="WAV", subtype="PCM_16")
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _failures_section(results: Sequence[FileResult], base: Path | None) -> str:
    worst = worst_failures(results, WORST)
    if not worst:
        return (
            '<section id="failures"><h2>Failures</h2><p>None: every file was right.</p></section>'
        )
    rows = []
    for r in worst:
        uri = _audio_uri(base / r.path) if base is not None else None
        player = f'<audio controls preload="metadata" src="{uri}"></audio>' if uri else "(no audio)"
        expected = f"#{r.expected_id}" if r.expected_id is not None else "none"
        got = f"#{r.predicted_id}" if r.predicted_id is not None else "none"
        got = "error" if r.error else got
        heard = escape(r.error) if r.error else escape(r.transcript) or "<i>(nothing)</i>"
        rows.append(
            f"<tr><td>{escape(r.path)}<br>{player}</td><td>{expected}</td><td>{got}</td>"
            f"<td>{r.score:.1f}</td><td>{heard}<br><span class=note>said: "
            f"{escape(r.reference or '?')}</span></td></tr>"
        )
    return (
        '<section id="failures"><h2>Worst failures</h2><p class="note">Errors first, then wrong '
        "answers (most confident first), then refused questions (lowest score first).</p>"
        '<table class="failures"><tr><th class="l">file</th><th class="l">expected</th>'
        '<th class="l">got</th><th class="l">score</th><th class="l">heard</th></tr>'
        f"{''.join(rows)}</table></section>"
    )
