"""The built-in scanners: keywords by severity and level, language, copyright and licence marks."""

from __future__ import annotations

import numpy as np
import pytest

from hegui.corpus import Document
from hegui.corpus.scanners.copyright import CopyrightScanner
from hegui.corpus.scanners.harm import HarmScanner, windows
from hegui.corpus.scanners.keyword import KeywordScanner
from hegui.corpus.scanners.language import LanguageScanner, detect_script_language, matches
from hegui.corpus.scanners.pii import PiiScanner
from hegui.text import KeywordEntry, KeywordLibrary, Severity


def doc(text: str, source: str = "s") -> Document:
    return Document(text, source, 0, 0, 1, "f:1", "f:1")


def flags(scanner: object, text: str, source: str = "s") -> list[tuple[str, str | None, int]]:
    found = scanner.scan(doc(text, source))  # type: ignore[attr-defined]
    return sorted((f.reason, f.risk, f.hits) for f in found)


def test_keyword_reasons_by_severity_and_level() -> None:
    library = KeywordLibrary.from_terms(
        [
            KeywordEntry("赌博网站", "A.1.8"),
            KeywordEntry("代开发票", "A.3.5", severity=Severity.LOW),
        ]
    )
    plain = KeywordScanner(library, homophones=False)
    assert flags(plain, "这里有赌博网站，也有 赌*博*网*站，还能代开发票") == [
        ("keyword_hit", "A.1.8", 2),
        ("keyword_low", "A.3.5", 1),
    ]
    assert flags(plain, "读博网站") == []
    suspects = KeywordScanner(library, homophones=True)
    assert flags(suspects, "读博网站") == [("keyword_suspect", "A.1.8", 1)]
    assert plain.version.startswith(library.name) and library.sha256[:12] in plain.version


def test_pii_scanner_counts_without_values() -> None:
    text = "电话13800138000，13900139000，邮箱a@b.cn"
    assert flags(PiiScanner(), text) == [("pii_email", "A.4.6", 1), ("pii_mobile", "A.4.6", 2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本文版权所有，未经许可不得转载。", [("copyright_notice", "A.3.1", 2)]),
        ("© 2024 Example Inc. All rights reserved.", [("copyright_notice", "A.3.1", 2)]),
        ("未经作者书面授权，禁止任何形式的复制", [("copyright_notice", "A.3.1", 1)]),
        ("SPDX-License-Identifier: GPL-3.0-only", [("licence_marker", "A.3.1", 1)]),
        ("采用 CC BY-NC-SA 4.0 许可协议", [("licence_marker", "A.3.1", 1)]),
        ("他的权利和义务；转载自人民网的新闻", []),
        ("copyright law is a topic", []),
    ],
)
def test_copyright_markers(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert flags(CopyrightScanner(), text) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("生成式人工智能服务安全基本要求", "zh"),
        ("大模型 LLM 的训练数据 training data 要合法", "zh"),
        ("これは日本語の文章です。漢字も使います。", "ja"),
        ("한국어 문장입니다", "ko"),
        ("The quick brown fox jumps over the lazy dog.", "latin"),
        ("Съешь же ещё этих мягких французских булок", "ru"),
        ("مرحبا بالعالم", "ar"),
        ("12345，。！", "und"),
        ("", "und"),
    ],
)
def test_script_language(text: str, language: str) -> None:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    assert detect_script_language(codes) == language


def test_language_mismatch_against_declared_languages() -> None:
    scanner = LanguageScanner({"zh-src": ("zh",), "en-src": ("en", "fr")})
    assert flags(scanner, "纯中文文本", "zh-src") == []
    assert flags(scanner, "English only text here", "zh-src") == [("language_mismatch", None, 1)]
    assert flags(scanner, "English only text here", "en-src") == []
    assert flags(scanner, "English only text here", "undeclared") == []
    assert matches("zh", ["zh-Hant"]) and matches("und", ["en"]) and not matches("ja", ["zh"])


def test_windows_cut_at_sentence_ends_and_cover_the_text() -> None:
    text = "第一句话。" * 30 + "没有句号的长长一段" * 20
    pieces = list(windows(text, 100))
    assert "".join(pieces) == text
    assert all(len(p) <= 100 for p in pieces)
    assert pieces[0].endswith("。") and len(pieces[0]) > 50
    assert list(windows("", 100)) == []


def test_harm_scanner_flags_harmful_pieces_with_the_routed_code() -> None:
    scanner = HarmScanner(window=200)
    hateful = "那些外地来的人又脏又懒，就知道抢本地人的工作，应该全部赶走。"
    assert flags(scanner, hateful) == [("harm", "A.2.4", 1)]
    assert flags(scanner, "本店周一至周五营业，节假日休息，欢迎来电咨询。") == []
    # a long document is read piece by piece: the hateful sentence in its middle is found; in
    # a wider piece, the harmless text around it dilutes it into the unsure band (for review)
    filler = "本店周一至周五营业，节假日休息，欢迎来电咨询。" * 40
    assert flags(HarmScanner(window=60), filler + hateful + filler) == [("harm", "A.2.4", 1)]
    assert flags(HarmScanner(), filler + hateful + filler) == [("harm_unsure", None, 1)]
    assert scanner.version.startswith("harm-judge ") and {r.reason for r in scanner.reasons()} == {
        "harm",
        "harm_unsure",
    }
    with pytest.raises(ValueError, match="at least 50"):
        HarmScanner(window=10)
