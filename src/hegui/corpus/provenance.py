"""Provenance findings: the records each source type needs (REQ-DATA-03), licence flags, and the
foreign open-source share of the corpus (REQ-DATA-02)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from hegui.corpus.licences import licence_flags
from hegui.corpus.manifest import Manifest, Origin, Source, SourceType


class FindingLevel(StrEnum):
    """``error`` fails the provenance check; ``warning`` and ``info`` need a reviewer's look."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    """One provenance or composition finding."""

    model_config = ConfigDict(frozen=True)

    code: str
    level: FindingLevel
    requirement: str
    source: str | None
    """The source id, or None for a corpus-wide finding."""
    message: str


FINDING_TITLES: dict[str, str] = {
    "missing_licence": "开源语料缺少开源许可证",
    "licence_unknown": "许可证标识无法识别",
    "licence_noncommercial": "许可证禁止商业使用",
    "licence_no_derivatives": "许可证禁止演绎",
    "licence_share_alike": "许可证要求相同方式共享",
    "licence_custom": "自定义许可证，需留存许可文本",
    "missing_collection_record": "自采语料缺少采集记录",
    "robots_not_respected": "自采语料未遵守robots协议或不得采集的声明",
    "robots_unknown": "自采语料未说明是否遵守robots协议",
    "missing_contract": "商业语料缺少交易合同",
    "missing_supplier_proof": "商业语料缺少供应方来源合法性证明",
    "missing_consent": "使用者输入语料缺少授权记录",
    "no_files": "来源没有匹配到任何文件",
    "foreign_open_source_share": "境外开源语料占比超过上限",
    "no_documents": "来源没有可读取的文档",
}
"""Chinese title per finding code (reports)."""


def check_sources(manifest: Manifest) -> list[Finding]:
    """Findings that need no data: required records by source type and licence flags."""
    findings: list[Finding] = []
    for source in manifest.sources:
        findings.extend(_records(source))
        if source.type is SourceType.OPEN_SOURCE or source.licence:
            findings.extend(_licence(source))
    return findings


def _finding(code: str, level: FindingLevel, source: Source, message: str) -> Finding:
    return Finding(
        code=code, level=level, requirement="REQ-DATA-03", source=source.id, message=message
    )


def _records(source: Source) -> list[Finding]:
    error, warning = FindingLevel.ERROR, FindingLevel.WARNING
    out: list[Finding] = []
    if source.type is SourceType.SELF_COLLECTED:
        if not source.collection:
            out.append(
                _finding(
                    "missing_collection_record",
                    error,
                    source,
                    "self-collected data needs a collection record (set 'collection')",
                )
            )
        if source.robots is False:
            out.append(
                _finding(
                    "robots_not_respected",
                    error,
                    source,
                    "collection did not respect robots.txt / do-not-collect signals",
                )
            )
        elif source.robots is None:
            out.append(
                _finding(
                    "robots_unknown",
                    error,
                    source,
                    "state whether robots.txt was respected (set 'robots: true')",
                )
            )
    elif source.type is SourceType.COMMERCIAL:
        if not source.contract:
            out.append(
                _finding(
                    "missing_contract", error, source, "commercial data needs a contract reference"
                )
            )
        if not source.supplier_proof:
            out.append(
                _finding(
                    "missing_supplier_proof",
                    warning,
                    source,
                    "keep the supplier's proof of lawful sources (set 'supplier_proof')",
                )
            )
    elif source.type is SourceType.USER_INPUT and not source.consent:
        out.append(
            _finding(
                "missing_consent",
                error,
                source,
                "user input needs the users' authorisation record (set 'consent')",
            )
        )
    return out


def _licence(source: Source) -> list[Finding]:
    flags = licence_flags(source.licence)
    error, warning, info = FindingLevel.ERROR, FindingLevel.WARNING, FindingLevel.INFO
    given = source.licence or "(none)"
    out: list[Finding] = []
    if flags.missing:
        out.append(
            _finding(
                "missing_licence",
                error,
                source,
                f"open-source data needs an SPDX licence, got {given}",
            )
        )
    if flags.unknown:
        out.append(
            _finding(
                "licence_unknown",
                warning,
                source,
                f"not a recognised SPDX id: {', '.join(flags.unknown)}",
            )
        )
    if flags.noncommercial:
        out.append(
            _finding(
                "licence_noncommercial",
                warning,
                source,
                f"{given} forbids commercial use; check it covers training a commercial service",
            )
        )
    if flags.no_derivatives:
        out.append(
            _finding(
                "licence_no_derivatives",
                warning,
                source,
                f"{given} forbids derivative works; check whether training is allowed",
            )
        )
    if flags.share_alike:
        out.append(
            _finding(
                "licence_share_alike",
                info,
                source,
                f"{given} is share-alike; check obligations for outputs and redistribution",
            )
        )
    if flags.custom:
        out.append(
            _finding(
                "licence_custom",
                info,
                source,
                f"{given} is a custom licence; keep its text with the filing evidence",
            )
        )
    return out


def foreign_open_source_share(manifest: Manifest, chars: dict[str, int]) -> float | None:
    """Share of characters from foreign open-source sources (None for an empty corpus)."""
    total = sum(chars.values())
    if not total:
        return None
    foreign = sum(
        chars.get(s.id, 0)
        for s in manifest.sources
        if s.type is SourceType.OPEN_SOURCE and s.origin is Origin.FOREIGN
    )
    return foreign / total
