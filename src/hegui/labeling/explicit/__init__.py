"""Explicit labels: text, image corner text, the audio Morse cue, the video opening label.

Image, audio and video modules import Pillow or need ffmpeg, so they are imported on use; the
text functions have no dependencies.
"""

from hegui.labeling.explicit.text import (
    DEFAULT_LABEL,
    TextLabelMatch,
    TextPosition,
    find_text_label,
    label_parts,
    label_text,
    validate_label_text,
)

__all__ = [
    "DEFAULT_LABEL",
    "TextLabelMatch",
    "TextPosition",
    "find_text_label",
    "label_parts",
    "label_text",
    "validate_label_text",
]
