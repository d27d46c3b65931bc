"""A private PulseAudio server for the test session: a virtual sound card with no hardware.

Two null sinks stand in for the world around a kiosk:

- ``room``: the test plays spoken questions into it; the assistant's microphone is ``room.monitor``.
- ``speaker``: the assistant's output; the test records ``speaker.monitor`` to hear the answers.

The assistant reaches PulseAudio the way it would on a desktop: sounddevice -> PortAudio -> ALSA's
``pulse`` plugin (libasound2-plugins), routed by ``PULSE_SOURCE``/``PULSE_SINK``. The server runs
as whoever runs the tests (root included: ``--system`` is not needed for a private socket), with
anonymous auth on its own socket, so nothing under ``$HOME`` is read or written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOM = "room"
SPEAKER = "speaker"

START_TIMEOUT = 10.0
"""Seconds for the daemon to answer ``pactl info``; it takes ~0.1 s on a laptop."""

POLL_SECONDS = 0.05
"""Between two readiness probes we wait on the daemon's exit (so a crash is noticed at once)."""

RECORD_RATE = 16_000
"""The rate recordings are made at: the recognizers' rate, so measurements compare directly."""


class PulseError(RuntimeError):
    """The test sound server could not be started or used."""


class PulseServer:
    """A running private ``pulseaudio`` with the ``room`` and ``speaker`` null sinks."""

    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = runtime_dir
        self.socket = runtime_dir / "native"
        self.log_path = runtime_dir / "pulseaudio.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.socket}"

    def client_env(self, **extra: str) -> dict[str, str]:
        """This process's environment, with PulseAudio clients (pactl, paplay, the ALSA plugin)
        using only this server; ``extra`` adds variables such as ``PULSE_SOURCE``/``PULSE_SINK``."""
        env = dict(os.environ)
        for name in ("PULSE_SINK", "PULSE_SOURCE", "PULSE_PROP"):
            env.pop(name, None)
        env.update(
            PULSE_SERVER=self.server,
            PULSE_RUNTIME_PATH=str(self.runtime_dir),
            PULSE_COOKIE=str(self.runtime_dir / "cookie"),
        )
        env.update(extra)
        return env

    def assistant_env(self) -> dict[str, str]:
        """The assistant hears the room and speaks into the speaker."""
        return self.client_env(PULSE_SOURCE=f"{ROOM}.monitor", PULSE_SINK=SPEAKER)

    def start(self) -> None:
        for tool in ("pulseaudio", "pactl", "paplay", "parec"):
            if shutil.which(tool) is None:
                raise PulseError(
                    f"{tool} is not installed; run `make install-test` "
                    "(packages pulseaudio pulseaudio-utils libasound2-plugins)"
                )
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        command = [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            "--realtime=no",
            "--high-priority=no",
            "-n",  # no default.pa: no hardware detection, no state restored from $HOME
            "--log-target=stderr",
            "--log-level=notice",
            f"--load=module-native-protocol-unix socket={self.socket} auth-anonymous=1",
            f"--load=module-null-sink sink_name={ROOM}",
            f"--load=module-null-sink sink_name={SPEAKER}",
        ]
        daemon_env = self.client_env()
        # The daemon keeps its config and state under $HOME; give it the private folder.
        daemon_env.update(HOME=str(self.runtime_dir), XDG_CONFIG_HOME=str(self.runtime_dir))
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=daemon_env,
            )
        self._wait_ready()
        sinks = self.pactl("list", "short", "sinks")
        for name in (ROOM, SPEAKER):
            if name not in sinks.split():
                raise PulseError(f"pulseaudio started without the {name!r} sink:\n{sinks}")

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        last = ""
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["pactl", "info"], env=self.client_env(), capture_output=True, text=True
            )
            if probe.returncode == 0:
                return
            last = (probe.stderr or probe.stdout).strip()
            try:
                code = self._process.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                continue
            raise PulseError(f"pulseaudio exited with code {code}:\n{self.log_tail()}")
        self.stop()
        raise PulseError(
            f"pulseaudio did not answer within {START_TIMEOUT:.0f} s ({last}):\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self._process is None:
            return
        terminate(self._process)
        self._process = None

    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args], env=self.client_env(), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise PulseError(f"pactl {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def play(self, path: Path, sink: str = ROOM) -> None:
        """Play a sound file into ``sink`` and return when it has been played."""
        result = subprocess.run(
            ["paplay", f"--device={sink}", str(path)],
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise PulseError(f"paplay {path} failed: {result.stderr.strip()}")

    @contextmanager
    def module(self, name: str, *args: str) -> Iterator[int]:
        """Load a module (for example ``module-loopback``) for the duration of the block."""
        index = int(self.pactl("load-module", name, *args).strip())
        try:
            yield index
        finally:
            self.pactl("unload-module", str(index))

    @contextmanager
    def recording(self, source: str = f"{SPEAKER}.monitor") -> Iterator[Recorder]:
        """Record ``source`` (16 kHz mono int16) for the duration of the block."""
        recorder = Recorder(self, source)
        try:
            recorder.start()
            yield recorder
        finally:
            recorder.stop()


class Recorder:
    """``parec`` into memory; the test waits on what has been heard, never on the clock."""

    def __init__(self, server: PulseServer, source: str) -> None:
        self.server = server
        self.source = source
        self._data = bytearray()
        self._changed = threading.Condition()
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = 5.0) -> None:
        self._process = subprocess.Popen(
            [
                "parec",
                f"--device={self.source}",
                "--format=s16le",
                f"--rate={RECORD_RATE}",
                "--channels=1",
                "--latency-msec=20",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.server.client_env(),
        )
        self._reader = threading.Thread(target=self._read, name="parec-reader", daemon=True)
        self._reader.start()
        # A null sink's monitor delivers silence continuously: the first bytes mean "recording".
        if not self.wait_until(lambda samples: len(samples) > 0, timeout):
            raise PulseError(f"parec {self.source} delivered nothing in {timeout:.0f} s")

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while chunk := os.read(fd, 4096):
            with self._changed:
                self._data.extend(chunk)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def samples(self) -> np.ndarray:
        with self._changed:
            usable = len(self._data) - len(self._data) % 2
            return np.frombuffer(bytes(self._data[:usable]), dtype="<i2").copy()

    def wait_until(self, condition: Callable[[np.ndarray], bool], timeout: float) -> bool:
        """Block until ``condition(samples so far)`` holds; False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                usable = len(self._data) - len(self._data) % 2
                if condition(np.frombuffer(bytes(self._data[:usable]), dtype="<i2")):
                    return True
                remaining = deadline - time.monotonic()
                running = self._process is not None and self._process.poll() is None
                if remaining <= 0 or not running:
                    return False
                self._changed.wait(remaining)

    def stop(self) -> None:
        if self._process is None:
            return
        terminate(self._process)
        if self._reader is not None:
            self._reader.join(timeout=5)
        stderr = (
            self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
        )
        self._process = None
        if self._reader is not None and self._reader.is_alive():
            raise PulseError(f"parec {self.source} reader did not finish: {stderr.strip()}")


def start_server(runtime_dir: Path) -> PulseServer:
    """Start a private server in ``runtime_dir``; raises :class:`PulseError` saying why not."""
    server = PulseServer(runtime_dir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


def terminate(process: subprocess.Popen[bytes]) -> None:
    """Ask a child to end; kill it when it has not after five seconds."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
