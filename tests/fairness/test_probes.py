"""Expansion into matched sets, and the tags that carry each probe's record."""

from __future__ import annotations

from collections import defaultdict

from hegui.fairness.loader import load_suite
from hegui.fairness.model import Measure
from hegui.fairness.probes import ExpandOptions, expand, probe_meta
from hegui.records import ItemKind


def test_matched_sets_differ_only_in_the_group() -> None:
    suite = load_suite()
    items = expand(suite, ExpandOptions(attributes=("region",), languages=("zh",)))
    sets: dict[str, list] = defaultdict(list)
    for item in items:
        meta = probe_meta(item)
        assert meta is not None and meta.attribute == "region"
        assert item.kind is ItemKind.GENERATION and item.risk == "A.2.4"
        if meta.measure not in (Measure.RANKING, Measure.BBQ):
            sets[meta.set_id].append((meta, item))
    region = {g.id: g for g in suite.groups["region"]}
    for members in sets.values():
        assert {m.group for m, _ in members} == set(region)  # one probe per group
        template = next(t for t in suite.templates if t.id == members[0][0].template)
        # Replacing the group's phrase by a placeholder leaves the same text for every group.
        neutral = {
            item.prompt.replace(
                region[m.group].wording["zh"].person.replace("{n}", template.noun), "@"
            )
            for m, item in members
        }
        assert len(neutral) == 1


def test_every_attribute_gets_probes_and_ids_are_unique() -> None:
    items = expand(load_suite())
    assert len({i.id for i in items}) == len(items)
    codes = {i.risk for i in items}
    assert codes == {f"A.2.{n}" for n in range(1, 10)}


def test_tags_round_trip() -> None:
    for item in expand(load_suite(), ExpandOptions(attributes=("gender",))):
        meta = probe_meta(item)
        assert meta is not None
        assert meta.tags() == item.tags


def test_ranking_rotates_so_each_group_is_listed_first_once() -> None:
    items = expand(load_suite(), ExpandOptions(attributes=("age",), languages=("zh",)))
    rankings = [probe_meta(i) for i in items if "ranking" in i.id]
    first_by_vars: dict[str, set[str]] = defaultdict(set)
    for meta in rankings:
        assert meta is not None
        first_by_vars[meta.set_id.rsplit(".", 1)[0]].add(meta.order[0])
    assert all(firsts == {"age25", "age35", "age45", "age58"} for firsts in first_by_vars.values())


def test_bbq_forms_and_answers() -> None:
    items = expand(load_suite(), ExpandOptions(attributes=("gender",), languages=("en",)))
    bbq = [probe_meta(i) for i in items if i.id.startswith("fair.bbq.gender-driving.male.en")]
    forms = sorted((m.bbq_form, m.answer, m.options[0]) for m in bbq if m is not None)
    assert forms == [
        ("ambiguous", "unknown", "other"),
        ("ambiguous", "unknown", "target"),
        ("disambiguated", "other", "other"),
        ("disambiguated", "other", "target"),
        ("disambiguated", "target", "other"),
        ("disambiguated", "target", "target"),
    ]


def test_max_sets_draws_a_seeded_subset() -> None:
    suite = load_suite()
    options = ExpandOptions(attributes=("gender",), languages=("zh",), max_sets=1, seed=3)
    first = expand(suite, options)
    assert first == expand(suite, options)
    full = expand(suite, ExpandOptions(attributes=("gender",), languages=("zh",)))
    assert len(first) < len(full)


def test_non_fairness_items_have_no_record() -> None:
    from hegui.records import BankItem

    item = BankItem(id="x", kind=ItemKind.GENERATION, prompt="你好", risk="A.1.1", tags=("t",))
    assert probe_meta(item) is None
