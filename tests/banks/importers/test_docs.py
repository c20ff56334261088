"""docs/bank-import.md lists every line of every mapping table, with the same target."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.banks.importers import FORMATS, IMPORTERS, Excluded

DOC = Path(__file__).resolve().parents[3] / "docs" / "bank-import.md"


@pytest.mark.parametrize("fmt", FORMATS)
def test_doc_lists_the_table(fmt: str) -> None:
    if not DOC.is_file():
        pytest.skip(f"{DOC} not present")
    text = DOC.read_text(encoding="utf-8")
    heading = f"### `{fmt}`:"
    assert heading in text
    section = text.split(heading, 1)[1].split("\n### ", 1)[0]
    for label, rule in IMPORTERS[fmt].spec.table.items():
        if isinstance(rule, Excluded):
            row = f"| {label} | excluded: {rule.reason} |"
        else:
            risk = f" {rule.risk} " if rule.risk else " — "
            row = f"| {label} | {rule.kind.value} |{risk}"
        assert row in section, f"{fmt}: docs/bank-import.md lacks {row!r}"
        if not isinstance(rule, Excluded) and rule.aspect:
            assert f"| {rule.aspect} |" in section.split(row, 1)[1].split("\n", 1)[0]
