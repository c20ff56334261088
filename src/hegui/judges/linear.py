"""A linear model over hashed features, stored as one small JSON file and applied with numpy.

File layout (``format: hegui-linear/1``)::

    {"format": "hegui-linear/1", "name": "refusal-ml", "version": "2.1.0",
     "classes": ["comply", "refuse", "partial"],      # 2 classes: logistic; more: softmax
     "features": {"bits": 20, "max_n": 3, ...},       # a FeatureSpec (with its hashing)
     "intercept": [...],                               # one per weight column
     "buckets": "<base64 little-endian uint32>",       # sorted bucket numbers with a weight
     "weights": "<base64 little-endian int16>",        # len(buckets) x columns, row-major
     "scale": 0.0002,                                  # weight = int16 value x scale
     "meta": {...}}                                    # training data, thresholds, quality

A binary model has one weight column (the score of ``classes[1]``); a multi-class model one
column per class. Weights are stored as 16-bit integers times ``scale`` (a step far below what
changes a decision), which halves the file. The file holds numbers only: bucket numbers of hashed
n-grams and their weights — no text of the training data.

Scoring runs in the compiled ``hegui.judges._scoring`` when it is built (``pip install`` builds
it where a C compiler is found): one call per batch of texts instead of some thirty numpy
operations, which on the short texts of a gateway are most of the time. Without it the same
numbers come from numpy (:func:`~hegui.judges.features.featurise`), the reference the compiled
scorer is tested against.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hegui.errors import JudgeError
from hegui.judges.features import (
    _HEAD,
    HASHING,
    FeatureBatch,
    Features,
    FeatureSpec,
    _scoring,  # the compiled module, or None when it was not built
    _tokens,
    extra_bucket,
    featurise,
    featurise_many,
)
from hegui.text.dedup import ngram_multipliers

FORMAT = "hegui-linear/1"
_DENSE_BITS = 24
"""Models whose buckets all lie below ``2**_DENSE_BITS`` get a dense bucket → row index."""


def _pack(values: Sequence[float] | Sequence[int], code: str) -> str:
    data = array(code, values)
    if sys.byteorder == "big":
        data.byteswap()
    return base64.b64encode(data.tobytes()).decode("ascii")


def _unpack(text: str, code: str, where: str) -> array[Any]:
    data = array(code)
    try:
        data.frombytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as exc:
        raise JudgeError(f"{where}: not base64 {code!r} data: {exc}") from None
    if sys.byteorder == "big":
        data.byteswap()
    return data


@dataclass(frozen=True)
class LinearModel:
    """Weights of a (multinomial) logistic regression over :func:`featurise` vectors."""

    name: str
    version: str
    classes: tuple[str, ...]
    spec: FeatureSpec
    intercept: tuple[float, ...]
    weights: Mapping[int, tuple[float, ...]]
    """Bucket → one weight per column."""
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> int:
        return len(self.intercept)

    @cached_property
    def _table(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Sorted bucket numbers and their weight rows, for vectorised lookups."""
        keys = np.array(sorted(self.weights), dtype=np.int64)
        rows = np.array([self.weights[int(b)] for b in keys], dtype=np.float64)
        return keys, rows.reshape(len(keys), self.columns)

    @cached_property
    def _dense(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]] | None:
        """Bucket → 1 + its row of weights (0: none), and the rows after a zero row 0 (for one
        column, a flat array); None when the buckets reach above ``2**_DENSE_BITS``.

        The index takes ``4 * 2**bits`` bytes (4 MB for 20 bits); looking a feature vector up
        in it is one step instead of a binary search, a mask and a compare, which cost more
        than the arithmetic on the short texts of a gateway."""
        keys, rows = self._table
        top = int(keys[-1]) + 1 if len(keys) else 0
        if top > 1 << _DENSE_BITS:
            return None
        index = np.zeros(top + 1, dtype=np.int32)  # the last slot: every bucket above the keys
        index[keys] = np.arange(1, len(keys) + 1, dtype=np.int32)
        padded = np.concatenate([np.zeros((1, self.columns)), rows])
        return index, padded[:, 0].copy() if self.columns == 1 else padded

    def _scores(self, features: Features) -> npt.NDArray[np.float64]:
        """The values times the weights of their buckets, one sum per column."""
        dense = self._dense
        if dense is not None:
            # Bucket numbers are never negative (top bits of a hash, a masked CRC-32), so
            # "clip" only sends buckets above every key to the last, empty, slot.
            index, padded = dense
            at = index.take(features.buckets, mode="clip")
            return features.values.dot(padded.take(at, axis=0))  # type: ignore[no-any-return]
        keys, rows = self._table
        if not len(features.buckets):
            return np.zeros(self.columns)
        pos = np.searchsorted(keys, features.buckets)
        pos[pos == len(keys)] = 0
        hit = keys[pos] == features.buckets
        return features.values[hit] @ rows[pos[hit]]  # type: ignore[no-any-return]

    @cached_property
    def _compiled(self) -> tuple[Any, ...] | None:
        """The compiled scorer's arguments after the texts; None without the scorer or a
        dense index."""
        dense = self._dense
        if _scoring is None or dense is None:
            return None
        index, padded = dense
        spec = self.spec
        mults = tuple(int(m) for m in ngram_multipliers(0, spec.max_n))
        head = (int(_HEAD), spec.min_n, spec.max_n, spec.head, spec.bits)
        return (mults, *head, self.columns, index, np.ascontiguousarray(padded))

    def _logits(
        self, texts: Sequence[str], extras: Sequence[Mapping[str, float] | None] | None
    ) -> list[list[float]]:
        """Per text the intercepts plus its features times the weights (compiled scorer)."""
        compiled = self._compiled
        assert compiled is not None and _scoring is not None
        spec, width = self.spec, self.columns
        flat = _scoring.scores([_tokens(t, spec) for t in texts], *compiled)
        rows = [
            [b + z for b, z in zip(self.intercept, flat[k : k + width], strict=True)]
            for k in range(0, len(flat), width)
        ]
        for row, extra in zip(rows, extras or (), strict=False):
            for name, value in (extra or {}).items():
                weights = self.weights.get(extra_bucket(name, spec.bits))
                for c, w in enumerate(weights or ()):
                    row[c] += value * w
        return rows

    def _proba_of(self, z: list[float]) -> list[float]:
        """Class probabilities of one text's logits (logistic for one column, else softmax)."""
        if len(z) == 1:
            p = _sigmoid(z[0])
            return [1.0 - p, p]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return [e / total for e in exp]

    def proba(self, features: Features) -> list[float]:
        """Class probabilities for a feature vector, in :attr:`classes` order."""
        scores = np.atleast_1d(self._scores(features)).tolist()
        return self._proba_of([b + z for b, z in zip(self.intercept, scores, strict=True)])

    def predict(self, text: str, extra: Mapping[str, float] | None = None) -> list[float]:
        """Class probabilities of a text (featurised with the model's spec)."""
        if self._compiled is not None:
            return self._proba_of(self._logits([text], [extra])[0])
        return self.proba(featurise(text, self.spec, extra))

    def proba_many(self, batch: FeatureBatch) -> npt.NDArray[np.float64]:
        """Class probabilities of every text of a batch: one row per text, in :attr:`classes`
        order (equal to :meth:`proba` up to rounding in the last bits)."""
        dense = self._dense
        rows, values = batch.rows, batch.values
        if dense is not None:
            index, padded = dense
            weights = padded.take(index.take(batch.buckets, mode="clip"), axis=0)
        else:
            keys, table = self._table
            pos = np.searchsorted(keys, batch.buckets)
            pos[pos == len(keys)] = 0
            hit = keys[pos] == batch.buckets
            rows, values, weights = rows[hit], values[hit], table[pos[hit]]
            if self.columns == 1:
                weights = weights[:, 0]
        intercept = np.array(self.intercept, dtype=np.float64)
        if self.columns == 1:
            z = intercept[0] + np.bincount(rows, weights=values * weights, minlength=batch.size)
            p = np.exp(-np.logaddexp(0.0, -z))  # the logistic function, without overflow
            return np.stack([1.0 - p, p], axis=1)
        z = np.zeros((batch.size, self.columns))
        np.add.at(z, rows, weights * values[:, None])
        z += intercept
        exp = np.exp(z - z.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    def predict_many(
        self,
        texts: Sequence[str],
        extras: Sequence[Mapping[str, float] | None] | None = None,
    ) -> npt.NDArray[np.float64]:
        """:meth:`predict` of many texts at once (see :func:`featurise_many`): one row each."""
        if self._compiled is not None:
            rows = [self._proba_of(z) for z in self._logits(texts, extras)]
            return np.array(rows, dtype=np.float64).reshape(len(texts), len(self.classes))
        if len(texts) == 1:  # fewer numpy calls, which is all that counts for one short text
            return np.array([self.predict(texts[0], extras[0] if extras else None)])
        return self.proba_many(featurise_many(texts, self.spec, extras))

    def probabilities(
        self,
        texts: Sequence[str],
        column: int,
        extras: Sequence[Mapping[str, float] | None] | None = None,
    ) -> list[float]:
        """The probability of class ``classes[column]`` for each text: ``predict_many(texts,
        extras)[:, column]`` as floats. With the compiled scorer no numpy call is made: the
        gateway checks one or two short texts at a time, mostly on a cold CPU, where each numpy
        call cost more than the scoring (about 100 µs for the array, slice and list after a
        10 ms pause, against 4 µs warm)."""
        if self._compiled is not None:
            return [self._proba_of(z)[column] for z in self._logits(texts, extras)]
        return self.predict_many(texts, extras)[:, column].tolist()  # type: ignore[no-any-return]

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        buckets = sorted(self.weights)
        flat = [w for b in buckets for w in self.weights[b]]
        top = max((abs(w) for w in flat), default=1.0) or 1.0
        scale = top / 32767
        return {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "classes": list(self.classes),
            "features": self.spec.as_dict(),
            "intercept": list(self.intercept),
            "buckets": _pack(buckets, "I"),
            "weights": _pack([round(w / scale) for w in flat], "h"),
            "scale": scale,
            "meta": dict(self.meta),
        }

    def save(self, path: str | Path) -> Path:
        """Write the model file (compact JSON)."""
        out = Path(path)
        out.write_text(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")))
        return out

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Read a model file; :class:`JudgeError` names the file and the bad field."""
        source = Path(path)
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except OSError as exc:
            raise JudgeError(f"cannot read model file {source}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise JudgeError(f"{source}: not a JSON model file: {exc}") from None
        return cls.from_json(raw, str(source))

    @classmethod
    def from_json(cls, raw: Any, source: str = "model") -> LinearModel:
        """Validate and build a model from the parsed file content."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise JudgeError(f"{source}: field 'format' must be {FORMAT!r}")

        def need(key: str, kind: type) -> Any:
            value = raw.get(key)
            if not isinstance(value, kind):
                raise JudgeError(f"{source}: field {key!r} must be a {kind.__name__}")
            return value

        classes = tuple(str(c) for c in need("classes", list))
        intercept = tuple(float(v) for v in need("intercept", list))
        if len(classes) < 2 or len(intercept) != (1 if len(classes) == 2 else len(classes)):
            raise JudgeError(f"{source}: field 'intercept' does not match {len(classes)} classes")
        features = need("features", dict)
        if features.get("hashing") != HASHING:
            raise JudgeError(
                f"{source}: field 'features': trained with feature hashing "
                f"{features.get('hashing', 1)}, this hegui uses {HASHING}; retrain the model "
                "(scripts/train_judges.py shows how)"
            )
        try:
            spec = FeatureSpec(**features)
        except TypeError as exc:
            raise JudgeError(f"{source}: field 'features': {exc}") from None
        buckets = _unpack(need("buckets", str), "I", f"{source}: field 'buckets'")
        flat = _unpack(need("weights", str), "h", f"{source}: field 'weights'")
        scale = raw.get("scale")
        if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
            raise JudgeError(f"{source}: field 'scale' must be a positive number")
        k = len(intercept)
        if len(flat) != k * len(buckets):
            raise JudgeError(
                f"{source}: field 'weights' holds {len(flat)} numbers, expected "
                f"{k} x {len(buckets)} buckets"
            )
        weights = {
            b: tuple(v * scale for v in flat[i * k : (i + 1) * k]) for i, b in enumerate(buckets)
        }
        meta = raw.get("meta") or {}
        if not isinstance(meta, dict):
            raise JudgeError(f"{source}: field 'meta' must be an object")
        return cls(
            name=str(need("name", str)),
            version=str(need("version", str)),
            classes=classes,
            spec=spec,
            intercept=intercept,
            weights=weights,
            meta=meta,
        )


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
