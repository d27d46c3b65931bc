"""Find audio devices by index or name, pick a sample rate they accept, and turn every PortAudio
failure into one clear :class:`DeviceError`.

PortAudio and ALSA print their own diagnostics straight to file descriptor 2 ("ALSA lib
pcm_pulse.c: ... Unable to create stream", "Expression ... failed in pa_linux_alsa.c") when a
device is listed but cannot be opened, e.g. a PulseAudio source that does not exist. Those lines
are caught around each PortAudio call and logged at debug level, so a user sees one message.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from voice.errors import DeviceError
from voice.stderr_lines import NATIVE_STDERR

log = logging.getLogger(__name__)

NO_DEVICE_HINT = "answer recorded questions with: voice ask FILE"

FALLBACK_RATES = (48_000, 44_100)
"""Rates tried after the preferred one and the device's default: what nearly all hardware does."""


@contextlib.contextmanager
def native_stderr_to_log() -> Iterator[None]:
    """Capture what C libraries write to file descriptor 2 during the block; log it at debug."""
    fd = NATIVE_STDERR
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    try:
        saved = os.dup(fd)
    except OSError:  # no file descriptor 2 at all
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            capture.seek(0)
            said = capture.read().decode(errors="replace").split("\n")
            lines = [line.strip() for line in said if line.strip()]
            if lines:
                log.debug("audio libraries said: %s", " | ".join(lines))


def _sounddevice() -> Any:
    try:
        with native_stderr_to_log():  # importing initializes PortAudio, which probes ALSA
            import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise DeviceError(f"PortAudio is not installed ({exc}); install libportaudio2") from None
    return sd


def list_devices() -> list[dict[str, Any]]:
    sd = _sounddevice()
    with native_stderr_to_log():
        return [dict(d, index=i) for i, d in enumerate(sd.query_devices())]


def describe(device: int | str | None) -> str:
    """How a device choice reads in a message."""
    return "the default device" if device is None or device == "" else f"device {device!r}"


def resolve_device(device: int | str | None, kind: str) -> int:
    """The device index for ``device`` (None: the system default) that can do ``kind``
    ("input" or "output")."""
    sd = _sounddevice()
    channels_key = f"max_{kind}_channels"
    try:
        with native_stderr_to_log():
            devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices: {exc}") from None
    if device is None or device == "":
        try:
            info = sd.query_devices(kind=kind)
        except (sd.PortAudioError, ValueError):
            raise DeviceError(f"no audio {kind} device found; {NO_DEVICE_HINT}") from None
        return int(info["index"])
    if isinstance(device, int) or str(device).isdigit():
        index = int(device)
        if 0 <= index < len(devices) and devices[index][channels_key] > 0:
            return index
        raise DeviceError(f"no audio {kind} device number {index}; see: voice devices")
    matches = [
        i
        for i, d in enumerate(devices)
        if str(device).lower() in d["name"].lower() and d[channels_key] > 0
    ]
    if not matches:
        raise DeviceError(f"no audio {kind} device named {device!r}; see: voice devices")
    return matches[0]


def pick_rate(index: int, kind: str, preferred: int, dtype: str) -> int:
    """``preferred`` if the device takes it, else the first rate it does take (the caller
    resamples): its own default, then :data:`FALLBACK_RATES`."""
    sd = _sounddevice()
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    default = int(sd.query_devices(index, kind)["default_samplerate"])
    candidates: Sequence[int] = list(dict.fromkeys((preferred, default, *FALLBACK_RATES)))
    refused = []
    for rate in candidates:
        try:
            with native_stderr_to_log():
                check(device=index, samplerate=rate, channels=1, dtype=dtype)
        except sd.PortAudioError as exc:
            refused.append(f"{rate} Hz: {exc}")
            continue
        if rate != preferred:
            log.debug("%s device %d refuses %d Hz; using %d Hz", kind, index, preferred, rate)
        return rate
    raise DeviceError(
        f"audio {kind} device {index} takes none of {', '.join(map(str, candidates))} Hz "
        f"mono ({refused[-1]})"
    )
