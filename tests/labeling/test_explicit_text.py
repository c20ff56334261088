"""Explicit text labels: prefix, suffix, corner mark; element rule; detection."""

from __future__ import annotations

import pytest

from hegui.labeling import InvalidLabelError, TextPosition, find_text_label, label_parts, label_text
from hegui.labeling.explicit.text import validate_label_text


def test_positions() -> None:
    assert label_text("答案") == "【AI生成】\n答案"
    assert label_text("答案", "suffix") == "答案\n【AI生成】"
    assert label_text("第一行\n第二行", TextPosition.CORNER) == "第一行[AI]\n第二行"
    assert label_text("# 标题\n正文", "corner", fmt="markdown") == "# 标题<sup>AI</sup>\n正文"
    assert label_text("答案", label="人工智能合成") == "【人工智能合成】\n答案"
    assert label_text("x", fmt="html") == '<p class="aigc-label">【AI生成】</p>x'


def test_stream_parts_wrap_a_reply() -> None:
    before, after = label_parts("suffix")
    assert before + "流式回答" + after == label_text("流式回答", "suffix")
    with pytest.raises(InvalidLabelError):
        label_parts("corner")


@pytest.mark.parametrize(("text", "corner"), [("AI生成", False), ("人工智能合成", False),
                                              ("由AI辅助生成", False), ("AI", True)])  # fmt: skip
def test_valid_label_texts(text: str, corner: bool) -> None:
    assert validate_label_text(text, corner=corner) == text


@pytest.mark.parametrize(("text", "missing"), [("机器生成", "AI element"), ("AI", "generation"),
                                               ("人工智能", "generation")])  # fmt: skip
def test_label_texts_missing_an_element(text: str, missing: str) -> None:
    with pytest.raises(InvalidLabelError, match=missing):
        label_text("x", label=text)


def test_find_text_label() -> None:
    body = "这是一段很长的正文。" * 20
    prefix = find_text_label(label_text(body))
    assert prefix is not None and prefix.position is TextPosition.PREFIX
    suffix = find_text_label(label_text(body, "suffix"))
    assert suffix is not None and suffix.position is TextPosition.SUFFIX
    corner = find_text_label(label_text("标题\n" + body, "corner"))
    assert corner is not None and corner.position is TextPosition.CORNER
    assert find_text_label(body) is None
    middle = body + "（本段由AI生成）" + body
    assert find_text_label(middle) is None, "documented limit: labels mid-text are not searched"
