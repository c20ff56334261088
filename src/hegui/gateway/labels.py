"""GB 45438 labels on generated text (hegui.labeling): explicit text labels and the implicit
label object in a response field and header."""

from __future__ import annotations

from hegui.gateway.config import LabelsConfig
from hegui.labeling import AigcLabel, TextPosition, label_parts, label_text


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
        self._template: AigcLabel | None = None
        if config.implicit and config.producer is not None:
            self._template = AigcLabel.first_write(config.producer, produce_id="0")

    def implicit(self, content_id: str) -> AigcLabel | None:
        """The implicit label of one answer (ProduceID = PropagateID = the request id).

        The producer is validated once, at start; per answer only the ids change, and request
        ids are lower-case hex (within the Appendix E charset), so the label is copied rather
        than validated again on the request path.
        """
        if self._template is None:
            return None
        return self._template.model_copy(
            update={"produce_id": content_id, "propagate_id": content_id}
        )

    def headers(self, label: AigcLabel | None) -> dict[str, str]:
        """The label header (compact ASCII JSON, the Appendix E inner object)."""
        return {self.config.header: label.to_json()} if label is not None else {}

    def explicit(self, text: str) -> str:
        """``text`` with the explicit label, if enabled."""
        if self.position is None:
            return text
        return label_text(text, self.position, label=self.config.text)
