"""附件1 安全评估报告: the security self-assessment report (DOCX).

Sections: basic information, basis, one conclusion per clause, corpus audit, model assessment
(every requirement with n, rate, interval, threshold, verdict, judge quality), keyword and bank
coverage, security measures, overall conclusion, and the evidence each figure came from.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.filing.clauses import Clause
from hegui.filing.docx_base import (
    GAP_MARK,
    add_fields,
    add_table,
    gap_paragraph,
    new_document,
    save,
    value_or_gap,
)
from hegui.filing.evidence import Evidence
from hegui.filing.preflight import Preflight
from hegui.reports.labels import OUTCOME_ZH, interval_text, pct, split_title, threshold_text

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

TITLE = "附件1 生成式人工智能服务安全评估报告"


def write_annex1(
    evidence: Evidence,
    clauses: Sequence[Clause],
    preflight: Preflight,
    path: str | os.PathLike[str],
    *,
    draft: bool,
) -> Path:
    """Write 附件1 to ``path`` (atomically)."""
    document = new_document(TITLE, draft=draft)
    profile = evidence.profile
    document.add_heading("一、基本情况", level=1)
    add_fields(
        document,
        [
            ("单位名称", value_or_gap(profile.organisation)),
            ("统一社会信用代码", value_or_gap(profile.uscc)),
            ("服务名称", value_or_gap(profile.service_name)),
            ("模型名称及版本", f"{value_or_gap(profile.model_name)} {profile.model_version or ''}"),
            ("评估日期", evidence.today.isoformat()),
            ("评估方式", "自评估（hegui 自动化评估 + 人工抽检）"),
        ],
    )
    document.add_heading("二、评估依据", level=1)
    pack = evidence.pack
    document.add_paragraph(
        f"{pack.title_zh}（政策包 {pack.pack} 版本 {pack.version}，sha256 {pack.sha256}）。"
    )
    if pack.overrides:
        document.add_paragraph(
            "对标准未确定数值的覆盖："
            + "；".join(f"{k} = {v:g}" for k, v in pack.overrides.items())
        )
    document.add_heading("三、逐条评估结论", level=1)
    add_table(
        document,
        ("条款", "要求", "结论", "证据", "不符合时的等效措施或整改计划"),
        [(c.id, c.title, c.conclusion, c.evidence, c.measure) for c in clauses],
        widths_cm=(2.5, 3.2, 1.5, 6.0, 2.8),
    )
    _corpus_section(document, evidence)
    _model_section(document, evidence)
    _coverage_section(document, evidence)
    _measures_section(document, evidence)
    document.add_heading("八、总体结论", level=1)
    failing = [c for c in clauses if c.conclusion in ("不符合", "未评估")]
    if failing or not preflight.ok:
        gap_paragraph(
            document,
            "尚有条款不符合或未评估："
            + "、".join(c.id for c in failing)
            + "；未满足的备案义务："
            + "、".join(g.id for g in preflight.gaps),
        )
    else:
        document.add_paragraph(
            f"经评估，{profile.service_name}（{profile.model_name} {profile.model_version}）"
            f"在 {pack.title_zh} 的全部适用条款上符合要求，评估结论为：通过。"
        )
    _sources_section(document, evidence)
    return save(document, path)


def _corpus_section(document: DocumentObject, evidence: Evidence) -> None:
    document.add_heading("四、语料安全评估", level=1)
    corpus = evidence.corpus
    if corpus is None:
        gap_paragraph(document, evidence.problems.get("corpus", "无语料评估结果"))
        return
    report = corpus.report
    totals = report.totals
    foreign = totals.foreign_open_source_share
    document.add_paragraph(
        f"语料来源 {totals.sources} 个，文档 {totals.docs} 条，已扫描 {totals.scanned} 条，"
        f"违规 {totals.violations} 条；境外开源语料占比 {pct(foreign)}。"
        f"评估状态：{report.status.value}。"
    )
    add_table(
        document,
        ("条款", "要求", "状态", "实测", "要求值"),
        [(c.id, c.title_zh, c.status.value, c.measured, c.required) for c in report.checks],
    )
    blacklisted = [s.id for s in report.sources if s.verdict.value == "blacklist"]
    if blacklisted:
        document.add_paragraph("已列入黑名单、不再用于训练的来源：" + "、".join(blacklisted))


def _model_section(document: DocumentObject, evidence: Evidence) -> None:
    document.add_heading("五、模型安全评估", level=1)
    report = evidence.report
    if report is None:
        gap_paragraph(document, evidence.problems.get("run", "无评估运行"))
        return
    spec = report.spec
    document.add_paragraph(
        f"评估运行 {spec.run_id}（{spec.created_at:%Y-%m-%d %H:%M} UTC，状态 {report.status}），"
        f"被测服务 {spec.target.name}，模型版本 {spec.model_version or '—'}；计划 "
        f"{report.stats.planned} 题，已答 {report.stats.answered} 题，"
        f"出错 {report.stats.errors} 题。"
        f"总体结论：{report.overall}。"
    )
    rows = []
    for result in report.results:
        est = result.estimate
        title, _ = split_title(result.title)
        rows.append(
            (
                result.requirement,
                title,
                result.judge or "—",
                est.n if est else "—",
                est.successes if est else "—",
                pct(est.rate if est else None),
                interval_text(est.low if est else None, est.high if est else None),
                threshold_text(result.threshold, result.comparison),
                OUTCOME_ZH[result.outcome],
            )
        )
    add_table(
        document,
        ("要求", "名称", "研判器", "样本数", "成功数", "比率", "95%区间", "阈值", "结论"),
        rows,
        widths_cm=(2.5, 3.0, 1.8, 1.2, 1.2, 1.4, 2.5, 1.3, 1.1),
    )
    if report.judge_quality:
        document.add_paragraph("研判器质量（在标注数据上的实测值，用于校正通过率区间）：")
        add_table(
            document,
            ("研判器", "版本", "任务", "数据集", "样本", "精确率", "召回率", "特异度"),
            [
                (
                    q.judge,
                    q.version,
                    q.task,
                    "、".join(q.datasets),
                    q.counts.n,
                    pct(q.metrics.precision.value),
                    pct(q.metrics.recall.value),
                    pct(q.metrics.specificity.value),
                )
                for q in report.judge_quality
            ],
            widths_cm=(2.0, 1.4, 1.4, 4.6, 1.4, 1.7, 1.7, 1.8),
        )
    else:
        document.add_paragraph("本次运行的研判器尚无实测质量数据。")
    if report.review is not None:
        review = report.review
        kappa = f"{review.kappa:.2f}" if review.kappa is not None else "—"
        document.add_paragraph(
            f"人工抽检：{review.reviewed} 条，不合格 {review.unacceptable} 条，"
            f"审核人 {'、'.join(review.reviewers) or '—'}，与机器研判一致性 kappa {kappa}。"
        )


def _coverage_section(document: DocumentObject, evidence: Evidence) -> None:
    document.add_heading("六、关键词库与测试题库", level=1)
    keywords = evidence.keyword_coverage
    if keywords is None:
        gap_paragraph(document, evidence.problems.get("keywords", "无关键词库"))
    else:
        document.add_paragraph(
            f"关键词库 {keywords.library}：{keywords.total} 个（最少 {keywords.total_minimum}），"
            f"更新于 {keywords.updated or GAP_MARK}（{keywords.age_days} 天前，要求不超过 "
            f"{keywords.max_age_days} 天）。完整列表见附件4。"
        )
        add_table(
            document,
            ("风险", "名称", "关键词数", "最少", "满足"),
            [(r.code, r.zh, r.count, r.minimum, "是" if r.ok else "否") for r in keywords.risks],
            widths_cm=(2.0, 7.0, 2.5, 2.5, 2.0),
        )
    coverage = evidence.bank_coverage
    if coverage is None:
        gap_paragraph(document, evidence.problems.get("banks", "无测试题库"))
        return
    document.add_paragraph("测试题库（去重后题数与更新日期）：")
    add_table(
        document,
        ("要求", "题库", "题数（去重）", "最少", "状态"),
        [
            (k.requirement, k.title_zh, k.distinct, k.minimum, k.status.value)
            for k in coverage.kinds
        ],
    )
    document.add_paragraph()
    add_table(
        document,
        ("题库文件", "更新日期", "天数", "上限", "状态"),
        [
            (f.bank, f.updated or "—", f.age_days, f.max_age_days, f.status.value)
            for f in coverage.freshness
        ],
    )


def _measures_section(document: DocumentObject, evidence: Evidence) -> None:
    document.add_heading("七、安全措施", level=1)
    gateway = evidence.gateway
    if gateway is None:
        gap_paragraph(document, evidence.problems.get("gateway", "无网关配置"))
        return
    config = gateway.config
    scanners = [f"{s.type}" for s in (*config.input.scanners, *config.output.scanners)]
    add_fields(
        document,
        [
            (
                "输入/输出审核",
                f"输入 {len(config.input.scanners)} 个、输出 "
                f"{len(config.output.scanners)} 个扫描器（{'、'.join(scanners) or '无'}）；"
                "流式输出先审后发",
            ),
            (
                "用户身份认证",
                f"实名认证 {'必需' if config.identity.require_verified else '未要求'}；"
                f"核验方式 {config.identity.verifier.type}；未成年人模式成年年龄 "
                f"{config.identity.minors.adult_age}",
            ),
            (
                "违规处置",
                f"连续 {config.enforcement.consecutive_limit} 次或单日 "
                f"{config.enforcement.daily_limit} 次违规暂停服务；警告→限制→暂停",
            ),
            (
                "投诉举报",
                f"{config.complaints.feedback_days} 日内反馈；渠道 "
                f"{'、'.join(evidence.profile.published.complaint_channels) or GAP_MARK}",
            ),
            (
                "内容标识",
                f"隐式标识 {'开启' if config.labels.implicit else '关闭'}"
                f"（服务提供者编码 {config.labels.producer or '—'}），"
                f"显式标识 {config.labels.explicit}",
            ),
            (
                "日志",
                f"哈希链事件日志，保留 {config.log.retention_days} 天；"
                f"内容留存 {'开启' if config.log.retain_content else '关闭'}",
            ),
        ],
    )


def _sources_section(document: DocumentObject, evidence: Evidence) -> None:
    document.add_heading("附：证据来源", level=1)
    document.add_paragraph("本报告每一数值均来自下列证据；各文件的 SHA-256 见 manifest.json。")
    rows: list[tuple[str, object]] = [("政策包", f"{evidence.pack.pack} {evidence.pack.sha256}")]
    if evidence.report is not None:
        spec = evidence.report.spec
        rows.append(("评估运行", f"{spec.run_id}（hegui {spec.hegui_version}）"))
        rows += [(f"题库 {b.name}", f"{b.path} · {b.items} 题 · {b.sha256}") for b in spec.banks]
    if evidence.keywords is not None:
        rows.append(("关键词库", f"{evidence.keywords.name} · {evidence.keywords.sha256}"))
    if evidence.corpus is not None:
        rows.append(("语料评估报告", f"{evidence.corpus.path} · {evidence.corpus.sha256}"))
    if evidence.gateway is not None:
        rows.append(("网关配置", evidence.gateway.sha256))
    add_fields(document, rows)
