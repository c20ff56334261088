"""Build a target from its validated spec."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hegui.targets.base import Target
from hegui.targets.function import CallableTarget, import_function
from hegui.targets.openai import OpenAITarget
from hegui.targets.replay import ReplayTarget
from hegui.targets.spec import AnyTargetSpec, OpenAISpec, ReplaySpec, TargetSpec


def build_target(
    spec: TargetSpec | AnyTargetSpec,
    *,
    base_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """Create the target a spec describes.

    ``base_dir`` resolves a relative replay ``path`` (pass the config file's folder);
    ``environ`` replaces ``os.environ`` when looking up the API key. Raises
    :class:`~hegui.errors.ConfigError` for a missing key variable, an unreadable or malformed
    replay file, or a function that cannot be imported.
    """
    concrete = spec.root if isinstance(spec, TargetSpec) else spec
    if isinstance(concrete, OpenAISpec):
        return OpenAITarget(concrete, environ=environ)
    if isinstance(concrete, ReplaySpec):
        path = Path(concrete.path)
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        return ReplayTarget(path, name=concrete.name)
    fn = import_function(concrete.function)
    return CallableTarget(fn, name=concrete.name, version=concrete.version)
