"""Training-data side: how often each group is mentioned, and how often in a negative context.

Group terms (each group's Chinese term and aliases) and negative-context words are matched with
the hegui keyword engine (literal matches only: no pinyin or homophone expansion, which would
turn 河南 into noise). Documents come from the corpus-audit readers (any manifest source).

Per attribute a group is flagged when it is mentioned ``skew`` times more — or less — often than
the attribute's median group, or when the share of its mentions with a negative word within
``window`` characters is ``skew`` times that of the attribute's other groups and at least 5
points above it (with at least ``min_mentions`` mentions).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hegui.corpus.document import Document
from hegui.corpus.manifest import load_manifest
from hegui.corpus.readers import ReadContext, read_shard
from hegui.corpus.shards import plan_shards
from hegui.fairness.attributes import ATTRIBUTES
from hegui.fairness.lexicon import NEGATIVE
from hegui.fairness.model import ProbeSuite
from hegui.fairness.settings import CorpusSettings
from hegui.text import KeywordMatcher

MIN_NEGATIVE_GAP = 0.05
"""A negative-context share must also exceed the other groups' by this much to be flagged."""
_BATCH = 256
"""Documents scanned per keyword-engine call (scan_many is faster on batches)."""


class GroupCorpusStat(BaseModel):
    """One group's mentions in the corpus."""

    model_config = ConfigDict(frozen=True)

    group: str
    label: str
    documents: int
    """Documents mentioning the group."""
    negative: int
    """Of those, documents with a negative word near a mention."""
    ratio: float | None
    """Mentions relative to the attribute's median group (None when the median is 0)."""
    negative_rate: float | None
    flags: tuple[str, ...] = ()


class AttributeCorpusStat(BaseModel):
    """One attribute's groups in the corpus."""

    model_config = ConfigDict(frozen=True)

    attribute: str
    code: str
    zh: str
    groups: tuple[GroupCorpusStat, ...]
    negative_rate: float | None
    """Share of all the attribute's group mentions that are in a negative context."""

    @property
    def flagged(self) -> bool:
        return any(g.flags for g in self.groups)


class CorpusFairnessReport(BaseModel):
    """Representation statistics of a corpus."""

    model_config = ConfigDict(frozen=True)

    documents: int
    problems: int
    """Unreadable records skipped (see ``hegui corpus audit`` for details)."""
    skew: float
    window: int
    min_mentions: int
    attributes: tuple[AttributeCorpusStat, ...]

    def flagged(self) -> list[str]:
        """Attributes with at least one flagged group."""
        return [a.attribute for a in self.attributes if a.flagged]


class _Counter:
    def __init__(self, suite: ProbeSuite, settings: CorpusSettings) -> None:
        self.settings = settings
        self.owner: dict[str, list[tuple[str, str]]] = {}
        for key, groups in suite.groups.items():
            for group in groups:
                terms = [w.term for lang, w in group.wording.items() if lang == "zh"]
                for term in dict.fromkeys([*terms, *group.aliases]):
                    self.owner.setdefault(term, []).append((key, group.id))
        options = {"homophones": False, "pinyin": False, "cache": False}
        self.groups = KeywordMatcher.from_terms(sorted(self.owner), risk="A.2.9", **options)
        negative = sorted({*NEGATIVE["zh"], *settings.negative_terms})
        self.negative = KeywordMatcher.from_terms(negative, risk="A.2.9", **options)
        self.documents = 0
        self.mentions: dict[tuple[str, str], int] = {}
        self.negatives: dict[tuple[str, str], int] = {}

    def add(self, texts: list[str]) -> None:
        self.documents += len(texts)
        found = self.groups.scan_many(texts)
        bad = self.negative.scan_many(texts)
        window = self.settings.window
        for mentions, negatives in zip(found, bad, strict=True):
            seen: set[tuple[str, str]] = set()
            near: set[tuple[str, str]] = set()
            for m in mentions:
                owners = self.owner.get(m.keyword, [])
                seen.update(owners)
                if any(n.start < m.end + window and n.end > m.start - window for n in negatives):
                    near.update(owners)
            for key in seen:
                self.mentions[key] = self.mentions.get(key, 0) + 1
            for key in near:
                self.negatives[key] = self.negatives.get(key, 0) + 1


def corpus_statistics(
    texts: Iterable[str], suite: ProbeSuite, settings: CorpusSettings, *, problems: int = 0
) -> CorpusFairnessReport:
    """Count group mentions and negative contexts over ``texts`` and flag skewed groups."""
    counter = _Counter(suite, settings)
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= _BATCH:
            counter.add(batch)
            batch = []
    if batch:
        counter.add(batch)
    attributes = []
    for attribute in ATTRIBUTES:
        groups = suite.groups.get(attribute.key, ())
        if not groups:
            continue
        counts = [counter.mentions.get((attribute.key, g.id), 0) for g in groups]
        negatives = [counter.negatives.get((attribute.key, g.id), 0) for g in groups]
        median = statistics.median(counts)
        total = sum(counts)
        overall = sum(negatives) / total if total else None
        stats = []
        for group, count, negative in zip(groups, counts, negatives, strict=True):
            ratio = count / median if median else None
            rate = negative / count if count else None
            flags = []
            if ratio is not None and ratio >= settings.skew:
                flags.append(f"over-represented: {ratio:.1f}× the median group")
            if ratio is not None and ratio <= 1 / settings.skew:
                flags.append(f"under-represented: {ratio:.2f}× the median group")
            rest_n = total - count
            rest = (sum(negatives) - negative) / rest_n if rest_n else None
            if (
                rate is not None
                and rest is not None
                and count >= settings.min_mentions
                and rate >= settings.skew * rest
                and rate - rest >= MIN_NEGATIVE_GAP
            ):
                flags.append(f"negative context {rate:.1%} against {rest:.1%} for the other groups")
            label = next(iter(group.wording.values())).term
            stats.append(
                GroupCorpusStat(
                    group=group.id,
                    label=group.wording["zh"].term if "zh" in group.wording else label,
                    documents=count,
                    negative=negative,
                    ratio=None if ratio is None else round(ratio, 3),
                    negative_rate=None if rate is None else round(rate, 4),
                    flags=tuple(flags),
                )
            )
        attributes.append(
            AttributeCorpusStat(
                attribute=attribute.key,
                code=attribute.code,
                zh=attribute.zh,
                groups=tuple(stats),
                negative_rate=None if overall is None else round(overall, 4),
            )
        )
    return CorpusFairnessReport(
        documents=counter.documents,
        problems=problems,
        skew=settings.skew,
        window=settings.window,
        min_mentions=settings.min_mentions,
        attributes=tuple(attributes),
    )


class _ManifestTexts:
    """The texts of every source of a corpus-audit manifest, read by the audit's readers."""

    def __init__(self, manifest: Path, max_doc_mb: int = 16) -> None:
        self.manifest = load_manifest(manifest)
        self.max_doc_bytes = max_doc_mb << 20
        self.problems = 0

    def __iter__(self) -> Iterator[str]:
        shards, _ = plan_shards(self.manifest, shard_bytes=1 << 40)
        for shard in shards:
            source = self.manifest.source(shard.source)
            ctx = ReadContext(
                shard=shard, source=source, max_doc_bytes=self.max_doc_bytes, keep_record=False
            )
            for item in read_shard(ctx):
                if isinstance(item, Document):
                    yield item.text
                else:
                    self.problems += 1


def manifest_statistics(
    manifest: Path, suite: ProbeSuite, settings: CorpusSettings
) -> CorpusFairnessReport:
    """:func:`corpus_statistics` over every document of a corpus-audit manifest."""
    texts = _ManifestTexts(manifest)
    report = corpus_statistics(texts, suite, settings)
    return report.model_copy(update={"problems": texts.problems})
