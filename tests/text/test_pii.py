"""PII detector: ID numbers (GB 11643), mobiles, bank cards (Luhn), e-mails; masking."""

from __future__ import annotations

import random
from datetime import date

import pytest

from hegui.text.pii import (
    PiiDetector,
    PiiKind,
    find_pii,
    luhn_valid,
    mask_pii,
    valid_resident_id,
)

TODAY = date(2026, 11, 28)


def make_id(prefix17: str) -> str:
    """An ID number with its check character, computed independently of the module."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2 weights
    return (
        prefix17
        + "10X98765432"[sum(int(d) * w for d, w in zip(prefix17, weights, strict=True)) % 11]
    )


def make_card(prefix: str, length: int) -> str:
    """A Luhn-valid card number, computed independently of the module."""
    rng = random.Random(length)
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        digits = [int(c) for c in body + check][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + check
    raise AssertionError


def kinds(text: str, detector: PiiDetector | None = None) -> list[tuple[str, str]]:
    found = (detector or PiiDetector(today=TODAY)).find(text)
    return [(m.kind.value, m.value) for m in found]


def test_standard_test_vector() -> None:
    assert valid_resident_id("53010219200508011X", today=TODAY)
    assert not valid_resident_id("530102192005080119", today=TODAY)
    assert make_id("53010219200508011") == "53010219200508011X"


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (make_id("11010520230230123"), "30 February does not exist"),
        (make_id("11010518991231123"), "born before 1900"),
        (make_id("11010520301231123"), "born in the future"),
        (make_id("99010519900101123"), "99 is no province code"),
        ("11010519900101123", "17 characters"),
    ],
)
def test_invalid_id_numbers(number: str, why: str) -> None:
    assert not valid_resident_id(number, today=TODAY), why
    assert kinds(f"证件号码{number}。") == [], why


def test_lower_case_check_character() -> None:
    number = "53010219200508011x"
    assert kinds(f"身份证:{number}") == [("id_card", number)]


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("4111-1111")


def test_email_does_not_swallow_chinese() -> None:
    # The \w pitfall: 邮箱 in front of the address must not become part of it.
    assert kinds("请联系邮箱zhang.san@example.com.cn谢谢") == [
        ("email", "zhang.san@example.com.cn")
    ]
    assert kinds("发到 a_b+tag@mail-1.example.org。") == [("email", "a_b+tag@mail-1.example.org")]
    assert kinds("微博@张三 说") == []
    assert kinds("no@tld") == []


def test_mobile_forms() -> None:
    text = "电话13800138000，或 +86 139 0013 9000、0086-137-0013-7000；座机 010-62345678"
    assert kinds(text) == [
        ("mobile", "13800138000"),
        ("mobile", "+86 139 0013 9000"),
        ("mobile", "0086-137-0013-7000"),
    ]


def test_two_phones_in_one_run_are_two_matches() -> None:
    assert kinds("13800138000 13900139000") == [
        ("mobile", "13800138000"),
        ("mobile", "13900139000"),
    ]


def test_bank_cards() -> None:
    plain = make_card("622202", 19)
    grouped = " ".join(make_card("4", 16)[i : i + 4] for i in range(0, 16, 4))
    bad = plain[:-1] + str((int(plain[-1]) + 1) % 10)
    assert kinds(f"卡号{plain}") == [("bank_card", plain)]
    assert kinds(f"卡号 {grouped} 到期") == [("bank_card", grouped)]
    assert kinds(f"卡号{bad}") == []
    assert kinds(f"单号{make_card('9', 16)}") == []  # no card issuer starts with 9


def test_numbers_glued_to_letters_are_tokens_not_pii() -> None:
    assert kinds("订单号A13800138000") == []
    assert kinds("hash 53010219200508011Xab") == []


def test_id_not_reported_as_bank_card() -> None:
    number = make_id("44030619851212341")
    assert kinds(number) == [("id_card", number)]


def test_plain_numbers_are_not_pii() -> None:
    text = "2023年共有12345678901人次，编号100000000000，电话号码位数为11。"
    assert kinds(text) == []


def test_offsets_index_the_text() -> None:
    text = "甲：13800138000；乙：li@example.cn"
    for m in find_pii(text):
        assert text[m.start : m.end] == m.value


def test_kinds_filter() -> None:
    detector = PiiDetector(frozenset({PiiKind.EMAIL}), today=TODAY)
    assert kinds("13800138000 li@example.cn", detector) == [("email", "li@example.cn")]


def test_mask_styles() -> None:
    text = "身份证53010219200508011X，电话138-0013-8000，邮箱li@example.cn"
    assert mask_pii(text) == "身份证[身份证号]，电话[手机号]，邮箱[邮箱]"
    assert mask_pii(text, style="stars") == (
        "身份证******************，电话***-****-****，邮箱**@*******.**"
    )
    assert mask_pii("没有个人信息") == "没有个人信息"


def test_random_text_round_trip() -> None:
    """Inserted PII is found exactly where it was put, in random Chinese filler."""
    rng = random.Random(7)
    filler = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    pieces = [make_id("110105194912310"[:15] + "21"), "13912345678", "wang.wu@corp.example.com"]
    text, expected = "", []
    for piece in pieces * 3:
        text += "".join(rng.choice(filler) for _ in range(rng.randint(5, 40)))
        expected.append((len(text), piece))
        text += piece
    found = PiiDetector(today=TODAY).find(text)
    assert [(m.start, m.value) for m in found] == expected


def test_resident_id_birth_date() -> None:
    from datetime import date

    from hegui.text.pii import resident_id_birth_date

    assert resident_id_birth_date("53010219200508011X") == date(1920, 5, 8)
    assert resident_id_birth_date("530102192013400119") is None  # month 13
    assert resident_id_birth_date("5301021920") is None
