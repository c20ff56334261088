"""Coverage against the pack's minimums: totals, per risk, per aspect, freshness, duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hegui.banks import Bank, BankMeta, Status, check_banks, load_banks, write_bank
from hegui.errors import ConfigError
from hegui.policy import Pack, load_pack
from hegui.records import BankItem, ItemKind
from tests.banks.factories import item

TODAY = date(2026, 11, 20)


def banks_of(
    tmp_path: Path, pack: Pack, items: list[BankItem], updated: str | None = "2026-11-01"
) -> tuple[Bank, ...]:
    path = tmp_path / f"bank{len(list(tmp_path.iterdir()))}.jsonl"
    write_bank(path, items, BankMeta(updated=updated) if updated else None)
    return load_banks([path], pack)


def complete(pack: Pack) -> list[BankItem]:
    """Items meeting every minimum of the small pack."""
    a1 = [r.code for r in pack.risks if r.category == "A.1"]
    a2 = [r.code for r in pack.risks if r.category == "A.2"]
    items = [item(f"g{c}-{n}", risk=c) for c in [*a1, "A.5.1", "A.5.2"] for n in (1, 2)]
    items += [item(f"r{c}", "should_refuse", risk=c) for c in a2]
    items += [item(f"n{a.id}", "should_not_refuse", aspect=a.id) for a in pack.aspects]
    return items


def test_everything_met(tmp_path: Path, small_pack: Pack) -> None:
    coverage = check_banks(banks_of(tmp_path, small_pack, complete(small_pack)), small_pack, TODAY)
    assert coverage.ok
    assert coverage.shortfalls == () and coverage.duplicates == () and coverage.warnings == ()
    assert [(r.id, r.status) for r in coverage.requirements] == [
        ("REQ-BANK-04", Status.OK),
        ("REQ-BANK-07", Status.OK),
        ("REQ-BANK-08", Status.OK),
        ("REQ-BANK-05", Status.OK),
    ]


def test_counts_and_shortfalls(tmp_path: Path, small_pack: Pack) -> None:
    items = [
        item("g1", risk="A.1.1", prompt="p1"),
        item("g2", risk="A.1.1", prompt="p2"),
        item("g3", risk="A.1.1", prompt="p1"),  # same question as g1: counted once
        item("g4", risk="A.1.2"),
        item("g5", risk="A.5.1"),
        item("g6", risk="A.3.1"),  # no minimum for A.3 in the small pack
        item("r1", "should_refuse", risk="A.2.1"),
        item("r2", "should_refuse", risk="A.2.2"),
        item("r3", "should_refuse", risk="A.1.1", prompt="p1"),  # other kind: not a duplicate
    ]
    items += [item(f"n{a.id}", "should_not_refuse", aspect=a.id) for a in small_pack.aspects]
    items = [i for i in items if i.aspect != "health"]
    items.append(item("n-none", "should_not_refuse"))
    coverage = check_banks(banks_of(tmp_path, small_pack, items), small_pack, TODAY)

    gen, ref, nref = coverage.kinds
    assert (gen.kind, gen.items, gen.distinct, gen.minimum) == (ItemKind.GENERATION, 6, 5, 6)
    assert gen.total_status is Status.SHORT and gen.status is Status.SHORT
    counts = {r.code: (r.count, r.minimum, r.status) for r in gen.risks}
    assert list(counts) == [f"A.1.{n}" for n in range(1, 9)] + ["A.3.1", "A.5.1", "A.5.2"]
    assert counts["A.1.1"] == (2, 2, Status.OK)
    assert counts["A.1.2"] == (1, 2, Status.SHORT)
    assert counts["A.3.1"] == (1, None, Status.OK)
    assert counts["A.5.2"] == (0, 1, Status.SHORT)

    assert (ref.distinct, ref.total_status) == (3, Status.OK)
    assert sum(r.status is Status.SHORT for r in ref.risks) == 7  # A.2.3 … A.2.9
    assert next(r for r in ref.risks if r.code == "A.1.1").minimum is None

    assert (nref.distinct, nref.without_aspect, nref.total_status) == (13, 1, Status.OK)
    aspects = {a.id: (a.count, a.status) for a in nref.aspects}
    assert aspects["health"] == (0, Status.SHORT) and aspects["history"] == (1, Status.OK)

    subjects = [(s.requirement, s.subject, s.have, s.need) for s in coverage.shortfalls]
    assert subjects[:3] == [
        ("REQ-BANK-04", "total", 5, 6),
        ("REQ-BANK-04", "A.1.2", 1, 2),
        ("REQ-BANK-04", "A.1.3", 0, 2),
    ]
    assert len([s for s in subjects if s[0] == "REQ-BANK-04"]) == 9
    assert len([s for s in subjects if s[0] == "REQ-BANK-07"]) == 7
    assert [s for s in subjects if s[0] == "REQ-BANK-08"] == [("REQ-BANK-08", "health", 0, 1)]
    message = coverage.shortfalls[1].message
    assert "A.1.2 危害国家安全和利益、损害国家形象 has 1 questions, needs 2" in message

    (dupe,) = coverage.duplicates
    assert (dupe.kind, dupe.ids, dupe.question) == (ItemKind.GENERATION, ("g1", "g3"), "p1")
    assert any("1 should_not_refuse questions have no aspect" in w for w in coverage.warnings)
    assert not coverage.ok


def test_exempt_aspects_and_kind_filter(tmp_path: Path, small_pack: Pack) -> None:
    items = [i for i in complete(small_pack) if i.aspect != "health"]
    banks = banks_of(tmp_path, small_pack, items)
    assert not check_banks(banks, small_pack, TODAY).ok
    coverage = check_banks(banks, small_pack, TODAY, exempt_aspects=["health"])
    assert coverage.ok
    assert next(a for a in coverage.kinds[2].aspects if a.id == "health").status is Status.EXEMPT
    only = check_banks(banks, small_pack, TODAY, kinds=[ItemKind.SHOULD_REFUSE])
    assert [k.kind for k in only.kinds] == [ItemKind.SHOULD_REFUSE]
    assert [r.id for r in only.requirements] == ["REQ-BANK-07", "REQ-BANK-05"]
    with pytest.raises(ConfigError, match="unknown aspects sports"):
        check_banks(banks, small_pack, TODAY, exempt_aspects=["sports"])


@pytest.mark.parametrize(
    ("updated", "today", "status", "age"),
    [
        ("2026-11-01", date(2026, 12, 2), Status.OK, 31),
        ("2026-11-01", date(2026, 12, 3), Status.SHORT, 32),
        (None, TODAY, Status.UNKNOWN, None),
    ],
)
def test_freshness(
    tmp_path: Path,
    small_pack: Pack,
    updated: str | None,
    today: date,
    status: Status,
    age: int | None,
) -> None:
    banks = banks_of(tmp_path, small_pack, complete(small_pack), updated)
    coverage = check_banks(banks, small_pack, today)
    (fresh,) = coverage.freshness
    assert (fresh.status, fresh.age_days, fresh.max_age_days) == (status, age, 31)
    assert coverage.requirements[-1].status is status
    assert coverage.ok is (status is Status.OK)
    if status is Status.SHORT:
        (shortfall,) = coverage.shortfalls
        assert shortfall.requirement == "REQ-BANK-05" and "32 days ago" in shortfall.message
    if status is Status.UNKNOWN:
        assert coverage.shortfalls == ()
        assert any("no update date" in w for w in coverage.warnings)


def test_pack_overrides_are_used(tmp_path: Path) -> None:
    pack = load_pack(overrides={"REQ-BANK-08.per_aspect": 2, "REQ-BANK-08.total": 26})
    items = [
        item(f"n{a.id}{n}", "should_not_refuse", aspect=a.id) for a in pack.aspects for n in (1, 2)
    ]
    coverage = check_banks(
        banks_of(tmp_path, pack, items), pack, TODAY, kinds=[ItemKind.SHOULD_NOT_REFUSE]
    )
    (nref,) = coverage.kinds
    assert (nref.minimum, {a.minimum for a in nref.aspects}) == (26, {2})
    assert coverage.ok
    short = check_banks(
        banks_of(tmp_path, pack, items[:-1]), pack, TODAY, kinds=[ItemKind.SHOULD_NOT_REFUSE]
    )
    assert [(s.subject, s.have, s.need) for s in short.shortfalls] == [
        ("total", 25, 26),
        ("health", 1, 2),
    ]


def test_coverage_serializes_to_json(tmp_path: Path, small_pack: Pack) -> None:
    coverage = check_banks(banks_of(tmp_path, small_pack, complete(small_pack)), small_pack, TODAY)
    again = type(coverage).model_validate_json(coverage.model_dump_json())
    assert again == coverage
