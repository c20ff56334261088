"""The Appendix E record: serialisation, parsing of both wrappers, structural and code checks."""

from __future__ import annotations

import json

import pytest

from hegui.labeling import (
    KEYS,
    AigcLabel,
    CodePolicy,
    InvalidLabelError,
    LabelValue,
    Severity,
    make_label,
    new_content_id,
    parse_label,
    validate_label,
)
from tests.labeling.conftest import PLATFORM, PRODUCER


def test_first_write_repeats_producer_as_propagator() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-1")
    assert label.to_dict() == {
        "Label": "1",
        "ContentProducer": PRODUCER,
        "ProduceID": "id-1",
        "ReservedCode1": "",
        "ContentPropagator": PRODUCER,
        "PropagateID": "id-1",
        "ReservedCode2": "",
    }


def test_json_is_compact_in_key_order_and_wraps_on_request() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-1")
    text = label.to_json()
    assert text.startswith('{"Label":"1","ContentProducer":"')
    assert list(json.loads(text)) == list(KEYS)
    assert " " not in text
    assert json.loads(label.to_json(wrapped=True)) == {"AIGC": label.to_dict()}


def test_propagation_changes_only_two_fields() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-1", reserved_code1="ab" * 20)
    moved = label.with_propagation(PLATFORM, "p-9")
    before, after = label.to_dict(), moved.to_dict()
    changed = {k for k in KEYS if before[k] != after[k]}
    assert changed == {"ContentPropagator", "PropagateID"}


def test_new_content_ids_are_unique_and_in_charset() -> None:
    ids = {new_content_id() for _ in range(100)}
    assert len(ids) == 100
    for value in ids:
        make_label(Label="1", ContentProducer=PRODUCER, ProduceID=value)


@pytest.mark.parametrize("bad", ["含中文", "with space", "back\\slash", "tab\t"])
def test_charset_is_enforced_when_building(bad: str) -> None:
    with pytest.raises(InvalidLabelError, match="printable ASCII"):
        AigcLabel.first_write(PRODUCER, bad)


def test_escaped_quote_is_allowed() -> None:
    label = AigcLabel.first_write(PRODUCER, 'a"b')
    assert '"ProduceID":"a\\"b"' in label.to_json()
    assert parse_label(label.to_json()).label == label


@pytest.mark.parametrize("value", ["0", "4", "", "1 "])
def test_label_value_must_be_1_2_3(value: str) -> None:
    with pytest.raises(InvalidLabelError):
        make_label(Label=value, ContentProducer=PRODUCER, ProduceID="x")


def test_both_wrappers_parse_to_the_same_label() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-1")
    inner, outer = parse_label(label.to_json()), parse_label(label.to_json(wrapped=True))
    assert inner.label == outer.label == label
    assert (inner.wrapper, outer.wrapper) == ("inner", "appendix-e")
    assert inner.valid and outer.valid


def test_double_encoded_value_is_read_with_a_warning() -> None:
    label = AigcLabel.first_write(PRODUCER, "id-1")
    parsed = parse_label(json.dumps({"AIGC": label.to_json()}))
    assert parsed.label == label
    assert [i.code for i in parsed.issues] == ["double-encoded"]


def _codes(raw: str) -> list[str]:
    return [i.code for i in parse_label(raw).issues]


def test_structural_errors_are_each_reported() -> None:
    good = AigcLabel.first_write(PRODUCER, "id-1").to_dict()
    swapped = dict(reversed(list(good.items())))
    assert _codes(json.dumps(swapped)) == ["key-order"]
    missing = {k: v for k, v in good.items() if k != "ReservedCode2"}
    assert _codes(json.dumps(missing)) == ["missing-key"]
    assert _codes(json.dumps({**good, "Extra": "x"})) == ["unknown-key"]
    assert _codes(json.dumps({**good, "Label": 1})) == ["not-string"]
    assert _codes(json.dumps({**good, "ProduceID": "中文"})) == ["charset"]
    assert _codes(json.dumps({**good, "Label": "5"})) == ["label-value"]
    assert _codes('{"Label":"1","Label":"1"}')[0] == "duplicate-key"
    assert _codes("not json") == ["not-json"]
    assert _codes("[1, 2]") == ["not-object"]
    assert _codes('{"AIGC": 5}') == ["not-object"]
    for raw in (json.dumps(swapped), "not json"):
        assert parse_label(raw).label is None and not parse_label(raw).valid


def test_yaml_style_mapping_is_accepted() -> None:
    good = AigcLabel.first_write(PRODUCER, "id-1")
    assert parse_label({"AIGC": good.to_dict()}).label == good


def test_validate_label_checks_codes_and_required_values() -> None:
    assert validate_label(AigcLabel.first_write(PRODUCER, "id")) == []
    bad = make_label(Label="1", ContentProducer="ExampleCorp", ProduceID="id",
                     ContentPropagator="ExampleCorp", PropagateID="id")  # fmt: skip
    errors = validate_label(bad)
    assert {i.code for i in errors} == {"provider-code"}
    assert all(i.severity is Severity.ERROR for i in errors)
    lenient = validate_label(bad, CodePolicy(require_provider_code=False))
    assert all(i.severity is Severity.WARNING for i in lenient)
    empty = make_label(Label="1")
    assert {i.code for i in validate_label(empty)} == {"empty", "no-propagation"}
    platform_only = make_label(Label="3", ContentPropagator=PLATFORM, PropagateID="p")
    assert validate_label(platform_only) == []


def test_producer_with_propagation_service_type_is_a_warning() -> None:
    label = AigcLabel.first_write(PLATFORM, "id")
    issues = validate_label(label)
    assert [(i.code, i.severity) for i in issues] == [("service-type", Severity.WARNING)]
    assert label.label is LabelValue.AI_GENERATED
