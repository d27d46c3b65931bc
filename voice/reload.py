"""Notice edits to the seed files while the kiosk runs, by polling modification times (no
dependency, works on every filesystem, costs microseconds a second), and load the new knowledge
base only when it is at least as sound as the old one.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from voice.errors import SeedError
from voice.seeds import KnowledgeBase, load_knowledge_base, seed_files
from voice.terms import synonym_files

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
"""How often the files are checked: edits take effect within seconds, as promised."""

SETTLE_SECONDS = 0.3
"""A change is read only once the files have not changed for this long, so an editor's
write-then-rename (or a copy of many files) is read whole, not half way."""


def _snapshot(seeds: Path) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) of every seed and synonym file: what changes when one is edited."""
    try:
        files = [*seed_files(seeds), *synonym_files(seeds)]
    except SeedError:
        return {}  # the folder itself is gone; loading will say so
    found: dict[str, tuple[int, int]] = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue  # removed between listing and stat: the next poll sees it gone
        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


class SeedWatcher:
    """Call :meth:`poll` often; it returns a new knowledge base when the files changed and the
    new one is usable, else None. A broken edit is logged (with ``file:line`` and why) and the
    previous knowledge base stays in use."""

    def __init__(self, seeds: Path, current: KnowledgeBase, poll_seconds: float = POLL_SECONDS):
        self.seeds = Path(seeds)
        self.current = current
        self.poll_seconds = poll_seconds
        self._seen = _snapshot(self.seeds)
        self._next_check = 0.0
        self._changed_at: float | None = None
        self.rejected: str | None = None
        """Why the last edit was not taken (None when it was, or nothing was edited)."""

    def poll(self, now: float | None = None) -> KnowledgeBase | None:
        now = time.monotonic() if now is None else now
        if now < self._next_check:
            return None
        self._next_check = now + self.poll_seconds
        snapshot = _snapshot(self.seeds)
        if snapshot != self._seen:
            self._seen = snapshot
            self._changed_at = now
            return None  # wait for it to settle
        if self._changed_at is None or now - self._changed_at < SETTLE_SECONDS:
            return None
        self._changed_at = None
        return self._load()

    def _load(self) -> KnowledgeBase | None:
        try:
            kb = load_knowledge_base(self.seeds)
        except SeedError as exc:
            self._reject(str(exc))
            return None
        if len(kb.problems) > len(self.current.problems):
            new = [str(p) for p in kb.problems if p not in self.current.problems]
            self._reject("; ".join(new) or f"{len(kb.problems)} problems")
            return None
        log.warning(
            "seeds reloaded from %s: %d entries (were %d)", self.seeds, len(kb), len(self.current)
        )
        self.current = kb
        self.rejected = None
        return kb

    def _reject(self, why: str) -> None:
        self.rejected = why
        log.error(
            "seed edit not used, still answering from the previous %d entries: %s",
            len(self.current),
            why,
        )
