"""Multi-pattern literal engines: hyperscan (Vectorscan) where available, ahocorasick-rs elsewhere.

Both report every (overlapping) occurrence as pattern ids and end offsets in characters of the
scanned text.

hyperscan scans bytes, in one of two encodings chosen per engine:

* UTF-16 (the main and homophone engines, mostly Chinese): two bytes per character, so a byte
  offset is a character offset without any map (unless the text holds characters beyond the
  BMP, when one running sum maps them), and fewer bytes to scan than UTF-8's three. A literal
  can also match at an odd byte offset, across two characters; those matches are dropped. The
  binding's literal API refuses NUL bytes, which UTF-16 has, so patterns are compiled as
  expressions of escaped bytes.
* UTF-8 (the Latin engine, mostly ASCII): one byte per letter. UTF-8 is self-synchronising, so a
  match always lands on character boundaries; byte offsets map to characters with one running
  sum of the characters' widths, computed only when a non-ASCII text has matches.
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
    """A text to scan: its code points, and (computed once, shared by engines) its UTF-8 and
    UTF-16 bytes and the maps from byte offsets back to characters."""

    __slots__ = ("_codes", "_encoded", "_ends", "_ends16", "_text", "_utf16")

    def __init__(self, text: str | None, codes: npt.NDArray[np.uint32] | None = None) -> None:
        if text is None and codes is None:
            raise ValueError("a subject needs its text or its code points")
        self._text = text
        self._codes = codes
        self._encoded: bytes | None = None
        self._utf16: bytes | None = None
        self._ends: npt.NDArray[np.signedinteger[Any]] | None = None
        self._ends16: npt.NDArray[np.signedinteger[Any]] | None = None

    def __len__(self) -> int:
        """Characters."""
        return len(self._text) if self._text is not None else len(self.codes)

    @property
    def codes(self) -> npt.NDArray[np.uint32]:
        """The code points (encoded from the text when they were not given: a clean text
        scanned by one engine never needs them, and a numpy call is costly on a cold CPU)."""
        if self._codes is None:
            assert self._text is not None
            data = self._text.encode("utf-32-le", "surrogatepass")
            self._codes = np.frombuffer(data, dtype=np.uint32)
        return self._codes

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

    @property
    def utf16(self) -> bytes:
        """The text in UTF-16 (little-endian)."""
        if self._utf16 is None:
            self._utf16 = self.text.encode("utf-16-le", "surrogatepass")
        return self._utf16

    def char_ends16(self, byte_ends: I64) -> I64:
        """Character offsets of UTF-16 byte end offsets (which fall on character boundaries)."""
        if len(self.utf16) == 2 * len(self):  # no surrogate pairs: two bytes a character
            return byte_ends >> 1
        if self._ends16 is None:
            wide = len(self.utf16) >= 2**31
            self._ends16 = np.cumsum(
                np.where(self.codes >= 0x10000, 4, 2).astype(np.int32),
                dtype=np.int64 if wide else np.int32,
            )
        ends: I64 = np.searchsorted(self._ends16, byte_ends).astype(np.int64) + 1
        return ends

    def char_ends(self, byte_ends: I64) -> I64:
        """Character offsets of byte end offsets (which fall on character boundaries)."""
        if len(self.encoded) == len(self):
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
    """hyperscan block-mode database of literals, in UTF-16 or UTF-8 (see the module
    docstring); one scratch space per thread."""

    name = "hyperscan"

    def __init__(self, database: Any, *, utf16: bool) -> None:
        self._db = database
        self.utf16 = utf16
        self._local = threading.local()

    @classmethod
    def compile(cls, patterns: tuple[str, ...], *, utf16: bool) -> HyperscanEngine:
        """Compile literal patterns (ids are their positions)."""
        assert hyperscan is not None
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if patterns:
            if utf16:  # expressions of escaped bytes: the literal API refuses NUL bytes
                data = [_escaped(p.encode("utf-16-le", "surrogatepass")) for p in patterns]
            else:
                data = [p.encode("utf-8") for p in patterns]
            database.compile(
                expressions=data,
                ids=list(range(len(data))),
                elements=len(data),
                flags=[0] * len(data),
                literal=not utf16,
            )
        return cls(database if patterns else None, utf16=utf16)

    @classmethod
    def load(cls, data: bytes, *, utf16: bool) -> HyperscanEngine:
        """Restore a database written by :meth:`serialize`."""
        assert hyperscan is not None
        return cls(hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK) if data else None, utf16=utf16)

    def serialize(self) -> bytes:
        """The database in hyperscan's serialised form (empty when there are no patterns)."""
        assert hyperscan is not None
        return bytes(hyperscan.dumpb(self._db)) if self._db is not None else b""

    def scan(self, subject: Subject) -> tuple[I64, I64]:
        """See :meth:`Engine.scan`."""
        if self._db is None or not len(subject):
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

        if not self.utf16:
            self._db.scan(subject.encoded, match_event_handler=on_match, scratch=scratch)
            if not ids:
                return _EMPTY, _EMPTY
            return np.array(ids, dtype=np.int64), subject.char_ends(np.array(ends, dtype=np.int64))
        self._db.scan(subject.utf16, match_event_handler=on_match, scratch=scratch)
        if not ids:
            return _EMPTY, _EMPTY
        found, at = np.array(ids, dtype=np.int64), np.array(ends, dtype=np.int64)
        aligned = (at & 1) == 0  # an odd end spans two characters' bytes: not a match
        if not bool(aligned.all()):
            found, at = found[aligned], at[aligned]
        return found, subject.char_ends16(at)


def _escaped(data: bytes) -> bytes:
    """A hyperscan expression matching exactly ``data``."""
    return "".join(f"\\x{b:02x}" for b in data).encode("ascii")


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
    patterns: tuple[str, ...],
    backend: str,
    serialized: bytes | None = None,
    *,
    utf16: bool = True,
) -> Engine:
    """Compile (or restore from ``serialized``) an engine for ``patterns``; ``utf16`` chooses
    hyperscan's encoding (see the module docstring)."""
    if backend == "hyperscan":
        if serialized is not None:
            return HyperscanEngine.load(serialized, utf16=utf16)
        return HyperscanEngine.compile(patterns, utf16=utf16)
    return AhoCorasickEngine(patterns)
