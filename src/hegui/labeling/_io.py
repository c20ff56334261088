"""File plumbing shared by the containers: atomic replacement and bounded-memory range copies."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hegui.labeling.errors import CorruptFileError, LabelError

_BLOCK = 1 << 20


@contextlib.contextmanager
def atomic_output(target: Path, *, like: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically.

    The temporary file is flushed to disk before the rename, so a crash leaves either the old file
    or the complete new one, never a half-written file. On any exception it is deleted. ``like``
    gives the file whose permission bits the result keeps (default: ``target`` if it exists).
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.hegui-tmp")
    try:
        yield tmp
        if not tmp.exists():
            raise LabelError("internal: nothing was written", path=target)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        source = like if like is not None and like.exists() else target
        if source.exists():
            shutil.copymode(source, tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows), hence best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_range(src: BinaryIO, dst: BinaryIO, offset: int, count: int) -> None:
    """Copy ``count`` bytes of ``src`` from ``offset`` to the current position of ``dst``.

    Uses ``os.copy_file_range`` (in-kernel, no user-space buffer) when available, else 1 MiB
    blocks, so memory does not grow with the size of the range.
    """
    dst.flush()
    copied = 0
    if hasattr(os, "copy_file_range"):
        out_pos = dst.tell()
        try:
            while copied < count:
                n = os.copy_file_range(
                    src.fileno(), dst.fileno(), count - copied, offset + copied, out_pos + copied
                )
                if n == 0:
                    break
                copied += n
        except OSError:
            copied = 0  # e.g. across file systems on old kernels: fall back to plain copies
        dst.seek(out_pos + copied)
    src.seek(offset + copied)
    while copied < count:
        block = src.read(min(_BLOCK, count - copied))
        if not block:
            break
        dst.write(block)
        copied += len(block)
    if copied != count:
        raise CorruptFileError(f"file ends {count - copied} bytes early (truncated?)")


def read_exact(handle: BinaryIO, count: int, what: str) -> bytes:
    """Read exactly ``count`` bytes or raise :class:`CorruptFileError` naming ``what``."""
    data = handle.read(count)
    if len(data) != count:
        raise CorruptFileError(f"truncated {what}: expected {count} bytes, got {len(data)}")
    return data


def file_size(handle: BinaryIO) -> int:
    """Size of an open file in bytes."""
    return os.fstat(handle.fileno()).st_size
