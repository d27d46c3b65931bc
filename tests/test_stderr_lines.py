"""A status line is never glued into a C library's notice on stderr (voice.stderr_lines).

The C side is a real write to file descriptor 2 in two pieces, the way ALSA reports an underrun;
the Python side is the kiosk's own ``print``. Both run in a child process, whose stderr is read
the way a script watching the kiosk reads it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

NOTICE_START = "ALSA lib pcm.c:8570:(snd_pcm_recover) "
NOTICE_END = "underrun occurred"


def stderr_of(program: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


def test_a_status_line_printed_inside_an_alsa_notice_stays_whole() -> None:
    lines = stderr_of(
        f"""
        import os, sys
        from voice.stderr_lines import whole_lines_on_stderr
        with whole_lines_on_stderr():
            os.write(2, {NOTICE_START!r}.encode())
            print("kiosk: listening", file=sys.stderr, flush=True)
            os.write(2, {NOTICE_END!r}.encode() + b"\\n")
            os.write(2, b"a last word without its newline")
        print("voice: stopped", file=sys.stderr, flush=True)
        """
    )
    assert "kiosk: listening" in lines
    assert NOTICE_START + NOTICE_END in lines
    assert "a last word without its newline" in lines  # nothing is lost at the end
    assert lines[-1] == "voice: stopped"


def test_without_it_the_line_is_glued() -> None:
    """The failure the module exists for, shown: so the test above can fail."""
    lines = stderr_of(
        f"""
        import os, sys
        os.write(2, {NOTICE_START!r}.encode())
        print("kiosk: listening", file=sys.stderr, flush=True)
        os.write(2, {NOTICE_END!r}.encode() + b"\\n")
        """
    )
    assert "kiosk: listening" not in lines
    assert lines[0] == NOTICE_START + "kiosk: listening"


def test_library_chatter_while_probing_devices_is_still_kept_off_stderr() -> None:
    """voice.devices.native_stderr_to_log inside the block: what a library says while the
    devices are probed goes to the log (debug), not to the screen."""
    lines = stderr_of(
        """
        import os, sys
        from voice.devices import native_stderr_to_log
        from voice.stderr_lines import whole_lines_on_stderr
        with whole_lines_on_stderr():
            with native_stderr_to_log():
                os.write(2, b"ALSA lib pcm_pulse.c:758:(pulse_prepare) Unable to create stream\\n")
            print("kiosk: ready", file=sys.stderr, flush=True)
        """
    )
    assert lines == ["kiosk: ready"]
