"""Normalisation: every evasion class folds, offsets map back, keywords and texts agree."""

from __future__ import annotations

import importlib

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


_MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from("赌博法轮功頭發㍿⑩ⓐＡＢ１２ab cdé\u200b\u200d*#-，。！\0\t\n😀һ٣"),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(_MIXED, st.lists(st.integers(0, 59), max_size=4, unique=True))
def test_compiled_fold_equals_numpy(text: str, at: list[int]) -> None:
    """The compiled fold (texts without expansions) and the numpy path agree on everything a
    scan reads: text, codes, offsets, boundaries, literal spans; with and without barriers."""
    import numpy as np

    from hegui.text.tables import load_tables

    module = importlib.import_module("hegui.text.normalize")

    barriers = np.array(sorted(p for p in at if p < len(text)), dtype=np.int64)
    for stops in (None, barriers):
        fast = module.normalize(text, barriers=stops)
        slow = module._normalize_numpy(text, load_tables(), stops) if text else fast
        assert fast.text == slow.text
        assert fast.codes.tolist() == slow.codes.tolist()
        assert fast.index.tolist() == slow.index.tolist()
        assert fast.boundaries().tolist() == slow.boundaries().tolist()
        n = len(fast.text)
        if n:
            starts = np.arange(n, dtype=np.int64)
            ends = np.minimum(starts + 2, n)
            o_start, o_end = fast.spans(starts, ends)
            same = fast.unchanged(o_start, o_end).tolist()
            assert same == slow.unchanged(o_start, o_end).tolist()
            assert fast.separated_at(starts).tolist() == slow.separated_at(starts).tolist()


def test_the_compiled_fold_is_built_and_used() -> None:
    """``pip install`` builds it (setup.py); a broken build would only make scans slower, so
    this test is what notices."""
    module = importlib.import_module("hegui.text.normalize")
    assert module._fold is not None
    norm = module.normalize("说 賭*博")
    assert norm._index is None  # the offset map waits until something asks for it
    assert norm.span(1, 3) == (2, 5)
