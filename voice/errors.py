"""One exception hierarchy; only the CLI turns these into a message and an exit code."""


class VoiceError(Exception):
    """Base of every error voice reports to a user as one line."""


class AudioError(VoiceError):
    """An audio file or stream that cannot be used (missing, empty, not audio, too long)."""


class SeedError(VoiceError):
    """A knowledge base that cannot be used at all (no file, no entries)."""


class ModelError(VoiceError):
    """A speech model that cannot be loaded (not a model folder, engine not installed)."""


class DeviceError(VoiceError):
    """An audio device that is missing or fails."""


class ManifestError(VoiceError):
    """A test-set manifest (or folder of clips) that cannot be evaluated; names the bad rows."""


class CacheError(VoiceError):
    """The cache folder (``$VOICE_CACHE`` or its default) cannot be made or used."""
