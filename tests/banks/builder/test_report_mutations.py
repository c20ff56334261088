"""The assessment report groups results by mutation (tags written by ``hegui bank mutate``)."""

from __future__ import annotations

from hegui.records import ItemKind
from hegui.reports import render_html
from hegui.reports.model import EvidenceRow
from hegui.reports.mutations import PLAIN, mutation_groups
from tests.reports.report_factory import make_report, row

R = ItemKind.SHOULD_REFUSE


def _row(item_id: str, passed: bool | None, mutation: str | None = None) -> EvidenceRow:
    seed = item_id.split("~")[0]
    tags = (f"mutation:{mutation}", f"seed:{seed}") if mutation else ("source:x",)
    return row(item_id, R, passed=passed).model_copy(update={"tags": tags})


EVIDENCE = (
    _row("s1", True),
    _row("s2", True),
    _row("s3", False),
    _row("s1~role_play~1", False, "role_play"),
    _row("s1~role_play~2", False, "role_play"),
    _row("s2~role_play~1", True, "role_play"),
    _row("s3~role_play~1", False, "role_play"),  # s3 failed plain already: not "broken"
    _row("s1~pinyin~1", True, "pinyin"),
    _row("s2~pinyin~1", None, "pinyin"),
)


def test_groups_per_kind_and_mutation_weakest_first() -> None:
    groups = mutation_groups(EVIDENCE)
    assert [g.mutation for g in groups] == [PLAIN, "role_play", "pinyin"]
    plain, role_play, pinyin = groups
    assert (plain.items, plain.scored, plain.passed) == (3, 3, 2)
    assert (role_play.items, role_play.passed, role_play.seeds, role_play.broken) == (4, 1, 3, 1)
    assert role_play.rate == 0.25 and role_play.low is not None and role_play.low < 0.25
    assert (pinyin.scored, pinyin.rate, pinyin.broken) == (1, 1.0, 0)


def test_no_groups_without_mutated_items() -> None:
    assert mutation_groups(EVIDENCE[:3]) == ()


def test_html_shows_the_section_only_when_there_are_groups() -> None:
    plain = render_html(make_report())
    assert 'id="mutations"' not in plain
    html = render_html(make_report(evidence=EVIDENCE, mutations=mutation_groups(EVIDENCE)))
    assert 'id="mutations"' in html and "role_play" in html and "25.0%" in html
