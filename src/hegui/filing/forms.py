"""The filing form (备案表) and the templates of 附件2 and 附件3, filled from the profile.

Where hegui does not hold the information, the text says so with the gap mark: a person completes
those parts before filing (the templates are starting points, not legal advice).
"""

from __future__ import annotations

import os
from pathlib import Path

from hegui.filing.docx_base import (
    GAP_MARK,
    add_fields,
    gap_paragraph,
    new_document,
    save,
    value_or_gap,
)
from hegui.filing.evidence import Evidence
from hegui.filing.profile import MODE_ZH

FORM_TITLE = "生成式人工智能（大语言模型）上线备案表"
ANNEX2_TITLE = "附件2 模型服务协议与隐私政策"
ANNEX3_TITLE = "附件3 语料标注规则"


def _share(value: float | None) -> str:
    return value_or_gap(None if value is None else f"{value:.0%}")


def write_form(evidence: Evidence, path: str | os.PathLike[str], *, draft: bool) -> Path:
    """The 备案表 fields as a two-column table."""
    document = new_document(FORM_TITLE, draft=draft)
    p = evidence.profile
    base = p.base_model
    if base.self_developed:
        base_text = "自研（无基础模型）"
    else:
        base_text = f"{value_or_gap(base.name)}，备案号 {value_or_gap(base.filing_number)}"
    run = evidence.report
    result = "—"
    if run is not None:
        result = f"{run.overall}（运行 {run.spec.run_id}，{run.spec.created_at:%Y-%m-%d}）"
    annotation = (
        f"标注人员 {value_or_gap(p.annotation.staff)} 人，"
        f"标注量 {value_or_gap(p.annotation.volume)} 条"
        if p.annotation.involved
        else f"不涉及：{value_or_gap(p.annotation.reason)}"
    )
    add_fields(
        document,
        [
            ("单位名称", value_or_gap(p.organisation)),
            ("统一社会信用代码", value_or_gap(p.uscc)),
            ("单位地址", value_or_gap(p.address)),
            ("服务名称", value_or_gap(p.service_name)),
            ("模型名称", value_or_gap(p.model_name)),
            ("模型版本", value_or_gap(p.model_version)),
            ("所使用的已备案基础模型", base_text),
            ("服务形式", value_or_gap([MODE_ZH.get(m, m) for m in p.service_modes])),
            ("主要功能", value_or_gap(p.functions)),
            ("应用领域", value_or_gap(p.domains)),
            ("服务对象", value_or_gap(p.users)),
            ("训练语料规模（tokens）", value_or_gap(p.corpus.tokens)),
            ("训练语料条数", value_or_gap(p.corpus.items)),
            (
                "语料来源：开源 / 自采 / 商业",
                " / ".join(
                    _share(v)
                    for v in (p.corpus.open_source, p.corpus.self_collected, p.corpus.commercial)
                ),
            ),
            ("境外开源语料占比（≤30%）", _share(p.corpus.foreign_open_source)),
            ("语料标注", annotation),
            ("推理算力", value_or_gap(p.compute.inference)),
            ("云服务 / 机房", value_or_gap(p.compute.cloud)),
            ("安全评估结论", result),
            ("联系人", value_or_gap(p.contact.name)),
            ("联系电话", value_or_gap(p.contact.phone)),
            ("电子邮箱", value_or_gap(p.contact.email)),
            (
                "测试账号（含安全策略 10 个 / 不含 10 个）",
                "见 测试通道_账号清单.xlsx（密钥另行提供）",
            ),
            ("测试接口（API 地址与鉴权）", f"{GAP_MARK}公网地址，见 测试通道_账号清单.xlsx"),
        ],
    )
    document.add_paragraph(f"单位盖章：{GAP_MARK}        日期：{GAP_MARK}")
    return save(document, path)


def write_annex2(evidence: Evidence, path: str | os.PathLike[str], *, draft: bool) -> Path:
    """服务协议与隐私政策: the clauses hegui can fill, and marks where lawyers must write."""
    document = new_document(ANNEX2_TITLE, draft=draft)
    p = evidence.profile
    name = value_or_gap(p.service_name)
    org = value_or_gap(p.organisation)
    gap_paragraph(document, "本模板由 hegui 根据已知信息生成，须经法务审核并补全后方可使用。")
    document.add_heading("一、服务协议", level=1)
    document.add_paragraph(f"服务提供者：{org}（统一社会信用代码 {value_or_gap(p.uscc)}）。")
    document.add_paragraph(
        f"{name}基于模型 {value_or_gap(p.model_name)} {p.model_version or ''} 提供"
        f"{value_or_gap(p.functions)}服务，服务形式为"
        f"{value_or_gap([MODE_ZH.get(m, m) for m in p.service_modes])}。"
    )
    gateway = evidence.gateway
    if gateway is not None and gateway.config.identity.require_verified:
        document.add_paragraph("用户须完成真实身份信息认证后方可使用本服务。")
    enforcement = gateway.config.enforcement if gateway else None
    if enforcement is not None:
        document.add_paragraph(
            f"用户输入违法或不良信息的，本服务将予以警示；连续 {enforcement.consecutive_limit} 次或"
            f"单日 {enforcement.daily_limit} 次的，依法依约暂停提供服务。"
        )
    labels = gateway.config.labels if gateway else None
    document.add_paragraph(
        "标识条款：本服务生成的内容依照《人工智能生成合成内容标识办法》及 GB 45438-2025 添加显式"
        f"和/或隐式标识{'（显式标识文字「' + labels.text + '」）' if labels else ''}；"
        "用户不得删除、篡改、伪造或隐匿标识。"
    )
    channels = "、".join(p.published.complaint_channels) or GAP_MARK
    days = f"{gateway.config.complaints.feedback_days} 日" if gateway else GAP_MARK
    document.add_paragraph(f"投诉举报：{channels}；本服务在 {days}内反馈处理结果。")
    gap_paragraph(document, "用户权利义务、知识产权、责任限制、争议解决等条款由法务补充。")
    document.add_heading("二、隐私政策", level=1)
    document.add_paragraph(f"个人信息处理者：{org}。联系方式：{value_or_gap(p.contact.email)}。")
    if gateway is not None:
        log = gateway.config.log
        document.add_paragraph(
            f"日志保存期限 {log.retention_days} 天；对话内容"
            + (
                "加密保存 " + str(log.content_ttl_days) + " 天后删除。"
                if log.retain_content
                else "不留存。"
            )
        )
    gap_paragraph(
        document,
        "收集的个人信息种类与目的、用户输入是否用于训练及关闭方式（REQ-OPS-03）、"
        "未成年人保护、个人信息权利行使方式等由法务补充。",
    )
    if p.published.agreement_url or p.published.privacy_url:
        document.add_paragraph(
            f"公开地址：服务协议 {value_or_gap(p.published.agreement_url)}；"
            f"隐私政策 {value_or_gap(p.published.privacy_url)}。"
        )
    return save(document, path)


def write_annex3(evidence: Evidence, path: str | os.PathLike[str], *, draft: bool) -> Path:
    """语料标注规则: the profile's annotation summary, or 不涉及 with the reason."""
    document = new_document(ANNEX3_TITLE, draft=draft)
    annotation = evidence.profile.annotation
    if not annotation.involved:
        document.add_paragraph(f"本服务不涉及语料标注。理由：{value_or_gap(annotation.reason)}")
        return save(document, path)
    add_fields(
        document,
        [
            ("标注人员数量", value_or_gap(annotation.staff)),
            ("标注数量（条）", value_or_gap(annotation.volume)),
        ],
    )
    document.add_heading("一、功能性标注规则", level=1)
    document.add_paragraph(value_or_gap(annotation.functional_rules))
    document.add_heading("二、安全性标注规则", level=1)
    document.add_paragraph(value_or_gap(annotation.safety_rules))
    if evidence.pack.risks:
        document.add_paragraph(
            f"安全性标注覆盖 {evidence.pack.title_zh} 附录A 的全部 {len(evidence.pack.risks)} 种"
            "安全风险；一级分类与二级分类与附件4、附件5 一致。"
        )
    gap_paragraph(
        document, "标注流程、人员培训与考核、质量核验比例（GB/T 45674-2025）由备案单位补充。"
    )
    return save(document, path)
