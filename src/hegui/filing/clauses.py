"""One conclusion per clause (REQ-ASSESS-02): conformant, non-conformant or not applicable, with the
evidence and, for a non-conformant clause, the equivalent measure or plan from the profile.

The clauses are the pack's (keyword library, banks, assessment, other requirements), the corpus
audit's checks, and the security measures the gateway configuration shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hegui.banks import Status
from hegui.corpus.report_model import CheckStatus
from hegui.filing.docx_base import GAP_MARK
from hegui.filing.evidence import Evidence
from hegui.records import Outcome, RequirementResult
from hegui.reports.labels import interval_text, pct, threshold_text

Conclusion = Literal["符合", "不符合", "不适用", "未评估"]
"""未评估 only appears in draft packages: a real filing is refused while evidence is missing."""

_FROM_OUTCOME: dict[Outcome, Conclusion] = {
    Outcome.PASS: "符合",
    Outcome.FAIL: "不符合",
    Outcome.INSUFFICIENT_SAMPLE: "不符合",
    Outcome.NOT_ASSESSED: "未评估",
}


_FROM_CORPUS: dict[CheckStatus, Conclusion] = {
    CheckStatus.PASS: "符合",
    CheckStatus.INFO: "符合",  # reported for a reviewer, no threshold to miss
    CheckStatus.FAIL: "不符合",
    CheckStatus.PENDING: "未评估",
}


class Clause(BaseModel):
    """One row of 附件1's clause table."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    conclusion: Conclusion
    evidence: str
    measure: str = ""
    """Equivalent measure or remediation plan (non-conformant clauses only)."""


def result_evidence(result: RequirementResult, run_id: str) -> str:
    """n, rate, interval, threshold and the run a requirement result came from."""
    est = result.estimate
    if est is None or est.n == 0:
        figures = result.note or "no scored answers"
    else:
        figures = (
            f"n={est.n}, {est.successes} 成功, 比率 {pct(est.rate)}, 95%区间 "
            f"{interval_text(est.low, est.high)}, 阈值 "
            f"{threshold_text(result.threshold, result.comparison)}"
        )
    judge = f", 研判器 {result.judge}" if result.judge else ""
    return f"{figures}{judge}（运行 {run_id}）"


def build_clauses(evidence: Evidence) -> tuple[Clause, ...]:
    """Every clause with its conclusion; non-conformant ones get the profile's measure text."""
    clauses = [
        *_assessment(evidence),
        *_inputs(evidence),
        *_corpus(evidence),
        *_measures(evidence),
    ]
    measures = evidence.profile.measures
    return tuple(
        c.model_copy(update={"measure": measures.get(c.id, f"{GAP_MARK}等效措施或整改计划")})
        if c.conclusion in ("不符合", "未评估")
        else c
        for c in clauses
    )


def _assessment(evidence: Evidence) -> Iterator[Clause]:
    report = evidence.report
    results = {r.requirement: r for r in report.results} if report else {}
    for req in evidence.pack.assessment:
        result = results.get(req.id)
        if report is None or result is None:
            yield Clause(
                id=req.id,
                title=req.title_zh,
                conclusion="未评估",
                evidence=f"{GAP_MARK}{evidence.problems.get('run', 'no assessment run')}",
            )
            continue
        yield Clause(
            id=req.id,
            title=req.title_zh,
            conclusion=_FROM_OUTCOME[result.outcome],
            evidence=result_evidence(result, report.spec.run_id),
        )


def _inputs(evidence: Evidence) -> Iterator[Clause]:
    pack = evidence.pack
    keywords = evidence.keyword_coverage
    rule = pack.keyword_library
    if keywords is None:
        yield Clause(
            id=rule.requirement,
            title=rule.title_zh,
            conclusion="未评估",
            evidence=f"{GAP_MARK}{evidence.problems.get('keywords', '')}",
        )
    else:
        detail = (
            f"{keywords.total} 个关键词（最少 {keywords.total_minimum}），更新于 {keywords.updated}"
        )
        if keywords.problems:
            detail += "；" + "；".join(keywords.problems[:5])
        yield Clause(
            id=rule.requirement,
            title=rule.title_zh,
            conclusion="符合" if keywords.ok else "不符合",
            evidence=f"{detail}（sha256 {keywords.sha256[:12]}）",
        )
    coverage = evidence.bank_coverage
    if coverage is None:
        for bank_rule in pack.banks.values():
            yield Clause(
                id=bank_rule.requirement,
                title=bank_rule.title_zh,
                conclusion="未评估",
                evidence=f"{GAP_MARK}{evidence.problems.get('banks', '')}",
            )
        return
    for status in coverage.requirements:
        conclusion: Conclusion = "符合" if status.status is Status.OK else "不符合"
        if status.status is Status.UNKNOWN:
            conclusion = "未评估"
        yield Clause(
            id=status.id, title=status.title_zh, conclusion=conclusion, evidence=status.detail
        )


def _corpus(evidence: Evidence) -> Iterator[Clause]:
    corpus = evidence.corpus
    titles = {o.id: o.title_zh for o in evidence.pack.other_requirements}
    if corpus is None:
        for other in evidence.pack.other_requirements:
            if other.assessed_by == "corpus":
                yield Clause(
                    id=other.id,
                    title=other.title_zh,
                    conclusion="未评估",
                    evidence=f"{GAP_MARK}{evidence.problems.get('corpus', '')}",
                )
        return
    for check in corpus.report.checks:
        conclusion = _FROM_CORPUS[check.status]
        yield Clause(
            id=check.id,
            title=titles.get(check.id, check.title_zh),
            conclusion=conclusion,
            evidence=f"实测 {check.measured}；要求 {check.required}"
            f"（语料评估 {corpus.sha256[:12]}）",
        )


def _measures(evidence: Evidence) -> Iterator[Clause]:
    gateway = evidence.gateway
    if gateway is None:
        yield Clause(
            id="REQ-OPS-05",
            title="安全措施（网关）",
            conclusion="未评估",
            evidence=f"{GAP_MARK}{evidence.problems.get('gateway', '')}",
        )
        return
    config = gateway.config
    source = f"（网关配置 {gateway.sha256[:12]}）"
    identity = config.identity
    yield Clause(
        id="REQ-DS-01",
        title="用户真实身份信息认证",
        conclusion="符合" if identity.require_verified else "不符合",
        evidence=f"require_verified={identity.require_verified}, "
        f"verifier={identity.verifier.type}{source}",
    )
    enforcement = config.enforcement
    yield Clause(
        id="REQ-OPS-05",
        title="输入监测与违规处置（连续3次或单日5次暂停服务）",
        conclusion="符合"
        if enforcement.consecutive_limit <= 3
        and enforcement.daily_limit <= 5
        and config.input.scanners
        else "不符合",
        evidence=f"输入扫描器 {len(config.input.scanners)} 个，输出扫描器 "
        f"{len(config.output.scanners)} 个；连续 {enforcement.consecutive_limit} 次 / 单日 "
        f"{enforcement.daily_limit} 次暂停{source}",
    )
    published = evidence.profile.published
    yield Clause(
        id="REQ-OPS-04",
        title="投诉举报渠道与处理时限",
        conclusion="符合"
        if published.complaint_channels and published.complaint_deadline_published
        else "不符合",
        evidence=f"渠道：{'、'.join(published.complaint_channels) or '无'}；"
        f"{config.complaints.feedback_days} 日内反馈{source}",
    )
    labels = config.labels
    yield Clause(
        id="REQ-LBL-01",
        title="生成合成内容标识（GB 45438-2025）",
        conclusion="符合" if labels.implicit else "不符合",
        evidence=f"隐式标识 {'开启' if labels.implicit else '关闭'}，显式标识 {labels.explicit}，"
        f"文字「{labels.text}」{source}",
    )
    log = config.log
    yield Clause(
        id="REQ-DS-03",
        title="日志留存（不少于6个月）",
        conclusion="符合" if log.retention_days >= 180 else "不符合",
        evidence=f"事件日志哈希链，保留 {log.retention_days} 天{source}",
    )
