"""Settings as frozen dataclasses; only the CLI builds them from arguments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voice.audio import MAX_QUESTION_SECONDS

PROJECT_DIR = Path(__file__).resolve().parent.parent


def default_path(name: str) -> Path:
    """``./name`` when it exists, else the project's own folder (an editable install's checkout)."""
    here = Path(name)
    if here.exists():
        return here
    project = PROJECT_DIR / name
    return project if project.exists() else here


@dataclass(frozen=True)
class Settings:
    seeds: Path
    """A seed file or a folder of them."""
    engine: str = "auto"
    """auto | vosk | whisper | pocketsphinx | pocketsphinx+whisper (voice.asr.ENGINES)"""
    model: Path | None = None
    """A Vosk or CTranslate2 Whisper model folder; None looks under ``models_root``."""
    models_root: Path = Path("models")
    threshold: float | None = None
    """Match score (0-100) below which the fallback answer is given; None: the knowledge base's
    language's own, and for English the engine's (voice.match.default_threshold)."""
    max_seconds: float = MAX_QUESTION_SECONDS
    """Longest audio file answered, in seconds."""
    denoise: bool = True
    """Noise suppression in front of PocketSphinx and Vosk (voice.asr.denoise); not Whisper."""

    @classmethod
    def defaults(cls) -> Settings:
        return cls(seeds=default_path("seeds"), models_root=default_path("models"))
