"""The scanner protocol and the catalogue of reasons a flag can carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from hegui.corpus.document import Document, Flag

ReasonKind = Literal["content", "pii", "ip", "quality"]


@dataclass(frozen=True)
class ReasonInfo:
    """What a reason means, for reports and docs."""

    reason: str
    title_zh: str
    kind: ReasonKind
    risk: str | None
    """The Appendix A code the reason maps to (None: taken from the match, or a quality reason)."""
    description: str


@runtime_checkable
class Scanner(Protocol):
    """Looks at one document and returns its flags (empty when nothing was found).

    Implement this to add a detector, e.g. a harm classifier or an LLM judge: give it a ``name``,
    a ``version`` (recorded in the report), the :class:`ReasonInfo` of each reason it can emit,
    and ``scan``. Scanners run inside worker processes: build heavy state in the factory named in
    ``options.scanners`` (``module:function``), which each worker calls once with the manifest.
    ``doc.normalized()`` gives the shared normalised text without normalising twice.
    """

    name: str
    version: str

    def reasons(self) -> Sequence[ReasonInfo]:
        """The reasons this scanner may put on a document."""
        ...

    def scan(self, doc: Document) -> list[Flag]:
        """The flags of ``doc``."""
        ...


BUILTIN_REASONS: tuple[ReasonInfo, ...] = (
    ReasonInfo(
        "keyword_hit", "关键词命中", "content", None,
        "A keyword of the library (severity high or medium); risk code of the keyword.",
    ),
    ReasonInfo(
        "keyword_low", "低严重度关键词命中", "content", None,
        "A keyword of severity low; counted, not a violation by default.",
    ),
    ReasonInfo(
        "keyword_suspect", "关键词谐音疑似", "content", None,
        "Homophone spelling of a keyword (options.homophones); never a violation on its own.",
    ),
    ReasonInfo(
        "harm", "有害内容（判定器）", "content", None,
        "The harm judge (options.harm) or another judge-backed scanner found harmful content.",
    ),
    ReasonInfo(
        "harm_unsure", "疑似有害（待人工）", "content", None,
        "The harm judge was unsure (inside its band); never a violation on its own.",
    ),
    ReasonInfo("pii_id_card", "身份证号", "pii", "A.4.6", "Resident ID number (GB 11643)."),
    ReasonInfo("pii_mobile", "手机号", "pii", "A.4.6", "Mainland mobile number."),
    ReasonInfo("pii_bank_card", "银行卡号", "pii", "A.4.6", "Bank card number (Luhn valid)."),
    ReasonInfo("pii_email", "电子邮箱", "pii", "A.4.6", "E-mail address."),
    ReasonInfo(
        "copyright_notice", "版权声明", "ip", "A.3.1",
        "A copyright or reprint-prohibition notice (版权所有, 未经授权不得转载, ©).",
    ),
    ReasonInfo(
        "licence_marker", "许可证标记", "ip", "A.3.1",
        "A licence marker in the text (SPDX-License-Identifier, CC BY-NC, GPL).",
    ),
    ReasonInfo(
        "language_mismatch", "语种与登记不符", "quality", None,
        "Detected language differs from the source's declared language.",
    ),
    ReasonInfo("empty_text", "空文本", "quality", None, "No content after normalisation."),
    ReasonInfo(
        "duplicate_exact", "完全重复", "quality", None,
        "Same normalised text as an earlier document of the corpus.",
    ),
    ReasonInfo(
        "duplicate_near", "近似重复", "quality", None,
        "Shares a MinHash band with an earlier document (near duplicate).",
    ),
)  # fmt: skip
"""Every reason the built-in scanners and the pipeline emit."""

REASONS: dict[str, ReasonInfo] = {r.reason: r for r in BUILTIN_REASONS}
