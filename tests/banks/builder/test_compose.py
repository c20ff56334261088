"""The composer: de-duplication, seeded stratified draw, repurposing, shortfalls."""

from __future__ import annotations

from collections import Counter

from hegui.banks.compose import REPURPOSED_TAG, ComposeSettings, compose, deduplicate
from hegui.policy import Pack
from hegui.records import BankItem, ItemKind
from tests.banks.builder.helpers import item, text


def _pool(pack: Pack, per_risk: int = 4, per_aspect: int = 3) -> list[BankItem]:
    items = [
        item(f"r-{risk.code}-{n}", "should_refuse", risk=risk.code)
        for risk in pack.risks
        for n in range(per_risk)
    ]
    items += [
        item(f"n-{aspect.id}-{n}", "should_not_refuse", aspect=aspect.id)
        for aspect in pack.aspects
        for n in range(per_aspect)
    ]
    return items


def test_meets_every_minimum_of_the_small_pack(small_pack: Pack) -> None:
    result = compose(_pool(small_pack), small_pack)
    assert result.coverage is not None
    assert result.coverage.ok, [s.message for s in result.coverage.shortfalls]
    kinds = Counter(i.kind for i in result.items)
    # generation: 2 per A.1 risk (16) + 1 per A.5 risk (2) exceeds the total of 6
    assert kinds[ItemKind.GENERATION] == 18
    assert kinds[ItemKind.SHOULD_REFUSE] == 9  # 1 per A.2 risk exceeds the total of 3
    assert kinds[ItemKind.SHOULD_NOT_REFUSE] == 13  # 1 per aspect


def test_no_question_lands_in_two_banks(small_pack: Pack) -> None:
    result = compose(_pool(small_pack, per_risk=3), small_pack)
    ids = [i.id for i in result.items]
    assert len(ids) == len(set(ids))
    questions = [i.question for i in result.items]
    assert len(questions) == len(set(questions))


def test_generation_draws_should_refuse_items_and_tags_them(small_pack: Pack) -> None:
    result = compose(_pool(small_pack), small_pack)
    generation = [i for i in result.items if i.kind is ItemKind.GENERATION]
    assert generation and all(REPURPOSED_TAG in i.tags for i in generation)
    assert result.repurposed == len(generation)


def test_without_repurposing_generation_stays_short(small_pack: Pack) -> None:
    result = compose(_pool(small_pack), small_pack, ComposeSettings(repurpose=False))
    assert result.coverage is not None and not result.coverage.ok
    assert not [i for i in result.items if i.kind is ItemKind.GENERATION]
    short = {(s.kind, s.subject) for s in result.coverage.shortfalls}
    assert (ItemKind.GENERATION, "A.1.1") in short


def test_generation_candidates_are_preferred(small_pack: Pack) -> None:
    pool = _pool(small_pack)
    pool.append(item("g-own", "generation", risk="A.1.1"))
    result = compose(pool, small_pack)
    drawn = {i.id: i for i in result.items}
    assert "g-own" in drawn and REPURPOSED_TAG not in drawn["g-own"].tags


def test_same_seed_same_bank_other_seed_other_bank(small_pack: Pack) -> None:
    pool = _pool(small_pack, per_risk=8, per_aspect=6)
    first = [i.id for i in compose(pool, small_pack, ComposeSettings(seed=1)).items]
    again = [i.id for i in compose(list(reversed(pool)), small_pack, ComposeSettings(seed=1)).items]
    other = [i.id for i in compose(pool, small_pack, ComposeSettings(seed=2)).items]
    assert first == again
    assert first != other


def test_totals_are_filled_round_robin(pack: Pack) -> None:
    # should_refuse needs 500, 20 per A.1/A.2 risk; one big and many small strata
    pool = [item(f"big-{n}", risk="A.1.8", n=n) for n in range(600)]
    pool += [item(f"s-{r.code}-{n}", risk=r.code) for r in pack.risks[:17] for n in range(40)]
    result = compose(pool, pack, ComposeSettings(near_threshold=None, repurpose=False))
    refuse = Counter(i.risk for i in result.items if i.kind is ItemKind.SHOULD_REFUSE)
    assert sum(refuse.values()) == 500
    # 20 per risk, then the 160 left round-robin: the big stratum does not crowd out the others
    assert refuse["A.1.8"] <= 30 and refuse["A.1.1"] >= 29


def test_shortfall_names_the_stratum_and_supply(small_pack: Pack) -> None:
    pool = [i for i in _pool(small_pack) if i.aspect != "history"]
    result = compose(pool, small_pack)
    assert result.coverage is not None
    messages = [s.message for s in result.coverage.shortfalls]
    assert any("aspect history" in m for m in messages), messages
    supply = {(s.kind, s.stratum): s for s in result.supply}
    assert supply[(ItemKind.SHOULD_NOT_REFUSE, "history")].available == 0


def test_exact_and_near_duplicates_are_dropped_first_copy_wins() -> None:
    base = text(1, length=60)
    items = [
        item("a", prompt=base),
        item("b", prompt=base.replace("？", "!!")),  # exact after normalisation
        item("c", prompt=base[:-3] + "吗？"),  # near duplicate
        item("d", n=2),
    ]
    kept, dropped = deduplicate(items, 0.8)
    assert [i.id for i in kept] == ["a", "d"]
    assert {(d.id, d.reason, d.kept) for d in dropped} == {
        ("b", "exact duplicate", "a"),
        ("c", "near duplicate", "a"),
    }
    kept, dropped = deduplicate(items, None)
    assert [i.id for i in kept] == ["a", "c", "d"]


def test_should_not_refuse_is_deduplicated_separately() -> None:
    same = text(5, length=40)
    items = [item("r", prompt=same), item("n", "should_not_refuse", prompt=same)]
    kept, dropped = deduplicate(items, 0.8)
    assert len(kept) == 2 and not dropped


def test_scale_adds_headroom(small_pack: Pack) -> None:
    result = compose(_pool(small_pack, per_risk=6), small_pack, ComposeSettings(scale=2.0))
    refuse = Counter(i.risk for i in result.items if i.kind is ItemKind.SHOULD_REFUSE)
    assert refuse["A.2.1"] == 2


def test_kinds_limit_the_banks_composed_and_checked(small_pack: Pack) -> None:
    settings = ComposeSettings(kinds=(ItemKind.SHOULD_REFUSE,))
    result = compose(_pool(small_pack), small_pack, settings)
    assert {i.kind for i in result.items} == {ItemKind.SHOULD_REFUSE}
    assert result.coverage is not None and result.coverage.ok
    assert [k.kind for k in result.coverage.kinds] == [ItemKind.SHOULD_REFUSE]


def test_excluded_tags_leave_candidates_out(small_pack: Pack) -> None:
    pool = _pool(small_pack)
    pool = [i.model_copy(update={"tags": ("licence:NC",)}) if "A.2.1" in i.id else i for i in pool]
    result = compose(pool, small_pack, ComposeSettings(exclude_tags=("licence:NC",)))
    assert result.excluded == 4
    assert not [i for i in result.items if "licence:NC" in i.tags]
    assert result.coverage is not None
    assert any(s.subject == "A.2.1" for s in result.coverage.shortfalls)
