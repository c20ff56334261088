"""Probe files: the shipped set is valid; bad files fail with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import BankError
from hegui.fairness.attributes import ATTRIBUTES
from hegui.fairness.errors import ProbeFileError
from hegui.fairness.loader import load_suite
from hegui.fairness.model import Measure


def test_shipped_suite_covers_the_nine_attributes_in_both_languages() -> None:
    suite = load_suite()
    assert set(suite.groups) == {a.key for a in ATTRIBUTES}
    for key, groups in suite.groups.items():
        assert len(groups) >= 2, key
        assert all({"zh", "en"} <= set(g.wording) for g in groups), key
    languages = {t.language for t in suite.templates}
    assert languages == {"zh", "en"}
    measures = {t.measure for t in suite.templates}
    assert {Measure.YESNO, Measure.SCORE, Measure.AMOUNT, Measure.RANKING, Measure.OPEN} <= measures
    scenarios = {t.scenario for t in suite.templates}
    assert {"hiring", "lending", "medical", "education", "housing", "storytelling"} <= scenarios
    assert {q.attribute for q in suite.bbq} == {a.key for a in ATTRIBUTES}


def test_folded_chinese_text_gets_no_spaces() -> None:
    template = next(t for t in load_suite().templates if t.id == "zh-hiring-interview")
    assert " " not in template.text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_TEMPLATE = """\
templates:
  - id: t1
    language: zh
    measure: yesno
    noun: 顾客
    text: 一位{person}想办会员卡，是否批准？
"""

BAD_FILES = [
    pytest.param(
        """\
templates:
  - id: t1
    language: zh
    measure: yesno
    noun: 顾客
    text: 一位{person}想在{shop}办卡
""",
        6,
        "unknown slot {shop}",
        id="unknown-slot",
    ),
    pytest.param(
        """\
templates:
  - id: t1
    language: zh
    measure: yesno
    text: 这个人想办卡吗
""",
        5,
        "missing group slot",
        id="missing-slot",
    ),
    pytest.param(
        """\
templates:
  - id: t1
    language: zh
    measure: yesno
    noun: 人
    attributes: [height]
    text: 一位{person}
""",
        6,
        "unknown attribute 'height'",
        id="unknown-attribute-in-template",
    ),
    pytest.param(
        """\
groups:
  height:
    - {id: tall, zh: {term: 高个子, person: "高个子{n}"}}
""",
        2,
        "unknown attribute 'height'",
        id="unknown-attribute-in-groups",
    ),
    pytest.param(
        """\
groups:
  region:
    - {id: sichuan, zh: {term: 四川, person: "四川{n}"}}
    - {id: sichuan2, zh: {term: 四川, person: "来自四川的{n}"}}
""",
        4,
        "duplicate term '四川'",
        id="duplicate-term",
    ),
    pytest.param(
        """\
groups:
  region:
    - {id: henan, zh: {term: 豫, person: "豫{n}"}}
""",
        3,
        "duplicate group id 'henan'",
        id="duplicate-group-id-with-shipped",
    ),
    pytest.param(
        """\
groups:
  region:
    - {id: sichuan, zh: {term: 四川, person: "四川人"}}
""",
        3,
        "{n} slot",
        id="person-without-noun-slot",
    ),
    pytest.param(
        """\
templates:
  - id: t1
    language: zh
    measure: verdict
    text: 一位{person}
""",
        4,
        "unknown measure",
        id="unknown-measure",
    ),
    pytest.param(
        """\
templates:
  - id: t1
    language: zh
    measure: score
    noun: 人
    text: 一位{person}打几分
""",
        2,
        "scale",
        id="score-without-scale",
    ),
    pytest.param(
        """\
bbq:
  - id: q1
    attribute: region
    target: henan
    other: beijing
    zh: {noun: 人, context: "一位{a}", evidence: "{x}做的", question: 谁？, unknown: 不知道}
""",
        6,
        "slots {a}, {b}, found ['a']",
        id="bbq-missing-slot",
    ),
    pytest.param(
        """\
bbq:
  - id: q1
    attribute: region
    target: tibet
    other: beijing
    zh: {noun: 人, context: "{a}和{b}", evidence: "{x}做的", question: 谁？, unknown: 不知道}
""",
        2,
        "group 'tibet' is not a group",
        id="bbq-unknown-group",
    ),
    pytest.param(
        """\
bbq:
  - id: q1
    attribute: region
    target: henan
    other: [beijing, henan]
    zh: {noun: 人, context: "{a}和{b}", evidence: "{x}做的", question: 谁？, unknown: 不知道}
""",
        5,
        "none of them the target",
        id="bbq-other-is-target",
    ),
    pytest.param("templates: [\n  - id: t1\n    text: {oops\n", 2, "not valid YAML", id="bad-yaml"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_FILES)
def test_bad_probe_files_name_file_line_and_problem(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ProbeFileError) as caught:
        load_suite([tmp_path])
    error = str(caught.value)
    assert str(path) in error
    assert f"line {line}" in error
    assert message in error
    assert isinstance(caught.value, BankError)  # the CLI turns it into exit code 2


def test_user_templates_and_groups_are_added(tmp_path: Path) -> None:
    _write(
        tmp_path,
        GOOD_TEMPLATE
        + """\
groups:
  region:
    - {id: sichuan, zh: {term: 四川, person: "来自四川的{n}"}, aliases: [四川人]}
""",
    )
    suite = load_suite([tmp_path])
    assert any(t.id == "t1" for t in suite.templates)
    assert [g.id for g in suite.groups["region"]][-1] == "sichuan"
    only = load_suite([tmp_path], builtin=False)
    assert [t.id for t in only.templates] == ["t1"]
    assert [g.id for g in only.groups["region"]] == ["sichuan"]


def test_duplicate_template_id_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD_TEMPLATE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD_TEMPLATE, encoding="utf-8")
    with pytest.raises(ProbeFileError, match=r"b\.yaml, line 2: duplicate template id 't1'"):
        load_suite([tmp_path])


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProbeFileError, match="template folder not found"):
        load_suite([tmp_path / "nope"])


def test_the_documented_example_file_loads(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "fairness.md"
    section = docs.read_text(encoding="utf-8").split("## Probe file format", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "mine.yaml").write_text(example, encoding="utf-8")
    suite = load_suite([tmp_path])
    assert suite.groups["region"][-1].id == "sichuan"
    assert {"zh-insurance-quote", "zh-score-example"} <= {t.id for t in suite.templates}
    assert any(q.id == "region-thrift" for q in suite.bbq)
