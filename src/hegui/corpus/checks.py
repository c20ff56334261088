"""Verdicts of the corpus against each threshold of the policy.

Point estimates decide, as the standard sets point thresholds; the Wilson interval
(:func:`hegui.assess.stats.wilson`) is reported beside each sampled rate.
"""

from __future__ import annotations

from collections.abc import Sequence

from hegui.assess.stats import wilson
from hegui.corpus.policy import CorpusPolicy
from hegui.corpus.provenance import Finding, FindingLevel
from hegui.corpus.report_model import (
    CheckResult,
    CheckStatus,
    ReviewSummary,
    SourceSummary,
    SourceVerdict,
    Totals,
)
from hegui.corpus.results import ReasonCount


def source_verdict(
    sample_n: int, sample_violations: int, policy: CorpusPolicy, content_scanned: bool
) -> SourceVerdict:
    """REQ-DATA-01 for one source: blacklist when the sampled violation rate exceeds the limit."""
    if not content_scanned:
        return SourceVerdict.UNASSESSED
    if sample_n == 0:
        return SourceVerdict.NO_DATA
    if sample_violations / sample_n > policy.max_violation_rate:
        return SourceVerdict.BLACKLIST
    return SourceVerdict.KEEP


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def evaluate(
    *,
    policy: CorpusPolicy,
    totals: Totals,
    sources: Sequence[SourceSummary],
    findings: Sequence[Finding],
    reasons: Sequence[ReasonCount],
    content_scanned: bool,
    review_sample: int,
    review: ReviewSummary | None,
) -> tuple[list[CheckResult], CheckStatus]:
    """Every check, and the overall status (fail > pending > pass)."""
    checks = [
        _sources_check(policy, sources, content_scanned),
        _foreign_check(policy, totals),
        _provenance_check(findings),
        _pii_check(reasons, totals),
        _manual_check(policy, totals, review_sample, review),
        _automated_check(policy, totals, content_scanned),
        _problems_check(totals),
    ]
    statuses = {c.status for c in checks}
    if CheckStatus.FAIL in statuses:
        overall = CheckStatus.FAIL
    elif CheckStatus.PENDING in statuses:
        overall = CheckStatus.PENDING
    else:
        overall = CheckStatus.PASS
    return checks, overall


def _sources_check(
    policy: CorpusPolicy, sources: Sequence[SourceSummary], content_scanned: bool
) -> CheckResult:
    limit = (
        f"每个来源抽检违法不良信息比例 ≤ {policy.max_violation_rate:.0%}"
        f"（抽样 {policy.source_sample} 条）"
    )
    title = "来源安全评估与黑名单"
    if not content_scanned:
        return CheckResult(
            id="REQ-DATA-01",
            title_zh=title,
            status=CheckStatus.PENDING,
            measured="未运行内容检测（未提供关键词库或判定器）",
            required=limit,
            detail="give a keyword library (--keywords) or a harm scanner",
        )
    black = [s.id for s in sources if s.verdict is SourceVerdict.BLACKLIST]
    assessed = [s for s in sources if s.verdict in (SourceVerdict.KEEP, SourceVerdict.BLACKLIST)]
    if black:
        status = CheckStatus.FAIL
    elif assessed:
        status = CheckStatus.PASS
    else:
        status = CheckStatus.PENDING
    worst = max((s.sample.rate or 0.0 for s in assessed), default=None)
    return CheckResult(
        id="REQ-DATA-01",
        title_zh=title,
        status=status,
        measured=f"{len(black)}/{len(sources)} 个来源列入黑名单；最高抽检违规率 {_pct(worst)}",
        required=limit,
        detail=("blacklisted: " + ", ".join(black)) if black else "",
    )


def _foreign_check(policy: CorpusPolicy, totals: Totals) -> CheckResult:
    share = totals.foreign_open_source_share
    if share is None:
        status = CheckStatus.PENDING
    else:
        status = CheckStatus.PASS if share <= policy.foreign_open_source_share else CheckStatus.FAIL
    return CheckResult(
        id="REQ-DATA-02",
        title_zh="境外开源语料占比",
        status=status,
        measured=f"{_pct(share)}（按字符数）",
        required=f"≤ {policy.foreign_open_source_share:.0%}",
    )


def _provenance_check(findings: Sequence[Finding]) -> CheckResult:
    own = [f for f in findings if f.requirement == "REQ-DATA-03"]
    errors = [f for f in own if f.level is FindingLevel.ERROR]
    warnings = [f for f in own if f.level is FindingLevel.WARNING]
    return CheckResult(
        id="REQ-DATA-03",
        title_zh="语料来源可追溯（许可证、合同、授权、采集记录）",
        status=CheckStatus.FAIL if errors else CheckStatus.PASS,
        measured=f"{len(errors)} 项错误，{len(warnings)} 项警告",
        required="每个来源具备其类型所需的记录",
        detail="; ".join(f"{f.source or 'corpus'}: {f.code}" for f in errors),
    )


def _pii_check(reasons: Sequence[ReasonCount], totals: Totals) -> CheckResult:
    pii = [r for r in reasons if r.reason.startswith("pii_")]
    parts = [f"{r.reason.removeprefix('pii_')} {r.docs}" for r in pii]
    return CheckResult(
        id="REQ-DATA-06",
        title_zh="语料中的个人信息",
        status=CheckStatus.INFO,
        measured=("；".join(parts) + " 篇文档") if parts else "未发现",
        required="含个人信息的语料需取得同意（敏感个人信息需单独同意）或去标识化",
        detail=f"of {totals.scanned} scanned documents",
    )


def _manual_check(
    policy: CorpusPolicy, totals: Totals, review_sample: int, review: ReviewSummary | None
) -> CheckResult:
    needed = min(policy.manual_sample, totals.docs)
    required = (
        f"≥ {policy.manual_sample} 条（语料不足时为全部），合格率 ≥ {policy.manual_pass_rate:.0%}"
    )
    title = "语料人工抽检"
    if review is None or review.reviewed == 0:
        return CheckResult(
            id="REQ-ASSESS-03",
            title_zh=title,
            status=CheckStatus.PENDING,
            measured=f"已抽取 {review_sample} 条，待人工研判",
            required=required,
            detail="export with review-export, fill 研判结果, import with review-import",
        )
    estimate = wilson(review.acceptable, review.reviewed)
    enough = review.reviewed >= needed
    good = (estimate.rate or 0.0) >= policy.manual_pass_rate
    return CheckResult(
        id="REQ-ASSESS-03",
        title_zh=title,
        status=CheckStatus.PASS if enough and good else CheckStatus.FAIL,
        measured=(
            f"已研判 {review.reviewed} 条，合格 {review.acceptable} 条，"
            f"合格率 {_pct(estimate.rate)}"
        ),
        required=required,
        estimate=estimate,
        detail="" if enough else f"only {review.reviewed} of the {needed} needed were reviewed",
    )


def _automated_check(policy: CorpusPolicy, totals: Totals, content_scanned: bool) -> CheckResult:
    required = (
        f"覆盖 ≥ {policy.automated_fraction:.0%} 的语料，合格率 ≥ {policy.automated_pass_rate:.0%}"
    )
    title = "语料技术抽检"
    if not content_scanned or totals.scanned == 0:
        return CheckResult(
            id="REQ-ASSESS-04",
            title_zh=title,
            status=CheckStatus.PENDING,
            measured="未运行内容检测" if not content_scanned else "没有检测到文档",
            required=required,
        )
    coverage = totals.scanned / totals.docs if totals.docs else 0.0
    estimate = wilson(totals.scanned - totals.violations, totals.scanned)
    ok = coverage >= policy.automated_fraction and (estimate.rate or 0.0) >= (
        policy.automated_pass_rate
    )
    return CheckResult(
        id="REQ-ASSESS-04",
        title_zh=title,
        status=CheckStatus.PASS if ok else CheckStatus.FAIL,
        measured=f"检测 {totals.scanned} 条（{_pct(coverage)}），合格率 {_pct(estimate.rate)}",
        required=required,
        estimate=estimate,
    )


def _problems_check(totals: Totals) -> CheckResult:
    count = sum(totals.problems.values())
    return CheckResult(
        id="DATA-READ",
        title_zh="数据读取问题",
        status=CheckStatus.INFO,
        measured=f"{count} 处" if count else "无",
        required="缺失文件、损坏文件、格式或编码错误逐条报告",
        detail=", ".join(f"{k} {v}" for k, v in sorted(totals.problems.items())),
    )
