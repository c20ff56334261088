"""The classifier scanner: a linear model over hashed n-grams (hegui.judges.linear), in process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hegui.gateway.records import ALLOWED, Action, ScanResult
from hegui.gateway.scanners.base import ScannerBase
from hegui.gateway.scanners.config import ClassifierScannerConfig
from hegui.judges.features import length_features
from hegui.judges.linear import LinearModel
from hegui.judges.models import MODEL_NAMES, shipped_model


class ClassifierScanner(ScannerBase):
    """Scores a text with a ``hegui-linear/1`` model; ``action`` at ``threshold``, ``flag`` at
    ``flag_threshold``. Tens of microseconds per short text (numpy), less in a batch: inline."""

    inline = True

    def __init__(self, name: str, model: LinearModel, config: ClassifierScannerConfig) -> None:
        super().__init__(name, on_error=config.on_error, timeout_s=config.timeout_ms / 1000)
        if config.label not in model.classes:
            raise ValueError(
                f"the model's classes are {list(model.classes)}; 'label' {config.label!r} "
                "is not one of them"
            )
        self.model = model
        self.config = config
        self.version = f"{model.name}-{model.version}"
        self._index = model.classes.index(config.label)
        self._reason = (f"classifier:{config.risk or config.label}",)

    @classmethod
    def from_config(
        cls, name: str, config: ClassifierScannerConfig, base_dir: Path
    ) -> ClassifierScanner:
        """Load the model file named by ``config`` (or the shipped model of that name)."""
        path = Path(config.model)
        path = path if path.is_absolute() else base_dir / path
        if config.model in MODEL_NAMES and not path.exists():
            return cls(name, shipped_model(config.model), config)
        return cls(name, LinearModel.load(path), config)

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """See :class:`~hegui.gateway.scanners.base.InlineScanner` (one featurisation of all
        the texts: :meth:`~hegui.judges.linear.LinearModel.probabilities`)."""
        config = self.config
        scored = [i for i, text in enumerate(texts) if text.strip()]
        results = [ALLOWED] * len(texts)
        if not scored:
            return results
        chosen = [texts[i] for i in scored]
        extras = [length_features(t) for t in chosen] if config.length_features else None
        scores = self.model.probabilities(chosen, self._index, extras)
        for i, p in zip(scored, scores, strict=True):
            if p >= config.threshold:
                results[i] = ScanResult(config.action, p, config.risk, self._reason)
            elif config.flag_threshold is not None and p >= config.flag_threshold:
                results[i] = ScanResult(Action.FLAG, p, config.risk, self._reason)
        return results
