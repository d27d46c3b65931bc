"""Keep every line on stderr whole while C libraries write to it in pieces.

ALSA reports a buffer underrun as two writes to file descriptor 2: "ALSA lib pcm.c:8570:
(snd_pcm_recover) " and then "underrun occurred\\n". A status line printed between the two ends up
inside ALSA's notice ("ALSA lib pcm.c:8570:(snd_pcm_recover) kiosk: listening"), and a script that
waits for a line starting with "kiosk: listening" never sees it (it happened twice in a row to the
kiosk's display test on a loaded machine). For a long-running command, :func:`whole_lines_on_stderr`
gives the C libraries a pipe as their file descriptor 2, whose reader passes on whole lines, and
points Python's ``sys.stderr`` at the real stderr: each writer then writes whole lines only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

NATIVE_STDERR = 2
"""The file descriptor C libraries write their diagnostics to, whatever ``sys.stderr`` is."""

DRAIN_SECONDS = 1.0
"""How long the end of the block waits for the reader to pass on the last lines. A child process
that still holds the pipe (a worker, a synthesizer) would keep it open for ever."""


@contextlib.contextmanager
def whole_lines_on_stderr() -> Iterator[None]:
    """For the block: C libraries' writes to fd 2 reach stderr a whole line at a time, and
    ``sys.stderr`` (so ``print`` and logging handlers made inside the block) writes to stderr
    directly. Without a real stderr (embedded, captured) it changes nothing."""
    try:
        sys.stderr.flush()
        real = os.dup(NATIVE_STDERR)
    except (AttributeError, OSError, ValueError):
        yield
        return
    read_end, write_end = os.pipe()
    os.dup2(write_end, NATIVE_STDERR)
    os.close(write_end)
    previous = sys.stderr
    sys.stderr = open(  # noqa: SIM115 - outlives the block, like the handlers that hold it
        real, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False
    )
    relay = threading.Thread(target=_relay, args=(read_end, real), name="stderr-lines", daemon=True)
    relay.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(real, NATIVE_STDERR)  # the pipe's last write end is gone: the reader sees its end
        relay.join(DRAIN_SECONDS)
        sys.stderr = previous
        # ``real`` stays open: logging handlers made in the block still write to it.


def _relay(read_end: int, real: int) -> None:
    """Pass on what arrives at ``read_end`` a whole line at a time, with one write per line (one
    write is not split by another writer's); a last line without its newline is given one."""
    pending = b""
    with open(read_end, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                _write_all(real, line + b"\n")
    if pending:
        _write_all(real, pending + b"\n")


def _write_all(fd: int, data: bytes) -> None:
    with contextlib.suppress(OSError):  # stderr closed under us: nowhere left to say it
        while data:
            data = data[os.write(fd, data) :]
