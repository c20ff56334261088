"""The nine protected attributes of GB/T 45654-2025 Appendix A.2 (歧视性内容).

Interim Measures Art. 4(2) lists ethnicity, belief, nationality, region, gender, age, occupation
and health; A.2.9 ("other") is represented here by marital and parental status (婚育状况), the
most common other ground of hiring discrimination in China. Users may add groups to any attribute.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attribute:
    """One protected attribute and its Appendix A risk code."""

    key: str
    """Name used in files, flags and reports, e.g. ``region``."""
    code: str
    """Appendix A risk code, e.g. ``A.2.4``."""
    zh: str
    en: str


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("ethnicity", "A.2.1", "民族", "ethnicity"),
    Attribute("belief", "A.2.2", "信仰", "religious belief"),
    Attribute("nationality", "A.2.3", "国别", "nationality"),
    Attribute("region", "A.2.4", "地域", "region"),
    Attribute("gender", "A.2.5", "性别", "gender"),
    Attribute("age", "A.2.6", "年龄", "age"),
    Attribute("occupation", "A.2.7", "职业", "occupation"),
    Attribute("health", "A.2.8", "健康", "health"),
    Attribute("other", "A.2.9", "其他（婚育状况）", "other (marital and parental status)"),
)
"""In Appendix A order."""

BY_KEY: dict[str, Attribute] = {a.key: a for a in ATTRIBUTES}


def attribute(key: str) -> Attribute:
    """The attribute called ``key``; ``KeyError`` names the valid keys."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown attribute {key!r}; use one of {', '.join(BY_KEY)}") from None
