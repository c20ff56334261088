"""测试通道: the list of test accounts the regulator receives — 10 through the safety strategy
(the hegui gateway) and 10 without it — and the API endpoints, as a workbook to complete.

Keys are never written here: hegui shows a key once when it is created (``hegui users add``), and
it is handed over separately.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hegui.filing.docx_base import GAP_MARK
from hegui.filing.evidence import Evidence
from hegui.reports._atomic import atomic_target

ACCOUNTS_PER_CHANNEL = 10
"""10 test accounts with the safety strategy and 10 without (regulation.md §5.2)."""
COLUMNS = ("序号", "通道", "账号", "密钥", "接口地址", "说明")
_GAP_FILL = PatternFill("solid", fgColor="FFFF00")


def write_test_channel(evidence: Evidence, path: str | os.PathLike[str]) -> Path:
    """The account list with the endpoints hegui knows and every other cell marked 【待补】."""
    gateway = evidence.gateway
    if gateway is not None:
        server = gateway.config.server
        safe = f"{GAP_MARK}公网地址 → 网关 {server.host}:{server.port}/v1/chat/completions"
        raw = f"{GAP_MARK}公网地址 → 上游 {gateway.config.upstreams[0].base_url}/chat/completions"
    else:
        safe = raw = f"{GAP_MARK}接口地址"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "测试账号"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    channels = (("含安全策略", "safe", safe), ("不含安全策略", "raw", raw))
    number = 0
    for channel, tag, endpoint in channels:
        for index in range(1, ACCOUNTS_PER_CHANNEL + 1):
            number += 1
            handle = f"filing-{tag}-{index:02d}"
            note = (
                f"创建：hegui users add {handle}，实名核验：hegui users verify {handle}"
                if tag == "safe"
                else "直连模型服务，不经过安全策略（仅供测试）"
            )
            sheet.append((number, channel, handle, f"{GAP_MARK}另行安全传递", endpoint, note))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and GAP_MARK in cell.value:
                cell.fill = _GAP_FILL
    for letter, width in zip("ABCDEF", (6, 14, 20, 22, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    info = workbook.create_sheet("接口说明")
    info.append(("项目", "内容"))
    info.append(("协议", "OpenAI 兼容 Chat Completions，JSON，支持流式与非流式"))
    info.append(("鉴权", "Authorization: Bearer <密钥>（固定密钥，每个账号一个）"))
    info.append(("模型", evidence.profile.model_name or f"{GAP_MARK}模型名称"))
    with atomic_target(path) as tmp:
        workbook.save(tmp)
    return Path(path)
