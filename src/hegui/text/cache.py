"""On-disk cache of compiled matchers, keyed by the library's content hash.

A cache file is an ``.npz`` archive (numpy, no pickle) written to a temporary file in the same
folder and renamed into place, so a reader never sees half a file and concurrent writers are safe.
The folder is ``$HEGUI_CACHE_DIR`` or ``~/.cache/hegui``, subfolder ``keywords``. A cache that
cannot be read or written is ignored: the matcher is compiled again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Arrays = dict[str, npt.NDArray[np.generic]]


def cache_dir() -> Path:
    """The keyword cache folder (not created here)."""
    base = os.environ.get("HEGUI_CACHE_DIR") or str(Path.home() / ".cache" / "hegui")
    return Path(base) / "keywords"


def cache_key(*parts: str) -> str:
    """A file-name-safe key over the given strings."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def read(key: str, folder: Path | None = None) -> Arrays | None:
    """The arrays stored under ``key``, or None when absent or unreadable."""
    path = (folder or cache_dir()) / f"{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, KeyError) as exc:
        log.warning("ignoring unreadable keyword cache %s: %s", path, exc)
        return None


def write(key: str, arrays: Arrays, folder: Path | None = None) -> Path | None:
    """Store ``arrays`` under ``key`` atomically; return the path, or None if the folder is not
    writable (the caller goes on without a cache)."""
    target_dir = folder or cache_dir()
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=target_dir)
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, allow_pickle=False, **arrays)
            target = target_dir / f"{key}.npz"
            os.replace(temp_name, target)
            return target
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("cannot write keyword cache in %s: %s", target_dir, exc)
        return None
