"""KeywordMatcher: spans, how/level, guards, regex, backends, cache."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.text import (
    KeywordEntry,
    KeywordLibrary,
    KeywordMatcher,
    MatchHow,
    MatchLevel,
    MatchMode,
    Severity,
    normalize,
)
from hegui.text.engine import HAVE_HYPERSCAN


def found(matcher: KeywordMatcher, text: str) -> list[tuple[str, str, str, str]]:
    return [
        (m.keyword, text[m.start : m.end], m.how.value, m.level.value) for m in matcher.scan(text)
    ]


def test_spans_index_the_original_text(matcher: KeywordMatcher) -> None:
    text = "有人说：賭*博、ＨＥＲＯＩＮ和 zha dan 都不行"
    assert found(matcher, text) == [
        ("赌博", "賭*博", "normalised", "hit"),
        ("heroin", "ＨＥＲＯＩＮ", "normalised", "hit"),
        ("炸弹", "zha dan", "pinyin", "hit"),
    ]


def test_literal_vs_normalised(matcher: KeywordMatcher) -> None:
    assert found(matcher, "不要赌博") == [("赌博", "赌博", "literal", "hit")]
    assert found(matcher, "不要赌 博")[0][2] == "normalised"


def test_record_fields(matcher: KeywordMatcher) -> None:
    (m,) = matcher.scan("洗钱是犯罪")
    assert (m.keyword, m.risk, m.start, m.end) == ("洗钱", "A.1.8", 0, 2)
    assert m.how is MatchHow.LITERAL and m.level is MatchLevel.HIT
    assert m.severity is Severity.MEDIUM
    assert m.to_json()["severity"] == "medium"


def test_overlapping_keywords_are_all_reported(matcher: KeywordMatcher) -> None:
    kws = [m.keyword for m in matcher.scan("网络赌博和枪支弹药")]
    assert kws == ["网络赌博", "赌博", "枪支", "枪支弹药"]  # by start, then end


def test_every_occurrence(matcher: KeywordMatcher) -> None:
    spans = [(m.start, m.end) for m in matcher.scan("毒品，毒-品，毒品")]
    assert spans == [(0, 2), (3, 6), (7, 9)]


def test_homophones_are_suspects_only(matcher: KeywordMatcher) -> None:
    assert found(matcher, "他去读博了") == [("赌博", "读博", "phonetic", "suspect")]
    assert found(matcher, "他去读博了") == found(matcher, "他去读博了")
    assert matcher.scan("他去读博了", homophones=False) == []
    # a real hit is not reported again as a suspect
    assert [m.level.value for m in matcher.scan("赌博")] == ["hit"]


def test_default_homophone_minimum_skips_two_character_keywords(library_path: Path) -> None:
    from hegui.text import load_library

    m = KeywordMatcher.from_library(load_library(library_path), cache=False)
    assert m.scan("他去读博了") == []
    assert found(m, "海落因")[0][2:] == ("phonetic", "suspect")


def test_allow_list_and_word_boundary(matcher: KeywordMatcher) -> None:
    assert matcher.scan("洗钱包") == []
    assert found(matcher, "他在洗钱") == [("洗钱", "洗钱", "literal", "hit")]
    assert matcher.scan("打雷管理条例") == []
    assert found(matcher, "买雷管") == [("雷管", "雷管", "literal", "hit")]


def test_latin_word_boundaries(matcher: KeywordMatcher) -> None:
    assert matcher.scan("heroine methane ak470") == []
    assert [m.keyword for m in matcher.scan("HEROIN, meth2go, 卖ak47")] == [
        "heroin",
        "meth",
        "ak47",
    ]
    assert matcher.scan("her oin") == []


def test_regex_entries(matcher: KeywordMatcher) -> None:
    assert found(matcher, "每300元一克") == [(r"\d{3}元一克", "300元一克", "literal", "hit")]
    assert found(matcher, "每３００元 一克")[0][1:3] == ("３００元 一克", "normalised")


def test_variants(matcher: KeywordMatcher) -> None:
    assert found(matcher, "被开盒了") == [("人肉搜索", "开盒", "literal", "hit")]


def test_from_terms_and_empty_inputs() -> None:
    m = KeywordMatcher.from_terms(["冰毒", ("tnt", "A.1.4")], risk="A.1.8", cache=False)
    assert m.scan("") == [] and m.scan("   ") == []
    assert [x.risk for x in m.scan("冰毒 TNT")] == ["A.1.8", "A.1.4"]
    only_regex = KeywordMatcher.from_terms(
        [KeywordEntry(r"\d+克", "A.1.8", mode=MatchMode.REGEX)], cache=False
    )
    assert [x.start for x in only_regex.scan("买5克")] == [1]


def test_same_keyword_in_two_risks_is_reported_twice() -> None:
    m = KeywordMatcher.from_terms([("诈骗", "A.1.8"), ("诈骗", "A.3.5")], cache=False)
    assert [x.risk for x in m.scan("诈骗")] == ["A.1.8", "A.3.5"]


@pytest.mark.skipif(not HAVE_HYPERSCAN, reason="needs hyperscan")
def test_backends_agree(library_path: Path) -> None:
    from hegui.text import load_library

    lib = load_library(library_path)
    hs = KeywordMatcher.from_library(lib, backend="hyperscan", cache=False, homophone_min_chars=2)
    ac = KeywordMatcher.from_library(
        lib, backend="ahocorasick-rs", cache=False, homophone_min_chars=2
    )
    rnd = random.Random(5)
    pieces = ["赌", "博", "毒品", " ", "*", "zha", "dan", "HEROIN", "读", "炸蛋", "海落因",
              "ａｋ", "47", "洗钱包", "300元一克", "開盒", "😀", "\u200b"]  # fmt: skip
    for _ in range(300):
        text = "".join(rnd.choices(pieces, k=rnd.randint(1, 12)))
        assert hs.scan(text) == ac.scan(text), text


def test_latin_windows_find_what_a_whole_scan_finds() -> None:
    lib = KeywordLibrary.from_terms(
        ["冰毒", "heroin", "a片", "ak47", "海洛因", "cpi上升了很多"], risk="A.1.8"
    )
    m = KeywordMatcher.from_library(lib, cache=False)
    rnd = random.Random(9)
    filler = "今天天气很好我们一起去公园散步然后回家吃饭" * 60
    pieces = ["heroin", "bing du", "a片", "AK47", "hai luo因", "cpi上升了很多", "xyz"]
    for _ in range(30):  # long texts (> 4096 characters) take the windowed path
        parts = [filler[: rnd.randint(500, 1000)] for _ in range(8)]
        text = "".join(p + rnd.choice(pieces) for p in parts)
        got = {(x.keyword, x.start, x.end) for x in m.scan(text, homophones=False)}
        expected = set()
        for piece in pieces:
            at = text.find(piece)
            while at >= 0:
                expected |= {
                    (x.keyword, at + x.start, at + x.end) for x in m.scan(piece, homophones=False)
                }
                at = text.find(piece, at + 1)
        assert expected <= got, text


def test_scan_many_equals_scan(matcher: KeywordMatcher) -> None:
    rnd = random.Random(11)
    pieces = [
        "赌",
        "博",
        "毒品",
        "*",
        "zha",
        "dan",
        "HEROIN",
        "读博",
        "海落因",
        "洗钱",
        "包",
        "300元一克",
        "开盒",
        "heroi",
        "n",
        "meth",
        "od",
    ]
    pieces += [" ", "\u200b", "雷管", "理", ""]
    for _ in range(40):
        texts = [
            "".join(rnd.choices(pieces, k=rnd.randint(0, 8))) for _ in range(rnd.randint(1, 9))
        ]
        assert matcher.scan_many(texts) == [matcher.scan(t) for t in texts], texts
    # nothing leaks across the texts of a batch
    assert matcher.scan_many(["洗钱", "包"]) == [matcher.scan("洗钱"), []]
    assert matcher.scan_many(["赌", "博"]) == [[], []]
    assert matcher.scan_many([]) == []


@pytest.mark.parametrize(
    "backend", ["hyperscan", "ahocorasick-rs"] if HAVE_HYPERSCAN else ["ahocorasick-rs"]
)
def test_one_character_keywords(backend: str) -> None:
    m = KeywordMatcher.from_terms(
        ["毒", "b", "7", "賭"], risk="A.1.8", backend=backend, cache=False
    )
    text = "有毒! b, abc 7 17 Ｂ 赌"
    assert found(m, text) == [
        ("毒", "毒", "literal", "hit"),
        ("b", "b", "literal", "hit"),
        ("7", "7", "literal", "hit"),
        ("b", "Ｂ", "normalised", "hit"),
        ("賭", "赌", "normalised", "hit"),
    ]
    assert m.scan_many([text, "b毒"]) == [m.scan(text), m.scan("b毒")]


def test_unknown_backend() -> None:
    with pytest.raises(ConfigError, match="backend"):
        KeywordMatcher.from_terms(["赌博"], risk="A.1.8", backend="re2", cache=False)


def test_cache_round_trip(tmp_path: Path) -> None:
    lib = KeywordLibrary.from_terms(["赌博", "毒品", "heroin"], risk="A.1.8")
    first = KeywordMatcher.from_library(lib, cache=tmp_path)
    assert not first._c.loaded_from_cache
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob(".*.tmp"))
    second = KeywordMatcher.from_library(lib, cache=tmp_path)
    assert second._c.loaded_from_cache
    text = "du bo 賭博 HEROIN 读博"
    assert first.scan(text) == second.scan(text)
    # a corrupt cache file is ignored and rewritten
    files[0].write_bytes(b"garbage")
    third = KeywordMatcher.from_library(lib, cache=tmp_path)
    assert not third._c.loaded_from_cache and third.scan(text) == first.scan(text)
    # so is an entry whose engine bytes are damaged
    import numpy as np

    with np.load(files[0]) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["engine_cjk_0"] = np.frombuffer(b"not a database", dtype=np.uint8)
    with files[0].open("wb") as handle:
        np.savez(handle, **arrays)
    fourth = KeywordMatcher.from_library(lib, cache=tmp_path)
    assert not fourth._c.loaded_from_cache and fourth.scan(text) == first.scan(text)


def test_cache_env_var_and_unwritable_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path / "c"))
    lib = KeywordLibrary.from_terms(["赌博"], risk="A.1.8")
    KeywordMatcher.from_library(lib)
    assert list((tmp_path / "c" / "keywords").glob("*.npz"))
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(blocked))
    m = KeywordMatcher.from_library(lib)  # cannot write: compiles and goes on
    assert [x.keyword for x in m.scan("赌博")] == ["赌博"]


def test_package_docstring_example() -> None:
    import doctest

    import hegui.text

    assert doctest.testmod(hegui.text).failed == 0


@pytest.mark.parametrize(
    "backend", ["hyperscan", "ahocorasick-rs"] if HAVE_HYPERSCAN else ["ahocorasick-rs"]
)
def test_characters_beyond_the_bmp(backend: str) -> None:
    """Surrogate pairs in UTF-16 (hyperscan's encoding for the main engine) keep every span
    exact, for keywords holding such characters and for keywords after them."""
    matcher = KeywordMatcher.from_terms(
        ["𠀀测试", "赌博", "毒品交易"], risk="A.1.8", backend=backend, cache=False
    )
    text = "𠮷前面😀说𠀀测试，后来𠮷𠮷赌*博和毒品交易"
    assert found(matcher, text) == [
        ("𠀀测试", "𠀀测试", "literal", "hit"),
        ("赌博", "赌*博", "normalised", "hit"),
        ("毒品交易", "毒品交易", "literal", "hit"),
    ]
    batch = matcher.scan_many(["𠮷赌博", "赌博"])
    assert [[(m.start, m.end) for m in r] for r in batch] == [[(1, 3)], [(0, 2)]]


def test_a_match_never_straddles_two_characters_bytes() -> None:
    """UTF-16 bytes of neighbouring characters can spell a keyword's bytes at an odd offset:
    中文字 is 2D 4E 87 65 57 5B, and 蝎坥 (U+874E U+5765) is 4E 87 65 57."""
    keyword = "\u874e\u5765"
    assert normalize(keyword).text == keyword  # folded as is: the bytes above are scanned
    matcher = KeywordMatcher.from_terms([keyword], risk="A.1.8", cache=False)
    assert matcher.scan("\u4e2d\u6587\u5b57") == []
    assert [(m.start, m.end) for m in matcher.scan("\u4e2d" + keyword)] == [(1, 3)]
