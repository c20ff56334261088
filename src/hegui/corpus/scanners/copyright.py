"""Copyright and licence markers in the text itself (a pointer for IP review, REQ-DATA-05)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hegui.corpus.document import Document, Flag
from hegui.corpus.scanners.base import REASONS, ReasonInfo

_COPYRIGHT = re.compile(
    r"版权所有|著作权所有|保留所有权利|版权归[^。\n]{1,20}所有|"
    r"(?:未经|未获)[^。\n]{0,8}(?:许可|授权|同意)[^。\n]{0,12}(?:转载|复制|使用|传播)|"
    r"禁止转载|谢绝转载|严禁转载|"
    r"all rights reserved|copyright\s*(?:©|\(c\)|\d{4})|©\s*(?:\d{4}|[A-Za-z])",
    re.IGNORECASE,
)
_LICENCE = re.compile(
    r"SPDX-License-Identifier:\s*[\w.\-+]+|"
    r"\bCC[ -]BY(?:[ -](?:NC|ND|SA))*(?:[ -]\d\.\d)?\b|Creative Commons|知识共享|"
    r"GNU (?:Affero |Lesser )?General Public License|Apache License|MIT License",
    re.IGNORECASE,
)
# Cheap substring tests first: most documents contain none of these and skip both regexes.
_ANCHORS = ("版权", "著作权", "权利", "转载", "未经", "未获", "©", "ight", "IGHT")
_LICENCE_ANCHORS = ("SPDX", "CC", "cc", "Creative", "知识共享", "icense", "ICENSE")


class CopyrightScanner:
    """Flags ``copyright_notice`` and ``licence_marker`` (risk A.3.1), once per document."""

    name = "copyright"
    version = "1"

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS["copyright_notice"], REASONS["licence_marker"]]

    def scan(self, doc: Document) -> list[Flag]:
        text = doc.text
        flags: list[Flag] = []
        if any(a in text for a in _ANCHORS):
            hits = len(_COPYRIGHT.findall(text))
            if hits:
                flags.append(Flag("copyright_notice", "A.3.1", hits))
        if any(a in text for a in _LICENCE_ANCHORS):
            hits = len(_LICENCE.findall(text))
            if hits:
                flags.append(Flag("licence_marker", "A.3.1", hits))
        return flags
