"""Running ffmpeg/ffprobe: an optional system tool, with errors that say how to install it."""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal, overload

from hegui.labeling.errors import LabelError, ToolMissingError

INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)"
_TIMEOUT = 600


def ffmpeg_binary() -> str:
    """Path of ``ffmpeg``, or :class:`ToolMissingError`."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise ToolMissingError(
            f"ffmpeg is needed for video and non-WAV audio labels; {INSTALL_HINT}"
        )
    return found


def ffprobe_binary() -> str:
    """Path of ``ffprobe`` (shipped with ffmpeg), or :class:`ToolMissingError`."""
    found = shutil.which("ffprobe")
    if found is None:
        raise ToolMissingError(f"ffprobe is needed to inspect media; {INSTALL_HINT}")
    return found


@overload
def run_ffmpeg(args: list[str], *, what: str, binary: Literal[False] = False) -> str: ...
@overload
def run_ffmpeg(args: list[str], *, what: str, binary: Literal[True]) -> bytes: ...


def run_ffmpeg(args: list[str], *, what: str, binary: bool = False) -> str | bytes:
    """Run an ffmpeg/ffprobe command and return its standard output.

    Raises:
        LabelError: the command failed; the message ends with ffmpeg's last error line.
    """
    try:
        result = subprocess.run(args, capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise LabelError(f"ffmpeg took longer than {_TIMEOUT} s to {what}") from None
    except OSError as exc:
        raise ToolMissingError(f"cannot run {args[0]}: {exc.strerror}; {INSTALL_HINT}") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LabelError(f"ffmpeg could not {what}: {lines[-1] if lines else 'failed'}")
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")
