"""GB 45438 labels on generated text (hegui.labeling): explicit text labels and the implicit
label object in a response field and header."""

from __future__ import annotations

from hegui.gateway.config import LabelsConfig
from hegui.labeling import AigcLabel, TextPosition, label_parts, label_text
from hegui.targets.openai_wire import dumps


class Labeler:
    """Labels for one gateway: built once, applied per answer."""

    def __init__(self, config: LabelsConfig) -> None:
        self.config = config
        self.position: TextPosition | None = (
            None if config.explicit == "none" else TextPosition(config.explicit)
        )
        if self.position is not None:
            self.prefix, self.suffix = label_parts(self.position, label=config.text)
        else:
            self.prefix = self.suffix = ""
        self._template: dict[str, str] | None = None
        if config.implicit and config.producer is not None:
            # validated once here (charset, lengths); per answer only the two ids change
            self._template = AigcLabel.first_write(config.producer, produce_id="0").to_dict()

    def implicit(self, content_id: str) -> dict[str, str] | None:
        """The implicit label object of one answer (Appendix E names; ProduceID = PropagateID =
        the request id), or None when implicit labels are off.

        Request ids are lower-case hex, within the Appendix E charset, so the validated template
        is copied rather than validated again on the request path.
        """
        if self._template is None:
            return None
        label = dict(self._template)
        label["ProduceID"] = label["PropagateID"] = content_id
        return label

    def headers(self, label: dict[str, str] | None) -> dict[str, str]:
        """The label header (compact ASCII JSON, the Appendix E inner object: its values are
        in the Appendix E charset, printable ASCII)."""
        if label is None:
            return {}
        return {self.config.header: dumps(label).decode("ascii")}

    def explicit(self, text: str) -> str:
        """``text`` with the explicit label, if enabled."""
        if self.position is None:
            return text
        return label_text(text, self.position, label=self.config.text)
