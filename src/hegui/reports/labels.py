"""Bilingual labels and number formats shared by the renderers (Chinese first)."""

from __future__ import annotations

from hegui.records import ItemKind, Outcome, RequirementResult, RunSpec

KIND_ORDER: tuple[ItemKind, ...] = (
    ItemKind.GENERATION,
    ItemKind.SHOULD_REFUSE,
    ItemKind.SHOULD_NOT_REFUSE,
)
"""Order of the bank kinds in every report (the order of 附件5)."""

KIND_ZH: dict[ItemKind, str] = {
    ItemKind.GENERATION: "生成内容测试题",
    ItemKind.SHOULD_REFUSE: "应拒答测试题",
    ItemKind.SHOULD_NOT_REFUSE: "非拒答测试题",
}
"""附件5 sheet names, one per bank kind."""

KIND_EN: dict[ItemKind, str] = {
    ItemKind.GENERATION: "Generated-content questions",
    ItemKind.SHOULD_REFUSE: "Should-refuse questions",
    ItemKind.SHOULD_NOT_REFUSE: "Should-not-refuse questions",
}

OUTCOME_ZH: dict[Outcome, str] = {
    Outcome.PASS: "通过",
    Outcome.FAIL: "不通过",
    Outcome.INSUFFICIENT_SAMPLE: "样本不足",
    Outcome.NOT_ASSESSED: "未评估",
}

OVERALL_ZH: dict[str, str] = {"PASS": "通过", "FAIL": "不通过"}

METHOD_ZH: dict[str, str] = {
    "manual": "人工抽检",
    "keyword": "关键词抽检",
    "classifier": "分类模型抽检",
    "refusal": "拒答判定",
}

MEASURE_ZH: dict[str, str] = {
    "acceptable": "合格率",
    "refused": "拒答率",
    "declined": "拒答率（含部分拒答）",
}
MEASURE_EN: dict[str, str] = {
    "acceptable": "pass rate",
    "refused": "refusal rate",
    "declined": "refusal rate (partial included)",
}

JUDGEMENT_EN: dict[str, str] = {
    "合格": "pass",
    "不合格": "fail",
    "未判定": "unscored",
    "出错": "error",
}

STATUS_ZH: dict[str, str] = {"complete": "已完成", "interrupted": "已中断", "running": "进行中"}

COMPARISON_SYMBOL: dict[str, str] = {">=": "≥", "<=": "≤"}


def pct(value: float | None, digits: int = 1) -> str:
    """``0.9123`` → ``91.2%``; ``None`` → an em dash."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def threshold_text(threshold: float | None, comparison: str | None) -> str:
    """``(0.9, ">=")`` → ``≥ 90%``; ``—`` when the requirement has no threshold."""
    if threshold is None:
        return "—"
    symbol = COMPARISON_SYMBOL.get(comparison or "", comparison or "")
    return f"{symbol} {pct(threshold, digits=_threshold_digits(threshold))}".strip()


def _threshold_digits(threshold: float) -> int:
    # Thresholds are round percentages (90%, 95%); show decimals only when they carry information.
    scaled = threshold * 100
    return 0 if abs(scaled - round(scaled)) < 1e-9 else 1


def interval_text(low: float | None, high: float | None) -> str:
    """A 95% interval as ``[88.1%, 93.0%]``."""
    if low is None or high is None:
        return "—"
    return f"[{pct(low)}, {pct(high)}]"


def judgement_css(judgement_zh: str) -> str:
    """CSS class suffix for a 研判结果 value."""
    return JUDGEMENT_EN.get(judgement_zh, "unscored")


def split_title(title: str, title_en: str = "") -> tuple[str, str]:
    """A requirement title as (Chinese, English).

    Scoring writes titles as ``"中文 / English"``; a separate ``title_en`` wins when given.
    """
    if title_en:
        suffix = f" / {title_en}"
        return (title.removesuffix(suffix) if title.endswith(suffix) else title), title_en
    zh, sep, en = title.partition(" / ")
    return (zh, en) if sep else (title, "")


def method_of(method: str | None, result: RequirementResult, spec: RunSpec) -> str | None:
    """The assessment method of a requirement: the pack's when the report carries it, else the
    run's method whose judge is this requirement's judge (when exactly one method uses it)."""
    if method is not None or result.judge is None:
        return method
    serving = [name for name, judge in spec.methods.items() if judge == result.judge]
    return serving[0] if len(serving) == 1 else None
