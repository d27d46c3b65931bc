"""voice: offline spoken question answering.

>>> from voice import Assistant, Settings
>>> assistant = Assistant.from_settings(Settings.defaults())
>>> assistant.ask_text("why did the peace talks fail").id
1
"""

from voice.assistant import Answer, Assistant
from voice.config import Settings
from voice.errors import AudioError, DeviceError, ModelError, SeedError, VoiceError
from voice.seeds import Entry, KnowledgeBase, load_knowledge_base

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Assistant",
    "AudioError",
    "DeviceError",
    "Entry",
    "KnowledgeBase",
    "ModelError",
    "SeedError",
    "Settings",
    "VoiceError",
    "__version__",
    "load_knowledge_base",
]
