"""Multi-pattern literal engines: hyperscan (Vectorscan) where available, ahocorasick-rs elsewhere.

Both report every (overlapping) occurrence as pattern ids and end offsets in characters of the
scanned text.

hyperscan scans UTF-8 bytes. UTF-8 is self-synchronising, so a literal match always lands on
character boundaries; byte offsets are mapped to characters with one cumulative sum of the
characters' widths, computed only when a non-ASCII text has matches. (A fixed-width encoding
avoids that sum but scanned 1.5x slower: more bytes, and less varied ones.)
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
_EMPTY = np.zeros(0, dtype=np.int64)

hyperscan: Any
try:  # hyperscan ships x86_64 wheels only
    import hyperscan

    HAVE_HYPERSCAN = True
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None
    HAVE_HYPERSCAN = False


def engine_version(backend: str) -> str:
    """Version of the engine library, part of the cache key (serialised databases are not
    portable across hyperscan versions)."""
    if backend == "hyperscan":
        return str(getattr(hyperscan, "__version__", ""))
    return ""


class Subject:
    """A text to scan: its code points, and (computed once, shared by engines) its UTF-8 bytes
    and the map from byte offsets back to characters."""

    __slots__ = ("_encoded", "_ends", "_text", "codes")

    def __init__(self, text: str | None, codes: npt.NDArray[np.uint32]) -> None:
        self._text = text
        self.codes = codes
        self._encoded: bytes | None = None
        self._ends: npt.NDArray[np.signedinteger[Any]] | None = None

    @property
    def text(self) -> str:
        """The text (decoded from the code points when it was not given)."""
        if self._text is None:
            self._text = self.codes.tobytes().decode("utf-32-le")
        return self._text

    @property
    def encoded(self) -> bytes:
        """The text in UTF-8."""
        if self._encoded is None:
            self._encoded = self.text.encode("utf-8", "surrogatepass")
        return self._encoded

    def char_ends(self, byte_ends: I64) -> I64:
        """Character offsets of byte end offsets (which fall on character boundaries)."""
        if len(self.encoded) == len(self.codes):
            return byte_ends
        if self._ends is None:
            # int32: numpy's cumsum widening uint8 to int64 is several times slower
            wide = len(self.encoded) >= 2**31
            self._ends = np.cumsum(
                _UTF8_WIDTH[self.codes >> 7], dtype=np.int64 if wide else np.int32
            )
        ends: I64 = np.searchsorted(self._ends, byte_ends).astype(np.int64) + 1
        return ends


_UTF8_WIDTH = np.repeat(np.array([1, 2, 3, 4], dtype=np.uint8), [1, 15, 496, 8192])
"""UTF-8 length of a code point, indexed by ``code_point >> 7`` (one gather per text)."""


class Engine(Protocol):
    """A compiled set of literal patterns."""

    name: str

    def scan(self, subject: Subject) -> tuple[I64, I64]:
        """Pattern ids and end offsets (characters) of every occurrence in the subject."""
        ...

    def serialize(self) -> bytes | None:
        """Bytes :func:`load_engine` can restore, or None when the engine rebuilds from patterns."""
        ...


class HyperscanEngine:
    """hyperscan block-mode database of literals; one scratch space per thread."""

    name = "hyperscan"

    def __init__(self, database: Any) -> None:
        self._db = database
        self._local = threading.local()

    @classmethod
    def compile(cls, patterns: tuple[str, ...]) -> HyperscanEngine:
        """Compile literal patterns (ids are their positions)."""
        assert hyperscan is not None
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if patterns:
            data = [p.encode("utf-8") for p in patterns]
            database.compile(
                expressions=data,
                ids=list(range(len(data))),
                elements=len(data),
                flags=[0] * len(data),
                literal=True,
            )
        return cls(database if patterns else None)

    @classmethod
    def load(cls, data: bytes) -> HyperscanEngine:
        """Restore a database written by :meth:`serialize`."""
        assert hyperscan is not None
        return cls(hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK) if data else None)

    def serialize(self) -> bytes:
        """The database in hyperscan's serialised form (empty when there are no patterns)."""
        assert hyperscan is not None
        return bytes(hyperscan.dumpb(self._db)) if self._db is not None else b""

    def scan(self, subject: Subject) -> tuple[I64, I64]:
        """See :meth:`Engine.scan`."""
        if self._db is None or not len(subject.codes):
            return _EMPTY, _EMPTY
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        ids: list[int] = []
        ends: list[int] = []
        add_id, add_end = ids.append, ends.append

        def on_match(pid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            add_id(pid)
            add_end(end)

        self._db.scan(subject.encoded, match_event_handler=on_match, scratch=scratch)
        if not ids:
            return _EMPTY, _EMPTY
        return np.array(ids, dtype=np.int64), subject.char_ends(np.array(ends, dtype=np.int64))


class AhoCorasickEngine:
    """ahocorasick-rs automaton (portable fallback; rebuilt from the patterns on load)."""

    name = "ahocorasick-rs"

    def __init__(self, patterns: tuple[str, ...]) -> None:
        import ahocorasick_rs

        self._ac = (
            ahocorasick_rs.AhoCorasick(list(patterns), matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
            if patterns
            else None
        )

    def serialize(self) -> None:
        """ahocorasick-rs automata are rebuilt from the cached patterns (fast)."""
        return None

    def scan(self, subject: Subject) -> tuple[I64, I64]:
        """See :meth:`Engine.scan`."""
        if self._ac is None or not subject.text:
            return _EMPTY, _EMPTY
        found = self._ac.find_matches_as_indexes(subject.text, overlapping=True)
        if not found:
            return _EMPTY, _EMPTY
        array = np.array(found, dtype=np.int64)
        return array[:, 0], array[:, 2]


class ShardedEngine:
    """Several engines over consecutive slices of one pattern list, scanned one after another.

    hyperscan's compiler needs about 2 KB per pattern while it works; shards of
    :data:`SHARD_SIZE` patterns keep the first compile of a 100k-keyword library (with its
    pinyin forms) within a few hundred MB.
    """

    def __init__(self, shards: list[Engine], offsets: list[int]) -> None:
        self.shards = shards
        self.offsets = offsets
        self.name = shards[0].name if shards else "empty"

    def scan(self, subject: Subject) -> tuple[I64, I64]:
        """See :meth:`Engine.scan`; ids index the whole pattern list."""
        found = [(ids + off, ends) for engine, off in zip(self.shards, self.offsets, strict=True)
                 for ids, ends in (engine.scan(subject),) if len(ids)]  # fmt: skip
        if not found:
            return _EMPTY, _EMPTY
        if len(found) == 1:
            return found[0]
        return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])

    def serialize(self) -> None:
        """Shards are serialised one by one (see :func:`hegui.text.build.compile_matcher`)."""
        return None


SHARD_SIZE = 90_000


def default_backend() -> str:
    """``hyperscan`` when it imports, else ``ahocorasick-rs``."""
    return "hyperscan" if HAVE_HYPERSCAN else "ahocorasick-rs"


def build_engine(
    patterns: tuple[str, ...], backend: str, serialized: bytes | None = None
) -> Engine:
    """Compile (or restore from ``serialized``) an engine for ``patterns``."""
    if backend == "hyperscan":
        if serialized is not None:
            return HyperscanEngine.load(serialized)
        return HyperscanEngine.compile(patterns)
    return AhoCorasickEngine(patterns)
