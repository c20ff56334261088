"""Scanners of the gateway's chains: one detection stack shared with the assessment.

* ``keyword`` — :class:`KeywordScanner` over :mod:`hegui.text` (inline);
* ``classifier`` — :class:`ClassifierScanner`, a ``hegui-linear/1`` model (inline);
* ``pii`` — :class:`PiiScanner` over :mod:`hegui.text.pii` (inline, redacts by default);
* ``llm`` — :class:`LlmScanner`, a guard model over HTTP (concurrent task);
* ``judge`` — :class:`JudgeScanner`, any :func:`hegui.judges.build_judge` judge.

:func:`build_scanners` turns configuration entries into scanners, naming each.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hegui.errors import ConfigError, HeguiError
from hegui.gateway.scanners.base import InlineScanner, Scanner, ScannerBase
from hegui.gateway.scanners.classifier import ClassifierScanner
from hegui.gateway.scanners.config import (
    SCANNER_TYPES,
    AnyScannerConfig,
    ClassifierScannerConfig,
    JudgeScannerConfig,
    KeywordScannerConfig,
    KeywordTerm,
    LlmScannerConfig,
    PiiScannerConfig,
)
from hegui.gateway.scanners.judge import JudgeScanner
from hegui.gateway.scanners.keyword import KeywordScanner
from hegui.gateway.scanners.llm import LlmScanner
from hegui.gateway.scanners.pii import PiiScanner

__all__ = [
    "SCANNER_TYPES",
    "AnyScannerConfig",
    "ClassifierScanner",
    "ClassifierScannerConfig",
    "InlineScanner",
    "JudgeScanner",
    "JudgeScannerConfig",
    "KeywordScanner",
    "KeywordScannerConfig",
    "KeywordTerm",
    "LlmScanner",
    "LlmScannerConfig",
    "PiiScanner",
    "PiiScannerConfig",
    "Scanner",
    "ScannerBase",
    "build_scanner",
    "build_scanners",
]


def build_scanner(name: str, config: AnyScannerConfig, base_dir: Path) -> Scanner:
    """One scanner from its configuration entry; relative paths are against ``base_dir``."""
    if isinstance(config, KeywordScannerConfig):
        return KeywordScanner.from_config(name, config, base_dir)
    if isinstance(config, ClassifierScannerConfig):
        return ClassifierScanner.from_config(name, config, base_dir)
    if isinstance(config, PiiScannerConfig):
        return PiiScanner(name, config)
    if isinstance(config, LlmScannerConfig):
        return LlmScanner(name, config)
    return JudgeScanner.from_config(name, config, base_dir)


def build_scanners(
    configs: Sequence[AnyScannerConfig], base_dir: Path, *, where: str
) -> list[Scanner]:
    """Scanners for a chain's entries; ``where`` (``gateway.input.scanners``) names them in
    errors. Unnamed scanners are called by their type (``keyword``, then ``keyword-2`` …)."""
    scanners: list[Scanner] = []
    seen: set[str] = set()
    for index, config in enumerate(configs):
        name = config.name or config.type
        if name in seen and config.name is None:
            n = 2
            while f"{name}-{n}" in seen:
                n += 1
            name = f"{name}-{n}"
        if name in seen:
            raise ConfigError(f"scanner name {name!r} is used twice", field=f"{where}.{index}")
        seen.add(name)
        try:
            scanners.append(build_scanner(name, config, base_dir))
        except (HeguiError, ValueError, OSError) as exc:
            raise ConfigError(f"{type(exc).__name__}: {exc}", field=f"{where}.{index}") from exc
    return scanners
