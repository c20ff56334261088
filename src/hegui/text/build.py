"""Build a :class:`CompiledMatcher` from a library, through the on-disk cache.

The main tier is split in two engines. The Latin engine holds the patterns with Latin letters
(pinyin forms, ASCII keywords) whose characters all lie within :data:`LATIN_REACH` of a letter;
it only scans the text around letters a-z (none at all in most Chinese texts). The main engine
holds the rest and scans the whole text. The homophone engine is compiled (or loaded) the first
time a scan asks for suspects.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hegui.errors import ConfigError
from hegui.text import cache as disk_cache
from hegui.text.engine import (
    HAVE_HYPERSCAN,
    SHARD_SIZE,
    Engine,
    ShardedEngine,
    build_engine,
    default_backend,
    engine_version,
)
from hegui.text.library import KeywordLibrary
from hegui.text.patterns import COMPILER_VERSION, PatternTables, compile_patterns
from hegui.text.tables import MAX_CODE_POINT, load_tables

BACKENDS = ("hyperscan", "ahocorasick-rs")
LATIN_REACH = 8
"""Pinyin forms reach at most 5 (a six-character keyword with one character spelled)."""
log = logging.getLogger(__name__)
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class PhoneticTables:
    """Homophone keys: length in syllables and owner entries (see :class:`PatternTables`)."""

    length: I32
    start: I32
    entry: I32


@dataclass(eq=False)
class CompiledMatcher:
    """Everything a :class:`~hegui.text.KeywordMatcher` scans with."""

    library: KeywordLibrary
    backend: str
    tables: PatternTables
    cjk: Engine
    cjk_ids: I64
    """Engine pattern id → pattern id of :attr:`tables`."""
    latin: Engine
    latin_ids: I64
    single: npt.NDArray[np.int32]
    """Code point → id of the one-character pattern it is, or -1."""
    latin_reach: int
    """Farthest a character of a Latin pattern lies from one of its letters a-z: the Latin engine
    only needs to see that far around the letters of a text."""
    cache_key: str
    use_cache: bool
    folder: Path | None
    loaded_from_cache: bool
    homophone_min_chars: int = 3
    phonetic: Engine | None = None
    phonetic_ids: I64 | None = None
    """Homophone engine pattern id → key index of ``tables.phonetic``."""
    phonetic_tables: PhoneticTables | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def _backend(requested: str | None) -> str:
    backend = requested or default_backend()
    if backend not in BACKENDS:
        raise ConfigError(f"unknown keyword backend {backend!r}; use {' or '.join(BACKENDS)}")
    if backend == "hyperscan" and not HAVE_HYPERSCAN:
        raise ConfigError("the hyperscan backend is not installed here; use ahocorasick-rs")
    return backend


def compile_matcher(
    library: KeywordLibrary,
    *,
    pinyin: bool = True,
    backend: str | None = None,
    use_cache: bool = True,
    folder: Path | None = None,
    homophone_min_chars: int = 3,
) -> CompiledMatcher:
    """Compile ``library``, or restore it from the cache when it was compiled before."""
    backend = _backend(backend)
    key = disk_cache.cache_key(
        library.sha256,
        load_tables().digest,
        COMPILER_VERSION,
        backend,
        engine_version(backend),
        f"pinyin={pinyin}",
    )
    arrays = disk_cache.read(key, folder) if use_cache else None
    if arrays is not None:
        try:
            return _assemble(
                library, backend, arrays, key, use_cache, folder, homophone_min_chars, True
            )
        except Exception as exc:  # a stale or damaged entry (any layer may raise): rebuild
            log.warning("keyword cache entry %s unusable (%s); compiling again", key, exc)
    tables = compile_patterns(library, pinyin=pinyin)
    arrays = dict(tables.arrays())
    arrays["n_entries"] = np.array([len(library.entries)], dtype=np.int64)
    compiled = _assemble(
        library, backend, arrays, key, use_cache, folder, homophone_min_chars, False
    )
    if use_cache:
        disk_cache.write(key, arrays, folder)
    return compiled


def _assemble(
    library: KeywordLibrary,
    backend: str,
    arrays: dict[str, npt.NDArray[np.generic]],
    key: str,
    use_cache: bool,
    folder: Path | None,
    homophone_min_chars: int,
    from_cache: bool,
) -> CompiledMatcher:
    """Engines from ``arrays``: restored from a cache entry (which must be complete, or this
    raises), else compiled, adding what the cache needs to ``arrays``."""
    if int(arrays["n_entries"][0]) != len(library.entries):
        raise ValueError("entry count differs from the library")
    tables = PatternTables.from_arrays(arrays)
    if not from_cache:
        # A pattern far from any letter (a Latin keyword with a long Chinese tail) would widen
        # every window, so it goes to the main engine instead.
        reaches = np.fromiter(
            (_latin_reach(p) for p in tables.patterns), dtype=np.int64, count=len(tables.patterns)
        )
        latin = (reaches >= 0) & (reaches <= LATIN_REACH)
        # One-character patterns are found with one table lookup per text instead: in a large
        # library they make up most matches, and each engine match costs a Python callback.
        single = tables.length == 1
        arrays["single_ids"] = np.flatnonzero(single).astype(np.int64)
        arrays["cjk_ids"] = np.flatnonzero(~latin & ~single).astype(np.int64)
        arrays["latin_ids"] = np.flatnonzero(latin & ~single).astype(np.int64)
        arrays["latin_reach"] = np.array([max(reaches[latin], default=0)], dtype=np.int64)
    engines: dict[str, tuple[Engine, I64]] = {}
    for name in ("cjk", "latin"):
        ids = arrays[f"{name}_ids"].astype(np.int64)
        shards: list[Engine] = []
        offsets = list(range(0, max(len(ids), 1), SHARD_SIZE))
        for k, offset in enumerate(offsets):
            key_k = f"engine_{name}_{k}"
            stored = arrays[key_k] if from_cache and backend == "hyperscan" else None
            # Restoring a serialised database needs no pattern list; only compiling does.
            chunk = ids[offset : offset + SHARD_SIZE].tolist()
            patterns = () if stored is not None else tuple(tables.patterns[i] for i in chunk)
            engine = build_engine(patterns, backend, _bytes(stored), utf16=name == "cjk")
            if not from_cache and (blob := engine.serialize()) is not None:
                arrays[key_k] = np.frombuffer(blob, dtype=np.uint8)
            shards.append(engine)
        combined = shards[0] if len(shards) == 1 else ShardedEngine(shards, offsets)
        engines[name] = (combined, ids)
    return CompiledMatcher(
        library=library,
        backend=backend,
        tables=tables,
        cjk=engines["cjk"][0],
        cjk_ids=engines["cjk"][1],
        latin=engines["latin"][0],
        latin_ids=engines["latin"][1],
        single=_single_table(tables, arrays["single_ids"].astype(np.int64)),
        latin_reach=int(arrays["latin_reach"][0]),
        cache_key=key,
        use_cache=use_cache,
        folder=folder,
        loaded_from_cache=from_cache,
        homophone_min_chars=max(2, homophone_min_chars),
    )


def load_phonetic(compiled: CompiledMatcher) -> None:
    """Compile (or restore) the homophone engine of ``compiled``, once."""
    with compiled.lock:
        if compiled.phonetic is not None:
            return
        t = compiled.tables
        lengths = np.fromiter((len(p) for p in t.phonetic), dtype=np.int32, count=len(t.phonetic))
        ids = np.flatnonzero(lengths >= compiled.homophone_min_chars).astype(np.int64)
        key = f"{compiled.cache_key}-phonetic{compiled.homophone_min_chars}"
        stored = disk_cache.read(key, compiled.folder) if compiled.use_cache else None
        keys = tuple(t.phonetic[i] for i in ids.tolist())
        engine: Engine | None = None
        if stored is not None and "engine" in stored:
            try:
                engine = build_engine(keys, compiled.backend, _bytes(stored["engine"]))
            except Exception as exc:  # damaged entry: compile again
                log.warning("homophone cache entry %s unusable (%s)", key, exc)
        if engine is None:
            engine = build_engine(keys, compiled.backend)
            if compiled.use_cache and (data := engine.serialize()) is not None:
                blob: disk_cache.Arrays = {"engine": np.frombuffer(data, dtype=np.uint8)}
                disk_cache.write(key, blob, compiled.folder)
        compiled.phonetic_tables = PhoneticTables(
            length=lengths, start=t.phonetic_start, entry=t.phonetic_entry
        )
        compiled.phonetic_ids = ids
        compiled.phonetic = engine


def _bytes(array: npt.NDArray[np.generic] | None) -> bytes | None:
    return None if array is None else array.tobytes()


def _single_table(tables: PatternTables, ids: I64) -> npt.NDArray[np.int32]:
    table = np.full(MAX_CODE_POINT, -1, dtype=np.int32)
    if len(ids):
        codes = [ord(tables.patterns[i]) for i in ids.tolist()]
        table[np.array(codes, dtype=np.int64)] = ids.astype(np.int32)
    table.flags.writeable = False
    return table


def _latin_reach(pattern: str) -> int:
    """How far a character of ``pattern`` can be from its nearest letter a-z (-1: no letter)."""
    letters = [i for i, ch in enumerate(pattern) if "a" <= ch <= "z"]
    if not letters:
        return -1
    gaps = [b - a for a, b in itertools.pairwise(letters)]
    return max(letters[0], len(pattern) - 1 - letters[-1], *gaps)
