"""Shared fixtures. Append new ones; keep each small and put the machinery in its own module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pulse import PulseError, PulseServer, start_server


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A private PulseAudio server with ``room`` and ``speaker`` null sinks (see tests/pulse.py).
    No sound server means the audio tests fail: they are the only proof the microphone works."""
    try:
        server: PulseServer | None = start_server(tmp_path_factory.mktemp("pulse"))
    except PulseError as exc:  # failed outside the except block: no chained traceback to read
        server, problem = None, str(exc)
    if server is None:
        pytest.fail(f"cannot start the test sound server: {problem}", pytrace=False)
    yield server
    server.stop()
