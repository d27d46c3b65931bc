"""Branding of the kiosk's screen: a title, a logo, colours, how many example questions.

Read from a small TOML or JSON file (``voice kiosk --display-config FILE``)::

    title = "Museum information"
    logo = "logo.png"            # relative to the config file
    examples = 4
    [colours]
    background = "#000000"
    text = "#ffffff"
    accent = "#ffd400"

Every key is optional. Colours must be ``#rgb`` or ``#rrggbb``: they go into the page's style
sheet, so nothing else is accepted.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from voice.errors import VoiceError

COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}

MAX_EXAMPLES = 12
"""More example questions than this do not fit on a portrait screen at a readable size."""


class DisplayConfigError(VoiceError):
    """A display config file that cannot be used; says which key is wrong."""


@dataclass(frozen=True)
class Colours:
    """Defaults: white on near-black with a yellow accent, a contrast ratio above 15:1."""

    background: str = "#0b0b0f"
    text: str = "#ffffff"
    accent: str = "#ffd400"


@dataclass(frozen=True)
class DisplayConfig:
    title: str = "Ask me a question"
    logo: Path | None = None
    """An image file (PNG, JPEG, SVG or WebP) shown beside the title."""
    examples: int = 4
    """Example questions shown to tap, the first entries of the seeds."""
    colours: Colours = field(default_factory=Colours)


def load_display_config(path: Path) -> DisplayConfig:
    """Read ``path`` (``.toml`` or ``.json``); raise :class:`DisplayConfigError` saying what is
    wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DisplayConfigError(f"{path}: cannot read the display config ({exc})") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise DisplayConfigError(f"{path}: not valid TOML or JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise DisplayConfigError(f"{path}: expected a table of settings")
    return parse_display_config(raw, path.parent, str(path))


def parse_display_config(raw: dict[str, Any], base: Path, name: str) -> DisplayConfig:
    known = {f.name for f in fields(DisplayConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DisplayConfigError(f"{name}: unknown keys {unknown}; known: {sorted(known)}")
    title = raw.get("title", DisplayConfig.title)
    if not isinstance(title, str) or not title.strip():
        raise DisplayConfigError(f"{name}: title must be a non-empty string")
    examples = raw.get("examples", DisplayConfig.examples)
    if not isinstance(examples, int) or isinstance(examples, bool):
        raise DisplayConfigError(f"{name}: examples must be a whole number")
    if not 0 <= examples <= MAX_EXAMPLES:
        raise DisplayConfigError(f"{name}: examples must be 0 to {MAX_EXAMPLES}")
    logo = None
    if raw.get("logo") is not None:
        if not isinstance(raw["logo"], str):
            raise DisplayConfigError(f"{name}: logo must be a file name")
        logo = base / raw["logo"]
        if logo.suffix.lower() not in LOGO_TYPES:
            raise DisplayConfigError(f"{name}: logo must be one of {sorted(LOGO_TYPES)}")
        if not logo.is_file():
            raise DisplayConfigError(f"{name}: logo {logo} not found")
    colours = raw.get("colours", {})
    if not isinstance(colours, dict):
        raise DisplayConfigError(f"{name}: colours must be a table")
    allowed = {f.name for f in fields(Colours)}
    for key, value in colours.items():
        if key not in allowed:
            raise DisplayConfigError(f"{name}: unknown colour {key!r}; known: {sorted(allowed)}")
        if not isinstance(value, str) or not COLOUR.fullmatch(value):
            raise DisplayConfigError(f"{name}: colour {key} must look like #1a2b3c")
    return DisplayConfig(title.strip(), logo, examples, Colours(**colours))
