"""Normalisation: every evasion class folds, offsets map back, keywords and texts agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.text import normalize, normalize_many


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width, case
        ("賭博", "赌博"),  # traditional
        ("炸弾 氷毒 鎗", "炸弹冰毒枪"),  # variant forms
        ("赌\u200b博\u200d", "赌博"),  # zero-width
        ("赌 * 博 😀 !", "赌博"),  # separators, emoji
        ("һеrоіn", "heroin"),  # Cyrillic look-alikes
        ("hεrοιη", "heroin"),  # Greek look-alikes
        ("ⓗⓔⓡⓞⓘⓝ ①②", "heroin12"),  # circled
        ("𝐡𝐞𝐫𝐨𝐢𝐧 𝕞𝕖𝕥𝕙", "heroinmeth"),  # mathematical letters
        ("dǔ bó", "dubo"),  # tone marks
        ("٣٤", "34"),  # digits of other scripts
        ("㍿", "株式会社"),  # one character to several
        ("…", ""),
    ],
)
def test_folding(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_offsets_map_back_to_the_original() -> None:
    source = "说 賭*博 和 ⓐ㍿"
    norm = normalize(source)
    assert norm.text == "说赌博和a株式会社"
    start = norm.text.index("赌博")
    assert norm.span(start, start + 2) == (2, 5)
    assert source[slice(*norm.span(start, start + 2))] == "賭*博"
    # all four characters of 株式会社 come from the single ㍿
    last = len(norm.text)
    assert norm.span(last - 4, last) == (len(source) - 1, len(source))


def test_separated_marks_removed_separators_only() -> None:
    norm = normalize("big cd\u200bx")
    assert norm.text == "bigcdx"
    assert [norm.separated(i) for i in range(len(norm.text) + 1)] == [
        True, False, False, True, False, False, True,
    ]  # fmt: skip


def test_lone_surrogates_and_empty_text() -> None:
    assert normalize("").text == ""
    assert normalize("a\ud800b").text == "ab"


def test_batch_equals_single() -> None:
    texts = ["賭 博", "", "***", "ＡＢ", "㍿x", "e\u0301"]
    assert normalize_many(texts) == [normalize(t).text for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_idempotent_and_offsets_valid(text: str) -> None:
    norm = normalize(text)
    assert normalize(norm.text).text == norm.text
    assert len(norm.index) == len(norm.text)
    assert all(0 <= i < len(text) for i in norm.index.tolist())
    assert list(norm.index) == sorted(norm.index)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="赌博毒品炸弹枪支", min_size=1, max_size=8),
    st.lists(st.sampled_from([" ", "*", "\u200b", "😀", "、", "．"]), min_size=1, max_size=8),
)
def test_inserted_separators_do_not_change_cjk_text(word: str, seps: list[str]) -> None:
    spaced = "".join(ch + seps[i % len(seps)] for i, ch in enumerate(word))
    assert normalize(spaced).text == normalize(word).text


_PIECES = st.sampled_from(
    ["赌", "博", "a", "b", "7", " ", "*", "，", "\u200b", "\u200d", "😀", "e\u0301"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_separated_is_a_separator_among_the_removed_characters(text: str) -> None:
    """The fast paths of :meth:`Normalized.boundaries` agree with the definition: a separator
    (not a zero-width or combining character) was removed between two kept characters."""
    norm = normalize(text)
    ignorable = {"\u200b", "\u200d", "\u0301"}
    index = norm.index.tolist()
    for p in range(1, len(norm.text)):
        removed = text[index[p - 1] + 1 : index[p]]
        assert norm.separated(p) == any(c not in ignorable for c in removed), (text, p)
