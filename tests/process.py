"""Run the real CLI as a child process and wait on what it prints, line by line, with timeouts."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO

VOICE = [sys.executable, "-m", "voice"]


class LiveProcess:
    """``voice ...`` with its stdout and stderr read by threads into line queues."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.args = [*VOICE, *args]
        self.process = subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            text=True,
            bufsize=1,
        )
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._stdout: queue.Queue[str | None] = queue.Queue()
        self._stderr: queue.Queue[str | None] = queue.Queue()
        assert self.process.stdout is not None and self.process.stderr is not None
        self._threads = [
            _reader(self.process.stdout, self._stdout, self.stdout_lines),
            _reader(self.process.stderr, self._stderr, self.stderr_lines),
        ]

    def expect_stdout(self, pattern: str, timeout: float) -> str:
        return self._expect(self._stdout, "stdout", pattern, timeout)

    def expect_stderr(self, pattern: str, timeout: float) -> str:
        return self._expect(self._stderr, "stderr", pattern, timeout)

    def _expect(
        self, lines: queue.Queue[str | None], name: str, pattern: str, timeout: float
    ) -> str:
        """The next line on ``name`` matching ``pattern``; fails with everything printed so far."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                lines.put(None)  # later calls see the end too
                raise AssertionError(
                    f"{name} closed before a line matching {pattern!r}{self._dump()}"
                )
            if regex.search(line):
                return line
        raise AssertionError(f"no {name} line matching {pattern!r} in {timeout} s{self._dump()}")

    def wait(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout} s{self._dump()}") from None
        for thread in self._threads:
            thread.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for thread in self._threads:
            thread.join(timeout=5)

    def _dump(self) -> str:
        return (
            f"\n$ {' '.join(self.args)}\n--- stdout:\n"
            + "\n".join(self.stdout_lines)
            + "\n--- stderr:\n"
            + "\n".join(self.stderr_lines)
        )

    def __enter__(self) -> LiveProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def _reader(stream: IO[str], lines: queue.Queue[str | None], log: list[str]) -> threading.Thread:
    def run() -> None:
        for line in stream:
            line = line.rstrip("\n")
            log.append(line)
            lines.put(line)
        lines.put(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
