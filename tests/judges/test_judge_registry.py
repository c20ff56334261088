"""Building judges by name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from hegui.errors import JudgeError
from hegui.judges import (
    AcceptableJudge,
    Judge,
    KeywordJudge,
    RefusalJudge,
    SimpleKeywordScanner,
    build_judge,
    judge_names,
)


def test_judge_names_list_the_rule_judges_first() -> None:
    assert judge_names()[:3] == ("refusal", "keyword", "acceptable")
    assert {"refusal-ml", "harm", "cascade", "llm-judge", "human"} <= set(judge_names())


def _library(tmp_path: Path) -> Path:
    library = tmp_path / "kw.tsv"
    library.write_text("关键词\t二级分类\n冰毒\tA.2.1\n", encoding="utf-8")
    return library


def test_build_each_judge(tmp_path: Path) -> None:
    library = _library(tmp_path)
    refusal = build_judge("refusal")
    keyword = build_judge("keyword", library=library)
    acceptable = build_judge("acceptable", library=str(library))
    assert isinstance(refusal, RefusalJudge)
    assert isinstance(keyword, KeywordJudge)
    assert isinstance(acceptable, AcceptableJudge)
    for judge in (refusal, keyword, acceptable):
        assert isinstance(judge, Judge)
        assert judge.name in judge_names()
    assert keyword.classify("买冰毒").label == "hit"


def test_library_paths_use_the_text_engine_and_keywords_reach_every_judge(tmp_path: Path) -> None:
    text = pytest.importorskip("hegui.text")
    library = _library(tmp_path)
    # hegui.yaml's 'keywords:' list is passed to every judge; the refusal judge ignores it
    assert isinstance(build_judge("refusal", keywords=[str(library)]), RefusalJudge)
    judge = build_judge("keyword", keywords=[library])
    assert isinstance(judge, KeywordJudge)
    assert isinstance(judge.scanner, text.KeywordMatcher)
    assert judge.version.startswith("1.0.0+")  # the library's content hash
    assert judge.classify("卖 冰-毒").label == "hit"  # the text engine folds separators


def test_keyword_sources_terms_and_scanner() -> None:
    by_terms = build_judge("keyword", terms=["冰毒", ("代开发票", "A.3.3")])
    assert isinstance(by_terms, KeywordJudge)
    assert by_terms.classify("可以代开发票").evidence == ("代开发票",)
    scanner = SimpleKeywordScanner([("x", None)])
    by_scanner = build_judge("keyword", scanner=scanner)
    assert isinstance(by_scanner, KeywordJudge)
    assert by_scanner.scanner is scanner


def test_scanner_factory_is_the_text_engine_hook(tmp_path: Path) -> None:
    seen: list[Path] = []

    def factory(paths: Sequence[Path]) -> SimpleKeywordScanner:
        seen.extend(paths)
        return SimpleKeywordScanner([("hooked", None)])

    judge = build_judge(
        "keyword",
        keywords=[tmp_path / "a.bin"],
        library=tmp_path / "b.bin",
        scanner_factory=factory,
    )
    assert seen == [tmp_path / "a.bin", tmp_path / "b.bin"]
    assert isinstance(judge, KeywordJudge)
    assert judge.classify("hooked").label == "hit"


@pytest.mark.parametrize("name", ["keyword", "acceptable"])
def test_keyword_judges_without_a_library_say_how_to_configure_one(name: str) -> None:
    with pytest.raises(JudgeError, match="needs a keyword library") as info:
        build_judge(name)
    assert "--library" in str(info.value)
    assert "hegui.yaml" in str(info.value)
    assert isinstance(build_judge("refusal"), RefusalJudge)  # needs none


def test_errors() -> None:
    with pytest.raises(JudgeError, match=r"unknown judge 'llm'.*refusal, keyword, acceptable"):
        build_judge("llm")
    with pytest.raises(JudgeError, match="no option 'library'"):
        build_judge("refusal", library="x.txt")
    with pytest.raises(JudgeError, match="one keyword source"):
        build_judge("keyword", terms=["a"], library="x.txt")
    with pytest.raises(JudgeError, match="needs a keyword library"):
        build_judge("acceptable", keywords=[])
    with pytest.raises(JudgeError, match=r"cannot load keywords.*not found"):
        build_judge("keyword", library="/nonexistent/kw.txt")
    with pytest.raises(JudgeError, match="cannot load keywords"):
        build_judge("keyword", terms=[])
