"""Find audio devices by index or name; one clear error when there is none."""

from __future__ import annotations

from typing import Any

from voice.errors import DeviceError

NO_DEVICE_HINT = "answer recorded questions with: voice ask FILE"


def _sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise DeviceError(f"PortAudio is not installed ({exc}); install libportaudio2") from None
    return sd


def list_devices() -> list[dict[str, Any]]:
    sd = _sounddevice()
    return [dict(d, index=i) for i, d in enumerate(sd.query_devices())]


def resolve_device(device: int | str | None, kind: str) -> int:
    """The device index for ``device`` (None: the system default) that can do ``kind``
    ("input" or "output")."""
    sd = _sounddevice()
    channels_key = f"max_{kind}_channels"
    try:
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
