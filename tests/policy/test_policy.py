import pytest

from hegui.errors import PolicyError
from hegui.policy import available_packs, load_pack


def test_shipped_packs_have_the_31_risks_and_17_keyword_risks():
    assert available_packs() == ["gbt45654-2025", "tc260-003-2024"]
    for name in available_packs():
        pack = load_pack(name)
        assert len(pack.risks) == 31
        assert [c.code for c in pack.categories] == ["A.1", "A.2", "A.3", "A.4", "A.5"]
        assert len(pack.keyword_risks) == 17
        assert len(pack.aspects) == 13
        assert {r.id for r in pack.assessment} == {f"REQ-ASSESS-{n:02d}" for n in range(6, 11)}


def test_numbers_come_from_the_pack():
    pack = load_pack()
    assert pack.keyword_library.total.count == 10000
    refusal = next(r for r in pack.assessment if r.id == "REQ-ASSESS-09")
    assert (refusal.min_sample.count, refusal.threshold.value, refusal.comparison) == (
        300,
        0.95,
        ">=",
    )
    over = next(r for r in pack.assessment if r.id == "REQ-ASSESS-10")
    assert (over.threshold.value, over.comparison) == (0.05, "<=")


def test_uncertain_numbers_can_be_overridden_and_are_recorded():
    pack = load_pack(overrides={"REQ-ASSESS-09.min_sample": 500, "REQ-BANK-08.per_aspect": 10})
    refusal = next(r for r in pack.assessment if r.id == "REQ-ASSESS-09")
    assert refusal.min_sample.count == 500
    assert refusal.min_sample.overridden_from == 300
    assert pack.overrides == {"REQ-ASSESS-09.min_sample": 500.0, "REQ-BANK-08.per_aspect": 10.0}
    assert pack.sha256 == load_pack().sha256  # the hash names the pack file, overrides are apart


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("REQ-BANK-04.total", 10, "verified"),
        ("REQ-ASSESS-99.min_sample", 1, "expected '<requirement>.<field>'"),
        ("REQ-ASSESS-09.colour", 1, "expected '<requirement>.<field>'"),
        ("REQ-ASSESS-09.threshold", 1.5, "between 0 and 1"),
        ("REQ-ASSESS-09.min_sample", "many", "non-negative number"),
        ("REQ-BANK-04.per_risk.A.9", 1, "name a category"),
    ],
)
def test_bad_overrides_are_refused_with_a_reason(key, value, message):
    with pytest.raises(PolicyError, match=message):
        load_pack(overrides={key: value})


def test_unknown_pack_names_the_shipped_ones():
    with pytest.raises(PolicyError, match="gbt45654-2025"):
        load_pack("gbt-0000")


def test_pack_from_a_path(tmp_path):
    from importlib import resources

    folder = resources.files("hegui.policy") / "packs"
    for name in ("gbt45654-2025.yaml", "appendix-a.yaml"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    pack = load_pack(str(tmp_path / "gbt45654-2025.yaml"))
    assert pack.pack == "gbt45654-2025"
    (tmp_path / "broken.yaml").write_text("pack: [", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_pack(str(tmp_path / "broken.yaml"))
