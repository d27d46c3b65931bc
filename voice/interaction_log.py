"""One JSON line per interaction (what was heard, what was answered, how long each step took),
and, only when asked, the question's audio kept beside its result for ``voice eval``.

No audio is written unless a record folder is given: a kiosk in a public hall hears people who
did not agree to be recorded.
"""

from __future__ import annotations

import csv
import datetime
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from voice.audio import SAMPLE_RATE, write_wav

log = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
"""In the record folder: the ``voice eval --manifest`` input, one row per kept question."""


class InteractionLog:
    """Writes each interaction to ``emit`` (e.g. stdout) and appends it to ``path`` if given."""

    def __init__(
        self,
        emit: Callable[[str], None] | None = None,
        path: Path | None = None,
        record_dir: Path | None = None,
    ) -> None:
        self.emit = emit
        self.path = path
        self.record_dir = record_dir
        self._file: TextIO | None = None
        self._recorded = 0
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        if record_dir is not None:
            record_dir.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def write(self, row: dict[str, Any], audio: bytes | None = None) -> dict[str, Any]:
        """Log one interaction; with a record folder, keep ``audio`` (16 kHz int16) as well."""
        now = datetime.datetime.now(datetime.UTC)
        row = {"time": now.isoformat(timespec="milliseconds"), **row}
        if self.record_dir is not None and audio:
            try:
                row["audio"] = self._record(now, row, audio)
            except OSError as exc:  # a full disk must not stop the kiosk
                log.error("question audio not kept in %s: %s", self.record_dir, exc)
        line = json.dumps(row, ensure_ascii=False)
        if self.emit is not None:
            self.emit(line)
        if self._file is not None:
            try:
                self._file.write(line + "\n")
                self._file.flush()
            except OSError as exc:
                log.error("interaction not logged to %s: %s", self.path, exc)
        return row

    def _record(self, now: datetime.datetime, row: dict[str, Any], audio: bytes) -> str:
        """Write ``<time>.wav`` and ``<time>.json`` and a manifest row whose ``expected_id`` is
        what the kiosk answered: a person corrects the wrong ones, then runs ``voice eval``."""
        assert self.record_dir is not None
        self._recorded += 1
        stem = now.strftime("%Y%m%dT%H%M%S.%f")[:-3] + f"-{self._recorded}"
        samples = np.frombuffer(audio, dtype="<i2").astype(np.float32) / 32768.0
        write_wav(self.record_dir / f"{stem}.wav", samples, SAMPLE_RATE)
        (self.record_dir / f"{stem}.json").write_text(
            json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        manifest = self.record_dir / MANIFEST
        new = not manifest.exists()
        with manifest.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(["path", "expected_id", "text", "kiosk_score"])
            expected = row.get("id") if row.get("id") is not None else "none"
            writer.writerow([f"{stem}.wav", expected, row.get("transcript", ""), row.get("score")])
        return f"{stem}.wav"
