"""Atomic file writes: a report file is either the old one or the complete new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hegui.errors import ReportError


@contextlib.contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it over ``path`` with os.replace.

    The temporary file lives in the same directory so the final rename never crosses file systems.
    On any exception the temporary file is removed and ``path`` is left untouched.
    """
    final = Path(path)
    parent = final.parent
    if not parent.is_dir():
        raise ReportError(f"{parent}: directory does not exist; create it or choose another path")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates the file 0600; a report is an ordinary document.
        tmp.chmod(0o666 & ~_umask())
        with open(tmp, "rb") as handle:  # on disk before the rename makes it visible
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_text_atomic(path: str | os.PathLike[str], text: str, errors: str = "strict") -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically and return the path.

    ``errors`` is the codec error handler (``"replace"`` turns lone surrogates into ``?``).
    """
    data = text.encode("utf-8", errors=errors)
    with atomic_target(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
