"""Shared fixtures. Append new ones; keep each small and put the machinery in its own module."""

from __future__ import annotations

import contextlib
import os
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


CPU_NICENESS = 10
"""How much lower the CPU priority of a test that plays no sound is, under pytest-xdist: with
two cores, the other worker's real-time tests then answer as promptly as on an idle machine
(measured without it: 3.7 s from a question's end to its answer's first sound, against 1.1-1.7 s
alone), while the CPU-bound tests use the time they spend waiting for audio."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``), the tests that play sound through the test
    sound server run one after another on one worker, while the other runs CPU-bound tests."""
    for item in items:
        if item.get_closest_marker("audio_device"):
            item.add_marker(pytest.mark.xdist_group("sound"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Run a test that plays no sound (its fixtures and every process it starts too) at a lower
    CPU priority when tests run in parallel (:data:`CPU_NICENESS`)."""
    if not os.environ.get("PYTEST_XDIST_WORKER") or item.get_closest_marker("audio_device"):
        return (yield)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, before + CPU_NICENESS)
    try:
        return (yield)
    finally:
        with contextlib.suppress(PermissionError):  # only root may raise it again
            os.setpriority(os.PRIO_PROCESS, 0, before)
