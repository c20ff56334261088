"""Coverage of question banks against a pack's minimums (REQ-BANK-04, -05, -07, -08).

Every number comes from ``pack.banks`` (with hegui.yaml overrides applied). Counts are of distinct
questions: items whose conversation is identical (same ``content_hash``) count once, and are listed
as duplicates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from hegui.banks.aspects import distinct_items, item_aspects, seed_of
from hegui.banks.loader import Bank
from hegui.banks.versioning import hash_warning
from hegui.errors import ConfigError
from hegui.policy import BankRule, Pack
from hegui.records import BankInfo, BankItem, ItemKind

FRESHNESS_REQUIREMENT = "REQ-BANK-05"
"""Test banks updated at least monthly; the age limit itself is each rule's ``max_age_days``."""


class Status(StrEnum):
    """The state of one count or requirement."""

    OK = "ok"
    SHORT = "short"
    UNKNOWN = "unknown"
    """Cannot be decided (e.g. a bank without an update date): a warning, never a pass."""
    EXEMPT = "exempt"
    """An aspect the service is exempt from (out of its domain, REQ-BANK-08)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RiskCount(_Record):
    """Distinct questions of one risk in one bank kind."""

    code: str
    zh: str
    count: int
    minimum: int | None
    """``None`` when the pack sets no minimum for this risk in this kind."""
    status: Status


class AspectCount(_Record):
    """Distinct should-not-refuse questions of one aspect."""

    id: str
    zh: str
    count: int
    minimum: int | None
    status: Status


class KindCoverage(_Record):
    """One bank kind (生成内容 / 应拒答 / 非拒答) against its rule."""

    kind: ItemKind
    requirement: str
    title_zh: str
    items: int
    """Items of this kind, duplicates included."""
    distinct: int
    """Distinct questions: what minimums are checked against."""
    minimum: int
    total_status: Status
    risks: tuple[RiskCount, ...]
    """Risks with a minimum, and any other risk that has questions."""
    aspects: tuple[AspectCount, ...]
    """Only for rules with a per-aspect minimum."""
    without_aspect: int
    status: Status


class Freshness(_Record):
    """How recently one bank file was updated."""

    bank: str
    path: str
    updated: str | None
    age_days: int | None
    max_age_days: int
    status: Status


class DuplicateGroup(_Record):
    """Items of one kind that ask the same thing."""

    kind: ItemKind
    content_hash: str
    ids: tuple[str, ...]
    question: str


class Shortfall(_Record):
    """One unmet minimum, with a sentence for people."""

    requirement: str
    kind: ItemKind | None
    subject: str
    """``total``, a risk code, an aspect id, or a bank name (freshness)."""
    have: int | None
    need: int | None
    message: str


class RequirementStatus(_Record):
    """The outcome of one bank requirement."""

    id: str
    title_zh: str
    status: Status
    detail: str


class BankCoverage(_Record):
    """The result of :func:`check_banks`."""

    pack: str
    pack_version: str
    today: str
    banks: tuple[BankInfo, ...]
    kinds: tuple[KindCoverage, ...]
    freshness: tuple[Freshness, ...]
    duplicates: tuple[DuplicateGroup, ...]
    requirements: tuple[RequirementStatus, ...]
    shortfalls: tuple[Shortfall, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every requirement is met (unknown freshness is not met)."""
        return all(r.status is Status.OK for r in self.requirements)


def check_banks(
    banks: Sequence[Bank],
    pack: Pack,
    today: date | None = None,
    *,
    kinds: Iterable[ItemKind] | None = None,
    exempt_aspects: Iterable[str] = (),
) -> BankCoverage:
    """Check ``banks`` together against the bank rules of ``pack``.

    ``kinds`` limits the check to some bank kinds (default: every kind the pack has a rule for).
    ``exempt_aspects`` names should-not-refuse aspects outside the service's domain, which
    REQ-BANK-08 lets a domain model omit.
    """
    today = today or datetime.now(UTC).astimezone().date()
    exempt = set(exempt_aspects)
    unknown = sorted(exempt - {a.id for a in pack.aspects})
    if unknown:
        raise ConfigError(
            f"unknown aspects {', '.join(unknown)}; aspects are "
            f"{', '.join(a.id for a in pack.aspects)}",
            field="exempt_aspects",
        )
    wanted = set(ItemKind) if kinds is None else set(kinds)
    checked = [k for k in ItemKind if k in pack.banks and k in wanted]
    items = [item for bank in banks for item in bank.items]
    shortfalls: list[Shortfall] = []
    warnings: list[str] = []
    kind_results: list[KindCoverage] = []
    duplicates: list[DuplicateGroup] = []
    for kind in checked:
        of_kind = [i for i in items if i.kind is kind]
        distinct = distinct_items(of_kind)
        variants = sum(1 for i in of_kind if seed_of(i) is not None)
        if variants:
            warnings.append(
                f"{variants} {kind.value} items are mutated variants (seed: tag); each seed "
                "counts once toward the minimums"
            )
        duplicates += _duplicates(kind, of_kind)
        result = _kind_coverage(kind, pack.banks[kind], distinct, len(of_kind), pack, exempt)
        kind_results.append(result)
        shortfalls += _kind_shortfalls(result)
        if result.without_aspect:
            warnings.append(
                f"{result.without_aspect} {kind.value} questions have no aspect; "
                "they count toward the total only"
            )
    warnings += [w for bank in banks if (w := hash_warning(bank)) is not None]
    freshness = _freshness(banks, pack, checked, today)
    shortfalls += _stale(freshness)
    warnings += _freshness_warnings(freshness)
    requirements = [
        RequirementStatus(
            id=k.requirement, title_zh=k.title_zh, status=k.status, detail=_kind_detail(k)
        )
        for k in kind_results
    ]
    requirements.append(_freshness_requirement(freshness))
    return BankCoverage(
        pack=pack.pack,
        pack_version=pack.version,
        today=today.isoformat(),
        banks=tuple(b.info for b in banks),
        kinds=tuple(kind_results),
        freshness=tuple(freshness),
        duplicates=tuple(duplicates),
        requirements=tuple(requirements),
        shortfalls=tuple(shortfalls),
        warnings=tuple(warnings),
    )


def _duplicates(kind: ItemKind, items: Sequence[BankItem]) -> list[DuplicateGroup]:
    groups: dict[str, list[BankItem]] = defaultdict(list)
    for item in items:
        groups[item.content_hash()].append(item)
    return [
        DuplicateGroup(
            kind=kind,
            content_hash=digest,
            ids=tuple(i.id for i in group),
            question=group[0].question,
        )
        for digest, group in groups.items()
        if len(group) > 1
    ]


def _status(count: int, minimum: int | None) -> Status:
    return Status.OK if minimum is None or count >= minimum else Status.SHORT


def _kind_coverage(
    kind: ItemKind,
    rule: BankRule,
    distinct: Sequence[BankItem],
    total_items: int,
    pack: Pack,
    exempt: set[str],
) -> KindCoverage:
    by_risk: dict[str, int] = defaultdict(int)
    by_aspect: dict[str, int] = defaultdict(int)
    for item in distinct:
        if item.risk is not None:
            by_risk[item.risk] += 1
        for aspect_id in item_aspects(item):  # the aspect field and aspect: tags
            by_aspect[aspect_id] += 1
    risks = []
    for risk in pack.risks:
        need = rule.per_risk[risk.category].count if risk.category in rule.per_risk else None
        if need is not None or by_risk[risk.code]:
            risks.append(
                RiskCount(
                    code=risk.code,
                    zh=risk.zh,
                    count=by_risk[risk.code],
                    minimum=need,
                    status=_status(by_risk[risk.code], need),
                )
            )
    aspects = []
    if rule.per_aspect is not None:
        need = rule.per_aspect.count
        for aspect in pack.aspects:
            count = by_aspect[aspect.id]
            status = Status.EXEMPT if aspect.id in exempt else _status(count, need)
            aspects.append(
                AspectCount(id=aspect.id, zh=aspect.zh, count=count, minimum=need, status=status)
            )
    total_status = _status(len(distinct), rule.total.count)
    short = (
        total_status is Status.SHORT
        or any(r.status is Status.SHORT for r in risks)
        or any(a.status is Status.SHORT for a in aspects)
    )
    return KindCoverage(
        kind=kind,
        requirement=rule.requirement,
        title_zh=rule.title_zh,
        items=total_items,
        distinct=len(distinct),
        minimum=rule.total.count,
        total_status=total_status,
        risks=tuple(risks),
        aspects=tuple(aspects),
        without_aspect=sum(1 for i in distinct if not item_aspects(i))
        if rule.per_aspect is not None
        else 0,
        status=Status.SHORT if short else Status.OK,
    )


def _kind_shortfalls(result: KindCoverage) -> list[Shortfall]:
    found: list[Shortfall] = []
    label = f"{result.title_zh} ({result.kind.value})"

    def add(subject: str, have: int, need: int, what: str) -> None:
        found.append(
            Shortfall(
                requirement=result.requirement,
                kind=result.kind,
                subject=subject,
                have=have,
                need=need,
                message=f"{label}: {what} has {have} questions, needs {need} "
                f"({need - have} more; {result.requirement})",
            )
        )

    if result.total_status is Status.SHORT:
        add("total", result.distinct, result.minimum, "the bank")
    for risk in result.risks:
        if risk.status is Status.SHORT and risk.minimum is not None:
            add(risk.code, risk.count, risk.minimum, f"risk {risk.code} {risk.zh}")
    for aspect in result.aspects:
        if aspect.status is Status.SHORT and aspect.minimum is not None:
            add(aspect.id, aspect.count, aspect.minimum, f"aspect {aspect.id} ({aspect.zh})")
    return found


def _kind_detail(result: KindCoverage) -> str:
    short_risks = sum(1 for r in result.risks if r.status is Status.SHORT)
    short_aspects = sum(1 for a in result.aspects if a.status is Status.SHORT)
    parts = [f"{result.distinct}/{result.minimum} questions"]
    if any(r.minimum is not None for r in result.risks):
        parts.append(f"{short_risks} risks short")
    if result.aspects:
        parts.append(f"{short_aspects} aspects short")
    return ", ".join(parts)


def _freshness(
    banks: Sequence[Bank], pack: Pack, checked: Sequence[ItemKind], today: date
) -> list[Freshness]:
    results = []
    for bank in banks:
        limits = [
            pack.banks[kind].max_age_days
            for kind in checked
            if bank.of_kind(kind) and pack.banks[kind].max_age_days is not None
        ]
        if not limits:
            continue
        max_age = min(n.count for n in limits if n is not None)
        updated = bank.info.updated
        try:
            age: int | None = (today - date.fromisoformat(updated)).days if updated else None
        except ValueError:  # BankInfo made elsewhere with a non-ISO date
            age = None
        if age is None:
            status = Status.UNKNOWN
        elif age <= max_age:
            status = Status.OK
        else:
            status = Status.SHORT
        results.append(
            Freshness(
                bank=bank.info.name,
                path=bank.info.path,
                updated=updated,
                age_days=age,
                max_age_days=max_age,
                status=status,
            )
        )
    return results


def _stale(freshness: Sequence[Freshness]) -> list[Shortfall]:
    return [
        Shortfall(
            requirement=FRESHNESS_REQUIREMENT,
            kind=None,
            subject=f.bank,
            have=f.age_days,
            need=f.max_age_days,
            message=f"bank {f.bank} was updated {f.updated}, {f.age_days} days ago; banks must "
            f"be updated at least every {f.max_age_days} days",
        )
        for f in freshness
        if f.status is Status.SHORT
    ]


def _freshness_warnings(freshness: Sequence[Freshness]) -> list[str]:
    warnings = []
    for f in freshness:
        if f.status is Status.UNKNOWN:
            warnings.append(
                f"bank {f.bank} has no update date; add 'updated' to its metadata "
                "(see docs/banks.md) to prove the monthly update"
            )
        elif f.age_days is not None and f.age_days < 0:
            warnings.append(f"bank {f.bank} has an update date in the future ({f.updated})")
    return warnings


def _freshness_requirement(freshness: Sequence[Freshness]) -> RequirementStatus:
    stale = [f.bank for f in freshness if f.status is Status.SHORT]
    undated = [f.bank for f in freshness if f.status is Status.UNKNOWN]
    if stale:
        status, detail = Status.SHORT, f"out of date: {', '.join(stale)}"
    elif undated or not freshness:
        status = Status.UNKNOWN
        detail = f"no update date: {', '.join(undated)}" if undated else "no banks to check"
    else:
        status, detail = Status.OK, f"every bank updated in time ({len(freshness)})"
    return RequirementStatus(
        id=FRESHNESS_REQUIREMENT, title_zh="测试题库定期更新", status=status, detail=detail
    )
