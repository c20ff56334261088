"""Project configuration (hegui.yaml)."""

from hegui.config.project import (
    CONFIG_NAME,
    JudgeSettings,
    PolicySettings,
    ProjectConfig,
    RunSettings,
    load_config,
)

__all__ = [
    "CONFIG_NAME",
    "JudgeSettings",
    "PolicySettings",
    "ProjectConfig",
    "RunSettings",
    "load_config",
]
