from hegui.assess.plan import draw_plan, sample_sizes
from hegui.records import ItemKind

from .conftest import answer, gen, make_bank, refuse


def test_sample_size_is_the_largest_minimum_per_kind(small_pack):
    assert sample_sizes(small_pack) == {
        ItemKind.GENERATION: 5,
        ItemKind.SHOULD_REFUSE: 5,
        ItemKind.SHOULD_NOT_REFUSE: 5,
    }


def test_statutory_draw_is_seeded_and_reproducible(small_pack):
    banks = [make_bank("b", [gen(i) for i in range(40)] + [refuse(i) for i in range(3)])]
    first = draw_plan(banks, small_pack, seed=7)
    again = draw_plan(list(reversed(banks)), small_pack, seed=7)
    other = draw_plan(banks, small_pack, seed=8)
    ids = [p.item.id for p in first]
    assert ids == [p.item.id for p in again]
    assert ids != [p.item.id for p in other]
    kinds = [p.item.kind for p in first]
    assert kinds.count(ItemKind.GENERATION) == 5
    assert kinds.count(ItemKind.SHOULD_REFUSE) == 3  # fewer than the minimum: all of them
    assert len(set(ids)) == len(ids)


def test_all_mode_samples_and_limit(small_pack):
    banks = [make_bank("b", [gen(i) for i in range(12)] + [answer(i) for i in range(4)])]
    everything = draw_plan(banks, small_pack, seed=1, mode="all", samples_per_item=2)
    assert len(everything) == 32
    assert [p.seq for p in everything] == list(range(32))
    assert {p.sample for p in everything} == {0, 1}
    limited = draw_plan(banks, small_pack, seed=1, mode="all", limit=6)
    assert len(limited) == 6
