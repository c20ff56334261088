"""Provider codes (PG-CODE) and the GB 32100 unified social credit code checksum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hegui.labeling import (
    InvalidLabelError,
    ServiceType,
    make_provider_code,
    provider_code_problems,
    uscc_problems,
    validate_provider_code,
    validate_uscc,
)
from hegui.labeling.codes import USCC_ALPHABET, uscc_check_char
from tests.labeling.conftest import PLATFORM, PRODUCER

# Real codes from public material: both examples of regulation.md §3.5 and a textbook USCC.
REAL_USCCS = ["91440300708461136T", "91110102MACQD9K640", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_pass(code: str) -> None:
    assert uscc_problems(code) == []
    assert validate_uscc(code) == code


def test_wrong_check_character_is_named() -> None:
    problems = uscc_problems("911100001000000000")
    assert problems == ["USCC check character is '0', GB 32100 gives 'R'"]
    with pytest.raises(InvalidLabelError, match="check character"):
        validate_uscc("911100001000000000")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9144030070846113", "18 characters"),
        ("91440300708461136I", "without I, O, S, V, Z"),
        ("9144AB00708461136T", "area code"),
    ],
)
def test_malformed_usccs(code: str, reason: str) -> None:
    assert reason in uscc_problems(code)[0]


usccs = st.builds(
    lambda body: body + uscc_check_char(body),
    st.tuples(
        st.sampled_from("123456789ABCDEFGHJKLMNPQRTUWXY"),
        st.sampled_from("123456789ABCDEFGHJKLMNPQRTUWXY"),
        st.text("0123456789", min_size=6, max_size=6),
        st.text(USCC_ALPHABET, min_size=9, max_size=9),
    ).map("".join),
)


@given(usccs, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_breaks_the_checksum(code: str, pos: int, char: str) -> None:
    assert uscc_problems(code) == []
    changed = code[:pos] + char + code[pos + 1 :]
    if changed != code and uscc_problems(changed) == []:
        # The weights are coprime to 31, so one changed character always changes the sum.
        pytest.fail(f"{changed} passes although it differs from {code} in one place")


@pytest.mark.parametrize("code", [PRODUCER, PLATFORM, "001191110102MACQD9K64018705"])
def test_real_provider_codes(code: str) -> None:
    parsed = validate_provider_code(code)
    assert parsed.uscc == code[4:22]
    assert parsed.warnings == ()


def test_provider_code_parts() -> None:
    parsed = validate_provider_code(PLATFORM)
    assert parsed.service_type is ServiceType.PROPAGATION
    assert parsed.app_code == "8705"
    assert validate_provider_code("001191440300708461136T00000").service_type is (
        ServiceType.UNSPECIFIED
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (PRODUCER[:-1], "27 characters"),
        ("01" + PRODUCER[2:], "format code '00'"),
        (PRODUCER[:-1] + "x", "upper-case"),
        (PRODUCER[:22] + "3XGW3", "1xxxx (generation)"),
        ("0011" + "91440300708461136A" + "1XGW3", "check character"),
    ],
)
def test_invalid_provider_codes(code: str, reason: str) -> None:
    assert reason in provider_code_problems(code)[0]
    with pytest.raises(InvalidLabelError, match="invalid provider code"):
        validate_provider_code(code)


def test_unknown_subject_type_is_a_warning_not_an_error() -> None:
    code = "0021" + "A" * 18 + "10000"
    assert provider_code_problems(code) == []
    assert "not an organisation" in validate_provider_code(code).warnings[0]


def test_make_provider_code_round_trips() -> None:
    code = make_provider_code(
        "91350100M000100Y43", service=ServiceType.PROPAGATION, app_code="AB12"
    )
    assert code == "001191350100M000100Y432AB12"
    assert validate_provider_code(code).uscc == "91350100M000100Y43"
    assert make_provider_code("91350100M000100Y43", service=ServiceType.UNSPECIFIED).endswith(
        "00000"
    )
    with pytest.raises(InvalidLabelError, match="app code"):
        make_provider_code("91350100M000100Y43", app_code="ab")
