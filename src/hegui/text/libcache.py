"""Cache of parsed keyword libraries, so a large library loads without re-parsing.

Parsing and validating 87k rows takes about a second in CPython; reading them back from an
``.npz`` column store takes a small fraction of that. The key covers the file's bytes, size and
modification time (the update date may come from it) and the loader options, so any change to
the file or the options re-parses it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

import numpy as np

from hegui.text import cache as disk_cache
from hegui.text.library import KeywordLibrary, UpdatedSource
from hegui.text.model import KeywordEntry, MatchMode, Severity

LIBRARY_CACHE_VERSION = "1"
_MODES = tuple(MatchMode)
_SEVERITIES = tuple(Severity)
_new_entry = partial(tuple.__new__, KeywordEntry)


def cached_library(
    file: Path, options: str, build: Callable[[], KeywordLibrary], *, use_cache: bool = True
) -> KeywordLibrary:
    """The library of ``file`` from the cache, or ``build()`` it and store it."""
    if not use_cache:
        return build()
    stat = file.stat()
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    key = disk_cache.cache_key(
        "library", LIBRARY_CACHE_VERSION, digest, str(stat.st_size), str(stat.st_mtime_ns), options
    )
    arrays = disk_cache.read(key)
    if arrays is not None:
        try:
            return _from_arrays(arrays)
        except (KeyError, ValueError, IndexError, UnicodeDecodeError):
            pass  # an unexpected layout: parse again
    library = build()
    disk_cache.write(key, _to_arrays(library))
    return library


def _to_arrays(lib: KeywordLibrary) -> dict[str, np.typing.NDArray[np.generic]]:
    head = [
        lib.name,
        lib.path or "",
        lib.updated.isoformat() if lib.updated else "",
        lib.updated_source or "",
        lib.version or "",
        lib.sha256,
    ]
    strings = head + [e.keyword for e in lib.entries] + [e.risk for e in lib.entries]
    extras = [x for e in lib.entries for x in (*e.allow, *e.variants)]
    strings += extras
    n = len(lib.entries)
    ints = np.zeros((n, 5), dtype=np.int64)
    if n:
        ints[:] = [
            (_MODES.index(e.mode), _SEVERITIES.index(e.severity), e.row or -1, len(e.allow),
             len(e.variants))
            for e in lib.entries
        ]  # fmt: skip
    return {
        "text": np.frombuffer("".join(strings).encode("utf-8", "surrogatepass"), dtype=np.uint8),
        "lengths": np.array([len(s) for s in strings], dtype=np.int64),
        "ints": ints,
        "duplicates": np.array([lib.duplicates], dtype=np.int64),
    }


def _from_arrays(arrays: dict[str, np.typing.NDArray[np.generic]]) -> KeywordLibrary:
    text = arrays["text"].tobytes().decode("utf-8", "surrogatepass")
    ends = np.cumsum(arrays["lengths"]).tolist()
    starts = [0, *ends[:-1]]
    strings = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    ints = arrays["ints"]
    n = len(ints)
    name, path, updated, source, version, sha = strings[:6]
    keywords = strings[6 : 6 + n]
    risks = strings[6 + n : 6 + 2 * n]
    extras = iter(strings[6 + 2 * n :])
    modes = [_MODES[i] for i in ints[:, 0].tolist()]
    severities = [_SEVERITIES[i] for i in ints[:, 1].tolist()]
    rows = [None if r < 0 else r for r in ints[:, 2].tolist()]
    counts = ints[:, 3:5]
    if not counts.any():
        empty = [()] * n
        entries = list(
            map(
                _new_entry, zip(keywords, risks, modes, severities, empty, empty, rows, strict=True)
            )
        )
    else:
        entries = []
        for i, (n_allow, n_variants) in enumerate(counts.tolist()):
            allow = tuple(next(extras) for _ in range(n_allow))
            variants = tuple(next(extras) for _ in range(n_variants))
            entries.append(
                KeywordEntry(
                    keywords[i], risks[i], modes[i], severities[i], allow, variants, rows[i]
                )
            )
    return KeywordLibrary(
        name=name,
        entries=tuple(entries),
        path=path or None,
        updated=date.fromisoformat(updated) if updated else None,
        updated_source=cast(UpdatedSource, source) if source else None,
        version=version or None,
        duplicates=int(arrays["duplicates"][0]),
        sha256=sha,
    )
