"""Where derived data (built once, reused across runs) is kept: never in the repository."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voice.errors import CacheError

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """``$VOICE_CACHE``, else ``$XDG_CACHE_HOME/voice``, else ``~/.cache/voice`` (created).
    A folder that cannot be made (a file in the way, no permission) is one clear error: the
    language model and the answers cannot be built anywhere else."""
    root = os.environ.get("VOICE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "voice"
    )
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(
            f"cannot use the cache folder {path} ({exc.strerror or exc}); "
            "set VOICE_CACHE to a folder this user can write"
        ) from None
    return path


def cached_arrays(name: str, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays kept as ``name`` (an .npz file) in the cache folder: read when there, else
    built, kept and returned. The file is written under a temporary name and renamed, so a crash
    never leaves half of one; a damaged file is built again; a cache that cannot be written only
    costs the next start the build. The temporary name is the writer's own (process and
    thread): `voice eval`'s workers and the kiosk's rebuild thread may build one file at once."""
    path = cache_dir() / name
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except (OSError, ValueError, KeyError) as exc:
            log.warning("cache: %s is damaged (%s); building it again", path, exc)
    arrays = build()
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp.npz")
    try:
        np.savez(partial, **arrays)  # type: ignore[arg-type]
        partial.replace(path)
    except OSError as exc:
        log.warning("cache: cannot keep %s (%s); it is built again next time", path, exc)
    return arrays
