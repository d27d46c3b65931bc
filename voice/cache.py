"""Where derived data (built once, reused across runs) is kept: never in the repository."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$VOICE_CACHE``, else ``$XDG_CACHE_HOME/voice``, else ``~/.cache/voice`` (created)."""
    root = os.environ.get("VOICE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "voice"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path
