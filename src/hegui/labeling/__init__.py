"""GB 45438-2025 content labels: implicit (AIGC metadata) and explicit labels; write, read, verify.

Implicit label, any supported file::

    from hegui.labeling import AigcLabel, write_label, read_label, check_file

    label = AigcLabel.first_write("001191440300708461136T1XGW3", produce_id="img-0001")
    write_label("out.png", label)              # in place, atomically; or out=...
    read_label("out.png")                      # -> AigcLabel | None
    check_file("out.png").ok                   # present, valid, one copy

Explicit label on text (for chat replies), and both labels on a file::

    label_text("答案……")                        # '【AI生成】\\n答案……'
    add_labels("video.mp4", label, "labelled.mp4", explicit=True)

Platforms: :func:`decide_label` (LM Art. 6) and :func:`propagate`. See docs/labeling.md.
"""

from hegui.labeling.api import StoredLabel, propagate, read_label, read_labels, write_label
from hegui.labeling.check import (
    ExplicitReport,
    FileCheck,
    ImplicitReport,
    PlatformDecision,
    check_file,
    decide_label,
)
from hegui.labeling.codes import (
    ProviderCode,
    ServiceType,
    make_provider_code,
    provider_code_problems,
    uscc_problems,
    validate_provider_code,
    validate_uscc,
)
from hegui.labeling.containers import PLACEMENTS
from hegui.labeling.errors import (
    CorruptFileError,
    InvalidLabelError,
    LabelError,
    ToolMissingError,
    UnsupportedFormatError,
)
from hegui.labeling.explicit.text import TextPosition, find_text_label, label_parts, label_text
from hegui.labeling.formats import Format, detect_format
from hegui.labeling.model import (
    FIELD_NAME,
    KEYS,
    AigcLabel,
    CodePolicy,
    Issue,
    LabelValue,
    ParsedLabel,
    Severity,
    make_label,
    new_content_id,
    parse_label,
    validate_label,
)
from hegui.labeling.pipeline import ExplicitOptions, LabelResult, add_labels

__all__ = [
    "FIELD_NAME",
    "KEYS",
    "PLACEMENTS",
    "AigcLabel",
    "CodePolicy",
    "CorruptFileError",
    "ExplicitOptions",
    "ExplicitReport",
    "FileCheck",
    "Format",
    "ImplicitReport",
    "InvalidLabelError",
    "Issue",
    "LabelError",
    "LabelResult",
    "LabelValue",
    "ParsedLabel",
    "PlatformDecision",
    "ProviderCode",
    "ServiceType",
    "Severity",
    "StoredLabel",
    "TextPosition",
    "ToolMissingError",
    "UnsupportedFormatError",
    "add_labels",
    "check_file",
    "decide_label",
    "detect_format",
    "find_text_label",
    "label_parts",
    "label_text",
    "make_label",
    "make_provider_code",
    "new_content_id",
    "parse_label",
    "propagate",
    "provider_code_problems",
    "read_label",
    "read_labels",
    "uscc_problems",
    "validate_label",
    "validate_provider_code",
    "validate_uscc",
    "write_label",
]
