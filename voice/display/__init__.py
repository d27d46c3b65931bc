"""The kiosk's screen: a local web page showing what the assistant hears and says.

``voice kiosk --display`` runs :class:`~voice.display.server.DisplayServer` beside the kiosk loop.
It serves one page (plain HTML, CSS and JavaScript shipped in ``static/``, nothing from the
network), pushes the kiosk's events to it as server-sent events, and takes the page's two
requests: answer an entry by id, mute or unmute.
"""

from voice.display.config import DisplayConfig, load_display_config
from voice.display.server import DisplayServer, create_app

__all__ = ["DisplayConfig", "DisplayServer", "create_app", "load_display_config"]
